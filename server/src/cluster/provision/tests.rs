use super::shared::{KUBELAB_NAMESPACE, KUBELAB_SERVICE_ACCOUNT};
use super::*;
use k8s_openapi::ByteString;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{ConfigMap, Pod};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::core::Status;
use kubelab_testkit::{poll_until, unique_name, Cluster, TestNamespace};

// ---- pure ----

fn parts<'a>(ca: &'a ClusterCa, token: &'a str) -> KubeconfigParts<'a> {
    KubeconfigParts {
        server: "https://203.0.113.7:6443",
        ca,
        tls_server_name: None,
        namespace: "kl-alice",
        token,
    }
}

#[test]
fn the_kubeconfig_names_server_ca_token_and_the_learners_namespace() {
    let ca = ClusterCa::Data(base64(
        b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    ));
    // A token with characters YAML would otherwise read as syntax.
    let token = "eyJhbGciOi.J9: #x \"q\"";
    let text = kubeconfig_yaml(&parts(&ca, token));
    let kc = Kubeconfig::from_yaml(&text).expect("valid kubeconfig YAML");
    assert_eq!(kc.current_context.as_deref(), Some("kubelab-kl-alice"));
    let context = kc.contexts[0].context.as_ref().unwrap();
    assert_eq!(context.namespace.as_deref(), Some("kl-alice"));
    assert_eq!(context.cluster, "kubelab");
    let cluster = kc.clusters[0].cluster.as_ref().unwrap();
    assert_eq!(cluster.server.as_deref(), Some("https://203.0.113.7:6443"));
    let ClusterCa::Data(data) = &ca else {
        unreachable!()
    };
    assert_eq!(
        cluster.certificate_authority_data.as_deref(),
        Some(data.as_str())
    );
    assert_eq!(cluster.insecure_skip_tls_verify, None);
    // The parsed token is a secret without a public accessor; the sandbox tests prove it is used.
    assert!(kc.auth_infos[0].auth_info.as_ref().unwrap().token.is_some());
    assert!(
        text.contains(&format!("    token: {}\n", quoted(token))),
        "{text}"
    );
}

#[test]
fn an_insecure_cluster_gives_an_insecure_kubeconfig() {
    let text = kubeconfig_yaml(&parts(&ClusterCa::Insecure, "t"));
    let kc = Kubeconfig::from_yaml(&text).unwrap();
    let cluster = kc.clusters[0].cluster.as_ref().unwrap();
    assert_eq!(cluster.insecure_skip_tls_verify, Some(true));
    assert_eq!(cluster.certificate_authority_data, None);
}

#[test]
fn the_ca_of_the_client_config_becomes_a_pem_bundle() {
    let mut config = Config::new("https://127.0.0.1:6443".parse().unwrap());
    config.root_cert = Some(vec![vec![1, 2, 3], vec![4; 100]]);
    let ClusterCa::Data(data) = ca_of(&config) else {
        panic!("expected CA data")
    };
    let pem: ByteString = serde_json::from_value(json!(data)).expect("base64");
    let pem = String::from_utf8(pem.0).unwrap();
    assert_eq!(pem.matches("-----BEGIN CERTIFICATE-----\n").count(), 2);
    assert!(pem.contains("\nAQID\n"), "{pem}");
    assert!(pem.lines().all(|l| l.len() <= 64), "{pem}");
    config.accept_invalid_certs = true;
    assert_eq!(ca_of(&config), ClusterCa::Insecure);
}

#[test]
fn names_must_be_a_namespace_and_label_values() {
    let ok = LearnerNs {
        namespace: "kl-alice",
        learner_id: "alice_1.x",
        classroom_id: Some("c-2026"),
    };
    assert!(validate(&ok).is_ok());
    for (ns, learner, classroom, kind) in [
        ("Alice", "a", None, NameKind::Namespace),
        ("kl-a.b", "a", None, NameKind::Namespace),
        ("kl-a", "", None, NameKind::Learner),
        ("kl-a", "alice smith", None, NameKind::Learner),
        ("kl-a", "-a", None, NameKind::Learner),
        ("kl-a", "a", Some("c/1"), NameKind::Classroom),
    ] {
        let learner = LearnerNs {
            namespace: ns,
            learner_id: learner,
            classroom_id: classroom,
        };
        match validate(&learner) {
            Err(ProvisionError::BadName { kind: k, .. }) => assert_eq!(k, kind, "{learner:?}"),
            other => panic!("{learner:?}: {other:?}"),
        }
    }
    assert!(!is_label_value(&"a".repeat(64)));
}

