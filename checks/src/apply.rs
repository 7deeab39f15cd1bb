//! What "Apply" in the page may send to the cluster: the learner's YAML, read with the same
//! budget as a submission, split into objects of the types a learner manages, each placed in the
//! learner's namespace. Pure (the server applies the plan as the learner; the browser can run it
//! too, to refuse early with the same words). Nothing here grants anything: the API server
//! decides with the learner's own rights, quota and admission policies.

use serde_json::Value;

use crate::setup::SETUP_KINDS;
use crate::yaml::{self, Document, Location, BUDGET};
use crate::Text;

/// At most this many bytes of YAML per apply…
pub const MAX_APPLY_BYTES: usize = 256 * 1024;
/// …and this many objects.
pub const MAX_APPLY_OBJECTS: usize = 20;

/// Namespaced types a learner may apply from the page besides the setup types: Secrets (the
/// learner's Role manages them; kubelab never stores their values, the API server keeps them).
const MORE_NAMESPACED: &[(&str, &str, &str)] = &[("v1", "Secret", "secrets")];

/// Cluster-scoped types a learner may create, under the `<namespace>-` prefix that the
/// admission policies enforce (checked here first for a clearer message).
const CLUSTER_KINDS: &[(&str, &str, &str)] = &[
    ("v1", "PersistentVolume", "persistentvolumes"),
    ("networking.k8s.io/v1", "IngressClass", "ingressclasses"),
];

/// One object to apply (or delete).
#[derive(Debug, Clone)]
pub struct Planned {
    pub api_version: String,
    pub kind: String,
    pub plural: &'static str,
    pub namespaced: bool,
    pub name: String,
    /// The object as it will be sent: `metadata.namespace` set for namespaced types.
    pub body: Value,
    /// The document it came from (1-based) and where each of its fields is, so that an error
    /// of the API server naming a field can point at its line.
    pub document: usize,
    pub source: Document,
}

impl Planned {
    /// Where `field` (`spec.template.spec.containers[0].image`) is in the learner's text: the
    /// field itself or its nearest ancestor that is there, else the document's start.
    pub fn locate(&self, field: &str) -> Location {
        self.source
            .locate(field)
            .or_else(|| self.source.locate(""))
            .unwrap_or(Location { line: 1, column: 1 })
    }

    /// `Deployment/web`.
    pub fn display(&self) -> String {
        format!("{}/{}", self.kind, self.name)
    }
}

/// Why (part of) a text cannot be applied, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based; 0 when the whole text is refused.
    pub document: usize,
    pub location: Option<Location>,
    pub text: Text,
}

/// The objects of `text`, placed in `namespace`, or every problem found (nothing is applied
/// when there is one: a half-applied file is harder to reason about than none).
pub fn plan(text: &str, namespace: &str) -> Result<Vec<Planned>, Vec<Problem>> {
    if text.len() > MAX_APPLY_BYTES {
        return Err(vec![whole(Text::new(
            format!(
                "YAML 太大：{} 字节，最多 {MAX_APPLY_BYTES} 字节。",
                text.len()
            ),
            format!(
                "The YAML is too large: {} bytes, at most {MAX_APPLY_BYTES}.",
                text.len()
            ),
        ))]);
    }
    let docs = yaml::parse_documents_within(text, BUDGET).map_err(|e| {
        vec![Problem {
            document: 0,
            location: Some(e.location),
            text: Text::new(
                format!("YAML 无法解析：{}", e.message),
                format!("The YAML cannot be read: {}", e.message),
            ),
        }]
    })?;
    let docs: Vec<(usize, Document)> = docs
        .into_iter()
        .enumerate()
        .filter(|(_, d)| !d.value.is_null())
        .map(|(i, d)| (i + 1, d))
        .collect();
    if docs.is_empty() {
        return Err(vec![whole(Text::new(
            "没有可以应用的对象。",
            "There is no object to apply.",
        ))]);
    }
    if docs.len() > MAX_APPLY_OBJECTS {
        return Err(vec![whole(Text::new(
            format!(
                "一次最多应用 {MAX_APPLY_OBJECTS} 个对象，这里有 {} 个。",
                docs.len()
            ),
            format!(
                "At most {MAX_APPLY_OBJECTS} objects at once; this has {}.",
                docs.len()
            ),
        ))]);
    }
    let mut planned = Vec::new();
    let mut problems = Vec::new();
    for (n, doc) in docs {
        match one(n, doc, namespace) {
            Ok(p) => planned.push(p),
            Err(p) => problems.push(p),
        }
    }
    if problems.is_empty() {
        Ok(planned)
    } else {
        Err(problems)
    }
}

fn whole(text: Text) -> Problem {
    Problem {
        document: 0,
        location: None,
        text,
    }
}

