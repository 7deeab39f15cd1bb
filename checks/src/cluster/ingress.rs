//! `ingress_route`: follows the chain IngressClass → rule for the host → path → backend Service
//! and port → ready endpoints, and reports the first broken link.

use serde_json::Value;

use crate::path::{self, get_str, render};
use crate::spec::{ClassRequirement, Target};
use crate::verdict::{t, ObjectRef, Outcome};

use super::{list, names, prefixed_ok, Ctx};

impl<'a> Ctx<'a> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn ingress(
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
}

fn join_or_none(v: &[String]) -> String {
    if v.is_empty() {
        "(none)".into()
    } else {
        v.join(", ")
    }
}
