//! Taints and tolerations with Kubernetes semantics: the `tolerates` check, and the matching
//! the DaemonSet readiness check reuses to tell which nodes a DaemonSet can run on.

use serde_json::Value;

use crate::path::get_str;
use crate::spec::{TaintSpec, Target};
use crate::verdict::{t, Outcome};

use super::{list, pod_spec_base, Ctx};

impl<'a> Ctx<'a> {
    pub(super) fn tolerates_check(
        &self,
        target: &Target,
        taint: &TaintSpec,
    ) -> Result<Outcome, Outcome> {
        let o = self.resolve(target)?;
        let r = self.objref(o);
        let base = pod_spec_base(o);
        let tols = list(o, &format!("{base}.tolerations"));
        let taint_v =
            serde_json::json!({"key": taint.key, "value": taint.value, "effect": taint.effect});
        let ts = render_taint(&taint_v);
        let found = render_tolerations(tols);
        let field = format!("{base}.tolerations");
        if tols.iter().any(|tol| tolerates(tol, &taint_v)) {
            return Ok(Outcome::pass(t(
                format!("{r} 容忍污点 {ts}。"),
                format!("{r} tolerates the taint {ts}."),
            ))
            .object(Some(r))
            .field(field)
            .found(found));
        }
        Err(Outcome::fail(t(
            format!("{r} 没有容忍污点 {ts}（现有的容忍：{found}）。"),
            format!("{r} does not tolerate the taint {ts} (its tolerations: {found})."),
        ))
        .object(Some(r))
        .field(field)
        .expected(format!("a toleration for {ts}"))
        .found(found))
    }
}

/// Does a toleration tolerate a taint (Kubernetes semantics)?
pub(crate) fn tolerates(tol: &Value, taint: &Value) -> bool {
    let te = get_str(tol, "effect").unwrap_or("");
    if !te.is_empty() && Some(te) != get_str(taint, "effect") {
        return false;
    }
    let key = get_str(tol, "key").unwrap_or("");
    let op = get_str(tol, "operator").unwrap_or("Equal");
    if key.is_empty() {
        return op == "Exists";
    }
    if Some(key) != get_str(taint, "key") {
        return false;
    }
    match op {
        "Exists" => true,
        _ => get_str(tol, "value").unwrap_or("") == get_str(taint, "value").unwrap_or(""),
    }
}

/// Tolerations the DaemonSet controller adds by itself.
pub(super) fn daemonset_auto_tolerates(taint: &Value, host_network: bool) -> bool {
    let key = get_str(taint, "key").unwrap_or("");
    let effect = get_str(taint, "effect").unwrap_or("");
    matches!(
        (key, effect),
        ("node.kubernetes.io/not-ready", "NoExecute")
            | ("node.kubernetes.io/unreachable", "NoExecute")
            | ("node.kubernetes.io/disk-pressure", "NoSchedule")
            | ("node.kubernetes.io/memory-pressure", "NoSchedule")
            | ("node.kubernetes.io/pid-pressure", "NoSchedule")
            | ("node.kubernetes.io/unschedulable", "NoSchedule")
    ) || (host_network && key == "node.kubernetes.io/network-unavailable" && effect == "NoSchedule")
}

pub(super) fn render_taint(taint: &Value) -> String {
    let key = get_str(taint, "key").unwrap_or("");
    let effect = get_str(taint, "effect").unwrap_or("");
    match get_str(taint, "value") {
        Some(v) if !v.is_empty() => format!("{key}={v}:{effect}"),
        _ => format!("{key}:{effect}"),
    }
}

pub(super) fn render_tolerations(tols: &[Value]) -> String {
    if tols.is_empty() {
        return "(none)".into();
    }
    tols.iter()
        .map(|tol| {
            let key = get_str(tol, "key").unwrap_or("*");
            let op = get_str(tol, "operator").unwrap_or("Equal");
            let effect = get_str(tol, "effect").unwrap_or("*");
            match (op, get_str(tol, "value")) {
                ("Exists", _) | (_, None) => format!("{key}:{effect} ({op})"),
                (_, Some(v)) => format!("{key}={v}:{effect}"),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}
