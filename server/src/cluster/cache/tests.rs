//! The shared caches against the sandbox API server (`scripts/sandbox up`; without KUBECONFIG
//! these fail with instructions, never skip).

use super::*;
use crate::cluster::Cluster;
use crate::config::ClusterArgs;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::Service;
use kube::api::{Patch, PatchParams};
use kubelab_checks::{Exercise, Verdict};
use kubelab_testkit::{poll_until, TestNamespace};
use serde_json::{json, Value};

fn need(api_version: &str, plural: &str) -> Need {
    Need {
        api_version: api_version.into(),
        kind: "X".into(),
        plural: plural.into(),
        namespaced: true,
    }
}

#[test]
fn a_change_concerns_its_namespace_and_cluster_scoped_changes_concern_all() {
    let pods = TypeKey::of(&need("v1", "pods"));
    let svcs = TypeKey::of(&need("v1", "services"));
    let change = |ns: Option<&str>| Change {
        type_key: Arc::new(pods.clone()),
        namespace: ns.map(Arc::from),
    };
    let types = [pods.clone(), svcs.clone()];
    assert!(change(Some("alice")).concerns(&types, "alice"));
    assert!(!change(Some("bob")).concerns(&types, "alice"));
    assert!(change(None).concerns(&types, "alice"));
    assert!(!change(None).concerns(&[svcs], "alice"));
}

/// A cluster client as `kubelab serve` builds it, from $KUBECONFIG.
async fn cluster() -> Cluster {
    // Fails with the testkit's instructions when there is no sandbox.
    kubelab_testkit::Cluster::connect().await;
    Cluster::connect(&ClusterArgs {
        namespace: "default".into(),
        kubeconfig: None,
        context: None,
        ingress_controller_namespaces: vec![],
    })
    .await
    .expect("a client for $KUBECONFIG")
}

fn catalog() -> kubelab_checks::Catalog {
    let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
    crate::service::catalog::load_catalog(&content).expect("the catalog loads")
}

async fn apply<K>(ns: &TestNamespace, name: &str, object: Value)
where
    K: kube::Resource<Scope = k8s_openapi::NamespaceResourceScope>
        + Clone
        + serde::de::DeserializeOwned
        + serde::Serialize
        + std::fmt::Debug,
    K::DynamicType: Default,
{
    ns.api::<K>()
        .patch(
            name,
            &PatchParams::apply("kubelab-test").force(),
            &Patch::Apply(&object),
        )
        .await
        .unwrap_or_else(|e| panic!("server-side apply of {name} in {}: {e}", ns.name()));
}

/// The correct objects of `service-clusterip` (and so of `deployment`), with 2 ready pods.
async fn apply_service_clusterip(ns: &TestNamespace) {
    apply::<Deployment>(
        ns,
        "ngx-dep",
        json!({
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": { "name": "ngx-dep" },
            "spec": {
                "replicas": 2,
                "selector": { "matchLabels": { "app": "ngx-dep" } },
                "template": {
                    "metadata": { "labels": { "app": "ngx-dep" } },
                    "spec": { "containers": [ {
                        "name": "nginx", "image": "nginx:alpine",
                        "ports": [ { "containerPort": 80 } ]
                    } ] }
                }
            }
        }),
    )
    .await;
    apply::<Service>(ns, "ngx-svc", service_with(json!({ "app": "ngx-dep" }))).await;
}

fn service_with(selector: Value) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Service", "metadata": { "name": "ngx-svc" },
        "spec": { "selector": selector, "ports": [ { "port": 80, "targetPort": 80 } ] }
    })
}

/// Snapshot → evaluate, from direct lists.
async fn direct(cluster: &Cluster, ex: &Exercise, ns: &str) -> Result<Verdict, Error> {
    Ok(kubelab_checks::evaluate(
        ex,
        &cluster.snapshot(&ex.needs, ns).await?,
    ))
}

/// Snapshot → evaluate, from the cache.
async fn cached(cache: &WatchCache, ex: &Exercise, ns: &str) -> Result<Verdict, Error> {
    Ok(kubelab_checks::evaluate(
        ex,
        &cache.snapshot(&ex.needs, ns).await?,
    ))
}