#[test]
fn token_expiry_is_bounded() {
    assert_eq!(token_seconds(Duration::from_secs(1)), 600);
    assert_eq!(token_seconds(Duration::from_secs(3600)), 3600);
    assert_eq!(token_seconds(Duration::from_secs(u64::MAX)), 86_400);
}

#[test]
fn the_default_quota_fits_its_pod_count_with_default_resources() {
    let q = Quota::default();
    // pods × default ≤ sums (millicores and MiB).
    assert!(q.pods * 50 <= 2000 && q.pods * 64 <= 2 * 1024);
    assert!(q.pods * 250 <= 5000 && q.pods * 256 <= 5 * 1024);
    let v = resource_quota("kl-a", &Labels::new(), &q);
    assert_eq!(v["spec"]["hard"]["pods"], "20");
    assert_eq!(v["spec"]["hard"]["services.loadbalancers"], "0");
}

#[test]
fn a_quota_counts_once_its_status_has_every_limit() {
    let mut quota: ResourceQuota = serde_json::from_value(json!({
        "metadata": { "name": "q" },
        "spec": { "hard": { "pods": "20", "services": "10" } },
    }))
    .unwrap();
    assert!(!quota_counted(&quota));
    quota.status = serde_json::from_value(json!({ "hard": { "pods": "20" } })).unwrap();
    assert!(!quota_counted(&quota));
    quota.status =
        serde_json::from_value(json!({ "hard": { "pods": "20", "services": "10" } })).unwrap();
    assert!(quota_counted(&quota));
}

fn api_error(code: u16, message: &str, cause: Option<&str>) -> kube::Error {
    let mut status =
        json!({ "status": "Failure", "code": code, "message": message, "reason": "Forbidden" });
    if let Some(cause) = cause {
        status["details"] =
            json!({ "name": "kl-a", "causes": [{ "reason": cause, "message": message }] });
    }
    kube::Error::Api(Box::new(serde_json::from_value::<Status>(status).unwrap()))
}

#[test]
fn kube_errors_map_to_their_causes() {
    let url = "https://127.0.0.1:6443";
    let e = classify(url, Op::Apply, "Pod kl-a/x", api_error(403, "pods \"x\" is forbidden: exceeded quota: kubelab-quota, requested: pods=1, used: pods=20, limited: pods=20", None));
    assert!(matches!(e, ProvisionError::QuotaExceeded { .. }), "{e:?}");
    let e = classify(
        url,
        Op::Apply,
        "ServiceAccount kl-a/learner",
        api_error(
            403,
            "unable to create new content in namespace kl-a because it is being terminated",
            Some("NamespaceTerminating"),
        ),
    );
    assert!(
        matches!(&e, ProvisionError::Terminating { namespace } if namespace == "kl-a"),
        "{e:?}"
    );
    let e = classify(
        url,
        Op::Apply,
        "Role kl-a/kubelab-learner",
        api_error(403, "forbidden", None),
    );
    assert!(
        matches!(e, ProvisionError::Denied { code: 403, .. }),
        "{e:?}"
    );
    assert_eq!(e.code(), "cluster-denied");
    let e = classify(
        url,
        Op::Read,
        "Namespace kl-a",
        api_error(500, "etcd", None),
    );
    assert!(matches!(e, ProvisionError::Api { code: 500, .. }), "{e:?}");
}

#[test]
fn every_error_has_a_code_and_both_languages() {
    let url = "https://127.0.0.1:6443".to_string();
    let object = "Role kl-a/kubelab-learner".to_string();
    let errors = [
        ProvisionError::BadName {
            kind: NameKind::Learner,
            value: "a b".into(),
        },
        ProvisionError::NotManaged {
            namespace: "kube-system".into(),
        },
        ProvisionError::Terminating {
            namespace: "kl-a".into(),
        },
        ProvisionError::NotProvisioned {
            namespace: "kl-a".into(),
        },
        ProvisionError::Unreachable {
            url: url.clone(),
            cause: "connection refused".into(),
        },
        ProvisionError::Timeout {
            url: url.clone(),
            secs: 10,
        },
        ProvisionError::NotReady {
            what: object.clone(),
            secs: 30,
        },
        ProvisionError::Denied {
            url: url.clone(),
            op: Op::Apply,
            object: object.clone(),
            code: 403,
            message: "m".into(),
        },
        ProvisionError::QuotaExceeded {
            op: Op::Apply,
            object: object.clone(),
            message: "m".into(),
        },
        ProvisionError::Unsupported {
            url: url.clone(),
            object: object.clone(),
            message: "m".into(),
        },
        ProvisionError::NoToken {
            url: url.clone(),
            namespace: "kl-a".into(),
        },
        ProvisionError::Api {
            url: url.clone(),
            op: Op::Delete,
            object: object.clone(),
            code: 500,
            message: "m".into(),
        },
        ProvisionError::Decode {
            url,
            op: Op::Read,
            object,
            message: "m".into(),
        },
    ];
    for e in &errors {
        let t = e.text();
        assert!(!e.code().is_empty());
        assert!(!t.zh.is_empty() && !t.en.is_empty(), "{e:?}");
        assert_ne!(t.zh, t.en);
    }
    assert!(errors[4].is_unavailable() && errors[5].is_unavailable());
    assert!(!errors[7].is_unavailable());
    assert_eq!(
        errors[4].text().zh,
        "无法连接 Kubernetes API https://127.0.0.1:6443：连接被拒绝"
    );
}

