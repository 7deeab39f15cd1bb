//! Evaluation of the object-level checks against a [`Snapshot`].
// `Result<Outcome, Outcome>` is pass/fail control flow (the Err side is the failure verdict, built once
// per assertion), not an error type; boxing it would only add noise.
#![allow(clippy::result_large_err)]

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::labels::{self, Req};
use crate::path::{self, get_str, render};
use crate::snapshot::{kind_of, name_of, Snapshot};
use crate::spec::{Check, ClassRequirement, Expect, TaintSpec, Target};
use crate::verdict::{t, ObjectRef, Outcome};

pub(crate) struct Ctx<'a> {
    pub snap: &'a Snapshot,
    pub offline: bool,
}

static EMPTY: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);

fn obj_map<'a>(v: &'a Value, p: &str) -> &'a Map<String, Value> {
    path::get_one(v, p)
        .and_then(Value::as_object)
        .unwrap_or(&EMPTY)
}

fn list<'a>(v: &'a Value, p: &str) -> &'a [Value] {
    path::get_one(v, p)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

fn names(vs: &[&Value]) -> String {
    if vs.is_empty() {
        return "(none)".into();
    }
    vs.iter().map(|v| name_of(v)).collect::<Vec<_>>().join(", ")
}

/// Accept `value` or `<ns>-value`.
fn prefixed_ok(ns: &str, want: &str, got: &str) -> bool {
    got == want || got == format!("{ns}-{want}")
}

impl<'a> Ctx<'a> {
    fn ns(&self) -> &str {
        &self.snap.namespace
    }

    pub fn objref(&self, v: &Value) -> ObjectRef {
        let kind = kind_of(v).to_string();
        ObjectRef {
            namespace: Snapshot::is_namespaced(&kind).then(|| self.ns().to_string()),
            name: name_of(v).to_string(),
            kind,
        }
    }

    fn target_ref(&self, t: &Target) -> Option<ObjectRef> {
        t.name.as_ref().map(|n| ObjectRef {
            kind: t.kind.clone(),
            name: n.clone(),
            namespace: Snapshot::is_namespaced(&t.kind).then(|| self.ns().to_string()),
        })
    }

    /// Human description of a target: `Deployment ngx-dep`, `IngressClass ns-ngx-ink (or ngx-ink)`.
    fn describe(&self, t: &Target) -> String {
        let mut s = t.kind.clone();
        if let Some(n) = &t.name {
            if t.prefixable {
                s.push_str(&format!(" {}-{n} (or {n})", self.ns()));
            } else {
                s.push_str(&format!(" {n}"));
            }
        }
        if !t.where_.is_empty() {
            let w: Vec<String> = t
                .where_
                .iter()
                .map(|(k, v)| {
                    if t.prefixable {
                        format!("{k}={}-{} (or {})", self.ns(), render(v), render(v))
                    } else {
                        format!("{k}={}", render(v))
                    }
                })
                .collect();
            s.push_str(&format!(" with {}", w.join(", ")));
        }
        s
    }

    /// Find the target. Prefixed names win over plain ones.
    pub fn resolve(&self, tg: &Target) -> Result<&'a Value, Outcome> {
        let ns = self.ns().to_string();
        let snap: &'a Snapshot = self.snap;
        // rank: 2 = all matches used the prefixed form, 1 = plain, 0 = no match
        let rank = |o: &Value| -> u8 {
            let mut prefixed = true;
            if let Some(n) = &tg.name {
                let got = name_of(o);
                if tg.prefixable && got == format!("{ns}-{n}") {
                } else if got == n {
                    prefixed = false;
                } else {
                    return 0;
                }
            }
            for (k, want) in &tg.where_ {
                let Ok(segs) = path::parse(k) else { return 0 };
                let got: Vec<String> = path::get(o, &segs)
                    .into_iter()
                    .map(|(_, v)| render(v))
                    .collect();
                let want = render(want);
                if tg.prefixable && got.contains(&format!("{ns}-{want}")) {
                } else if got.contains(&want) {
                    prefixed = false;
                } else {
                    return 0;
                }
            }
            if prefixed && tg.prefixable {
                2
            } else {
                1
            }
        };
        let mut best: Option<(&'a Value, u8)> = None;
        for o in snap.of_kind(&tg.kind) {
            let r = rank(o);
            if r > 0 && best.is_none_or(|(_, b)| r > b) {
                best = Some((o, r));
            }
        }
        if let Some((o, _)) = best {
            return Ok(o);
        }
        let existing: Vec<&Value> = snap.of_kind(&tg.kind).collect();
        let d = self.describe(tg);
        let where_ns = if Snapshot::is_namespaced(&tg.kind) {
            (format!("命名空间 {ns} 里",), format!(" in namespace {ns}"))
        } else {
            (String::from("集群里"), String::new())
        };
        Err(Outcome::fail(t(
            format!(
                "{}没有找到 {d}。现有的 {}：{}",
                where_ns.0,
                tg.kind,
                names(&existing)
            ),
            format!(
                "{d} not found{}. Existing {}s: {}",
                where_ns.1,
                tg.kind,
                names(&existing)
            ),
        ))
        .object(self.target_ref(tg))
        .expected(d.clone())
        .found(names(&existing))
        .missing(key_of(tg)))
    }

    /// Pods that are not terminating and not finished.
    fn live_pods(&self) -> impl Iterator<Item = &'a Value> + 'a {
        self.snap.of_kind("Pod").filter(|p| {
            path::get_one(p, "metadata.deletionTimestamp").is_none()
                && !matches!(get_str(p, "status.phase"), Some("Succeeded" | "Failed"))
        })
    }