fn json_of(v: &Verdict) -> String {
    serde_json::to_string(v).expect("a verdict serialises")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cache_gives_the_same_verdicts_as_direct_lists() {
    let ns = TestNamespace::create("cache-same").await;
    apply_service_clusterip(&ns).await;
    let cluster = cluster().await;
    let catalog = catalog();
    let exercises = crate::service::grading::cluster_exercises(&catalog);
    let svc = catalog.get("service-clusterip").expect("service-clusterip");
    // Until the controllers have made the pods ready, the verdicts move; then they must agree.
    poll_until(
        "service-clusterip to pass (direct lists)",
        Duration::from_secs(90),
        || async {
            let v = direct(&cluster, svc, ns.name())
                .await
                .map_err(|e| e.to_string())?;
            if v.passed {
                Ok(())
            } else {
                Err(json_of(&v))
            }
        },
    )
    .await;
    poll_until(
        "every cluster exercise to get the same verdict from the cache as from direct lists",
        Duration::from_secs(30),
        || async {
            let mut differ = Vec::new();
            for ex in &exercises {
                let direct = direct(&cluster, ex, ns.name())
                    .await
                    .map_err(|e| e.to_string())?;
                let cached = cached(cluster.cache(), ex, ns.name())
                    .await
                    .map_err(|e| e.to_string())?;
                // Grading's way: one view of the cache, indexed by namespace.
                let viewed = kubelab_checks::evaluate(
                    ex,
                    &cluster
                        .cache()
                        .view(&ex.needs, Some(&[ns.name().to_string()]))
                        .await
                        .and_then(|v| v.snapshot(&ex.needs, ns.name()))
                        .map_err(|e| e.to_string())?,
                );
                if json_of(&direct) != json_of(&cached) || json_of(&direct) != json_of(&viewed) {
                    differ.push(format!(
                        "{}:\n direct {}\n cached {}\n viewed {}",
                        ex.id,
                        json_of(&direct),
                        json_of(&cached),
                        json_of(&viewed)
                    ));
                }
            }
            if differ.is_empty() {
                Ok(())
            } else {
                Err(differ.join("\n"))
            }
        },
    )
    .await;
    let cached = cached(cluster.cache(), svc, ns.name())
        .await
        .expect("cached");
    assert!(cached.passed, "{}", json_of(&cached));
    let snapshot = cluster
        .cache()
        .snapshot(&svc.needs, ns.name())
        .await
        .expect("snapshot");
    assert!(!snapshot.objects.is_empty());
    for o in &snapshot.objects {
        assert!(o["metadata"].get("managedFields").is_none(), "{o}");
        assert!(o["kind"].is_string() && o["apiVersion"].is_string(), "{o}");
        assert_eq!(
            o["metadata"]["namespace"],
            ns.name(),
            "only this namespace: {o}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_change_reaches_the_cache_and_the_namespace_s_change_stream() {
    let ns = TestNamespace::create("cache-change").await;
    apply_service_clusterip(&ns).await;
    let cluster = cluster().await;
    let catalog = catalog();
    let svc = catalog.get("service-clusterip").expect("service-clusterip");
    let cache = cluster.cache();
    cache.sync(&svc.needs).await.expect("synced");
    let mut changes = cache.changes(&svc.needs, ns.name());
    apply::<Service>(
        &ns,
        "ngx-svc",
        service_with(json!({ "app": "ngx-dep-typo" })),
    )
    .await;
    tokio::time::timeout(Duration::from_secs(10), changes.next())
        .await
        .expect("a change announced within 10 s")
        .expect("the stream goes on");
    let v = poll_until(
        "the cached verdict to fail on the selector",
        Duration::from_secs(10),
        || async {
            let v = cached(cache, svc, ns.name())
                .await
                .map_err(|e| e.to_string())?;
            let selects = v.results.iter().find(|r| r.id == "selects-pods");
            match selects {
                Some(r) if !r.passed => Ok(v),
                _ => Err(json_of(&v)),
            }
        },
    )
    .await;
    assert!(!v.passed);
}

#[tokio::test(flavor = "multi_thread")]
async fn one_watch_per_type_however_many_namespaces_and_live_streams_read_it() {
    let cluster = cluster().await;
    let catalog = catalog();
    let svc = catalog.get("service-clusterip").expect("service-clusterip");
    let deployment = catalog.get("deployment").expect("deployment");
    let cache = cluster.cache();
    let mut namespaces = Vec::new();
    for i in 0..3 {
        let ns = TestNamespace::create(&format!("cache-one-{i}")).await;
        apply::<Service>(&ns, "ngx-svc", service_with(json!({ "app": "ngx-dep" }))).await;
        namespaces.push(ns);
    }
    let mut streams = Vec::new();
    for ns in &namespaces {
        for _ in 0..4 {
            streams.push((ns.name().to_string(), cache.changes(&svc.needs, ns.name())));
        }
        cached(cache, svc, ns.name()).await.expect("a verdict");
        cached(cache, deployment, ns.name())
            .await
            .expect("a verdict");
    }
    let mut types: Vec<TypeKey> = svc
        .needs
        .iter()
        .chain(&deployment.needs)
        .map(TypeKey::of)
        .collect();
    types.sort();
    types.dedup();
    assert_eq!(cache.types(), types);
    assert_eq!(cache.watches_started(), types.len());
    // The watch request of a type starts right after its first list: wait for all of them.
    poll_until(
        "one watch request per type",
        Duration::from_secs(10),
        || async {
            let watches = cluster.api_requests().watches as usize;
            if watches == types.len() {
                Ok(())
            } else {
                Err(format!(
                    "{watches} watch requests for {} types",
                    types.len()
                ))
            }
        },
    )
    .await;
    // A change in each namespace reaches that namespace's streams, through the same watches.
    for ns in &namespaces {
        apply::<Service>(ns, "ngx-svc", service_with(json!({ "app": "changed" }))).await;
    }
    for (ns, stream) in &mut streams {
        tokio::time::timeout(Duration::from_secs(10), stream.next())
            .await
            .unwrap_or_else(|_| panic!("no change announced for {ns} within 10 s"))
            .expect("the stream goes on");
    }
    assert_eq!(cache.watches_started(), types.len());
    assert_eq!(cluster.api_requests().watches as usize, types.len());
}

/// Grading reads one view of the cache: each cached object once, however many namespaces are
/// graded (before, every namespace × exercise walked every object of its types: 2,000 learners
/// took 23 s).
#[tokio::test(flavor = "multi_thread")]
async fn grading_many_namespaces_walks_the_cache_once_not_once_per_namespace() {
    let ns = TestNamespace::create("cache-scan").await;
    apply_service_clusterip(&ns).await;
    let cluster = cluster().await;
    let catalog = std::sync::Arc::new(catalog());
    let cache = cluster.cache();
    crate::service::grading::sync(&catalog, cache)
        .await
        .expect("synced");
    let catalog = &catalog;
    let scanned_by = |namespaces: Vec<String>| async move {
        let before = cache.objects_scanned();
        let rows = crate::service::grading::grade(catalog, cache, &namespaces)
            .await
            .expect("graded");
        (cache.objects_scanned() - before, rows)
    };
    let (one, rows) = scanned_by(vec![ns.name().to_string()]).await;
    let exercises = crate::service::grading::cluster_exercises(catalog).len();
    assert_eq!(rows.len(), exercises);
    assert!(one > 0, "grading read nothing from the cache");
    // Enough namespaces to be graded on several threads; the learner's lands in the middle.
    let mut many: Vec<String> = (0..200)
        .map(|i| format!("cache-scan-none-{i:03}"))
        .collect();
    many.insert(100, ns.name().to_string());
    let (two_hundred, many_rows) = scanned_by(many.clone()).await;
    assert_eq!(many_rows.len(), 201 * exercises);
    // Other tests change the sandbox meanwhile, so allow for some growth, not for 201 walks.
    assert!(
        two_hundred < 2 * one,
        "grading 201 namespaces walked {two_hundred} cached objects, one namespace {one}"
    );
    // Rows come back namespace by namespace in the order asked, exercises in catalog order,
    // however the work was split. (Not compared verdict by verdict with the run above: the
    // controllers may still be filling in the learner's objects between the two runs.)
    let order: Vec<(&str, &str)> = many_rows
        .iter()
        .map(|r| (r.namespace.as_str(), r.exercise.as_str()))
        .collect();
    let expected: Vec<(&str, &str)> = many
        .iter()
        .flat_map(|ns| rows.iter().map(move |r| (ns.as_str(), r.exercise.as_str())))
        .collect();
    assert_eq!(order, expected);
    // A single check still walks its types (right for one learner), which the counter sees.
    let svc = catalog.get("service-clusterip").expect("service-clusterip");
    let before = cache.objects_scanned();
    cached(cache, svc, ns.name()).await.expect("a verdict");
    assert!(cache.objects_scanned() > before);
}

#[tokio::test]
async fn an_unreachable_api_fails_the_first_read_fast_with_the_cause() {
    let (_dir, args) = crate::cluster::tests::args_for("https://127.0.0.1:1", None);
    let cluster = Cluster::connect(&args)
        .await
        .expect("client builds offline");
    let started = std::time::Instant::now();
    let err = cluster
        .cache()
        .snapshot(&[need("v1", "pods")], "default")
        .await
        .expect_err("nothing listens on port 1");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert!(matches!(err, Error::Unreachable { .. }), "{err:?}");
    assert!(err.to_string().contains("connection refused"), "{err}");
}

fn secret(namespace: &str, kind: Option<&str>) -> DynamicObject {
    let mut v = serde_json::json!({
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {
            "name": "s",
            "namespace": namespace,
            "annotations": { "kubectl.kubernetes.io/last-applied-configuration": "{\"data\":{\"p\":\"c2VjcmV0\"}}", "note": "kept" },
            "managedFields": [{ "manager": "kubectl" }],
        },
        "data": { "p": "c2VjcmV0" },
        "stringData": { "q": "secret" },
    });
    if let Some(kind) = kind {
        v["type"] = kind.into();
    }
    serde_json::from_value(v).unwrap()
}

#[test]
fn secret_payloads_stay_only_for_opaque_secrets_in_learner_namespaces() {
    let learners = SecretPayloads::Prefix("kl-".into());
    let has_payload =
        |o: &DynamicObject| o.data.get("data").is_some() || o.data.get("stringData").is_some();
    for (namespace, kind, rule, kept) in [
        ("kl-a", None, &learners, true),
        ("kl-a", Some("Opaque"), &learners, true),
        (
            "kl-a",
            Some("kubernetes.io/service-account-token"),
            &learners,
            false,
        ),
        (
            "kl-a",
            Some("kubernetes.io/dockerconfigjson"),
            &learners,
            false,
        ),
        ("kl-a", Some("kubernetes.io/tls"), &learners, false),
        ("kube-system", Some("Opaque"), &learners, false),
        ("default", None, &learners, false),
        (
            "default",
            None,
            &SecretPayloads::Exactly("default".into()),
            true,
        ),
        ("kube-system", None, &SecretPayloads::NotSystem, false),
        ("kubelab", None, &SecretPayloads::NotSystem, false),
        ("team-a", None, &SecretPayloads::NotSystem, true),
    ] {
        let mut o = secret(namespace, kind);
        strip_for_cache(&mut o, true, rule);
        assert_eq!(has_payload(&o), kept, "{namespace} {kind:?} {rule:?}");
        let annotations = o.metadata.annotations.as_ref().unwrap();
        assert!(!annotations.contains_key("kubectl.kubernetes.io/last-applied-configuration"));
        assert_eq!(annotations["note"], "kept");
        assert!(o.metadata.managed_fields.is_none());
        assert!(!serde_json::to_string(&o).unwrap().contains("c2VjcmV0") || kept);
    }
    // Other types keep everything but managedFields.
    let mut cm = secret("kube-system", None);
    strip_for_cache(&mut cm, false, &learners);
    assert!(has_payload(&cm) && cm.metadata.managed_fields.is_none());
}
