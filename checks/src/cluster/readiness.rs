//! `ready`: whether a Pod, a replicated workload or a DaemonSet (on every eligible node) is
//! running and ready, and which Pod explains it when it is not.

use serde_json::Value;

use crate::labels;
use crate::path::{self, get_str};
use crate::snapshot::{kind_of, name_of};
use crate::spec::Target;
use crate::verdict::{t, ObjectRef, Outcome};

use super::tolerations::{daemonset_auto_tolerates, render_taint, render_tolerations, tolerates};
use super::{list, names, obj_map, Ctx};

impl<'a> Ctx<'a> {
    pub(super) fn ready(
        &self,
        target: &Target,
        replicas: Option<u32>,
        every_node: bool,
    ) -> Result<Outcome, Outcome> {
        let o = self.resolve(target)?;
        let r = self.objref(o);
        match kind_of(o) {
            "Pod" => {
                if Self::pod_ready(o) {
                    Ok(Outcome::pass(t(
                        format!("{r} 正在运行且已就绪。"),
                        format!("{r} is Running and Ready."),
                    ))
                    .object(Some(r)))
                } else {
                    let why = Self::pod_problem(o);
                    Err(Outcome::fail(t(
                        format!("{r} 还没有就绪：{why}。"),
                        format!("{r} is not Running and Ready: {why}."),
                    ))
                    .object(Some(r))
                    .field("status.phase")
                    .expected("Running, Ready=True")
                    .found(why))
                }
            }
            "DaemonSet" => self.daemonset_ready(o, r, every_node),
            _ => {
                let desired = path::get_one(o, "spec.replicas")
                    .and_then(Value::as_u64)
                    .unwrap_or(1);
                if let Some(n) = replicas {
                    if desired != u64::from(n) {
                        return Err(Outcome::fail(t(
                            format!("{r} 的 spec.replicas 是 {desired}，应为 {n}。"),
                            format!("{r}: spec.replicas is {desired}, expected {n}."),
                        ))
                        .object(Some(r))
                        .field("spec.replicas")
                        .expected(n.to_string())
                        .found(desired.to_string()));
                    }
                }
                let status_field = if kind_of(o) == "StatefulSet" {
                    "status.readyReplicas"
                } else {
                    "status.availableReplicas"
                };
                let avail = path::get_one(o, status_field)
                    .and_then(Value::as_u64)
                    .unwrap_or(0);
                if avail >= desired && desired > 0 {
                    return Ok(Outcome::pass(t(
                        format!("{r} 的 {avail}/{desired} 个副本可用。"),
                        format!("{r}: {avail}/{desired} replicas available."),
                    ))
                    .object(Some(r))
                    .field(status_field)
                    .expected(desired.to_string())
                    .found(avail.to_string()));
                }
                let pods = self.pods_of(o);
                let why = pods
                    .iter()
                    .find(|p| !Self::pod_ready(p))
                    .map(|p| format!(" Pod {}: {}.", name_of(p), Self::pod_problem(p)))
                    .unwrap_or_default();
                Err(Outcome::fail(t(
                    format!("{r} 只有 {avail}/{desired} 个副本可用。{why}"),
                    format!("{r}: only {avail} of {desired} replicas are available.{why}"),
                ))
                .object(Some(r))
                .field(status_field)
                .expected(desired.to_string())
                .found(avail.to_string()))
            }
        }
    }

