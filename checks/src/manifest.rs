//! Offline validation of Kubernetes YAML: known apiVersion/kind, required fields and their types,
//! each problem with its line and column.

use serde_json::Value;

use crate::path::{self, render};
use crate::verdict::{t, Location, Text};
use crate::yaml::Document;

/// `(apiVersion, kind)` pairs we know.
pub const KNOWN: &[(&str, &str)] = &[
    ("v1", "Pod"),
    ("v1", "Service"),
    ("v1", "ConfigMap"),
    ("v1", "Secret"),
    ("v1", "Namespace"),
    ("v1", "PersistentVolume"),
    ("v1", "PersistentVolumeClaim"),
    ("v1", "ServiceAccount"),
    ("v1", "Node"),
    ("v1", "Endpoints"),
    ("apps/v1", "Deployment"),
    ("apps/v1", "DaemonSet"),
    ("apps/v1", "StatefulSet"),
    ("apps/v1", "ReplicaSet"),
    ("batch/v1", "Job"),
    ("batch/v1", "CronJob"),
    ("networking.k8s.io/v1", "Ingress"),
    ("networking.k8s.io/v1", "IngressClass"),
    ("networking.k8s.io/v1", "NetworkPolicy"),
    ("storage.k8s.io/v1", "StorageClass"),
    ("discovery.k8s.io/v1", "EndpointSlice"),
];

const CONTAINER_FIELDS: &[&str] = &[
    "name",
    "image",
    "command",
    "args",
    "workingDir",
    "ports",
    "envFrom",
    "env",
    "resources",
    "volumeMounts",
    "volumeDevices",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "lifecycle",
    "terminationMessagePath",
    "terminationMessagePolicy",
    "imagePullPolicy",
    "securityContext",
    "stdin",
    "stdinOnce",
    "tty",
    "restartPolicy",
    "resizePolicy",
];

/// One problem found in a manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: String,
    pub message: Text,
    pub location: Option<Location>,
}

struct V<'a> {
    doc: &'a Document,
    n: usize,
    out: Vec<Problem>,
}

impl V<'_> {
    fn push(&mut self, field: &str, zh: String, en: String) {
        let location = self.doc.locate(field);
        self.out.push(Problem {
            field: if self.n > 1 {
                format!("[doc {}] {field}", self.n)
            } else {
                field.to_string()
            },
            message: t(zh, en),
            location,
        });
    }

    fn get(&self, p: &str) -> Option<&Value> {
        path::get_one(&self.doc.value, p)
    }

    fn require_str(&mut self, p: &str) {
        match self.get(p) {
            None | Some(Value::Null) => self.push(
                p,
                format!("缺少必填字段 {p}。"),
                format!("The required field {p} is missing."),
            ),
            Some(Value::String(s)) if !s.is_empty() => {}
            Some(v) => self.push(
                p,
                format!("{p} 应是字符串，现在是 {}。", render(v)),
                format!("{p} must be a string, not {}.", render(v)),
            ),
        }
    }

    fn string_map(&mut self, p: &str) {
        match self.get(p) {
            None | Some(Value::Null) => {}
            Some(Value::Object(m)) => {
                let bad: Vec<(String, String)> = m
                    .iter()
                    .filter(|(_, v)| !v.is_string())
                    .map(|(k, v)| (k.clone(), render(v)))
                    .collect();
                for (k, v) in bad {
                    let f = crate::yaml::push_key(p, &k);
                    self.push(
                        &f,
                        format!("{f} 的值 {v} 必须是字符串，请加引号：\"{v}\"。"),
                        format!("{f}: the value {v} must be a string; quote it: \"{v}\"."),
                    );
                }
            }
            Some(_) => self.push(
                p,
                format!("{p} 应是键值映射。"),
                format!("{p} must be a mapping of strings."),
            ),
        }
    }

    fn list(&mut self, p: &str, required: bool) -> usize {
        let got = self.get(p).cloned();
        match got.as_ref() {
            None | Some(Value::Null) if required => {
                self.push(
                    p,
                    format!("缺少必填字段 {p}（一个列表）。"),
                    format!("The required field {p} (a list) is missing."),
                );
                0
            }
            None | Some(Value::Null) => 0,
            Some(Value::Array(a)) => {
                if required && a.is_empty() {
                    self.push(
                        p,
                        format!("{p} 不能为空。"),
                        format!("{p} must not be empty."),
                    );
                }
                a.len()
            }
            Some(_) => {
                self.push(
                    p,
                    format!("{p} 应是列表（每项以 - 开头）。"),
                    format!("{p} must be a list (items start with -)."),
                );
                0
            }
        }
    }

    fn port(&mut self, p: &str, required: bool) {
        match self.get(p) {
            None | Some(Value::Null) => {
                if required {
                    self.push(
                        p,
                        format!("缺少必填字段 {p}。"),
                        format!("The required field {p} is missing."),
                    );
                }
            }
            Some(v) => match v.as_u64() {
                Some(n) if (1..=65535).contains(&n) => {}
                _ => self.push(
                    p,
                    format!("{p} 应是 1–65535 的整数，现在是 {}。", render(v)),
                    format!("{p} must be an integer 1–65535, not {}.", render(v)),
                ),
            },
        }
    }

    fn pod_spec(&mut self, base: &str) {
        let n = self.list(&format!("{base}.containers"), true);
        for i in 0..n {
            let c = format!("{base}.containers[{i}]");
            self.require_str(&format!("{c}.name"));
            self.require_str(&format!("{c}.image"));
            if let Some(Value::Object(m)) = self.get(&c) {
                let unknown: Vec<String> = m
                    .keys()
                    .filter(|k| !CONTAINER_FIELDS.contains(&k.as_str()))
                    .cloned()
                    .collect();
                for k in unknown {
                    let f = crate::yaml::push_key(&c, &k);
                    let extra = if k == "port" {
                        "（是 ports，一个列表）"
                    } else {
                        ""
                    };
                    let extra_en = if k == "port" {
                        " (it is ports, a list)"
                    } else {
                        ""
                    };
                    self.push(
                        &f,
                        format!("容器没有字段 {k}{extra}。"),
                        format!("A container has no field {k}{extra_en}."),
                    );
                }
            }
            let np = self.list(&format!("{c}.ports"), false);
            for j in 0..np {
                self.port(&format!("{c}.ports[{j}].containerPort"), true);
            }
            let ne = self.list(&format!("{c}.env"), false);
            for j in 0..ne {
                self.require_str(&format!("{c}.env[{j}].name"));
                if let Some(v) = self.get(&format!("{c}.env[{j}].value")) {
                    if !v.is_string() && !v.is_null() {
                        let f = format!("{c}.env[{j}].value");
                        let v = render(v);
                        self.push(
                            &f,
                            format!("{f} 必须是字符串，请加引号：\"{v}\"。"),
                            format!("{f} must be a string; quote it: \"{v}\"."),
                        );
                    }
                }
            }
        }
    }
}

