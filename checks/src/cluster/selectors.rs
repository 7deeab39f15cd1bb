//! Label selectors (`selector_matches_template`, `service_selects`, `label_selects`): whether a
//! workload owns its own Pods, a Service selects a workload's Pods, and `-l` picks exactly those.

use serde_json::Value;

use crate::labels::{self, Req};
use crate::path::{self, render};
use crate::snapshot::name_of;
use crate::spec::Target;
use crate::verdict::{t, Outcome};

use super::{names, obj_map, Ctx};

impl<'a> Ctx<'a> {
    pub(super) fn selector_matches_template(&self, target: &Target) -> Result<Outcome, Outcome> {
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

    pub(super) fn service_selects(
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

    pub(super) fn label_selects(
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
}

fn path_key(base: &str, k: &str) -> String {
    crate::yaml::push_key(base, k)
}
