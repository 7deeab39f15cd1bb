//! Shared test helpers: read the real catalog and fixtures (files are read here, never in the library).
#![allow(dead_code)]

use std::path::PathBuf;

use kubelab_checks::{AssertionResult, Catalog, Exercise, Snapshot, Verdict};
use serde_json::Value;

pub const NS: &str = "alice";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn sources() -> Vec<(String, String)> {
    let dir = root().join("../content/exercises");
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("content/exercises exists")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("readable spec");
            (
                format!(
                    "content/exercises/{}",
                    p.file_name().unwrap().to_string_lossy()
                ),
                text,
            )
        })
        .collect();
    out.sort();
    out
}

pub fn catalog() -> Catalog {
    match Catalog::from_sources(sources()) {
        Ok(c) => c,
        Err(e) => panic!("catalog does not load: {e}"),
    }
}

pub fn exercise(id: &str) -> Exercise {
    catalog()
        .get(id)
        .cloned()
        .unwrap_or_else(|| panic!("no exercise {id}"))
}

pub fn fixture_text(id: &str, name: &str) -> String {
    let p = root().join("tests/fixtures").join(id).join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

pub fn snapshot(id: &str, name: &str) -> Snapshot {
    Snapshot::from_yaml(NS, &fixture_text(id, name)).expect("fixture parses")
}

fn find_mut<'a>(s: &'a mut Snapshot, kind: &str, name: &str) -> &'a mut Value {
    s.objects
        .iter_mut()
        .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
        .map(std::sync::Arc::make_mut)
        .unwrap_or_else(|| panic!("fixture has no {kind} {name}"))
}

/// Set a value at a JSON pointer inside one object (creating nothing: the parent must exist).
pub fn set(s: &mut Snapshot, kind: &str, name: &str, pointer: &str, v: Value) {
    let o = find_mut(s, kind, name);
    let (parent, key) = pointer.rsplit_once('/').expect("pointer");
    let p = o
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("{kind} {name} has no {parent}"));
    match p {
        Value::Object(m) => {
            m.insert(key.replace("~1", "/"), v);
        }
        Value::Array(a) => {
            let i: usize = key.parse().expect("index");
            a[i] = v;
        }
        _ => panic!("{parent} is not a container"),
    }
}

pub fn remove(s: &mut Snapshot, kind: &str, name: &str, pointer: &str) {
    let o = find_mut(s, kind, name);
    let (parent, key) = pointer.rsplit_once('/').expect("pointer");
    match o.pointer_mut(parent) {
        Some(Value::Object(m)) => {
            m.remove(&key.replace("~1", "/"))
                .unwrap_or_else(|| panic!("{kind} {name} has no {pointer}"));
        }
        _ => panic!("{kind} {name} has no {parent}"),
    }
}

pub fn drop_object(s: &mut Snapshot, kind: &str, name: &str) {
    let before = s.objects.len();
    s.objects
        .retain(|o| !(o["kind"] == kind && o["metadata"]["name"] == name));
    assert!(s.objects.len() < before, "fixture has no {kind} {name}");
}

pub fn drop_kind(s: &mut Snapshot, kind: &str) {
    s.objects.retain(|o| o["kind"] != kind);
}

pub fn assert_passes(v: &Verdict) {
    assert_case_passes(&v.exercise, v);
}

/// [`assert_passes`] for a table row: the message names the `case`.
pub fn assert_case_passes(case: &str, v: &Verdict) {
    let bad: Vec<&AssertionResult> = v.results.iter().filter(|r| !r.passed).collect();
    assert!(
        v.passed && bad.is_empty(),
        "{case}: expected {} to pass, failures: {bad:#?}",
        v.exercise
    );
}

/// The verdict fails, and the FIRST real failure is `id` on a field containing `field`.
pub fn assert_fails_on<'a>(v: &'a Verdict, id: &str, field: Option<&str>) -> &'a AssertionResult {
    assert_case_fails_on(&v.exercise, v, id, field)
}

/// [`assert_fails_on`] for a table row: every message names the `case`.
pub fn assert_case_fails_on<'a>(
    case: &str,
    v: &'a Verdict,
    id: &str,
    field: Option<&str>,
) -> &'a AssertionResult {
    assert!(!v.passed, "{case}: expected {} to fail", v.exercise);
    let first = v
        .first_failure()
        .unwrap_or_else(|| panic!("{case}: a failure"));
    assert_eq!(first.id, id, "{case}: first failure is {first:#?}");
    if let Some(f) = field {
        let got = first.field.as_deref().unwrap_or_default();
        assert!(
            got.contains(f),
            "{case}: field {got:?} does not contain {f:?}: {first:#?}"
        );
    }
    assert!(first.hint.is_some(), "{case}: a failure carries a hint");
    assert!(
        !first.message.zh.is_empty() && !first.message.en.is_empty(),
        "{case}: a failure has a message in both languages"
    );
    first
}

/// The result with this `id`; a table row's `case` is named if there is none.
pub fn result<'a>(case: &str, v: &'a Verdict, id: &str) -> &'a AssertionResult {
    v.result(id)
        .unwrap_or_else(|| panic!("{case}: {} has no result {id}", v.exercise))
}