fn one(n: usize, doc: Document, namespace: &str) -> Result<Planned, Problem> {
    let problem = |path: &str, text: Text| Problem {
        document: n,
        location: doc.locate(path),
        text,
    };
    let v = &doc.value;
    if !v.is_object() {
        return Err(problem(
            "",
            Text::new(
                format!("第 {n} 个文档不是 Kubernetes 对象（应是一个映射）。"),
                format!("Document {n} is not a Kubernetes object (a map)."),
            ),
        ));
    }
    let s = |path: &str| crate::path::get_str(v, path).map(str::to_string);
    let (Some(api_version), Some(kind)) = (s("apiVersion"), s("kind")) else {
        return Err(problem(
            "",
            Text::new(
                format!("第 {n} 个文档缺少 apiVersion 或 kind。"),
                format!("Document {n} needs apiVersion and kind."),
            ),
        ));
    };
    let namespaced_type = SETUP_KINDS
        .iter()
        .chain(MORE_NAMESPACED)
        .find(|(av, k, _)| *av == api_version && *k == kind);
    let cluster_type = CLUSTER_KINDS
        .iter()
        .find(|(av, k, _)| *av == api_version && *k == kind);
    let (plural, namespaced) = match (namespaced_type, cluster_type) {
        (Some((_, _, p)), _) => (*p, true),
        (None, Some((_, _, p))) => (*p, false),
        (None, None) => {
            let allowed: Vec<&str> = SETUP_KINDS
                .iter()
                .chain(MORE_NAMESPACED)
                .chain(CLUSTER_KINDS)
                .map(|(_, k, _)| *k)
                .collect();
            return Err(problem(
                "kind",
                Text::new(
                    format!(
                        "页面上不能应用 {api_version} {kind}。可以应用：{}。",
                        allowed.join("、")
                    ),
                    format!(
                        "{api_version} {kind} cannot be applied from the page. These can: {}.",
                        allowed.join(", ")
                    ),
                ),
            ));
        }
    };
    let name = match s("metadata.name") {
        Some(name) if crate::setup::is_object_name(&name) => name,
        Some(name) => {
            return Err(problem(
                "metadata.name",
                Text::new(
                    format!("metadata.name「{name}」不是合法的对象名（小写字母、数字、'-'、'.'）。"),
                    format!("metadata.name \"{name}\" is not an object name (lowercase letters, digits, '-', '.')."),
                ),
            ))
        }
        None => {
            return Err(problem(
                "metadata",
                Text::new(
                    format!("{kind} 需要 metadata.name（页面上的应用不支持 generateName）。"),
                    format!("{kind} needs metadata.name (generateName is not supported here)."),
                ),
            ))
        }
    };
    let given = s("metadata.namespace");
    let mut body = doc.value.clone();
    if namespaced {
        match given.as_deref() {
            None => {}
            Some(ns) if ns == namespace => {}
            Some(ns) => {
                return Err(problem(
                    "metadata.namespace",
                    Text::new(
                        format!("{kind}/{name} 的命名空间是 {ns}，但你的命名空间是 {namespace}：删掉 namespace 这一行，或写成 {namespace}。"),
                        format!("{kind}/{name} names namespace {ns}, but yours is {namespace}: remove the namespace line or write {namespace}."),
                    ),
                ))
            }
        }
        if let Some(meta) = body.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.insert("namespace".into(), Value::String(namespace.to_string()));
        }
    } else {
        if given.is_some() {
            return Err(problem(
                "metadata.namespace",
                Text::new(
                    format!("{kind} 是集群范围的对象，不属于任何命名空间：删掉 namespace 这一行。"),
                    format!("A {kind} belongs to the whole cluster, not to a namespace: remove the namespace line."),
                ),
            ));
        }
        let prefix = format!("{namespace}-");
        if !name.starts_with(&prefix) {
            return Err(problem(
                "metadata.name",
                Text::new(
                    format!("集群里大家共用 {kind}：你的 {kind} 名字要以 {prefix} 开头，例如 {prefix}{name}。"),
                    format!("A {kind} is shared by everyone on the cluster: name yours {prefix}…, e.g. {prefix}{name}."),
                ),
            ));
        }
    }
    Ok(Planned {
        api_version,
        kind,
        plural,
        namespaced,
        name,
        body,
        document: n,
        source: doc,
    })
}

