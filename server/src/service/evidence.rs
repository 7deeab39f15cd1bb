//! What of a snapshot an attempt keeps as evidence. Every live verdict flip, check and grade
//! stores one, so it is kept small: no `metadata.managedFields` or last-applied annotation
//! (noise), no Secret values, no ConfigMap payloads, and at most `max_bytes` of JSON in all —
//! objects beyond that are left out and a marker object says how many. Pure.

use std::borrow::Borrow;

use serde_json::{json, Value};

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";
/// ConfigMap values up to this size are kept: an env variable's value (a host name, a port)
/// is what exercises read from a ConfigMap (`envFrom`), and re-grading evaluates the stored
/// evidence. Longer values (files, certificates) are replaced by a note of their size.
pub const CONFIGMAP_VALUE_BYTES: usize = 256;
/// The `kind` of the marker object that says objects were left out.
pub const TRUNCATED_KIND: &str = "EvidenceTruncated";

/// `objects` as they may be stored, within `max_bytes` of JSON.
pub fn for_storage(objects: &[impl Borrow<Value>], max_bytes: usize) -> Vec<Value> {
    let marker_room = 200;
    let budget = max_bytes.saturating_sub(marker_room);
    let mut kept = Vec::with_capacity(objects.len());
    let (mut used, mut omitted, mut omitted_bytes) = (2usize, 0usize, 0usize);
    for object in objects {
        let object = slim(object.borrow());
        let size = serde_json::to_vec(&object).map_or(usize::MAX, |v| v.len()) + 1;
        if used.saturating_add(size) <= budget {
            used += size;
            kept.push(object);
        } else {
            omitted += 1;
            omitted_bytes = omitted_bytes.saturating_add(size);
        }
    }
    if omitted > 0 {
        kept.push(json!({
            "apiVersion": "kubelab.dev/v1",
            "kind": TRUNCATED_KIND,
            "metadata": { "name": "evidence-truncated" },
            "omittedObjects": omitted,
            "omittedBytes": omitted_bytes,
            "limitBytes": max_bytes,
        }));
    }
    kept
}

fn slim(object: &Value) -> Value {
    let mut object = object.clone();
    let Some(map) = object.as_object_mut() else {
        return object;
    };
    if let Some(Value::Array(items)) = map.get_mut("items") {
        for item in items.iter_mut() {
            *item = slim(item);
        }
    }
    if let Some(Value::Object(metadata)) = map.get_mut("metadata") {
        metadata.remove("managedFields");
        if let Some(Value::Object(annotations)) = metadata.get_mut("annotations") {
            annotations.remove(LAST_APPLIED);
        }
    }
    match map.get("kind").and_then(Value::as_str) {
        Some("Secret") => {
            map.remove("data");
            map.remove("stringData");
        }
        Some("ConfigMap") => {
            map.remove("binaryData");
            if let Some(Value::Object(data)) = map.get_mut("data") {
                for value in data.values_mut() {
                    let len = value.as_str().map_or(0, str::len);
                    if len > CONFIGMAP_VALUE_BYTES {
                        *value =
                            Value::String(format!("(kubelab did not store these {len} bytes)"));
                    }
                }
            }
        }
        _ => {}
    }
    object
}

#[cfg(test)]
mod tests {
    use super::*;

    fn configmap(name: &str, value: &str) -> Value {
        json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "managedFields": [{"manager": "kubectl", "fieldsV1": {"f:data": {}}}]},
            "data": {"DB_HOST": "maria-svc", "big": value},
            "binaryData": {"blob": "AAAA"}
        })
    }

    #[test]
    fn payloads_secrets_and_managed_fields_are_not_stored_but_env_sized_values_are() {
        let secret = json!({
            "kind": "Secret", "metadata": {"name": "db"},
            "data": {"password": "aHVudGVyMg=="}, "stringData": {"user": "admin"}
        });
        let stored = for_storage(&[configmap("cfg", &"x".repeat(10_000)), secret], 64 * 1024);
        assert_eq!(stored.len(), 2);
        let cm = &stored[0];
        assert_eq!(cm["data"]["DB_HOST"], "maria-svc");
        assert_eq!(
            cm["data"]["big"],
            "(kubelab did not store these 10000 bytes)"
        );
        assert!(cm.get("binaryData").is_none());
        assert!(cm["metadata"].get("managedFields").is_none());
        assert_eq!(
            stored[1],
            json!({"kind": "Secret", "metadata": {"name": "db"}})
        );
    }

    #[test]
    fn evidence_over_the_limit_keeps_what_fits_and_says_what_was_left_out() {
        // 100 Deployments of ~1 KiB each, 16 KiB allowed.
        let objects: Vec<Value> = (0..100)
            .map(|i| {
                json!({"kind": "Deployment", "metadata": {"name": format!("d{i:03}")},
                       "spec": {"note": "y".repeat(1000)}})
            })
            .collect();
        let stored = for_storage(&objects, 16 * 1024);
        let size = serde_json::to_vec(&stored).expect("json").len();
        assert!(size <= 16 * 1024, "{size} bytes");
        let marker = stored.last().expect("marker");
        assert_eq!(marker["kind"], TRUNCATED_KIND);
        let kept = stored.len() - 1;
        assert!(kept >= 10, "kept {kept}");
        assert_eq!(marker["omittedObjects"], 100 - kept);
        assert_eq!(stored[0]["metadata"]["name"], "d000");
        // Under the limit: everything, no marker.
        let stored = for_storage(&objects[..3], 16 * 1024);
        assert_eq!(stored.len(), 3);
    }
}
