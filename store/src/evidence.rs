//! What of a snapshot may be stored as evidence. Pure.

use serde_json::Value;

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Removes what must never be stored: Secret `data`/`stringData`, every `token` field of a
/// service-account-token Secret, `metadata.managedFields` (noise) and the last-applied
/// annotation (it repeats the whole manifest, a Secret's values included). `List`-style
/// objects are stripped item by item.
pub fn strip_evidence(objects: &[Value]) -> Vec<Value> {
    objects.iter().map(strip_object).collect()
}

fn strip_object(object: &Value) -> Value {
    let mut object = object.clone();
    let Some(map) = object.as_object_mut() else {
        return object;
    };
    if let Some(Value::Array(items)) = map.get_mut("items") {
        for item in items.iter_mut() {
            *item = strip_object(item);
        }
    }
    if let Some(Value::Object(metadata)) = map.get_mut("metadata") {
        metadata.remove("managedFields");
        if let Some(Value::Object(annotations)) = metadata.get_mut("annotations") {
            annotations.remove(LAST_APPLIED);
        }
    }
    if map.get("kind").and_then(Value::as_str) == Some("Secret") {
        map.remove("data");
        map.remove("stringData");
        if map.get("type").and_then(Value::as_str) == Some("kubernetes.io/service-account-token") {
            remove_tokens(&mut object);
        }
    }
    object
}

fn remove_tokens(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.remove("token");
            map.values_mut().for_each(remove_tokens);
        }
        Value::Array(items) => items.iter_mut().for_each(remove_tokens),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secret_values_are_removed_but_the_secret_stays_visible() {
        let secret = json!({
            "apiVersion": "v1", "kind": "Secret", "type": "Opaque",
            "metadata": {"name": "db", "labels": {"app": "db"}},
            "data": {"password": "aHVudGVyMg=="}, "stringData": {"user": "admin"}
        });
        let stripped = strip_evidence(&[secret]);
        assert_eq!(
            stripped,
            vec![json!({
                "apiVersion": "v1", "kind": "Secret", "type": "Opaque",
                "metadata": {"name": "db", "labels": {"app": "db"}}
            })]
        );
    }

    #[test]
    fn service_account_tokens_are_removed_everywhere_in_the_secret() {
        let secret = json!({
            "kind": "Secret", "type": "kubernetes.io/service-account-token",
            "metadata": {"name": "sa-token", "annotations": {"kubernetes.io/service-account.name": "sa"}},
            "data": {"token": "ZXlK"}, "token": "eyJ", "status": {"token": "eyJ", "other": 1}
        });
        let stripped = &strip_evidence(&[secret])[0];
        assert!(!stripped.to_string().contains("eyJ"), "{stripped}");
        assert_eq!(stripped["status"]["other"], 1);
        assert_eq!(stripped["metadata"]["name"], "sa-token");
    }

    #[test]
    fn managed_fields_and_last_applied_are_removed_from_any_kind() {
        let deployment = json!({
            "kind": "Deployment",
            "metadata": {
                "name": "web",
                "managedFields": [{"manager": "kubectl"}],
                "annotations": {LAST_APPLIED: "{...}", "team": "a"}
            },
            "spec": {"replicas": 2, "token": "kept: not a Secret"}
        });
        let stripped = &strip_evidence(&[deployment])[0];
        assert_eq!(
            stripped["metadata"],
            json!({"name": "web", "annotations": {"team": "a"}})
        );
        assert_eq!(stripped["spec"]["token"], "kept: not a Secret");
    }

    #[test]
    fn list_items_are_stripped_and_non_objects_pass_through() {
        let list = json!({
            "kind": "List",
            "items": [{"kind": "Secret", "metadata": {"name": "a"}, "data": {"k": "dg=="}}]
        });
        let stripped = strip_evidence(&[list, json!("text"), json!(null)]);
        assert_eq!(
            stripped[0]["items"][0],
            json!({"kind": "Secret", "metadata": {"name": "a"}})
        );
        assert_eq!(stripped[1], json!("text"));
        assert_eq!(stripped[2], json!(null));
    }
}
