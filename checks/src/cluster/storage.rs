//! `pvc_bound`: whether a PersistentVolumeClaim is bound to a PV of the right class and size,
//! and, while it is Pending, which PV property keeps it from binding.

use serde_json::Value;

use crate::path::{self, get_str, render};
use crate::snapshot::name_of;
use crate::spec::Target;
use crate::verdict::{t, Outcome};

use super::{names, prefixed_ok, Ctx};

impl<'a> Ctx<'a> {
    pub(super) fn pvc_bound(
        &self,
        target: &Target,
        storage_class: Option<&str>,
    ) -> Result<Outcome, Outcome> {
        let pvc = self.resolve(target)?;
        let r = self.objref(pvc);
        let ns = self.ns();
        let class = get_str(pvc, "spec.storageClassName").unwrap_or("");
        let request_s = path::get_one(pvc, "spec.resources.requests.storage")
            .map(render)
            .unwrap_or_default();
        let request = crate::quantity::parse(&request_s);
        let phase = get_str(pvc, "status.phase").unwrap_or("(none)");
        if phase != "Bound" {
            // Explain why it stays Pending.
            let pvs: Vec<&Value> = self
                .snap
                .of_kind("PersistentVolume")
                .filter(|pv| get_str(pv, "spec.storageClassName").unwrap_or("") == class)
                .collect();
            let (zh, en) = if pvs.is_empty() {
                (
                    format!("没有 storageClassName 为 {class} 的 PV。"),
                    format!("No PV has storageClassName {class}."),
                )
            } else if let Some(pv) = pvs.iter().find(|pv| {
                let cap = path::get_one(pv, "spec.capacity.storage")
                    .and_then(crate::quantity::parse_value);
                matches!((cap, request), (Some(c), Some(q)) if c < q)
            }) {
                let cap = path::get_one(pv, "spec.capacity.storage")
                    .map(render)
                    .unwrap_or_default();
                (
                    format!("PV {} 只有 {cap}，小于申请的 {request_s}。", name_of(pv)),
                    format!(
                        "PV {} has only {cap}, less than the {request_s} requested.",
                        name_of(pv)
                    ),
                )
            } else {
                (
                    format!("同类的 PV：{}；检查 accessModes 和容量。", names(&pvs)),
                    format!(
                        "PVs of that class: {}; check accessModes and capacity.",
                        names(&pvs)
                    ),
                )
            };
            return Err(Outcome::fail(t(
                format!("{r} 的状态是 {phase}，还没有绑定。{zh}"),
                format!("{r} is {phase}, not Bound. {en}"),
            ))
            .object(Some(r))
            .field("status.phase")
            .expected("Bound")
            .found(phase));
        }
        let vol = get_str(pvc, "spec.volumeName").unwrap_or_default();
        let Some(pv) = self.snap.get("PersistentVolume", vol) else {
            return Err(Outcome::fail(t(
                format!("{r} 绑定到 PV {vol}，但找不到这个 PV。"),
                format!("{r} is bound to PV {vol}, which was not found."),
            ))
            .object(Some(r))
            .field("spec.volumeName")
            .found(vol));
        };
        let pr = self.objref(pv);
        if let Some(want) = storage_class {
            if !prefixed_ok(ns, want, class) {
                return Err(Outcome::fail(t(
                    format!("{r} 的 storageClassName 是 {class}，应为 {ns}-{want} 或 {want}。"),
                    format!("{r}: storageClassName is {class}, expected {ns}-{want} (or {want})."),
                ))
                .object(Some(r))
                .field("spec.storageClassName")
                .expected(format!("{ns}-{want}"))
                .found(class));
            }
        }
        let pv_class = get_str(pv, "spec.storageClassName").unwrap_or("");
        if pv_class != class {
            return Err(Outcome::fail(t(
                format!("{pr} 的 storageClassName 是 {pv_class}，与 {r} 的 {class} 不同。"),
                format!("{pr}: storageClassName is {pv_class}, but {r} asks for {class}."),
            ))
            .object(Some(pr))
            .field("spec.storageClassName")
            .expected(class)
            .found(pv_class));
        }
        let cap_s = path::get_one(pv, "spec.capacity.storage")
            .map(render)
            .unwrap_or_default();
        let cap = crate::quantity::parse(&cap_s);
        if let (Some(c), Some(q)) = (cap, request) {
            if c < q {
                return Err(Outcome::fail(t(
                    format!("{pr} 的容量 {cap_s} 小于 {r} 申请的 {request_s}。"),
                    format!("{pr}: capacity {cap_s} is less than the {request_s} {r} requests."),
                ))
                .object(Some(pr))
                .field("spec.capacity.storage")
                .expected(format!(">= {request_s}"))
                .found(cap_s));
            }
        }
        Ok(Outcome::pass(t(
            format!("{r}（{request_s}）已绑定到 {pr}（{cap_s}，{pv_class}）。"),
            format!("{r} ({request_s}) is Bound to {pr} ({cap_s}, class {pv_class})."),
        ))
        .object(Some(r))
        .field("status.phase")
        .found("Bound"))
    }
}
