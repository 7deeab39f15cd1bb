//! Every YAML manifest in the course content must be valid for a real
//! Kubernetes 1.37 API server. Each ```yaml block of content/{zh,en}/*.md is
//! split into documents; each complete object (top-level `apiVersion`, `kind`
//! and `metadata.name`) is sent as a server-side apply with dry-run, in a fresh
//! namespace for namespaced kinds (the namespace written in the YAML is
//! replaced). Fragments (an excerpt of a Pod spec, flannel's net-conf, …) are
//! counted and skipped. A block whose first line is `# kubelab: expect-rejected`
//! is a deliberately broken example: its objects must be REJECTED.
//!
//! The `setup:` objects of the exercise specs (content/exercises/*.yaml, what "Start" creates
//! in a learner's namespace) are dry-run the same way, exactly as kubelab applies them.
//!
//! Run: `eval "$(scripts/sandbox up)"; cargo test -p kubelab-testkit --test content_manifests -- --nocapture`.

use std::path::{Path, PathBuf};

use kube::api::{DynamicObject, GroupVersionKind, Patch, PatchParams};
use kube::discovery::{self, Scope};
use kube::{Api, Client, Error};
use kubelab_testkit::TestNamespace;
use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use serde_json::Value;

/// First line of a block whose objects the API server must reject.
const EXPECT_REJECTED: &str = "# kubelab: expect-rejected";

/// One ```yaml block: where it is and what it holds.
#[derive(Debug, PartialEq)]
struct YamlBlock {
    /// 1-based line of the opening fence.
    line: usize,
    text: String,
}

/// The fenced ```yaml blocks of a Markdown text, as pulldown-cmark (the
/// renderer's parser) sees them — also inside block quotes and lists.
fn yaml_blocks(markdown: &str) -> Vec<YamlBlock> {
    let options = Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_GFM;
    let mut blocks = Vec::new();
    let mut open: Option<YamlBlock> = None;
    for (event, range) in Parser::new_ext(markdown, options).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                let lang = info.split_whitespace().next().unwrap_or("");
                if lang == "yaml" || lang == "yml" {
                    let line = markdown[..range.start].matches('\n').count() + 1;
                    open = Some(YamlBlock {
                        line,
                        text: String::new(),
                    });
                }
            }
            Event::Text(text) => {
                if let Some(block) = open.as_mut() {
                    block.text.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => blocks.extend(open.take()),
            _ => {}
        }
    }
    blocks
}

/// What a YAML document of a block is.
#[derive(Debug)]
enum Doc {
    /// A complete object to send to the API server.
    Object {
        api_version: String,
        kind: String,
        name: String,
        value: Value,
    },
    /// Part of an object (no apiVersion/kind/metadata.name): not sendable alone.
    Fragment,
}

/// Splits a block into its YAML documents (empty documents are dropped).
fn documents(text: &str) -> Result<Vec<Doc>, String> {
    let mut docs = Vec::new();
    // The reader learners' submissions go through, so a lesson never shows YAML we would refuse.
    let parsed = kubelab_checks::yaml::parse_documents(text).map_err(|e| {
        format!(
            "not valid YAML at line {}, column {}: {}",
            e.location.line, e.location.column, e.message
        )
    })?;
    for value in parsed.into_iter().map(|d| d.value) {
        if value.is_null() {
            continue;
        }
        let s = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
        let doc = match (
            s(value.get("apiVersion")),
            s(value.get("kind")),
            s(value.get("metadata").and_then(|m| m.get("name"))),
        ) {
            (Some(api_version), Some(kind), Some(name)) => Doc::Object {
                api_version,
                kind,
                name,
                value,
            },
            _ => Doc::Fragment,
        };
        docs.push(doc);
    }
    Ok(docs)
}

fn content_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content")
}

/// content/{zh,en}/*.md, sorted, as (path shown in messages, text).
fn chapters() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for lang in ["zh", "en"] {
        let dir = content_dir().join(lang);
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
        let mut paths: Vec<PathBuf> = entries
            .map(|e| {
                e.unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
                    .path()
            })
            .filter(|p| p.extension().is_some_and(|x| x == "md"))
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            let file = path
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default();
            out.push((format!("content/{lang}/{file}"), text));
        }
    }
    out
}

fn gvk(api_version: &str, kind: &str) -> GroupVersionKind {
    match api_version.split_once('/') {
        Some((group, version)) => GroupVersionKind::gvk(group, version, kind),
        None => GroupVersionKind::gvk("", api_version, kind),
    }
}

