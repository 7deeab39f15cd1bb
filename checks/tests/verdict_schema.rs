//! The verdict JSON matches docs/verdict.schema.json (a small validator for the subset the schema uses).
mod common;

use common::*;
use kubelab_checks::{evaluate, validate, Verdict};
use serde_json::{json, Value};

fn schema() -> Value {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/verdict.schema.json");
    serde_json::from_str(&std::fs::read_to_string(p).expect("schema file")).expect("schema is JSON")
}

fn resolve<'a>(root: &'a Value, s: &'a Value) -> &'a Value {
    match s.get("$ref").and_then(Value::as_str) {
        Some(r) => root
            .pointer(r.trim_start_matches('#'))
            .expect("ref resolves"),
        None => s,
    }
}

fn check(root: &Value, s: &Value, v: &Value, at: &str) {
    let s = resolve(root, s);
    if let Some(e) = s.get("enum").and_then(Value::as_array) {
        assert!(e.contains(v), "{at}: {v} not in {e:?}");
    }
    match s.get("type").and_then(Value::as_str) {
        Some("object") => {
            let o = v
                .as_object()
                .unwrap_or_else(|| panic!("{at}: not an object"));
            let props = s["properties"].as_object().unwrap();
            for r in s
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                assert!(
                    o.contains_key(r.as_str().unwrap()),
                    "{at}: missing required {r}"
                );
            }
            for (k, x) in o {
                let ps = props
                    .get(k)
                    .unwrap_or_else(|| panic!("{at}: key {k} is not in the schema"));
                check(root, ps, x, &format!("{at}.{k}"));
            }
        }
        Some("array") => {
            for (i, x) in v
                .as_array()
                .unwrap_or_else(|| panic!("{at}: not an array"))
                .iter()
                .enumerate()
            {
                check(root, &s["items"], x, &format!("{at}[{i}]"));
            }
        }
        Some("string") => assert!(v.is_string(), "{at}: not a string"),
        Some("boolean") => assert!(v.is_boolean(), "{at}: not a boolean"),
        Some("integer") => {
            let n = v.as_u64().unwrap_or_else(|| panic!("{at}: not an integer"));
            if let Some(m) = s.get("minimum").and_then(Value::as_u64) {
                assert!(n >= m, "{at}: {n} < {m}");
            }
        }
        _ => {}
    }
}

fn conforms(v: &Verdict) -> Value {
    let j = serde_json::to_value(v).unwrap();
    let root = schema();
    check(&root, &root, &j, "verdict");
    j
}

#[test]
fn failing_cluster_verdict_matches_the_schema_with_all_optional_fields() {
    let mut s = snapshot("service-clusterip", "good.yaml");
    set(
        &mut s,
        "Service",
        "ngx-svc",
        "/spec/selector",
        json!({"name": "ngx-dep"}),
    );
    let v = evaluate(&exercise("service-clusterip"), &s);
    let j = conforms(&v);
    let r = j["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "selects-pods")
        .unwrap();
    for k in [
        "id", "passed", "skipped", "title", "message", "hint", "object", "field", "expected",
        "found",
    ] {
        assert!(r.get(k).is_some(), "result lacks {k}: {r}");
    }
    assert_eq!(
        r["object"],
        json!({"kind": "Service", "name": "ngx-svc", "namespace": "alice"})
    );
    assert_eq!(j["mode"], "cluster");
}

#[test]
fn passing_verdict_has_no_hints_and_matches_the_schema() {
    let v = evaluate(
        &exercise("deployment"),
        &snapshot("deployment", "good.yaml"),
    );
    let j = conforms(&v);
    assert_eq!(j["passed"], true);
    assert!(j["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r.get("hint").is_none()));
}

#[test]
fn offline_verdict_with_location_matches_the_schema() {
    let v = validate(&exercise("dockerfile"), "FROM nginx\nEXPOSE 80\n").unwrap();
    let j = conforms(&v);
    assert_eq!(j["results"][0]["location"], json!({"line": 1, "column": 1}));
    assert_eq!(j["mode"], "offline");
    let q = validate(&exercise("network-modes"), "null-mode=b").unwrap();
    conforms(&q);
}

#[test]
fn verdict_round_trips_through_json() {
    let v = evaluate(&exercise("ingress"), &snapshot("ingress", "good.yaml"));
    let back: Verdict = serde_json::from_value(serde_json::to_value(&v).unwrap()).unwrap();
    assert_eq!(back, v);
}