    fn owner_is(&self, obj: &Value, kind: &str, name: &str) -> bool {
        list(obj, "metadata.ownerReferences")
            .iter()
            .any(|r| get_str(r, "kind") == Some(kind) && get_str(r, "name") == Some(name))
    }

    /// The live Pods of a workload (Deployment via its ReplicaSets, or direct owner), falling back
    /// to the workload's selector for Pods without ownerReferences.
    fn pods_of(&self, wl: &Value) -> Vec<&'a Value> {
        let kind = kind_of(wl);
        let name = name_of(wl);
        let sel =
            labels::from_label_selector(path::get_one(wl, "spec.selector").unwrap_or(&Value::Null));
        self.live_pods()
            .filter(|p| {
                let owners = list(p, "metadata.ownerReferences");
                if owners.is_empty() {
                    return !sel.is_empty() && labels::matches(&sel, obj_map(p, "metadata.labels"));
                }
                if kind == "Deployment" {
                    owners.iter().any(|r| {
                        if get_str(r, "kind") != Some("ReplicaSet") {
                            return false;
                        }
                        let rs_name = get_str(r, "name").unwrap_or_default();
                        match self.snap.get("ReplicaSet", rs_name) {
                            Some(rs) => self.owner_is(rs, "Deployment", name),
                            None => {
                                let hash = get_str(p, "metadata.labels[\"pod-template-hash\"]")
                                    .unwrap_or_default();
                                rs_name == format!("{name}-{hash}")
                            }
                        }
                    })
                } else {
                    self.owner_is(p, kind, name)
                }
            })
            .collect()
    }

    fn pod_ready(p: &Value) -> bool {
        get_str(p, "status.phase") == Some("Running")
            && list(p, "status.conditions").iter().any(|c| {
                get_str(c, "type") == Some("Ready") && get_str(c, "status") == Some("True")
            })
    }

    /// Why a Pod is not ready, e.g. `phase Pending, ImagePullBackOff`.
    fn pod_problem(p: &Value) -> String {
        let mut parts = vec![format!(
            "phase {}",
            get_str(p, "status.phase").unwrap_or("Unknown")
        )];
        for cs in list(p, "status.containerStatuses") {
            if let Some(r) = get_str(cs, "state.waiting.reason") {
                parts.push(format!(
                    "{} {r}",
                    get_str(cs, "name").unwrap_or("container")
                ));
            } else if let Some(r) = get_str(cs, "state.terminated.reason") {
                parts.push(format!(
                    "{} {r}",
                    get_str(cs, "name").unwrap_or("container")
                ));
            }
        }
        if let Some(c) = list(p, "status.conditions").iter().find(|c| {
            get_str(c, "type") == Some("PodScheduled") && get_str(c, "status") == Some("False")
        }) {
            parts.push(format!(
                "unschedulable: {}",
                get_str(c, "message").unwrap_or_default()
            ));
        }
        parts.join(", ")
    }

    pub fn eval(&self, check: &Check) -> Outcome {
        match self.eval_inner(check) {
            Ok(o) | Err(o) => o,
        }
    }

    fn eval_inner(&self, check: &Check) -> Result<Outcome, Outcome> {
        match check {
            Check::Exists { target } => {
                let o = self.resolve(target)?;
                let r = self.objref(o);
                Ok(
                    Outcome::pass(t(format!("{r} 已存在。"), format!("{r} exists.")))
                        .object(Some(r)),
                )
            }
            Check::Field {
                target,
                path,
                expect,
                all,
            } => self.field(target, path, expect, *all),
            Check::SelectorMatchesTemplate { target } => self.selector_matches_template(target),
            Check::ServiceSelects {
                target,
                workload,
                count,
            } => self.service_selects(target, workload, *count),
            Check::LabelSelects {
                selector,
                count,
                owner,
            } => self.label_selects(selector, *count, owner.as_ref()),
            Check::Ready {
                target,
                replicas,
                every_node,
            } => self.ready(target, *replicas, *every_node),
            Check::Tolerates { target, taint } => self.tolerates_check(target, taint),
            Check::ServiceEndpoints { target, min_ready } => {
                let svc = self.resolve(target)?;
                self.endpoints(svc, *min_ready)
            }
            Check::TargetPort { target, workload } => self.target_port(target, workload.as_ref()),
            Check::IngressRoute {
                target,
                host,
                path,
                path_types,
                service,
                port,
                class,
                min_ready,
            } => self.ingress(
                target,
                host,
                path,
                path_types,
                service,
                port,
                class.as_ref(),
                *min_ready,
            ),
            Check::PvcBound {
                target,
                storage_class,
            } => self.pvc_bound(target, storage_class.as_deref()),
            Check::EnvNamesService {
                target,
                container,
                env,
                service,
            } => self.env_names_service(target, container.as_deref(), env, service),
            other => Err(Outcome::fail(t(
                format!("检查 {} 不适用于集群对象。", other.name()),
                format!("Check {} does not apply to cluster objects.", other.name()),
            ))),
        }
    }

    // ---- field ----

    fn field(
        &self,
        target: &Target,
        p: &str,
        expect: &Expect,
        all: bool,
    ) -> Result<Outcome, Outcome> {
        let o = self.resolve(target)?;
        let r = self.objref(o);
        let segs = path::parse(p)
            .map_err(|e| Outcome::fail(t(format!("路径错误：{e}"), format!("Bad path: {e}"))))?;
        let values = path::get(o, &segs);
        let want = describe_expect(expect, self.ns());
        if expect.present == Some(false) {
            return match values.first() {
                None => Ok(
                    Outcome::pass(t(format!("{r} 没有 {p}。"), format!("{r} has no {p}.")))
                        .object(Some(r)),
                ),
                Some((cp, v)) => Err(Outcome::fail(t(
                    format!("{r} 不应设置 {cp}，但它是 {}。", render(v)),
                    format!("{r} should not set {cp}, but it is {}.", render(v)),
                ))
                .object(Some(r))
                .field(cp.clone())
                .expected("(absent)")
                .found(render(v))),
            };
        }
        if values.is_empty() {
            return Err(Outcome::fail(t(
                format!("{r} 缺少字段 {p}（应为 {want}）。"),
                format!("{r} has no {p} (expected {want})."),
            ))
            .object(Some(r))
            .field(p)
            .expected(want)
            .found("(missing)"));
        }
        let bad: Vec<&(String, &Value)> = values
            .iter()
            .filter(|(_, v)| !satisfies(expect, v, self.ns()))
            .collect();
        let ok = if all {
            bad.is_empty()
        } else {
            bad.len() < values.len()
        };
        if ok {
            let (cp, v) = &values[0];
            return Ok(Outcome::pass(t(
                format!("{r} 的 {cp} 是 {}。", render(v)),
                format!("{r}: {cp} is {}.", render(v)),
            ))
            .object(Some(r))
            .field(cp.clone())
            .expected(want)
            .found(render(v)));
        }
        let (cp, v) = bad[0];
        let found = if values.len() > 1 && !all {
            values
                .iter()
                .map(|(_, v)| render(v))
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            render(v)
        };
        Err(Outcome::fail(t(
            format!("{r} 的 {cp} 是 {found}，应为 {want}。"),
            format!("{r}: {cp} is {found}, expected {want}."),
        ))
        .object(Some(r))
        .field(cp.clone())
        .expected(want)
        .found(found))
    }

    // ---- selectors ----

    fn selector_matches_template(&self, target: &Target) -> Result<Outcome, Outcome> {
        let o = self.resolve(target)?;
        let r = self.objref(o);
        let sel_v = path::get_one(o, "spec.selector").unwrap_or(&Value::Null);
        let sel = labels::from_label_selector(sel_v);
        let tmpl = obj_map(o, "spec.template.metadata.labels");
        let sel_s = labels::render_reqs(&sel);
        let tmpl_s = labels::render_map(tmpl);
        if sel.is_empty() {
            return Err(Outcome::fail(t(
                format!("{r} 没有 spec.selector.matchLabels；它应与 Pod 模板的标签 {tmpl_s} 一致。"),
                format!("{r} has no spec.selector.matchLabels; it must match the pod template labels {tmpl_s}."),
            ))
            .object(Some(r))
            .field("spec.selector.matchLabels")
            .expected(tmpl_s)
            .found("(missing)"));
        }
        if labels::matches(&sel, tmpl) {
            return Ok(Outcome::pass(t(
                format!("{r} 的 selector {sel_s} 与 Pod 模板标签 {tmpl_s} 一致。"),
                format!("{r}: selector {sel_s} matches the pod template labels {tmpl_s}."),
            ))
            .object(Some(r))
            .field("spec.selector.matchLabels")
            .expected(tmpl_s)
            .found(sel_s));
        }
        let field = sel
            .iter()
            .find(|q| !q.matches(tmpl))
            .map(|q| match q {
                Req::Eq(k, _) => path_key("spec.selector.matchLabels", k),
                _ => "spec.selector.matchExpressions".to_string(),
            })
            .unwrap_or_else(|| "spec.selector".into());
        Err(Outcome::fail(t(
            format!("{r} 的 selector {sel_s} 与 Pod 模板的标签 {tmpl_s} 不匹配，它管不到自己创建的 Pod。"),
            format!("{r}: selector {sel_s} does not match its pod template labels {tmpl_s}, so it would not own the Pods it creates."),
        ))
        .object(Some(r))
        .field(field)
        .expected(tmpl_s)
        .found(sel_s))
    }

    fn service_selects(
        &self,
        target: &Target,
        workload: &Target,
        count: Option<u32>,
    ) -> Result<Outcome, Outcome> {
        let svc = self.resolve(target)?;
        let r = self.objref(svc);
        let wl = self.resolve(workload)?;
        let wr = self.objref(wl);
        let sel_map = obj_map(svc, "spec.selector");
        let sel = labels::from_map(sel_map);
        let sel_s = labels::render_map(sel_map);
        let tmpl = obj_map(wl, "spec.template.metadata.labels");
        let tmpl_s = labels::render_map(tmpl);
        if sel.is_empty() {
            return Err(Outcome::fail(t(
                format!("{r} 没有 selector，它不会选中任何 Pod；{wr} 的 Pod 标签是 {tmpl_s}。"),
                format!("{r} has no selector, so it selects no Pods; the Pods of {wr} have labels {tmpl_s}."),
            ))
            .object(Some(r))
            .field("spec.selector")
            .expected(tmpl_s)
            .found("(missing)"));
        }
        let field = sel_map
            .iter()
            .find(|(k, v)| tmpl.get(*k).map(render) != Some(render(v)))
            .map(|(k, _)| path_key("spec.selector", k))
            .unwrap_or_else(|| "spec.selector".into());
        // The classic mistake: the selector names the workload instead of its pod labels.
        let names_workload =
            sel_map.values().any(|v| render(v) == name_of(wl)) && !labels::matches(&sel, tmpl);
        let wl_pods = self.pods_of(wl);
        let all_matching: Vec<&Value> = self
            .live_pods()
            .filter(|p| labels::matches(&sel, obj_map(p, "metadata.labels")))
            .collect();
        let selected: Vec<&Value> = wl_pods
            .iter()
            .copied()
            .filter(|p| labels::matches(&sel, obj_map(p, "metadata.labels")))
            .collect();
        let pods_exist = !wl_pods.is_empty();
        let ok = if pods_exist {
            !selected.is_empty()
        } else {
            labels::matches(&sel, tmpl)
        };
        if !ok {
            let (zh_extra, en_extra) = if names_workload {
                (
                    format!("selector 用的是 {} 的名字，而 Service 选择的是 Pod 的标签，不是 Deployment 的名字。", wr),
                    format!(" The selector uses the name of {wr}, but a Service selects Pod labels, not the workload's name."),
                )
            } else {
                (String::new(), String::new())
            };
            return Err(Outcome::fail(t(
                format!(
                    "{r} 没有选中 {wr} 的 Pod：它的 selector {sel_s} 匹配 {} 个 Pod；{wr} 的 Pod 标签是 {tmpl_s}。{zh_extra}",
                    all_matching.len()
                ),
                format!(
                    "{r} selects no Pods of {wr}: its selector {sel_s} matches {} Pods; the Pods of {wr} have labels {tmpl_s}.{en_extra}",
                    all_matching.len()
                ),
            ))
            .object(Some(r))
            .field(field)
            .expected(tmpl_s)
            .found(sel_s));
        }
        if let Some(n) = count {
            if pods_exist && selected.len() != n as usize {
                return Err(Outcome::fail(t(
                    format!(
                        "{r} 选中了 {wr} 的 {} 个 Pod，应为 {n} 个。",
                        selected.len()
                    ),
                    format!("{r} selects {} Pods of {wr}, expected {n}.", selected.len()),
                ))
                .object(Some(r))
                .field("spec.selector")
                .expected(n.to_string())
                .found(selected.len().to_string()));
            }
        }
        let (zh, en) = if pods_exist {
            (
                format!(
                    "{r} 的 selector {sel_s} 选中了 {wr} 的 {} 个 Pod：{}。",
                    selected.len(),
                    names(&selected)
                ),
                format!(
                    "{r}: selector {sel_s} selects {} Pods of {wr}: {}.",
                    selected.len(),
                    names(&selected)
                ),
            )
        } else {
            (
                format!("{r} 的 selector {sel_s} 匹配 {wr} 的 Pod 模板标签 {tmpl_s}。"),
                format!(
                    "{r}: selector {sel_s} matches the pod template labels of {wr} ({tmpl_s})."
                ),
            )
        };
        Ok(Outcome::pass(t(zh, en))
            .object(Some(r))
            .field("spec.selector")
            .expected(tmpl_s)
            .found(sel_s))
    }

    fn label_selects(
        &self,
        selector: &str,
        count: Option<u32>,
        owner: Option<&Target>,
    ) -> Result<Outcome, Outcome> {
        let reqs = labels::parse_selector(selector).map_err(|e| Outcome::fail(t(e.clone(), e)))?;
        let selected: Vec<&Value> = self
            .live_pods()
            .filter(|p| labels::matches(&reqs, obj_map(p, "metadata.labels")))
            .collect();
        let field = format!("-l {selector}");
        if let Some(ot) = owner {
            let w = self.resolve(ot)?;
            let wr = self.objref(w);
            let owned = self.pods_of(w);
            let strangers: Vec<&Value> = selected
                .iter()
                .copied()
                .filter(|p| !owned.iter().any(|o| std::ptr::eq(*o, *p)))
                .collect();
            if !strangers.is_empty() {
                let s = strangers[0];
                return Err(Outcome::fail(t(
                    format!(
                        "-l {selector} 选中了 {} 个 Pod，其中 {} 不属于 {wr}（标签 {}）。",
                        selected.len(),
                        name_of(s),
                        labels::render_map(obj_map(s, "metadata.labels"))
                    ),
                    format!(
                        "-l {selector} selects {} Pods, and {} is not a Pod of {wr} (labels {}).",
                        selected.len(),
                        name_of(s),
                        labels::render_map(obj_map(s, "metadata.labels"))
                    ),
                ))
                .object(Some(wr))
                .field(field)
                .expected(format!("only the Pods of {}", name_of(w)))
                .found(names(&selected)));
            }
            let missed: Vec<&Value> = owned
                .iter()
                .copied()
                .filter(|p| !selected.iter().any(|s| std::ptr::eq(*s, *p)))
                .collect();
            if !missed.is_empty() {
                return Err(Outcome::fail(t(
                    format!("-l {selector} 漏掉了 {wr} 的 Pod：{}。", names(&missed)),
                    format!("-l {selector} misses Pods of {wr}: {}.", names(&missed)),
                ))
                .object(Some(wr))
                .field(field)
                .expected(names(&owned))
                .found(names(&selected)));
            }
        }
        if let Some(n) = count {
            if selected.len() != n as usize {
                return Err(Outcome::fail(t(
                    format!(
                        "-l {selector} 选中了 {} 个 Pod（{}），应为 {n} 个。",
                        selected.len(),
                        names(&selected)
                    ),
                    format!(
                        "-l {selector} selects {} Pods ({}), expected {n}.",
                        selected.len(),
                        names(&selected)
                    ),
                ))
                .field(field)
                .expected(n.to_string())
                .found(selected.len().to_string()));
            }
        }
        Ok(Outcome::pass(t(
            format!(
                "-l {selector} 选中了 {} 个 Pod：{}。",
                selected.len(),
                names(&selected)
            ),
            format!(
                "-l {selector} selects {} Pods: {}.",
                selected.len(),
                names(&selected)
            ),
        ))
        .field(field)
        .found(selected.len().to_string()))
    }

    // ---- readiness ----

    fn ready(
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

    fn tolerates_check(&self, target: &Target, taint: &TaintSpec) -> Result<Outcome, Outcome> {
        let o = self.resolve(target)?;
        let r = self.objref(o);
        let base = if kind_of(o) == "Pod" {
            "spec"
        } else {
            "spec.template.spec"
        };
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

    // ---- services ----

    /// Ready endpoint addresses of a Service (EndpointSlices, falling back to Endpoints).
    fn ready_endpoints(&self, svc_name: &str) -> (usize, usize, bool) {
        let mut ready = BTreeSet::new();
        let mut total = BTreeSet::new();
        let mut any_slice = false;
        for s in self.snap.of_kind("EndpointSlice") {
            if get_str(s, "metadata.labels[\"kubernetes.io/service-name\"]") != Some(svc_name) {
                continue;
            }
            any_slice = true;
            for e in list(s, "endpoints") {
                let addr = list(e, "addresses").first().map(render).unwrap_or_default();
                total.insert(addr.clone());
                // conditions.ready: nil means ready (API semantics)
                if path::get_one(e, "conditions.ready")
                    .and_then(Value::as_bool)
                    .unwrap_or(true)
                {
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

    fn endpoints(&self, svc: &Value, min_ready: u32) -> Result<Outcome, Outcome> {
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
        let sel_map = obj_map(svc, "spec.selector");
        let sel = labels::from_map(sel_map);
        let matching: Vec<&Value> = if sel.is_empty() {
            Vec::new()
        } else {
            self.live_pods()
                .filter(|p| labels::matches(&sel, obj_map(p, "metadata.labels")))
                .collect()
        };
        let ready_pods = matching.iter().filter(|p| Self::pod_ready(p)).count();
        let sel_s = labels::render_map(sel_map);
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

    fn target_port(&self, target: &Target, workload: Option<&Target>) -> Result<Outcome, Outcome> {
        let svc = self.resolve(target)?;
        let r = self.objref(svc);
        let sel = labels::from_map(obj_map(svc, "spec.selector"));
        let pods: Vec<&Value> = if sel.is_empty() {
            Vec::new()
        } else {
            self.live_pods()
                .filter(|p| labels::matches(&sel, obj_map(p, "metadata.labels")))
                .collect()
        };
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

    // ---- ingress ----

    #[allow(clippy::too_many_arguments)]
    fn ingress(
        &self,
        target: &Target,
        host: &str,
        want_path: &str,
        path_types: &[String],
        service: &str,
        port: &Value,
        class: Option<&ClassRequirement>,
        min_ready: u32,
    ) -> Result<Outcome, Outcome> {
        let ing = self.resolve(target)?;
        let r = self.objref(ing);
        let fail = |field: &str, zh: String, en: String, expected: String, found: String| {
            Outcome::fail(t(zh, en))
                .object(Some(r.clone()))
                .field(field)
                .expected(expected)
                .found(found)
        };
        let ns = self.ns();
        // 1. IngressClass
        let class_name = get_str(ing, "spec.ingressClassName")
            .or_else(|| get_str(ing, "metadata.annotations[\"kubernetes.io/ingress.class\"]"));
        let want_class = class.and_then(|c| c.name.as_deref());
        let want_class_s = want_class
            .map(|w| format!("{ns}-{w} (or {w})"))
            .unwrap_or_else(|| "an existing IngressClass".into());
        let Some(class_name) = class_name else {
            return Err(fail(
                "spec.ingressClassName",
                format!(
                    "{r} 没有设置 spec.ingressClassName，没有哪个 Ingress Controller 会处理它。"
                ),
                format!(
                    "{r} sets no spec.ingressClassName, so no Ingress controller will serve it."
                ),
                want_class_s,
                "(missing)".into(),
            ));
        };
        if let Some(w) = want_class {
            if !prefixed_ok(ns, w, class_name) {
                return Err(fail(
                    "spec.ingressClassName",
                    format!("{r} 的 spec.ingressClassName 是 {class_name}，应为 {want_class_s}。"),
                    format!("{r}: spec.ingressClassName is {class_name}, expected {want_class_s}."),
                    want_class_s,
                    class_name.into(),
                ));
            }
        }
        let Some(ic) = self.snap.get("IngressClass", class_name) else {
            let existing: Vec<&Value> = self.snap.of_kind("IngressClass").collect();
            return Err(fail(
                "spec.ingressClassName",
                format!("{r} 使用的 IngressClass {class_name} 不存在。现有的 IngressClass：{}", names(&existing)),
                format!("{r} uses IngressClass {class_name}, which does not exist. Existing IngressClasses: {}", names(&existing)),
                class_name.into(),
                names(&existing),
            ));
        };
        if let Some(ctrl) = class.and_then(|c| c.controller.as_deref()) {
            let got = get_str(ic, "spec.controller").unwrap_or("(missing)");
            if got != ctrl {
                return Err(Outcome::fail(t(
                    format!("IngressClass {class_name} 的 spec.controller 是 {got}，应为 {ctrl}。"),
                    format!(
                        "IngressClass {class_name}: spec.controller is {got}, expected {ctrl}."
                    ),
                ))
                .object(Some(self.objref(ic)))
                .field("spec.controller")
                .expected(ctrl)
                .found(got));
            }
        }
        // 2. rule for the host
        let rules = list(ing, "spec.rules");
        let hosts: Vec<String> = rules
            .iter()
            .map(|r| get_str(r, "host").unwrap_or("*").to_string())
            .collect();
        let Some(rule) = rules.iter().find(|x| get_str(x, "host") == Some(host)) else {
            return Err(fail(
                "spec.rules[*].host",
                format!(
                    "{r} 没有 host 为 {host} 的规则（现有：{}）。",
                    join_or_none(&hosts)
                ),
                format!(
                    "{r} has no rule for host {host} (hosts: {}).",
                    join_or_none(&hosts)
                ),
                host.into(),
                join_or_none(&hosts),
            ));
        };
        let rp = format!("spec.rules[host={host}].http.paths");
        let paths = list(rule, "http.paths");
        let found_paths: Vec<String> = paths
            .iter()
            .map(|p| get_str(p, "path").unwrap_or("(none)").to_string())
            .collect();
        let Some(pth) = paths.iter().find(|p| get_str(p, "path") == Some(want_path)) else {
            return Err(fail(
                &format!("{rp}[*].path"),
                format!(
                    "{r} 的 host {host} 下没有路径 {want_path}（现有：{}）。",
                    join_or_none(&found_paths)
                ),
                format!(
                    "{r}: host {host} has no path {want_path} (paths: {}).",
                    join_or_none(&found_paths)
                ),
                want_path.into(),
                join_or_none(&found_paths),
            ));
        };
        let pp = format!("{rp}[path={want_path}]");
        let pt = get_str(pth, "pathType");
        if !pt.is_some_and(|pt| path_types.iter().any(|x| x == pt)) {
            let found = pt.unwrap_or("(missing)").to_string();
            return Err(fail(
                &format!("{pp}.pathType"),
                format!("{r} 的路径 {want_path} 的 pathType 是 {found}，应为 {} 之一（networking.k8s.io/v1 要求写明）。", path_types.join(" / ")),
                format!("{r}: path {want_path} has pathType {found}, expected one of {} (networking.k8s.io/v1 requires it).", path_types.join(", ")),
                path_types.join(" | "),
                found,
            ));
        }
        // 3. backend
        let bs = get_str(pth, "backend.service.name").unwrap_or("(missing)");
        if bs != service {
            return Err(fail(
                &format!("{pp}.backend.service.name"),
                format!("{r} 的路径 {want_path} 指向 Service {bs}，应为 {service}。"),
                format!("{r}: path {want_path} routes to Service {bs}, expected {service}."),
                service.into(),
                bs.into(),
            ));
        }
        let bport = path::get_one(pth, "backend.service.port.number")
            .or_else(|| path::get_one(pth, "backend.service.port.name"))
            .cloned()
            .unwrap_or(Value::Null);
        if render(&bport) != render(port) {
            return Err(fail(
                &format!("{pp}.backend.service.port"),
                format!(
                    "{r} 的后端端口是 {}，应为 {}。",
                    render(&bport),
                    render(port)
                ),
                format!(
                    "{r}: backend port is {}, expected {}.",
                    render(&bport),
                    render(port)
                ),
                render(port),
                render(&bport),
            ));
        }
        // 4. Service and its port
        let Some(svc) = self.snap.get("Service", service) else {
            let existing: Vec<&Value> = self.snap.of_kind("Service").collect();
            return Err(Outcome::fail(t(
                format!(
                    "{r} 指向的 Service {service} 不存在。现有的 Service：{}",
                    names(&existing)
                ),
                format!(
                    "{r} routes to Service {service}, which does not exist. Existing Services: {}",
                    names(&existing)
                ),
            ))
            .object(Some(ObjectRef {
                kind: "Service".into(),
                name: service.into(),
                namespace: Some(ns.into()),
            }))
            .expected(service)
            .found(names(&existing)));
        };
        let sr = self.objref(svc);
        let sports = list(svc, "spec.ports");
        let has_port = sports.iter().any(|p| match port {
            Value::String(n) => get_str(p, "name") == Some(n.as_str()),
            other => path::get_one(p, "port").map(render) == Some(render(other)),
        });
        if !has_port {
            let ps: Vec<String> = sports
                .iter()
                .map(|p| path::get_one(p, "port").map(render).unwrap_or_default())
                .collect();
            return Err(Outcome::fail(t(
                format!(
                    "{sr} 没有端口 {}（现有：{}）。",
                    render(port),
                    join_or_none(&ps)
                ),
                format!(
                    "{sr} has no port {} (ports: {}).",
                    render(port),
                    join_or_none(&ps)
                ),
            ))
            .object(Some(sr))
            .field("spec.ports")
            .expected(render(port))
            .found(join_or_none(&ps)));
        }
        // 5. ready endpoints
        if !self.offline {
            if let Err(o) = self.endpoints(svc, min_ready) {
                let msg = o.message.clone();
                return Err(Outcome {
                    message: t(
                        format!(
                            "{r} → {host}{want_path} → {sr}：链路在 Service 处断开。{}",
                            msg.zh
                        ),
                        format!(
                            "{r} → {host}{want_path} → {sr}: the chain breaks at the Service. {}",
                            msg.en
                        ),
                    ),
                    ..o
                });
            }
        }
        Ok(Outcome::pass(t(
            format!(
                "{r}（{class_name}）把 {host}{want_path} 转发到 {sr}:{}，后端已就绪。",
                render(port)
            ),
            format!(
                "{r} ({class_name}) routes {host}{want_path} to {sr}:{} with ready endpoints.",
                render(port)
            ),
        ))
        .object(Some(r.clone())))
    }

    // ---- storage ----

    fn pvc_bound(&self, target: &Target, storage_class: Option<&str>) -> Result<Outcome, Outcome> {
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

    // ---- env ----

    fn env_names_service(
        &self,
        target: &Target,
        container: Option<&str>,
        env: &str,
        service: &str,
    ) -> Result<Outcome, Outcome> {
        let o = self.resolve(target)?;
        let r = self.objref(o);
        let base = if kind_of(o) == "Pod" {
            "spec"
        } else {
            "spec.template.spec"
        };
        let containers = list(o, &format!("{base}.containers"));
        let mut found: Option<(String, String)> = None; // (value, field)
        for c in containers {
            let cname = get_str(c, "name").unwrap_or_default();
            if container.is_some_and(|w| w != cname) {
                continue;
            }
            let cp = format!("{base}.containers[name={cname}]");
            if let Some(v) = self.env_value(c, env, &cp) {
                found = Some(v);
                break;
            }
        }
        let ns = self.ns();
        let accepted = [
            service.to_string(),
            format!("{service}.{ns}"),
            format!("{service}.{ns}.svc"),
            format!("{service}.{ns}.svc.cluster.local"),
        ];
        let Some((value, field)) = found else {
            return Err(Outcome::fail(t(
                format!("{r} 的容器没有环境变量 {env}（可以用 env、ConfigMap 的 valueFrom 或 envFrom 设置）。"),
                format!("{r}: no container has the env variable {env} (set it with env, valueFrom a ConfigMap, or envFrom)."),
            ))
            .object(Some(r))
            .field(format!("{base}.containers[*].env[name={env}]"))
            .expected(service)
            .found("(missing)"));
        };
        let host = value.trim().trim_end_matches('.');
        let host = host
            .rsplit_once(':')
            .map(|(h, p)| {
                if p.chars().all(|c| c.is_ascii_digit()) {
                    h
                } else {
                    host
                }
            })
            .unwrap_or(host);
        if !accepted.iter().any(|a| a == host) {
            return Err(Outcome::fail(t(
                format!("{r} 的 {env} 是 {value}，它不是 Service {service} 的域名（可用 {}）。", accepted.join("、")),
                format!("{r}: {env} is {value}, which is not the DNS name of Service {service} (use {}).", accepted.join(", ")),
            ))
            .object(Some(r))
            .field(field)
            .expected(service)
            .found(value));
        }
        if self.snap.get("Service", service).is_none() {
            return Err(Outcome::fail(t(
                format!("{r} 的 {env} 指向 Service {service}，但这个 Service 不存在。"),
                format!("{r}: {env} names Service {service}, which does not exist."),
            ))
            .object(Some(ObjectRef {
                kind: "Service".into(),
                name: service.into(),
                namespace: Some(ns.into()),
            }))
            .field(field)
            .expected(service)
            .found(value));
        }
        Ok(Outcome::pass(t(
            format!("{r} 的 {env}={value} 指向 Service {service}。"),
            format!("{r}: {env}={value} names Service {service}."),
        ))
        .object(Some(r))
        .field(field)
        .found(value))
    }

    /// Resolve an env variable of a container: explicit `env` wins over `envFrom`.
    fn env_value(&self, c: &Value, env: &str, cp: &str) -> Option<(String, String)> {
        for e in list(c, "env") {
            if get_str(e, "name") != Some(env) {
                continue;
            }
            let field = format!("{cp}.env[name={env}]");
            if let Some(v) = path::get_one(e, "value") {
                return Some((render(v), format!("{field}.value")));
            }
            if let Some(r) = path::get_one(e, "valueFrom.configMapKeyRef") {
                let cm = self
                    .snap
                    .get("ConfigMap", get_str(r, "name").unwrap_or_default());
                let v = cm.and_then(|cm| {
                    path::get_one(cm, "data")
                        .and_then(|d| d.get(get_str(r, "key").unwrap_or_default()))
                });
                return Some((
                    v.map(render)
                        .unwrap_or_else(|| "(missing ConfigMap key)".into()),
                    format!("{field}.valueFrom"),
                ));
            }
            if let Some(r) = path::get_one(e, "valueFrom.secretKeyRef") {
                let s = self
                    .snap
                    .get("Secret", get_str(r, "name").unwrap_or_default());
                let key = get_str(r, "key").unwrap_or_default();
                let v = s.and_then(|s| secret_value(s, key));
                return Some((
                    v.unwrap_or_else(|| "(missing Secret key)".into()),
                    format!("{field}.valueFrom"),
                ));
            }
            return Some((String::new(), field));
        }
        for (i, ef) in list(c, "envFrom").iter().enumerate() {
            let prefix = get_str(ef, "prefix").unwrap_or("");
            let Some(key) = env.strip_prefix(prefix) else {
                continue;
            };
            let field = format!("{cp}.envFrom[{i}]");
            if let Some(n) = get_str(ef, "configMapRef.name") {
                if let Some(v) = self
                    .snap
                    .get("ConfigMap", n)
                    .and_then(|cm| path::get_one(cm, "data").and_then(|d| d.get(key)))
                {
                    return Some((render(v), field));
                }
            }
            if let Some(n) = get_str(ef, "secretRef.name") {
                if let Some(v) = self
                    .snap
                    .get("Secret", n)
                    .and_then(|s| secret_value(s, key))
                {
                    return Some((v, field));
                }
            }
        }
        None
    }
}

fn join_or_none(v: &[String]) -> String {
    if v.is_empty() {
        "(none)".into()
    } else {
        v.join(", ")
    }
}

fn path_key(base: &str, k: &str) -> String {
    crate::yaml::push_key(base, k)
}

fn secret_value(s: &Value, key: &str) -> Option<String> {
    if let Some(v) = path::get_one(s, "stringData").and_then(|d| d.get(key)) {
        return Some(render(v));
    }
    let b64 = path::get_one(s, "data")
        .and_then(|d| d.get(key))
        .and_then(Value::as_str)?;
    base64_decode(b64).and_then(|b| String::from_utf8(b).ok())
}

fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut buf = 0u32;
    let mut bits = 0;
    for c in s.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=') {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        buf = (buf << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(((buf >> bits) & 0xff) as u8);
        }
    }
    Some(out)
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
fn daemonset_auto_tolerates(taint: &Value, host_network: bool) -> bool {
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

fn render_taint(taint: &Value) -> String {
    let key = get_str(taint, "key").unwrap_or("");
    let effect = get_str(taint, "effect").unwrap_or("");
    match get_str(taint, "value") {
        Some(v) if !v.is_empty() => format!("{key}={v}:{effect}"),
        _ => format!("{key}:{effect}"),
    }
}

fn render_tolerations(tols: &[Value]) -> String {
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

// ---- expectations ----

fn as_number(v: &Value, quantity: bool) -> Option<f64> {
    if quantity {
        return crate::quantity::parse_value(v);
    }
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn value_eq(want: &Value, got: &Value, e: &Expect, ns: &str) -> bool {
    if e.quantity {
        return matches!((as_number(want, true), as_number(got, true)), (Some(a), Some(b)) if (a - b).abs() < 1e-9);
    }
    let (w, g) = (render(want), render(got));
    if e.prefixable {
        prefixed_ok(ns, &w, &g)
    } else {
        w == g
    }
}

pub(crate) fn satisfies(e: &Expect, got: &Value, ns: &str) -> bool {
    if let Some(want) = &e.equals {
        if !value_eq(want, got, e, ns) {
            return false;
        }
    }
    if let Some(opts) = &e.one_of {
        if !opts.iter().any(|w| value_eq(w, got, e, ns)) {
            return false;
        }
    }
    if let Some(re) = &e.matches {
        match regex_lite::Regex::new(re) {
            Ok(re) if re.is_match(&render(got)) => {}
            _ => return false,
        }
    }
    if let Some(min) = &e.min {
        match (as_number(got, e.quantity), as_number(min, e.quantity)) {
            (Some(g), Some(m)) if g >= m => {}
            _ => return false,
        }
    }
    if let Some(max) = &e.max {
        match (as_number(got, e.quantity), as_number(max, e.quantity)) {
            (Some(g), Some(m)) if g <= m => {}
            _ => return false,
        }
    }
    if e.present == Some(false) {
        return false;
    }
    true
}

/// How an expectation reads in a message: `nginx:alpine`, `one of Exact, Prefix`, `>= 30000`.
pub(crate) fn describe_expect(e: &Expect, ns: &str) -> String {
    let with_prefix = |v: &Value| {
        if e.prefixable {
            format!("{ns}-{} (or {})", render(v), render(v))
        } else {
            render(v)
        }
    };
    let mut parts = Vec::new();
    if let Some(v) = &e.equals {
        parts.push(with_prefix(v));
    }
    if let Some(vs) = &e.one_of {
        parts.push(format!(
            "one of {}",
            vs.iter().map(with_prefix).collect::<Vec<_>>().join(", ")
        ));
    }
    if let Some(re) = &e.matches {
        parts.push(format!("matching /{re}/"));
    }
    match (&e.min, &e.max) {
        (Some(a), Some(b)) => parts.push(format!("{}..{}", render(a), render(b))),
        (Some(a), None) => parts.push(format!(">= {}", render(a))),
        (None, Some(b)) => parts.push(format!("<= {}", render(b))),
        _ => {}
    }
    if parts.is_empty() {
        parts.push(if e.present == Some(false) {
            "(absent)".into()
        } else {
            "(present)".into()
        });
    }
    parts.join(", ")
}

impl Outcome {
    pub(crate) fn missing(mut self, key: String) -> Self {
        self.missing = Some(key);
        self
    }
}

/// A stable key for "the same target" across assertions.
pub(crate) fn target_key(c: &Check) -> Option<String> {
    let t = match c {
        Check::Exists { target }
        | Check::Field { target, .. }
        | Check::SelectorMatchesTemplate { target }
        | Check::ServiceSelects { target, .. }
        | Check::Ready { target, .. }
        | Check::Tolerates { target, .. }
        | Check::ServiceEndpoints { target, .. }
        | Check::TargetPort { target, .. }
        | Check::IngressRoute { target, .. }
        | Check::PvcBound { target, .. }
        | Check::EnvNamesService { target, .. } => target,
        _ => return None,
    };
    Some(key_of(t))
}

pub(crate) fn key_of(t: &Target) -> String {
    format!("{}/{:?}/{:?}", t.kind, t.name, t.where_)
}

/// Keys of every target a check resolves (primary and secondary), for skip propagation.
pub(crate) fn all_target_keys(c: &Check) -> Vec<String> {
    let mut v: Vec<String> = target_key(c).into_iter().collect();
    let extra = match c {
        Check::ServiceSelects { workload, .. } => Some(workload),
        Check::TargetPort {
            workload: Some(w), ..
        } => Some(w),
        Check::LabelSelects { owner: Some(o), .. } => Some(o),
        _ => None,
    };
    if let Some(t) = extra {
        v.push(key_of(t));
    }
    v
}
