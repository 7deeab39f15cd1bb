//! An exercise's `setup:`: the objects kubelab creates in the learner's namespace when the
//! learner presses "Start" (break-fix exercises begin from broken objects). Pure: which objects,
//! which API type each one is, whether the list is allowed and small enough, and the exact body
//! kubelab applies (the learner's namespace written in, the exercise's label added). The server
//! does the I/O.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Exercise;

/// The label kubelab puts on every object of an exercise's setup: `kubelab.dev/exercise: <id>`.
pub const EXERCISE_LABEL: &str = "kubelab.dev/exercise";

/// At most this many objects in one exercise's setup…
pub const MAX_SETUP_OBJECTS: usize = 12;
/// …and at most this many bytes of them (as JSON), so a Start costs the cluster little.
pub const MAX_SETUP_BYTES: usize = 32 * 1024;

/// A namespaced API type a setup may create: `(apiVersion, kind, plural)`. These are the types a
/// learner's Role manages (so the learner can fix and delete them) except Secrets, whose values
/// kubelab never keeps. Cluster-scoped types (PersistentVolume, IngressClass) are shared by every
/// learner and never created by a setup.
pub const SETUP_KINDS: &[(&str, &str, &str)] = &[
    ("v1", "Pod", "pods"),
    ("v1", "Service", "services"),
    ("v1", "ConfigMap", "configmaps"),
    ("v1", "PersistentVolumeClaim", "persistentvolumeclaims"),
    ("apps/v1", "Deployment", "deployments"),
    ("apps/v1", "ReplicaSet", "replicasets"),
    ("apps/v1", "DaemonSet", "daemonsets"),
    ("apps/v1", "StatefulSet", "statefulsets"),
    ("batch/v1", "Job", "jobs"),
    ("batch/v1", "CronJob", "cronjobs"),
    ("networking.k8s.io/v1", "Ingress", "ingresses"),
    ("networking.k8s.io/v1", "NetworkPolicy", "networkpolicies"),
];

/// The plural of a setup type, if `apiVersion`/`kind` is one ([`SETUP_KINDS`]).
pub fn setup_plural(api_version: &str, kind: &str) -> Option<&'static str> {
    SETUP_KINDS
        .iter()
        .find(|(v, k, _)| *v == api_version && *k == kind)
        .map(|(_, _, p)| *p)
}

/// What a setup created, as the panel lists it: `Service/sel-svc`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SetupObject {
    pub kind: String,
    pub name: String,
}

impl fmt::Display for SetupObject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.kind, self.name)
    }
}

/// One object to apply: its API type and the body, ready for a server-side apply.
#[derive(Debug, Clone, PartialEq)]
pub struct SetupManifest {
    pub api_version: String,
    pub kind: String,
    /// The resource name in URLs (`deployments`).
    pub plural: &'static str,
    pub name: String,
    /// The object with `metadata.namespace` set to the learner's and the exercise's label added.
    pub body: Value,
}

impl SetupManifest {
    pub fn object(&self) -> SetupObject {
        SetupObject {
            kind: self.kind.clone(),
            name: self.name.clone(),
        }
    }
}

fn str_at<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn name_of(v: &Value) -> Option<&str> {
    v.get("metadata").and_then(|m| str_at(m, "name"))
}

/// A DNS-1123 subdomain (object names): lowercase letters, digits, '-' and '.', at most 253,
/// starting and ending with a letter or digit.
pub(crate) fn is_object_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && s.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
        && s.bytes().last().is_some_and(|b| b.is_ascii_alphanumeric())
}

impl Exercise {
    /// The objects of the setup, in order, as the panel lists them.
    pub fn setup_objects(&self) -> Vec<SetupObject> {
        self.setup
            .iter()
            .map(|o| SetupObject {
                kind: str_at(o, "kind").unwrap_or_default().to_string(),
                name: name_of(o).unwrap_or_default().to_string(),
            })
            .collect()
    }