#[tokio::test]
async fn an_unreachable_cluster_is_said_so_quickly() {
    let mut config = Config::new("https://127.0.0.1:1".parse().unwrap());
    config.connect_timeout = Some(Duration::from_secs(2));
    let client = Client::try_from(config.clone()).unwrap();
    let p = Provisioner::new(client, &config, ProvisionOptions::default());
    let learner = LearnerNs {
        namespace: "kl-nowhere",
        learner_id: "a",
        classroom_id: None,
    };
    let started = std::time::Instant::now();
    let err = p
        .ensure(&learner)
        .await
        .expect_err("nothing listens on port 1");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(err.is_unavailable(), "{err:?}");
    assert_eq!(err.code(), "cluster-unreachable");
    assert!(err.to_string().contains("connection refused"), "{err}");
}

// ---- against the sandbox ----

pub(super) const WAIT: Duration = Duration::from_secs(60);

/// Applies deploy/rbac/kubelab-rbac.yaml as the administrator would (idempotent: every test may).
pub(super) async fn apply_rbac(cluster: &Cluster) {
    let params = PatchParams::apply(FIELD_MANAGER).force();
    for value in deploy::manifests() {
        let ar = shared::api_resource(&value);
        let name = value["metadata"]["name"].as_str().unwrap().to_string();
        let api: Api<kube::api::DynamicObject> = match value["metadata"]["namespace"].as_str() {
            Some(ns) => Api::namespaced_with(cluster.client(), ns, &ar),
            None => Api::all_with(cluster.client(), &ar),
        };
        api.patch(&name, &params, &Patch::Apply(&value))
            .await
            .unwrap_or_else(|e| panic!("apply {} {name}: {e}", ar.kind));
    }
}

/// kubelab as deployed: the RBAC file applied, and a client configuration with a token of the
/// ServiceAccount kubelab/kubelab (not the administrator's credentials).
pub(super) async fn kubelab_config(cluster: &Cluster) -> Config {
    apply_rbac(cluster).await;
    let sas: Api<ServiceAccount> = Api::namespaced(cluster.client(), KUBELAB_NAMESPACE);
    let request = TokenRequest {
        spec: Some(TokenRequestSpec {
            expiration_seconds: Some(3600),
            ..Default::default()
        }),
        ..Default::default()
    };
    let answer = sas
        .create_token_request(KUBELAB_SERVICE_ACCOUNT, &PostParams::default(), &request)
        .await
        .expect("a token for kubelab's ServiceAccount");
    let token = answer.status.unwrap().token;
    let mut config = cluster.config().clone();
    config.auth_info = serde_json::from_value(json!({ "token": token })).unwrap();
    // RBAC answers from the authorizer's cache: wait until it knows kubelab's binding.
    let client = Client::try_from(config.clone()).unwrap();
    let roles: Api<k8s_openapi::api::rbac::v1::ClusterRole> = Api::all(client);
    poll_until(
        "kubelab's ClusterRoleBinding to be in force",
        WAIT,
        || async { roles.get(LEARNER_ROLE).await.map_err(|e| e.to_string()) },
    )
    .await;
    config
}

/// A provisioner that acts as kubelab's ServiceAccount.
pub(super) async fn provisioner(cluster: &Cluster) -> Provisioner {
    let config = kubelab_config(cluster).await;
    let client = Client::try_from(config.clone()).unwrap();
    Provisioner::new(client, &config, ProvisionOptions::default())
}

