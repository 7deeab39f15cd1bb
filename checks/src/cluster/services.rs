//! Services (`service_endpoints`, `target_port`): enough ready endpoints, and a `targetPort` that a
//! selected container declares. Ingress reuses the endpoint check for the last link of its chain.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::labels;
use crate::path::{self, get_str, render};
use crate::snapshot::name_of;
use crate::spec::Target;
use crate::verdict::{t, Outcome};

use super::{list, obj_map, Ctx};

impl<'a> Ctx<'a> {
    /// Ready endpoint addresses of a Service (EndpointSlices, falling back to Endpoints).
    fn ready_endpoints(&self, svc_name: &str) -> (usize, usize, bool) {
        let mut ready = BTreeSet::new();
        let mut total = BTreeSet::new();
        let mut any_slice = false;
        for s in self.slices_of(svc_name) {
            any_slice = true;
            for e in list(s, "endpoints") {
                let addr = list(e, "addresses").first().map(render).unwrap_or_default();
                total.insert(addr.clone());
                if Self::endpoint_ready(e) {
                    ready.insert(addr);
                }
            }
        }
        if !any_slice {
            if let Some(ep) = self.snap.get("Endpoints", svc_name) {
                any_slice = true;
                for sub in list(ep, "subsets") {
                    for a in list(sub, "addresses") {
                        let ip = get_str(a, "ip").unwrap_or_default().to_string();
                        total.insert(ip.clone());
                        ready.insert(ip);
                    }
                    for a in list(sub, "notReadyAddresses") {
                        total.insert(get_str(a, "ip").unwrap_or_default().to_string());
                    }
                }
            }
        }
        (ready.len(), total.len(), any_slice)
    }

    /// The EndpointSlices of a Service (labelled `kubernetes.io/service-name`).
    pub(crate) fn slices_of(&self, svc_name: &str) -> impl Iterator<Item = &'a Value> + 'a {
        let svc_name = svc_name.to_string();
        self.snap.of_kind("EndpointSlice").filter(move |s| {
            get_str(s, "metadata.labels[\"kubernetes.io/service-name\"]") == Some(svc_name.as_str())
        })
    }

    /// Whether one endpoint of a slice takes traffic (`conditions.ready`: nil means ready, as in the API).
    pub(crate) fn endpoint_ready(e: &Value) -> bool {
        path::get_one(e, "conditions.ready")
            .and_then(Value::as_bool)
            .unwrap_or(true)
    }