    /// The setup as applied in `namespace`: the namespace written in (whatever the spec said)
    /// and [`EXERCISE_LABEL`] added. Only for a well-formed spec ([`Exercise::problems`]);
    /// objects that are not are left out.
    pub fn setup_manifests(&self, namespace: &str) -> Vec<SetupManifest> {
        let mut out = Vec::new();
        for o in &self.setup {
            let (Some(api_version), Some(kind), Some(name)) =
                (str_at(o, "apiVersion"), str_at(o, "kind"), name_of(o))
            else {
                continue;
            };
            let Some(plural) = setup_plural(api_version, kind) else {
                continue;
            };
            let mut body = o.clone();
            let Some(meta) = body.get_mut("metadata").and_then(Value::as_object_mut) else {
                continue;
            };
            meta.insert("namespace".into(), Value::String(namespace.to_string()));
            let labels = meta
                .entry("labels")
                .or_insert_with(|| Value::Object(Default::default()));
            if !labels.is_object() {
                *labels = Value::Object(Default::default());
            }
            if let Some(labels) = labels.as_object_mut() {
                labels.insert(EXERCISE_LABEL.into(), Value::String(self.id.clone()));
            }
            out.push(SetupManifest {
                api_version: api_version.to_string(),
                kind: kind.to_string(),
                plural,
                name: name.to_string(),
                body,
            });
        }
        out
    }