    fn daemonset_ready(
        &self,
        ds: &Value,
        r: ObjectRef,
        every_node: bool,
    ) -> Result<Outcome, Outcome> {
        let nodes: Vec<&Value> = self.snap.of_kind("Node").collect();
        let pods = self.pods_of(ds);
        let tols = list(ds, "spec.template.spec.tolerations");
        let host_network = path::get_one(ds, "spec.template.spec.hostNetwork")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let node_selector = obj_map(ds, "spec.template.spec.nodeSelector");
        if nodes.is_empty() {
            let desired = path::get_one(ds, "status.desiredNumberScheduled")
                .and_then(Value::as_u64)
                .unwrap_or(0);
            let ready = path::get_one(ds, "status.numberReady")
                .and_then(Value::as_u64)
                .unwrap_or(0);
            if desired > 0 && ready >= desired {
                return Ok(Outcome::pass(t(
                    format!("{r}：{ready}/{desired} 个 Pod 就绪。"),
                    format!("{r}: {ready}/{desired} Pods ready."),
                ))
                .object(Some(r)));
            }
            return Err(Outcome::fail(t(
                format!("{r}：只有 {ready}/{desired} 个 Pod 就绪。"),
                format!("{r}: only {ready} of {desired} Pods are ready."),
            ))
            .object(Some(r))
            .field("status.numberReady")
            .expected(desired.to_string())
            .found(ready.to_string()));
        }
        let mut covered = Vec::new();
        for n in &nodes {
            let nn = name_of(n);
            if !labels::matches(
                &labels::from_map(node_selector),
                obj_map(n, "metadata.labels"),
            ) {
                if every_node {
                    return Err(Outcome::fail(t(
                        format!(
                            "{r} 的 nodeSelector {} 排除了节点 {nn}。",
                            labels::render_map(node_selector)
                        ),
                        format!(
                            "{r}: its nodeSelector {} excludes node {nn}.",
                            labels::render_map(node_selector)
                        ),
                    ))
                    .object(Some(r))
                    .field("spec.template.spec.nodeSelector")
                    .found(labels::render_map(node_selector)));
                }
                continue;
            }
            if let Some(taint) = list(n, "spec.taints").iter().find(|taint| {
                matches!(get_str(taint, "effect"), Some("NoSchedule" | "NoExecute"))
                    && !tols.iter().any(|tol| tolerates(tol, taint))
                    && !daemonset_auto_tolerates(taint, host_network)
            }) {
                if every_node {
                    let ts = render_taint(taint);
                    let found = render_tolerations(tols);
                    return Err(Outcome::fail(t(
                        format!("{r} 不能在节点 {nn} 上运行：它没有容忍污点 {ts}（现有的容忍：{found}）。"),
                        format!("{r} cannot run on node {nn}: taint {ts} is not tolerated (its tolerations: {found})."),
                    ))
                    .object(Some(r))
                    .field("spec.template.spec.tolerations")
                    .expected(format!("a toleration for {ts}"))
                    .found(found));
                }
                continue;
            }
            covered.push(*n);
        }
        if covered.is_empty() {
            return Err(Outcome::fail(t(
                format!("{r} 不能在任何节点上运行。"),
                format!("{r} cannot run on any node."),
            ))
            .object(Some(r))
            .field("spec.template.spec.tolerations"));
        }
        for n in &covered {
            let nn = name_of(n);
            let on_node: Vec<&Value> = pods
                .iter()
                .copied()
                .filter(|p| get_str(p, "spec.nodeName") == Some(nn))
                .collect();
            if !on_node.iter().any(|p| Self::pod_ready(p)) {
                let why = on_node
                    .first()
                    .map(|p| format!("Pod {}: {}", name_of(p), Self::pod_problem(p)))
                    .unwrap_or_else(|| "no Pod".into());
                return Err(Outcome::fail(t(
                    format!("{r} 在节点 {nn} 上没有就绪的 Pod（{why}）。"),
                    format!("{r} has no ready Pod on node {nn} ({why})."),
                ))
                .object(Some(r))
                .field("status.numberReady")
                .expected(format!("a ready Pod on each of {}", names(&covered)))
                .found(why));
            }
        }
        Ok(Outcome::pass(t(
            format!("{r} 在每个节点上都有就绪的 Pod：{}。", names(&covered)),
            format!("{r} has a ready Pod on every node: {}.", names(&covered)),
        ))
        .object(Some(r))
        .found(covered.len().to_string()))
    }
}
