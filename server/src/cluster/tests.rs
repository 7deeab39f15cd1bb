use super::*;
use crate::config::ClusterArgs;
use std::time::Duration;

#[test]
fn connection_refused_is_said_in_plain_words() {
    let io = std::io::Error::from_raw_os_error(111);
    #[derive(Debug, thiserror::Error)]
    #[error("client error (Connect)")]
    struct Outer(#[source] std::io::Error);
    assert_eq!(root_cause(&Outer(io)), "connection refused");
}

#[test]
fn os_error_numbers_are_stripped() {
    assert_eq!(
        strip_os_error("Name or service not known (os error -2)"),
        "Name or service not known"
    );
    assert_eq!(strip_os_error("plain"), "plain");
}

#[test]
fn listed_items_get_api_version_and_kind_back_and_lose_managed_fields() {
    let need = Need {
        api_version: "apps/v1".into(),
        kind: "Deployment".into(),
        plural: "deployments".into(),
        namespaced: true,
    };
    let mut v = serde_json::json!({
        "metadata": { "name": "ngx-dep", "managedFields": [{ "manager": "kubectl" }] },
        "spec": { "replicas": 2 }
    });
    restore_type(&mut v, &need);
    assert_eq!(v["apiVersion"], "apps/v1");
    assert_eq!(v["kind"], "Deployment");
    assert!(v["metadata"].get("managedFields").is_none());
    assert_eq!(v["spec"]["replicas"], 2);
}

#[test]
fn namespace_names_must_be_dns_labels() {
    for ok in ["default", "kl-alice-1", "a"] {
        assert!(is_dns_label(ok), "{ok}");
    }
    for bad in ["", "Alice", "-a", "a-", "a.b", "a b", &"x".repeat(64)] {
        assert!(!is_dns_label(bad), "{bad}");
    }
}

#[test]
fn every_error_has_a_code_and_both_languages() {
    let url = "https://127.0.0.1:6443".to_string();
    let errors = [
        Error::BadNamespace {
            namespace: "A".into(),
        },
        Error::NoKubeconfig,
        Error::Kubeconfig {
            source_name: "f".into(),
            message: "m".into(),
        },
        Error::Unreachable {
            url: url.clone(),
            cause: "connection refused".into(),
        },
        Error::Timeout {
            url: url.clone(),
            secs: "4.5".into(),
        },
        Error::Denied {
            url: url.clone(),
            what: "pods".into(),
            code: 403,
            message: "forbidden".into(),
        },
        Error::NotServed {
            url: url.clone(),
            what: "x".into(),
            message: "m".into(),
        },
        Error::Api {
            url: url.clone(),
            what: "x".into(),
            code: 500,
            message: "m".into(),
        },
        Error::Decode {
            url,
            what: "x".into(),
            message: "m".into(),
        },
    ];
    for e in &errors {
        let t = e.text();
        assert!(!e.code().is_empty());
        assert!(!t.zh.is_empty() && !t.en.is_empty(), "{e:?}");
        assert_ne!(t.zh, t.en);
    }
    let unreachable = errors[3].to_string();
    assert_eq!(
        unreachable,
        "cannot reach the Kubernetes API at https://127.0.0.1:6443: connection refused — is your cluster running? (kind: scripts/kind-up)"
    );
}

#[tokio::test]
async fn a_missing_kubeconfig_file_is_a_kubeconfig_error() {
    let args = ClusterArgs {
        namespace: "default".into(),
        kubeconfig: Some(PathBuf::from("/nonexistent/kubeconfig")),
        context: None,
        ingress_controller_namespaces: vec![],
    };
    let err = Cluster::connect(&args).await.expect_err("no such file");
    assert!(matches!(err, Error::Kubeconfig { .. }), "{err:?}");
    assert!(err.is_unavailable());
}

#[tokio::test]
async fn an_unknown_context_is_a_kubeconfig_error() {
    let (_dir, args) = args_for("https://127.0.0.1:1", Some("nope"));
    let err = Cluster::connect(&args).await.expect_err("unknown context");
    assert!(matches!(err, Error::Kubeconfig { .. }), "{err:?}");
}

/// Cluster arguments reading a kubeconfig (written to a temp dir, kept alive by the caller)
/// that points at `server`.
pub(crate) fn args_for(server: &str, context: Option<&str>) -> (tempfile::TempDir, ClusterArgs) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("kubeconfig");
    std::fs::write(&path, kubeconfig_for(server)).expect("write");
    let args = ClusterArgs {
        namespace: "default".into(),
        kubeconfig: Some(path),
        context: context.map(str::to_string),
        ingress_controller_namespaces: vec![],
    };
    (dir, args)
}

pub(crate) fn kubeconfig_for(server: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: {server}\n    insecure-skip-tls-verify: true\ncontexts:\n- name: c\n  context:\n    cluster: c\n    user: u\ncurrent-context: c\nusers:\n- name: u\n  user:\n    token: t\n"
    )
}

#[tokio::test]
async fn a_refused_connection_fails_fast_with_the_address_and_what_to_do() {
    let (_dir, args) = args_for("https://127.0.0.1:1", None);
    let cluster = Cluster::connect(&args)
        .await
        .expect("client builds offline");
    let need = Need {
        api_version: "v1".into(),
        kind: "Pod".into(),
        plural: "pods".into(),
        namespaced: true,
    };
    let started = std::time::Instant::now();
    let err = cluster
        .snapshot(&[need], "default")
        .await
        .expect_err("nothing listens on port 1");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(matches!(err, Error::Unreachable { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("https://127.0.0.1:1:"), "{text}");
    assert!(text.contains("connection refused"), "{text}");
    assert!(text.contains("is your cluster running?"), "{text}");
}

/// kubelab's own client on the sandbox named by `KUBECONFIG` (the sandbox tests' common start).
pub(crate) async fn sandbox_cluster() -> Cluster {
    Cluster::connect(&crate::config::ClusterArgs {
        namespace: "default".into(),
        kubeconfig: None,
        context: None,
        ingress_controller_namespaces: vec![],
    })
    .await
    .expect("the sandbox's kubeconfig")
}