/// A learner namespace of the sandbox, provisioned (`name` prefixed uniquely), with kubelab's own
/// client for the cluster calls and a client impersonating the learner; removed when the
/// returned guard drops.
pub(super) async fn learner_namespace(
    name: &str,
) -> (crate::cluster::Cluster, kube::Client, String, Cleanup) {
    let cluster = Cluster::connect().await;
    let p = provisioner(&cluster).await;
    let ns = kubelab_testkit::unique_name(name);
    let cleanup = Cleanup::new(&cluster, &[&ns]);
    p.ensure(&LearnerNs {
        namespace: &ns,
        learner_id: "l",
        classroom_id: None,
    })
    .await
    .expect("ensure");
    let kubelab = crate::cluster::tests::sandbox_cluster().await;
    let as_learner = p.learner_client(&ns).expect("impersonating client");
    (kubelab, as_learner, ns, cleanup)
}

/// Removes the learners' namespaces and cluster-scoped objects when dropped, also after a panic.
pub(super) struct Cleanup {
    config: Config,
    namespaces: Vec<String>,
}

impl Cleanup {
    pub(super) fn new(cluster: &Cluster, namespaces: &[&str]) -> Cleanup {
        Cleanup {
            config: cluster.config().clone(),
            namespaces: namespaces.iter().map(|n| n.to_string()).collect(),
        }
    }
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        // The test's runtime may be single-threaded (and busy dropping us): use a runtime and a
        // client of our own on another thread.
        let config = self.config.clone();
        let namespaces = std::mem::take(&mut self.namespaces);
        let done = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let client = Client::try_from(config.clone()).expect("client");
                let p = Provisioner::new(client, &config, ProvisionOptions::default());
                for ns in &namespaces {
                    if let Err(e) = p.remove(ns).await {
                        eprintln!("provision tests: could not remove {ns}: {e}");
                    }
                }
            })
        });
        let _ = done.join();
    }
}

/// A client built from the kubeconfig text `p` hands out, as a learner's kubectl would use it.
pub(super) async fn learner_client(p: &Provisioner, ns: &str) -> Client {
    let yaml = p
        .kubeconfig(ns, Duration::from_secs(600))
        .await
        .expect("kubeconfig");
    let kc = Kubeconfig::from_yaml(&yaml).expect("kubeconfig YAML parses");
    let config = Config::from_custom_kubeconfig(kc, &KubeConfigOptions::default())
        .await
        .expect("kubeconfig is usable");
    assert_eq!(config.default_namespace, ns);
    Client::try_from(config).expect("client")
}

pub(super) fn status<T: std::fmt::Debug>(r: Result<T, kube::Error>, what: &str) -> Status {
    match r {
        Err(kube::Error::Api(s)) => *s,
        other => panic!("{what}: expected an API error, got {other:?}"),
    }
}

pub(super) fn obj<T: DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).expect("test object matches its type")
}

pub(super) fn deployment(name: &str) -> Deployment {
    obj(json!({
        "metadata": { "name": name },
        "spec": {
            "replicas": 1,
            "selector": { "matchLabels": { "app": name } },
            "template": {
                "metadata": { "labels": { "app": name } },
                "spec": { "containers": [{ "name": "web", "image": "nginx:1.27" }] }
            }
        }
    }))
}

pub(super) fn pod(name: &str) -> Pod {
    obj(json!({
        "metadata": { "name": name },
        "spec": { "containers": [{ "name": "c", "image": "busybox:1.36" }] }
    }))
}

pub(super) fn ingress_class(name: &str) -> IngressClass {
    obj(json!({
        "metadata": { "name": name },
        "spec": { "controller": "nginx.org/ingress-controller" }
    }))
}

/// A learner PV of the storage class `<ns>-host-test` (`name` starts with `<ns>-`… or is
/// refused anyway).
pub(super) fn host_pv(name: &str, path: &str, ns: &str) -> PersistentVolume {
    obj(json!({
        "metadata": { "name": name },
        "spec": {
            "storageClassName": format!("{ns}-host-test"),
            "capacity": { "storage": "10Mi" },
            "accessModes": ["ReadWriteOnce"],
            "hostPath": { "path": path, "type": "DirectoryOrCreate" }
        }
    }))
}

/// Creates with the learner's client, retrying while RBAC (evaluated from the authorizer's cache)
/// has not yet seen the new bindings.
pub(super) async fn create_when_allowed<K>(api: &Api<K>, object: &K, what: &str) -> K
where
    K: kube::Resource + Clone + DeserializeOwned + serde::Serialize + std::fmt::Debug,
{
    poll_until(what, WAIT, || async {
        api.create(&PostParams::default(), object)
            .await
            .map_err(|e| e.to_string())
    })
    .await
}

