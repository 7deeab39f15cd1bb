//! The objects a cluster check sees.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::InputError;

/// Kinds that are not namespaced (the ones exercises read).
pub const CLUSTER_SCOPED: &[&str] = &[
    "Node",
    "PersistentVolume",
    "IngressClass",
    "StorageClass",
    "Namespace",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "PriorityClass",
    "RuntimeClass",
];

/// The learner's namespaced objects plus the cluster-scoped ones the exercise needs, as the
/// apiserver returns them (JSON, with status).
///
/// Objects are shared (`Arc`): grading a class hands the same cached object to every exercise
/// that reads it, and the verdict's evidence keeps it, without a copy.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub namespace: String,
    pub objects: Vec<Arc<Value>>,
}

pub(crate) fn kind_of(v: &Value) -> &str {
    v.get("kind").and_then(Value::as_str).unwrap_or_default()
}

pub(crate) fn name_of(v: &Value) -> &str {
    crate::path::get_str(v, "metadata.name").unwrap_or_default()
}

impl Snapshot {
    pub fn new(namespace: impl Into<String>, objects: Vec<Value>) -> Self {
        Self::shared(namespace, objects.into_iter().map(Arc::new).collect())
    }

    /// A snapshot of objects already shared elsewhere (a cache's).
    pub fn shared(namespace: impl Into<String>, objects: Vec<Arc<Value>>) -> Self {
        Snapshot {
            namespace: namespace.into(),
            objects,
        }
    }

    /// Build a snapshot from multi-document YAML (e.g. `kubectl get ... -o yaml` output or test
    /// fixtures). `List` objects are flattened into their items; empty documents are skipped.
    pub fn from_yaml(namespace: impl Into<String>, text: &str) -> Result<Self, InputError> {
        crate::check_size(text.len())?;
        let docs = crate::yaml::parse_documents(text).map_err(InputError::from)?;
        let mut objects = Vec::new();
        for d in docs {
            flatten(d.value, &mut objects);
        }
        Ok(Snapshot::new(namespace, objects))
    }

    /// Whether `kind` is namespaced.
    pub fn is_namespaced(kind: &str) -> bool {
        !CLUSTER_SCOPED.contains(&kind)
    }

    /// Objects of `kind` that belong to this snapshot (namespaced ones only from `namespace`).
    pub fn of_kind<'a>(&'a self, kind: &str) -> impl Iterator<Item = &'a Value> + 'a {
        let namespaced = Self::is_namespaced(kind);
        let kind = kind.to_string();
        self.objects.iter().map(|o| &**o).filter(move |o| {
            kind_of(o) == kind.as_str()
                && (!namespaced
                    || crate::path::get_str(o, "metadata.namespace")
                        .is_none_or(|ns| ns == self.namespace))
        })
    }

    /// The object of `kind` named `name`.
    pub fn get<'a>(&'a self, kind: &str, name: &str) -> Option<&'a Value> {
        self.of_kind(kind).find(|o| name_of(o) == name)
    }
}

fn flatten(v: Value, out: &mut Vec<Value>) {
    match v {
        Value::Null => {}
        Value::Object(ref m)
            if m.get("kind")
                .and_then(Value::as_str)
                .is_some_and(|k| k == "List" || k.ends_with("List")) =>
        {
            if let Some(Value::Array(items)) = m.get("items") {
                for i in items {
                    flatten(i.clone(), out);
                }
            }
        }
        other => out.push(other),
    }
}