/// Why a dry-run did not succeed.
#[derive(Debug)]
enum Refusal {
    /// The API server answered 4xx: validation or admission said no.
    Rejected(String),
    /// Anything else: kind not served, network, 5xx, a malformed object.
    Error(String),
}

/// Server-side apply with dry-run, in `namespace` for namespaced kinds
/// (replacing any namespace the YAML names) and without one for cluster-scoped kinds.
async fn dry_run_apply(
    client: &Client,
    namespace: &str,
    api_version: &str,
    kind: &str,
    name: &str,
    mut value: Value,
) -> Result<(), Refusal> {
    let (resource, caps) = discovery::pinned_kind(client, &gvk(api_version, kind))
        .await
        .map_err(|e| {
            Refusal::Error(format!(
                "the API server does not serve {api_version} {kind}: {e}"
            ))
        })?;
    let metadata = value
        .get_mut("metadata")
        .and_then(Value::as_object_mut)
        .ok_or_else(|| Refusal::Error("metadata is not a map".into()))?;
    let api: Api<DynamicObject> = if caps.scope == Scope::Namespaced {
        metadata.insert("namespace".into(), Value::String(namespace.into()));
        Api::namespaced_with(client.clone(), namespace, &resource)
    } else {
        metadata.remove("namespace");
        Api::all_with(client.clone(), &resource)
    };
    let params = PatchParams::apply("kubelab-content-test").dry_run();
    match api.patch(name, &params, &Patch::Apply(&value)).await {
        Ok(_) => Ok(()),
        Err(Error::Api(status)) => {
            let msg = format!("{} {}: {}", status.code, status.reason, status.message);
            if (400..500).contains(&status.code) {
                Err(Refusal::Rejected(msg))
            } else {
                Err(Refusal::Error(msg))
            }
        }
        Err(e) => Err(Refusal::Error(e.to_string())),
    }
}

#[tokio::test]
async fn every_yaml_manifest_in_the_content_is_accepted_by_the_api_server_or_rejected_when_marked()
{
    let ns = TestNamespace::create("content-manifests").await;
    let client = ns.client();
    let (mut checked, mut rejected_as_marked, mut fragments) = (0usize, 0usize, 0usize);
    let mut failures = Vec::new();

    for (file, text) in chapters() {
        for block in yaml_blocks(&text) {
            let at = format!("{file}:{}", block.line);
            let expect_rejected = block
                .text
                .lines()
                .next()
                .is_some_and(|l| l.trim() == EXPECT_REJECTED);
            let docs = match documents(&block.text) {
                Ok(d) => d,
                Err(e) => {
                    failures.push(format!("{at}: {e}"));
                    continue;
                }
            };
            if expect_rejected && !docs.iter().any(|d| matches!(d, Doc::Object { .. })) {
                failures.push(format!(
                    "{at}: marked `{EXPECT_REJECTED}` but holds no complete object"
                ));
            }
            for doc in docs {
                let Doc::Object {
                    api_version,
                    kind,
                    name,
                    value,
                } = doc
                else {
                    fragments += 1;
                    continue;
                };
                checked += 1;
                let result =
                    dry_run_apply(&client, ns.name(), &api_version, &kind, &name, value).await;
                match (result, expect_rejected) {
                    (Ok(()), false) => println!("ok        {at} {kind}/{name}"),
                    (Err(Refusal::Rejected(msg)), true) => {
                        rejected_as_marked += 1;
                        println!("rejected  {at} {kind}/{name} (as marked): {msg}");
                    }
                    (Err(Refusal::Rejected(msg) | Refusal::Error(msg)), false) => {
                        failures.push(format!("{at} {kind}/{name}: {msg}"))
                    }
                    (Err(Refusal::Error(msg)), true) => failures.push(format!(
                        "{at} {kind}/{name}: marked `{EXPECT_REJECTED}`, but failed for another reason than validation: {msg}"
                    )),
                    (Ok(()), true) => failures.push(format!(
                        "{at} {kind}/{name}: marked `{EXPECT_REJECTED}` but the API server accepted it"
                    )),
                }
            }
        }
    }

    println!(
        "content manifests: {checked} manifests dry-run ({rejected_as_marked} rejected as marked), {fragments} fragments skipped"
    );
    assert!(
        checked > 0,
        "found no manifest in {}: the extraction is broken",
        content_dir().display()
    );
    assert!(
        failures.is_empty(),
        "{} manifest(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The exercise specs of content/exercises, parsed by the check engine (which refuses a setup
/// of a kind it may not create, too large, or malformed).
fn exercises() -> Vec<kubelab_checks::Exercise> {
    let dir = content_dir().join("exercises");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()));
            kubelab_checks::parse_exercise(&p.display().to_string(), &text)
                .unwrap_or_else(|e| panic!("{e}"))
        })
        .collect()
}