    /// The live Pods a Service's selector picks; a Service without a selector picks none.
    pub(crate) fn service_pods(&self, svc: &Value) -> Vec<&'a Value> {
        let sel = labels::from_map(obj_map(svc, "spec.selector"));
        if sel.is_empty() {
            return Vec::new();
        }
        self.live_pods()
            .filter(|p| labels::matches(&sel, obj_map(p, "metadata.labels")))
            .collect()
    }

    pub(super) fn endpoints(&self, svc: &Value, min_ready: u32) -> Result<Outcome, Outcome> {
        let r = self.objref(svc);
        let (ready, total, any) = self.ready_endpoints(name_of(svc));
        if ready >= min_ready as usize {
            return Ok(Outcome::pass(t(
                format!("{r} 有 {ready} 个就绪的 endpoint。"),
                format!("{r} has {ready} ready endpoints."),
            ))
            .object(Some(r))
            .expected(format!(">= {min_ready}"))
            .found(ready.to_string()));
        }
        let matching = self.service_pods(svc);
        let ready_pods = matching.iter().filter(|p| Self::pod_ready(p)).count();
        let sel_s = labels::render_map(obj_map(svc, "spec.selector"));
        let (zh, en) = if matching.is_empty() {
            (
                format!("它的 selector {sel_s} 没有匹配任何 Pod。"),
                format!("Its selector {sel_s} matches 0 Pods."),
            )
        } else if ready_pods == 0 {
            (
                format!(
                    "它的 selector {sel_s} 匹配 {} 个 Pod，但都没有就绪。",
                    matching.len()
                ),
                format!(
                    "Its selector {sel_s} matches {} Pods but none is ready.",
                    matching.len()
                ),
            )
        } else if !any {
            (
                "还没有 EndpointSlice，稍等片刻再检查。".to_string(),
                "There is no EndpointSlice yet; check again in a moment.".to_string(),
            )
        } else {
            (
                format!(
                    "selector {sel_s} 匹配 {} 个 Pod，其中 {ready_pods} 个就绪。",
                    matching.len()
                ),
                format!(
                    "Selector {sel_s} matches {} Pods, {ready_pods} of them ready.",
                    matching.len()
                ),
            )
        };
        Err(Outcome::fail(t(
            format!("{r} 只有 {ready} 个就绪的 endpoint（共 {total} 个），至少需要 {min_ready} 个。{zh}"),
            format!("{r} has {ready} ready endpoints ({total} in total), needs at least {min_ready}. {en}"),
        ))
        .object(Some(r))
        .field("endpoints")
        .expected(format!(">= {min_ready}"))
        .found(ready.to_string()))
    }

    /// Container ports of a pod spec: (number, name).
    fn container_ports(spec: &Value) -> Vec<(u64, Option<String>)> {
        let mut out = Vec::new();
        for c in list(spec, "containers") {
            for p in list(c, "ports") {
                if let Some(n) = path::get_one(p, "containerPort").and_then(Value::as_u64) {
                    out.push((n, get_str(p, "name").map(str::to_string)));
                }
            }
        }
        out
    }

    pub(super) fn target_port(
        &self,
        target: &Target,
        workload: Option<&Target>,
    ) -> Result<Outcome, Outcome> {
        let svc = self.resolve(target)?;
        let r = self.objref(svc);
        let pods = self.service_pods(svc);
        let (ports, source) = if let Some(p) = pods.first() {
            (
                Self::container_ports(path::get_one(p, "spec").unwrap_or(&Value::Null)),
                format!("Pod {}", name_of(p)),
            )
        } else if let Some(w) = workload {
            let wl = self.resolve(w)?;
            (
                Self::container_ports(
                    path::get_one(wl, "spec.template.spec").unwrap_or(&Value::Null),
                ),
                format!("{}", self.objref(wl)),
            )
        } else {
            return Err(Outcome::fail(t(
                format!("{r} 没有选中任何 Pod，无法核对 targetPort。"),
                format!("{r} selects no Pods, so its targetPort cannot be checked."),
            ))
            .object(Some(r))
            .field("spec.selector"));
        };
        let ports_s = if ports.is_empty() {
            "(none declared)".to_string()
        } else {
            ports
                .iter()
                .map(|(n, name)| match name {
                    Some(nm) => format!("{n} ({nm})"),
                    None => n.to_string(),
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let sports = list(svc, "spec.ports");
        if sports.is_empty() {
            return Err(Outcome::fail(t(
                format!("{r} 没有定义端口。"),
                format!("{r} defines no ports."),
            ))
            .object(Some(r))
            .field("spec.ports"));
        }
        for (i, sp) in sports.iter().enumerate() {
            let tp = path::get_one(sp, "targetPort")
                .or_else(|| path::get_one(sp, "port"))
                .cloned()
                .unwrap_or(Value::Null);
            let ok = match &tp {
                Value::Number(n) => ports.iter().any(|(p, _)| Some(*p) == n.as_u64()),
                Value::String(s) => match s.parse::<u64>() {
                    Ok(n) => ports.iter().any(|(p, _)| *p == n),
                    Err(_) => ports
                        .iter()
                        .any(|(_, nm)| nm.as_deref() == Some(s.as_str())),
                },
                _ => false,
            };
            if !ok {
                let field = format!("spec.ports[{i}].targetPort");
                return Err(Outcome::fail(t(
                    format!(
                        "{r} 的 {field} 是 {}，但 {source} 的容器端口是 {ports_s}。",
                        render(&tp)
                    ),
                    format!(
                        "{r}: {field} is {}, but the container ports of {source} are {ports_s}.",
                        render(&tp)
                    ),
                ))
                .object(Some(r))
                .field(field)
                .expected(ports_s)
                .found(render(&tp)));
            }
        }
        Ok(Outcome::pass(t(
            format!("{r} 的 targetPort 对应 {source} 的容器端口 {ports_s}。"),
            format!("{r}: targetPort matches the container ports of {source} ({ports_s})."),
        ))
        .object(Some(r))
        .field("spec.ports")
        .found(ports_s))
    }
}