/// A create that must be refused. If it was not, the object is deleted again before failing.
pub(super) async fn assert_refused<K>(
    api: &Api<K>,
    admin: &Api<K>,
    object: &K,
    what: &str,
) -> Status
where
    K: kube::Resource + Clone + DeserializeOwned + serde::Serialize + std::fmt::Debug,
{
    match api.create(&PostParams::default(), object).await {
        Ok(made) => {
            if let Some(name) = &made.meta().name {
                let _ = admin.delete(name, &DeleteParams::default()).await;
            }
            panic!("{what}: was allowed");
        }
        Err(e) => status(Err::<(), _>(e), what),
    }
}

#[tokio::test]
async fn two_learners_get_isolated_namespaces_and_prefixed_cluster_names() {
    let cluster = Cluster::connect().await;
    let admin = cluster.client();
    let p = provisioner(&cluster).await;
    let (a_ns, b_ns) = (unique_name("pa"), unique_name("pb"));
    let _cleanup = Cleanup::new(&cluster, &[&a_ns, &b_ns]);
    let a = LearnerNs {
        namespace: &a_ns,
        learner_id: "alice",
        classroom_id: Some("class-1"),
    };
    let b = LearnerNs {
        namespace: &b_ns,
        learner_id: "bob",
        classroom_id: None,
    };
    p.ensure(&a).await.expect("ensure A");
    p.ensure(&b).await.expect("ensure B");

    let ns = Api::<Namespace>::all(admin.clone())
        .get(&a_ns)
        .await
        .unwrap();
    let labels = ns.metadata.labels.unwrap();
    assert_eq!(labels[MANAGED_BY], "kubelab");
    assert_eq!(labels[LEARNER_LABEL], "alice");
    assert_eq!(labels[CLASSROOM_LABEL], "class-1");

    // ensure twice: nothing changes (server-side apply of the same intent is a no-op).
    let roles: Api<RoleBinding> = Api::namespaced(admin.clone(), &a_ns);
    let quotas: Api<ResourceQuota> = Api::namespaced(admin.clone(), &a_ns);
    let before = (
        roles
            .get(LEARNER_NAMESPACED_ROLE)
            .await
            .unwrap()
            .metadata
            .resource_version,
        quotas
            .get(QUOTA_NAME)
            .await
            .unwrap()
            .metadata
            .resource_version,
    );
    p.ensure(&a).await.expect("ensure A again");
    let after = (
        roles
            .get(LEARNER_NAMESPACED_ROLE)
            .await
            .unwrap()
            .metadata
            .resource_version,
        quotas
            .get(QUOTA_NAME)
            .await
            .unwrap()
            .metadata
            .resource_version,
    );
    assert_eq!(before, after);

    let alice = learner_client(&p, &a_ns).await;
    let bob = learner_client(&p, &b_ns).await;

    // A works in A's namespace; a Pod without resources gets the LimitRange's defaults.
    let deployments: Api<Deployment> = Api::namespaced(alice.clone(), &a_ns);
    create_when_allowed(
        &deployments,
        &deployment("ngx-dep"),
        "A to create a Deployment",
    )
    .await;
    let pods: Api<Pod> = Api::namespaced(alice.clone(), &a_ns);
    let made = poll_until("the Deployment's Pod", WAIT, || async {
        let list = pods
            .list(&ListParams::default())
            .await
            .map_err(|e| e.to_string())?;
        list.items
            .into_iter()
            .next()
            .ok_or_else(|| "no Pod yet".to_string())
    })
    .await;
    let requests = made.spec.unwrap().containers[0]
        .resources
        .clone()
        .and_then(|r| r.requests)
        .expect("default requests");
    assert_eq!(requests["cpu"].0, "50m");

    // Pod Security "baseline": no hostPath volumes in Pods.
    let host_pod: Pod = obj(json!({
        "metadata": { "name": "peek" },
        "spec": {
            "containers": [{ "name": "c", "image": "busybox:1.36", "volumeMounts": [{ "name": "root", "mountPath": "/host" }] }],
            "volumes": [{ "name": "root", "hostPath": { "path": "/" } }]
        }
    }));
    let s = assert_refused(
        &pods,
        &Api::namespaced(admin.clone(), &a_ns),
        &host_pod,
        "A mounts the node's root",
    )
    .await;
    assert_eq!(s.code, 403, "{s:?}");
    assert!(s.message.contains("PodSecurity"), "{}", s.message);

    // B's namespace is closed to A (and open to B).
    let b_pods_as_a: Api<Pod> = Api::namespaced(alice.clone(), &b_ns);
    let s = status(
        b_pods_as_a.list(&ListParams::default()).await,
        "A lists B's pods",
    );
    assert_eq!(s.code, 403, "{s:?}");
    let s = status(b_pods_as_a.get("anything").await, "A reads a pod of B");
    assert_eq!(s.code, 403, "{s:?}");
    let b_pods: Api<Pod> = Api::namespaced(bob.clone(), &b_ns);
    poll_until("B to list B's pods", WAIT, || async {
        b_pods
            .list(&ListParams::default())
            .await
            .map_err(|e| e.to_string())
    })
    .await;

    // No namespaces for learners.
    let namespaces_as_a: Api<Namespace> = Api::all(alice.clone());
    let s = status(
        namespaces_as_a
            .create(
                &PostParams::default(),
                &obj(json!({ "metadata": { "name": unique_name("pz") } })),
            )
            .await,
        "A creates a namespace",
    );
    assert_eq!(s.code, 403, "{s:?}");

    // Cluster-scoped names: only with A's prefix; the message names it.
    let classes_as_a: Api<IngressClass> = Api::all(alice.clone());
    let classes: Api<IngressClass> = Api::all(admin.clone());
    let own = format!("{a_ns}-ngx-ink");
    let made = create_when_allowed(
        &classes_as_a,
        &ingress_class(&own),
        "A to create its IngressClass",
    )
    .await;
    assert_eq!(
        made.metadata.labels.unwrap_or_default().get(OWNER_LABEL),
        Some(&a_ns),
        "the owner label is stamped"
    );
    let prefix = format!("\"{a_ns}-\"");
    for name in ["ngx-ink".to_string(), format!("{b_ns}-ngx-ink")] {
        let s = assert_refused(
            &classes_as_a,
            &classes,
            &ingress_class(&name),
            &format!("A creates IngressClass {name}"),
        )
        .await;
        assert_eq!(s.code, 403, "{s:?}");
        assert!(s.message.contains(&prefix), "{}", s.message);
        assert!(s.message.contains("命名空间"), "{}", s.message);
    }
    let mut default_class = ingress_class(&format!("{a_ns}-default"));
    default_class.metadata.annotations = Some(
        [(
            DEFAULT_INGRESSCLASS_ANNOTATION.to_string(),
            "true".to_string(),
        )]
        .into(),
    );
    let s = assert_refused(
        &classes_as_a,
        &classes,
        &default_class,
        "A makes a default IngressClass",
    )
    .await;
    assert!(
        s.message.contains(DEFAULT_INGRESSCLASS_ANNOTATION),
        "{}",
        s.message
    );
    // B may not delete A's class.
    let classes_as_b: Api<IngressClass> = Api::all(bob.clone());
    let s = status(
        classes_as_b.delete(&own, &DeleteParams::default()).await,
        "B deletes A's IngressClass",
    );
    assert_eq!(s.code, 403, "{s:?}");

    // PersistentVolumes: prefixed name and a hostPath under /tmp/<ns>-.
    let pvs_as_a: Api<PersistentVolume> = Api::all(alice.clone());
    let pvs: Api<PersistentVolume> = Api::all(admin.clone());
    let pv_name = format!("{a_ns}-host-10m-pv");
    create_when_allowed(
        &pvs_as_a,
        &host_pv(&pv_name, &format!("/tmp/{a_ns}-host-10m-pv/"), &a_ns),
        "A to create its PV",
    )
    .await;
    for (name, path) in [
        (format!("{a_ns}-etc-pv"), "/etc".to_string()),
        // (`..` in a hostPath is refused by the API server's own validation already.)
        (format!("{a_ns}-b-pv"), format!("/tmp/{b_ns}-host-10m-pv/")),
        (
            "host-10m-pv".to_string(),
            format!("/tmp/{a_ns}-host-10m-pv/"),
        ),
        // Nested under a directory of A's: a Pod may have planted a symlink there (`r -> /`).
        (
            format!("{a_ns}-nested-pv"),
            format!("/tmp/{a_ns}-host-10m-pv/r"),
        ),
        (
            format!("{a_ns}-nested2-pv"),
            format!("/tmp/{a_ns}-host-10m-pv/r/"),
        ),
        (format!("{a_ns}-upper-pv"), format!("/tmp/{a_ns}-Host")),
        (format!("{a_ns}-tmp-pv"), format!("/tmp/{a_ns}-")),
    ] {
        let s = assert_refused(
            &pvs_as_a,
            &pvs,
            &host_pv(&name, &path, &a_ns),
            &format!("A creates PV {name} at {path}"),
        )
        .await;
        assert_eq!(s.code, 403, "{s:?}");
        assert!(s.message.contains(&format!("{a_ns}-")), "{}", s.message);
    }
}