#[tokio::test]
async fn every_exercise_setup_is_accepted_by_the_api_server_as_kubelab_applies_it() {
    let ns = TestNamespace::create("content-setup").await;
    let client = ns.client();
    let mut checked = 0usize;
    let mut failures = Vec::new();
    for ex in exercises() {
        for m in ex.setup_manifests(ns.name()) {
            checked += 1;
            let at = format!(
                "content/exercises/{}.yaml setup {}/{}",
                ex.id, m.kind, m.name
            );
            match dry_run_apply(&client, ns.name(), &m.api_version, &m.kind, &m.name, m.body).await
            {
                Ok(()) => println!("ok        {at}"),
                Err(Refusal::Rejected(msg) | Refusal::Error(msg)) => {
                    failures.push(format!("{at}: {msg}"))
                }
            }
        }
    }
    println!("exercise setups: {checked} objects dry-run");
    assert!(
        checked >= 6,
        "only {checked} setup objects found: the extraction is broken"
    );
    assert!(
        failures.is_empty(),
        "{} setup object(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn dry_run_overrides_the_yaml_namespace_and_reports_the_api_servers_rejection() {
    let ns = TestNamespace::create("content-dry-run").await;
    let client = ns.client();
    let docs = documents(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n  namespace: not-there\ndata:\n  k: v\n---\n\
         apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: bad\nspec:\n  rules:\n  - http:\n      paths:\n\
         \x20     - path: /\n        pathType: Wrong\n        backend:\n          service:\n            name: s\n\
         \x20           port:\n              number: 80\n",
    )
    .expect("valid YAML");
    let mut results = Vec::new();
    for doc in docs {
        let Doc::Object {
            api_version,
            kind,
            name,
            value,
        } = doc
        else {
            panic!("a complete object: {doc:?}")
        };
        results.push(dry_run_apply(&client, ns.name(), &api_version, &kind, &name, value).await);
    }
    // The namespace `not-there` in the YAML is replaced by the test namespace.
    assert!(results[0].is_ok(), "{:?}", results[0]);
    match &results[1] {
        Err(Refusal::Rejected(msg)) => assert!(msg.contains("pathType"), "{msg}"),
        other => panic!("an invalid pathType must be rejected by validation, got {other:?}"),
    }
    let unknown = dry_run_apply(
        &client,
        ns.name(),
        "example.com/v1",
        "Nothing",
        "x",
        serde_json::json!({
            "apiVersion": "example.com/v1", "kind": "Nothing", "metadata": { "name": "x" }
        }),
    )
    .await;
    assert!(
        matches!(unknown, Err(Refusal::Error(_))),
        "an unserved kind is not a validation rejection: {unknown:?}"
    );
}

#[test]
fn yaml_blocks_are_found_with_their_fence_line_and_other_languages_ignored() {
    let md = "# t\n\n```bash\nkubectl get pods\n```\n\n```yaml\na: 1\n---\nb: 2\n```\n\n> ```yaml\n> c: 3\n> ```\n";
    let blocks = yaml_blocks(md);
    assert_eq!(
        blocks,
        vec![
            YamlBlock {
                line: 7,
                text: "a: 1\n---\nb: 2\n".into()
            },
            YamlBlock {
                line: 13,
                text: "c: 3\n".into()
            },
        ]
    );
}

#[test]
fn documents_are_split_and_fragments_told_apart_from_complete_objects() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n---\nspec:\n  containers: []\n---\n- name: X\n---\n";
    let docs = documents(text).expect("valid YAML");
    assert_eq!(docs.len(), 3, "{docs:?}");
    assert!(matches!(&docs[0], Doc::Object { kind, name, .. } if kind == "Pod" && name == "p"));
    assert!(matches!(docs[1], Doc::Fragment));
    assert!(matches!(docs[2], Doc::Fragment));
    assert!(documents("a: [1").is_err());
}

#[test]
fn the_content_has_yaml_blocks() {
    let blocks: usize = chapters()
        .iter()
        .map(|(_, text)| yaml_blocks(text).len())
        .sum();
    assert!(
        blocks > 0,
        "no ```yaml block found under {}",
        content_dir().display()
    );
}