    /// The problems of `setup:` (part of [`Exercise::problems`]).
    pub(super) fn setup_problems(&self, p: &mut Vec<String>) {
        if self.setup.is_empty() {
            return;
        }
        if self.kind != super::ExerciseKind::Cluster {
            p.push("setup: only cluster exercises have a setup".into());
        }
        if self.setup.len() > MAX_SETUP_OBJECTS {
            p.push(format!(
                "setup: {} objects; at most {MAX_SETUP_OBJECTS}",
                self.setup.len()
            ));
        }
        let bytes: usize = self
            .setup
            .iter()
            .map(|o| serde_json::to_vec(o).map_or(usize::MAX, |b| b.len()))
            .fold(0, usize::saturating_add);
        if bytes > MAX_SETUP_BYTES {
            p.push(format!(
                "setup: {bytes} bytes as JSON; at most {MAX_SETUP_BYTES}"
            ));
        }
        let mut seen = BTreeSet::new();
        for (i, o) in self.setup.iter().enumerate() {
            let at = format!("setup[{i}]");
            if !o.is_object() {
                p.push(format!("{at}: must be a Kubernetes object (a map)"));
                continue;
            }
            let (api_version, kind) = (str_at(o, "apiVersion"), str_at(o, "kind"));
            let (Some(api_version), Some(kind)) = (api_version, kind) else {
                p.push(format!("{at}: needs apiVersion and kind"));
                continue;
            };
            if setup_plural(api_version, kind).is_none() {
                let allowed: Vec<String> = SETUP_KINDS
                    .iter()
                    .map(|(v, k, _)| format!("{v} {k}"))
                    .collect();
                p.push(format!(
                    "{at}: {api_version} {kind} cannot be created by a setup (allowed: {})",
                    allowed.join(", ")
                ));
            }
            let Some(meta) = o.get("metadata").and_then(Value::as_object) else {
                p.push(format!("{at}: needs metadata.name"));
                continue;
            };
            match meta.get("name").and_then(Value::as_str) {
                Some(n) if is_object_name(n) => {
                    if !seen.insert((kind.to_string(), n.to_string())) {
                        p.push(format!("{at}: {kind} {n} is in the setup twice"));
                    }
                }
                Some(n) => p.push(format!(
                    "{at}: metadata.name \"{n}\" is not an object name (lowercase letters, digits, '-', '.')"
                )),
                None => p.push(format!("{at}: needs metadata.name")),
            }
            for key in ["generateName", "ownerReferences", "finalizers", "uid"] {
                if meta.contains_key(key) {
                    p.push(format!("{at}: metadata.{key} is not allowed in a setup"));
                }
            }
            if let Some(labels) = meta.get("labels") {
                if !labels
                    .as_object()
                    .is_some_and(|l| l.values().all(Value::is_string))
                {
                    p.push(format!("{at}: metadata.labels must map names to strings"));
                }
            }
            if o.get("status").is_some() {
                p.push(format!(
                    "{at}: status is written by the cluster, not by a setup"
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn exercise(setup: Vec<Value>) -> Exercise {
        let mut ex = crate::parse_exercise(
            "x.yaml",
            "id: x\nkind: cluster\ntitle: {zh: a, en: a}\ninstructions: {zh: a, en: a}\n\
             hints: [{zh: a, en: a}]\n\
             needs: [{apiVersion: v1, kind: Service, plural: services, namespaced: true}]\n\
             assertions:\n- {id: a, check: exists, target: {kind: Service, name: s}, \
             message: {zh: a, en: a}, hint: {zh: a, en: a}}\n",
        )
        .expect("a valid spec");
        ex.setup = setup;
        ex
    }

    fn problems(setup: Vec<Value>) -> Vec<String> {
        let mut p = Vec::new();
        exercise(setup).setup_problems(&mut p);
        p
    }

    #[test]
    fn manifests_get_the_learners_namespace_and_the_exercise_label() {
        let ex = exercise(vec![json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": { "name": "s", "namespace": "somebody-else", "labels": { "app": "s" } },
            "spec": { "ports": [ { "port": 80 } ] }
        })]);
        let m = ex.setup_manifests("kl-alice");
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].plural, "services");
        assert_eq!(m[0].body["metadata"]["namespace"], "kl-alice");
        assert_eq!(m[0].body["metadata"]["labels"]["app"], "s");
        assert_eq!(m[0].body["metadata"]["labels"][EXERCISE_LABEL], "x");
        assert_eq!(m[0].object().to_string(), "Service/s");
        assert_eq!(ex.setup_objects(), vec![m[0].object()]);
    }

    #[test]
    fn cluster_scoped_and_unknown_kinds_secrets_and_bad_names_are_refused() {
        let p = problems(vec![
            json!({ "apiVersion": "v1", "kind": "PersistentVolume", "metadata": { "name": "pv" } }),
            json!({ "apiVersion": "v1", "kind": "Secret", "metadata": { "name": "s" } }),
            json!({ "apiVersion": "v1", "kind": "Service", "metadata": { "name": "Not_A_Name" } }),
            json!({ "apiVersion": "v1", "kind": "Service", "metadata": { "generateName": "x-" } }),
            json!({ "apiVersion": "v1", "kind": "ConfigMap", "metadata": { "name": "c" }, "status": {} }),
            json!("a string"),
        ]);
        let all = p.join("\n");
        assert!(
            all.contains("setup[0]: v1 PersistentVolume cannot be created"),
            "{all}"
        );
        assert!(
            all.contains("setup[1]: v1 Secret cannot be created"),
            "{all}"
        );
        assert!(
            all.contains("setup[2]: metadata.name \"Not_A_Name\""),
            "{all}"
        );
        assert!(all.contains("setup[3]: needs metadata.name"), "{all}");
        assert!(
            all.contains("setup[3]: metadata.generateName is not allowed"),
            "{all}"
        );
        assert!(
            all.contains("setup[4]: status is written by the cluster"),
            "{all}"
        );
        assert!(
            all.contains("setup[5]: must be a Kubernetes object"),
            "{all}"
        );
    }

    #[test]
    fn a_setup_is_bounded_in_objects_and_bytes_and_names_are_unique() {
        let cm = |i: usize| json!({ "apiVersion": "v1", "kind": "ConfigMap", "metadata": { "name": format!("c{i}") } });
        let p = problems((0..=MAX_SETUP_OBJECTS).map(cm).collect());
        assert!(p.iter().any(|s| s.contains("at most 12")), "{p:?}");
        let big = json!({ "apiVersion": "v1", "kind": "ConfigMap", "metadata": { "name": "big" },
                          "data": { "k": "x".repeat(MAX_SETUP_BYTES) } });
        let p = problems(vec![big]);
        assert!(p.iter().any(|s| s.contains("bytes as JSON")), "{p:?}");
        let p = problems(vec![cm(1), cm(1)]);
        assert!(
            p.iter()
                .any(|s| s.contains("ConfigMap c1 is in the setup twice")),
            "{p:?}"
        );
        assert!(problems(vec![cm(1), cm(2)]).is_empty());
    }

    #[test]
    fn only_cluster_exercises_have_a_setup() {
        let mut ex = exercise(vec![json!({
            "apiVersion": "v1", "kind": "ConfigMap", "metadata": { "name": "c" } })]);
        ex.kind = super::super::ExerciseKind::Manifest;
        let mut p = Vec::new();
        ex.setup_problems(&mut p);
        assert!(
            p.iter().any(|s| s.contains("only cluster exercises")),
            "{p:?}"
        );
    }
}