#[tokio::test]
async fn the_quota_refuses_pods_beyond_its_count() {
    let cluster = Cluster::connect().await;
    let p = provisioner(&cluster).await;
    let ns = unique_name("pq");
    let _cleanup = Cleanup::new(&cluster, &[&ns]);
    let learner = LearnerNs {
        namespace: &ns,
        learner_id: "quinn",
        classroom_id: None,
    };
    p.ensure(&learner).await.expect("ensure");
    // Usable at once: no "status unknown for quota", no missing default ServiceAccount.
    Api::<Pod>::namespaced(cluster.client(), &ns)
        .create(&PostParams::default(), &pod("p0"))
        .await
        .expect("a Pod right after ensure");
    let client = learner_client(&p, &ns).await;
    let pods: Api<Pod> = Api::namespaced(client, &ns);
    let max = Quota::default().pods;
    create_when_allowed(&pods, &pod("p1"), "the learner's first Pod").await;
    for i in 2..max {
        pods.create(&PostParams::default(), &pod(&format!("p{i}")))
            .await
            .unwrap_or_else(|e| panic!("Pod {i} of {max}: {e}"));
    }
    let s = status(
        pods.create(&PostParams::default(), &pod("one-too-many"))
            .await,
        "a Pod over the quota",
    );
    assert_eq!(s.code, 403, "{s:?}");
    assert!(s.message.contains("exceeded quota"), "{}", s.message);
}