/// The field an API server's message names: `Deployment.apps "web" is invalid:
/// spec.template.spec.containers[0].image: Required value` → `spec.template.spec.containers[0].image`.
/// `None` when it names none.
pub fn field_of_api_message(message: &str) -> Option<&str> {
    let rest = message
        .split_once("is invalid: ")
        .map_or(message, |(_, r)| r);
    let rest = rest.trim_start_matches('[');
    let (field, _) = rest.split_once(": ")?;
    let field = field.trim();
    let looks_like_path = !field.is_empty()
        && field
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'[' | b']' | b'_' | b'-'))
        && field.bytes().next().is_some_and(|b| b.is_ascii_lowercase());
    looks_like_path.then_some(field)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NS: &str = "kl-abc";

    #[test]
    fn every_document_is_placed_in_the_learners_namespace() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec: {replicas: 2}\n---\n\
                    apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: kl-abc\n";
        let p = plan(text, NS).expect("a plan");
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].display(), "Deployment/web");
        assert_eq!((p[0].plural, p[0].namespaced), ("deployments", true));
        assert_eq!(p[0].body["metadata"]["namespace"], NS);
        assert_eq!(p[1].body["metadata"]["namespace"], NS);
        assert_eq!(p[1].document, 2);
        assert_eq!(p[0].locate("spec.replicas").line, 5);
        // A field that is not in the text points at its nearest ancestor.
        assert_eq!(p[0].locate("spec.template.spec").line, 5);
    }

    #[test]
    fn a_foreign_namespace_is_refused_at_its_line_and_nothing_is_planned() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n\
                    apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: kube-system\n";
        let problems = plan(text, NS).expect_err("refused");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].document, 2);
        assert_eq!(problems[0].location.map(|l| l.line), Some(10));
        assert!(
            problems[0].text.en.contains("kube-system"),
            "{:?}",
            problems[0].text
        );
        assert!(problems[0].text.en.contains(NS));
        assert!(problems[0].text.zh.contains(NS));
    }

    #[test]
    fn types_beyond_a_learners_rights_are_refused_by_name() {
        for (kind, api) in [
            ("Role", "rbac.authorization.k8s.io/v1"),
            ("Namespace", "v1"),
            ("ResourceQuota", "v1"),
            (
                "ValidatingAdmissionPolicy",
                "admissionregistration.k8s.io/v1",
            ),
        ] {
            let text = format!("apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: x\n");
            let problems = plan(&text, NS).expect_err(kind);
            assert!(problems[0].text.en.contains("cannot be applied"), "{kind}");
            assert_eq!(problems[0].location.map(|l| l.line), Some(2), "{kind}");
        }
    }

    #[test]
    fn cluster_scoped_objects_need_the_namespace_prefix_and_no_namespace() {
        let pv = |name: &str, ns: &str| {
            format!("apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: {name}\n{ns}spec: {{}}\n")
        };
        let ok = plan(&pv("kl-abc-data", ""), NS).expect("prefixed");
        assert!(!ok[0].namespaced);
        assert!(ok[0].body["metadata"].get("namespace").is_none());
        let e = plan(&pv("data", ""), NS).expect_err("unprefixed");
        assert!(e[0].text.en.contains("kl-abc-"), "{:?}", e[0].text);
        let e = plan(&pv("kl-abc-data", "  namespace: kl-abc\n"), NS).expect_err("namespaced PV");
        assert!(e[0].text.en.contains("whole cluster"), "{:?}", e[0].text);
    }

    #[test]
    fn bad_input_is_refused_with_a_reason_not_a_panic() {
        let cases = [
            ("", "no object"),
            ("---\n---\n", "no object"),
            ("a: [1, 2", "cannot be read"),
            ("- 1\n- 2\n", "not a Kubernetes object"),
            ("kind: Pod\nmetadata: {name: a}\n", "apiVersion and kind"),
            (
                "apiVersion: v1\nkind: Pod\nmetadata: {}\n",
                "needs metadata.name",
            ),
            (
                "apiVersion: v1\nkind: Pod\nmetadata: {name: A_B}\n",
                "not an object name",
            ),
        ];
        for (text, want) in cases {
            let e = plan(text, NS).expect_err(text);
            assert!(
                e.iter().any(|p| p.text.en.contains(want)),
                "{text:?}: {e:?}"
            );
        }
        let big = "#".repeat(MAX_APPLY_BYTES + 1);
        assert!(plan(&big, NS).expect_err("big")[0]
            .text
            .en
            .contains("too large"));
        let many = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n"
            .repeat(MAX_APPLY_OBJECTS + 1);
        assert!(plan(&many, NS).expect_err("many")[0]
            .text
            .en
            .contains("At most"));
        let bomb = format!(
            "a: &a [{}]\nb: [{}]\n",
            "x,".repeat(1000),
            "*a,".repeat(200)
        );
        assert!(plan(&bomb, NS).is_err());
    }

    #[test]
    fn the_field_an_api_error_names_is_found() {
        assert_eq!(
            field_of_api_message(
                "Deployment.apps \"web\" is invalid: spec.template.spec.containers[0].image: Required value"
            ),
            Some("spec.template.spec.containers[0].image")
        );
        assert_eq!(
            field_of_api_message(
                "Service \"s\" is invalid: [spec.ports[0].port: Invalid value: 0, spec.x: y]"
            ),
            Some("spec.ports[0].port")
        );
        assert_eq!(
            field_of_api_message(
                "exceeded quota: kubelab-quota, requested: count/deployments.apps=1"
            ),
            None
        );
        assert_eq!(field_of_api_message("forbidden"), None);
    }
}
