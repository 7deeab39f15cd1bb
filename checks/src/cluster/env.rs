//! `env_names_service`: resolves a container's env variable (value, ConfigMap or Secret key,
//! envFrom) and decides whether it is a DNS name of the wanted Service.

use serde_json::Value;

use crate::path::{self, get_str, render};
use crate::spec::Target;
use crate::verdict::{t, ObjectRef, Outcome};

use super::{list, pod_spec_base, Ctx};

impl<'a> Ctx<'a> {
    pub(super) fn env_names_service(
        &self,
        target: &Target,
        container: Option<&str>,
        env: &str,
        service: &str,
    ) -> Result<Outcome, Outcome> {
        let o = self.resolve(target)?;
        let r = self.objref(o);
        let base = pod_spec_base(o);
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