#[tokio::test]
async fn reset_leaves_an_empty_working_namespace_and_old_kubeconfigs_stop_working() {
    let cluster = Cluster::connect().await;
    let admin = cluster.client();
    let p = provisioner(&cluster).await;
    let ns = unique_name("pr");
    let _cleanup = Cleanup::new(&cluster, &[&ns]);
    let learner = LearnerNs {
        namespace: &ns,
        learner_id: "rita",
        classroom_id: None,
    };
    p.ensure(&learner).await.expect("ensure");
    let old = learner_client(&p, &ns).await;
    let cms: Api<ConfigMap> = Api::namespaced(old.clone(), &ns);
    create_when_allowed(
        &cms,
        &obj(json!({ "metadata": { "name": "left-over" }, "data": { "a": "b" } })),
        "a ConfigMap",
    )
    .await;
    let class = format!("{ns}-ngx-ink");
    create_when_allowed(
        &Api::all(old.clone()),
        &ingress_class(&class),
        "an IngressClass",
    )
    .await;

    p.reset(&learner).await.expect("reset");

    let classes: Api<IngressClass> = Api::all(admin.clone());
    poll_until("the learner's IngressClass to be gone", WAIT, || async {
        match classes.get_opt(&class).await {
            Ok(None) => Ok(()),
            other => Err(format!("{other:?}")),
        }
    })
    .await;
    let cms_admin: Api<ConfigMap> = Api::namespaced(admin.clone(), &ns);
    assert!(cms_admin.get_opt("left-over").await.unwrap().is_none());

    let old_pods: Api<Pod> = Api::namespaced(old, &ns);
    poll_until("the old token to be refused", WAIT, || async {
        match old_pods.list(&ListParams::default()).await {
            Err(kube::Error::Api(s)) if s.code == 401 => Ok(()),
            other => Err(format!("{:?}", other.map(|l| l.items.len()))),
        }
    })
    .await;

    let new = learner_client(&p, &ns).await;
    let pods: Api<Pod> = Api::namespaced(new, &ns);
    create_when_allowed(&pods, &pod("after-reset"), "a Pod after the reset").await;
    let names: Vec<_> = pods
        .list(&ListParams::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .filter_map(|p| p.metadata.name)
        .collect();
    assert_eq!(names, ["after-reset"]);
}

#[tokio::test]
async fn remove_deletes_the_namespace_and_the_learners_cluster_objects() {
    let cluster = Cluster::connect().await;
    let admin = cluster.client();
    let p = provisioner(&cluster).await;
    let ns = unique_name("pm");
    let _cleanup = Cleanup::new(&cluster, &[&ns]);
    let learner = LearnerNs {
        namespace: &ns,
        learner_id: "max",
        classroom_id: Some("c1"),
    };
    p.ensure(&learner).await.expect("ensure");
    let client = learner_client(&p, &ns).await;
    let class = format!("{ns}-ngx-ink");
    let pv = format!("{ns}-host-10m-pv");
    create_when_allowed(
        &Api::all(client.clone()),
        &ingress_class(&class),
        "an IngressClass",
    )
    .await;
    create_when_allowed(
        &Api::all(client.clone()),
        &host_pv(&pv, &format!("/tmp/{ns}-host-10m-pv/"), &ns),
        "a PV",
    )
    .await;

    p.remove(&ns).await.expect("remove");

    let namespaces: Api<Namespace> = Api::all(admin.clone());
    let classes: Api<IngressClass> = Api::all(admin.clone());
    let pvs: Api<PersistentVolume> = Api::all(admin.clone());
    let bindings: Api<ClusterRoleBinding> = Api::all(admin.clone());
    poll_until(
        "namespace, IngressClass, PV and binding to be gone",
        WAIT,
        || async {
            let left = (
                namespaces
                    .get_opt(&ns)
                    .await
                    .map_err(|e| e.to_string())?
                    .is_some(),
                classes
                    .get_opt(&class)
                    .await
                    .map_err(|e| e.to_string())?
                    .is_some(),
                pvs.get_opt(&pv).await.map_err(|e| e.to_string())?.is_some(),
                bindings
                    .get_opt(&cluster_role_binding_name(&ns))
                    .await
                    .map_err(|e| e.to_string())?
                    .is_some(),
            );
            if left == (false, false, false, false) {
                Ok(())
            } else {
                Err(format!("still there (ns, class, pv, binding): {left:?}"))
            }
        },
    )
    .await;
    p.remove(&ns).await.expect("remove again");
    p.remove(&unique_name("never"))
        .await
        .expect("remove unknown");
}

#[tokio::test]
async fn ownership_is_by_label_so_a_longer_namespace_is_not_taken_for_a_prefix() {
    let cluster = Cluster::connect().await;
    let admin = cluster.client();
    let p = provisioner(&cluster).await;
    let short = unique_name("po");
    let long = format!("{short}-b");
    let _cleanup = Cleanup::new(&cluster, &[&short, &long]);
    for ns in [&short, &long] {
        let learner = LearnerNs {
            namespace: ns,
            learner_id: "o",
            classroom_id: None,
        };
        p.ensure(&learner).await.expect("ensure");
    }
    let class = format!("{long}-ngx-ink"); // starts with "<short>-" too
    let long_client = learner_client(&p, &long).await;
    create_when_allowed(
        &Api::all(long_client),
        &ingress_class(&class),
        "the longer namespace's IngressClass",
    )
    .await;

    let short_client = learner_client(&p, &short).await;
    let classes_as_short: Api<IngressClass> = Api::all(short_client);
    let s = poll_until(
        "the shorter namespace to be refused by the policy (not RBAC)",
        WAIT,
        || async {
            match classes_as_short
                .delete(&class, &DeleteParams::default())
                .await
            {
                Err(kube::Error::Api(s)) if s.message.contains("belongs to namespace") => Ok(*s),
                other => Err(format!("{other:?}")),
            }
        },
    )
    .await;
    assert!(s.message.contains(&long), "{}", s.message);

    p.remove(&short).await.expect("remove the shorter");
    let classes: Api<IngressClass> = Api::all(admin);
    let still = classes.get_opt(&class).await.unwrap();
    assert!(
        still.is_some_and(|c| c.metadata.deletion_timestamp.is_none()),
        "removing {short} must not touch {class}"
    );
}

#[tokio::test]
async fn namespaces_kubelab_did_not_create_are_left_alone() {
    let foreign = TestNamespace::create("pn").await;
    let p = provisioner(foreign.cluster()).await;
    let learner = LearnerNs {
        namespace: foreign.name(),
        learner_id: "n",
        classroom_id: None,
    };
    for result in [
        p.ensure(&learner).await,
        p.reset(&learner).await,
        p.remove(foreign.name()).await,
    ] {
        assert!(
            matches!(result, Err(ProvisionError::NotManaged { .. })),
            "{result:?}"
        );
    }
    let roles: Api<Role> = foreign.api();
    assert!(roles.get_opt(LEARNER_ROLE).await.unwrap().is_none());
    let err = p
        .kubeconfig(foreign.name(), MIN_TOKEN_EXPIRY)
        .await
        .expect_err("no learner SA");
    assert!(
        matches!(err, ProvisionError::NotProvisioned { .. }),
        "{err:?}"
    );
}
