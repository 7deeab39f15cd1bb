//! Resource types as the API names them, and the limits of every read: which `Api` serves a
//! need, what a namespace name may be, and how listed items are made whole again.

use std::time::Duration;

use kube::api::{ApiResource, DynamicObject, GroupVersionKind};
use kube::{Api, Client};
use kubelab_checks::Need;
use serde_json::Value;

/// How long to wait for a TCP (and TLS) connection to the API server.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// How long to wait for an answer on an open connection.
pub const READ_TIMEOUT: Duration = Duration::from_secs(4);
/// The whole snapshot (every list) must be read within this.
pub const DEADLINE: Duration = Duration::from_millis(4500);
/// Objects per list page.
pub(crate) const PAGE: u32 = 500;
/// At most this many pages per resource type (a learner's namespace is small).
pub(crate) const MAX_PAGES: usize = 20;
/// The API for `need`'s type: namespaced types in `namespace` if one is given, else across all
/// namespaces; and how to name it in errors.
pub(crate) fn api_for(
    client: &Client,
    need: &Need,
    namespace: Option<&str>,
) -> (Api<DynamicObject>, String) {
    let (group, version) = need.group_version();
    let gvk = GroupVersionKind::gvk(group, version, &need.kind);
    let ar = ApiResource::from_gvk_with_plural(&gvk, &need.plural);
    match namespace {
        Some(ns) if need.namespaced => (
            Api::namespaced_with(client.clone(), ns, &ar),
            format!("{} ({}) in namespace {ns}", need.plural, need.api_version),
        ),
        _ => (
            Api::all_with(client.clone(), &ar),
            format!("{} ({})", need.plural, need.api_version),
        ),
    }
}

/// A namespace name: a DNS-1123 label.
pub fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// List responses leave `apiVersion` and `kind` out of their items: put them back. Also drop
/// `metadata.managedFields`, which checks never read.
pub(crate) fn restore_type(value: &mut Value, need: &Need) {
    if let Some(obj) = value.as_object_mut() {
        obj.insert("apiVersion".into(), Value::String(need.api_version.clone()));
        obj.insert("kind".into(), Value::String(need.kind.clone()));
        if let Some(meta) = obj.get_mut("metadata").and_then(Value::as_object_mut) {
            meta.remove("managedFields");
        }
    }
}