/// Check one document. `n` is its 1-based index in the stream.
pub fn check_document(doc: &Document, n: usize) -> Vec<Problem> {
    let mut v = V {
        doc,
        n,
        out: Vec::new(),
    };
    let Some(obj) = doc.value.as_object() else {
        v.push(
            "",
            "每个 YAML 文档都应是一个对象（apiVersion、kind、metadata…）。".into(),
            "Each YAML document must be an object (apiVersion, kind, metadata, ...).".into(),
        );
        return v.out;
    };
    v.require_str("apiVersion");
    v.require_str("kind");
    let api = obj
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let kind = obj
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    if !api.is_empty() && !kind.is_empty() && !KNOWN.contains(&(api.as_str(), kind.as_str())) {
        match KNOWN.iter().find(|(_, k)| *k == kind) {
            Some((good, _)) => v.push(
                "apiVersion",
                format!("{kind} 的 apiVersion 是 {good}，不是 {api}。"),
                format!("The apiVersion of {kind} is {good}, not {api}."),
            ),
            None => {
                let near = KNOWN
                    .iter()
                    .find(|(_, k)| k.eq_ignore_ascii_case(&kind))
                    .map(|(_, k)| *k);
                let (zh, en) = match near {
                    Some(k) => (
                        format!("（大小写要准确：{k}）"),
                        format!(" (mind the case: {k})"),
                    ),
                    None => (String::new(), String::new()),
                };
                v.push(
                    "kind",
                    format!("不认识的 kind {kind}{zh}。"),
                    format!("Unknown kind {kind}{en}."),
                );
            }
        }
    }
    match obj.get("metadata") {
        Some(Value::Object(_)) => {
            if v.get("metadata.generateName").is_none() {
                v.require_str("metadata.name");
            }
            v.string_map("metadata.labels");
            v.string_map("metadata.annotations");
        }
        _ => v.push(
            "metadata",
            "缺少 metadata（至少要有 name）。".into(),
            "metadata is missing (it needs at least a name).".into(),
        ),
    }
    let mut allowed = vec!["apiVersion", "kind", "metadata", "spec", "status"];
    match kind.as_str() {
        "ConfigMap" => allowed.extend(["data", "binaryData", "immutable"]),
        "Secret" => allowed.extend(["data", "stringData", "type", "immutable"]),
        "EndpointSlice" => allowed.extend(["addressType", "endpoints", "ports"]),
        "Endpoints" => allowed.push("subsets"),
        _ => {}
    }
    if KNOWN.iter().any(|(_, k)| *k == kind) {
        let unknown: Vec<String> = obj
            .keys()
            .filter(|k| !allowed.contains(&k.as_str()))
            .cloned()
            .collect();
        for k in unknown {
            v.push(
                &k,
                format!("{kind} 顶层没有字段 {k}（是否应放在 spec 下？）。"),
                format!("{kind} has no top-level field {k} (should it be under spec?)."),
            );
        }
    }
    match kind.as_str() {
        "Pod" => v.pod_spec("spec"),
        "Deployment" | "DaemonSet" | "StatefulSet" | "ReplicaSet" => {
            if v.get("spec.selector").is_none() {
                v.push(
                    "spec.selector",
                    "缺少 spec.selector（apps/v1 必填）。".into(),
                    "spec.selector is missing (required in apps/v1).".into(),
                );
            }
            v.string_map("spec.selector.matchLabels");
            v.string_map("spec.template.metadata.labels");
            if let Some(r) = v.get("spec.replicas") {
                if !r.is_u64() {
                    let r = render(r);
                    v.push(
                        "spec.replicas",
                        format!("spec.replicas 应是整数，现在是 {r}。"),
                        format!("spec.replicas must be an integer, not {r}."),
                    );
                }
            }
            v.pod_spec("spec.template.spec");
        }
        "Job" => v.pod_spec("spec.template.spec"),
        "CronJob" => v.pod_spec("spec.jobTemplate.spec.template.spec"),
        "Service" => {
            let n = v.list(
                "spec.ports",
                kind == "Service"
                    && v.get("spec.type").and_then(Value::as_str) != Some("ExternalName"),
            );
            for i in 0..n {
                v.port(&format!("spec.ports[{i}].port"), true);
                if let Some(Value::Number(_)) = v.get(&format!("spec.ports[{i}].targetPort")) {
                    v.port(&format!("spec.ports[{i}].targetPort"), false);
                }
                if let Some(np) = v
                    .get(&format!("spec.ports[{i}].nodePort"))
                    .and_then(Value::as_u64)
                {
                    if !(30000..=32767).contains(&np) {
                        let f = format!("spec.ports[{i}].nodePort");
                        v.push(
                            &f,
                            format!("{f} 应在 30000–32767 之间，现在是 {np}。"),
                            format!("{f} must be in 30000–32767, not {np}."),
                        );
                    }
                }
            }
            v.string_map("spec.selector");
        }
        "Ingress" => {
            let n = v.list("spec.rules", false);
            for i in 0..n {
                let np = v.list(&format!("spec.rules[{i}].http.paths"), true);
                for j in 0..np {
                    let p = format!("spec.rules[{i}].http.paths[{j}]");
                    match v.get(&format!("{p}.pathType")).and_then(Value::as_str) {
                        Some("Exact" | "Prefix" | "ImplementationSpecific") => {}
                        Some(o) => {
                            let f = format!("{p}.pathType");
                            v.push(
                                &f,
                                format!(
                                    "{f} 是 {o}，应为 Exact、Prefix 或 ImplementationSpecific。"
                                ),
                                format!("{f} is {o}; use Exact, Prefix or ImplementationSpecific."),
                            )
                        }
                        None => {
                            let f = format!("{p}.pathType");
                            v.push(
                                &f,
                                format!("缺少必填字段 {f}（Exact 或 Prefix）。"),
                                format!("The required field {f} (Exact or Prefix) is missing."),
                            )
                        }
                    }
                    if v.get(&format!("{p}.backend.service.name")).is_none()
                        && v.get(&format!("{p}.backend.resource")).is_none()
                    {
                        let f = format!("{p}.backend.service.name");
                        v.push(&f, format!("缺少 {f}。"), format!("{f} is missing."));
                    }
                }
            }
        }
        "PersistentVolumeClaim" => {
            v.list("spec.accessModes", true);
            quantity(&mut v, "spec.resources.requests.storage", true);
        }
        "PersistentVolume" => {
            v.list("spec.accessModes", true);
            quantity(&mut v, "spec.capacity.storage", true);
        }
        "ConfigMap" => v.string_map("data"),
        _ => {}
    }
    v.out
}

fn quantity(v: &mut V<'_>, p: &str, required: bool) {
    match v.get(p) {
        None | Some(Value::Null) => {
            if required {
                v.push(
                    p,
                    format!("缺少必填字段 {p}（如 5Mi）。"),
                    format!("The required field {p} (e.g. 5Mi) is missing."),
                );
            }
        }
        Some(q) => {
            if crate::quantity::parse_value(q).is_none() {
                let q = render(q);
                v.push(
                    p,
                    format!("{p} 的值 {q} 不是合法的数量（如 10Mi、1Gi）。"),
                    format!("{p}: {q} is not a valid quantity (e.g. 10Mi, 1Gi)."),
                );
            }
        }
    }
}
