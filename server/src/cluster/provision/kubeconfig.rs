//! The kubeconfig a learner downloads: one cluster (URL and CA), one user (a ServiceAccount
//! token), one context in their namespace. Pure text building, tested without a cluster.

use k8s_openapi::ByteString;
use kube::Config;
use serde_json::Value;

/// The CA that downloaded kubeconfigs trust.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum ClusterCa {
    /// base64 of a PEM bundle.
    Data(String),
    /// kubelab itself skips verification; so do the kubeconfigs.
    Insecure,
    /// The system's roots (a publicly trusted certificate).
    System,
}

/// base64 of `bytes` (k8s-openapi's byte strings serialize as base64).
pub(super) fn base64(bytes: &[u8]) -> String {
    match serde_json::to_value(ByteString(bytes.to_vec())) {
        Ok(Value::String(s)) => s,
        _ => String::new(),
    }
}

/// DER certificates → one PEM bundle.
pub(super) fn pem_bundle(ders: &[Vec<u8>]) -> String {
    let mut out = String::new();
    for der in ders {
        out.push_str("-----BEGIN CERTIFICATE-----\n");
        let b64 = base64(der);
        for line in b64.as_bytes().chunks(64) {
            out.push_str(&String::from_utf8_lossy(line));
            out.push('\n');
        }
        out.push_str("-----END CERTIFICATE-----\n");
    }
    out
}

pub(super) fn ca_of(config: &Config) -> ClusterCa {
    if config.accept_invalid_certs {
        return ClusterCa::Insecure;
    }
    if let Some(ders) = config.root_cert.as_ref().filter(|d| !d.is_empty()) {
        return ClusterCa::Data(base64(pem_bundle(ders).as_bytes()));
    }
    if let Some(path) = &config.root_cert_file {
        match std::fs::read(path) {
            Ok(pem) => return ClusterCa::Data(base64(&pem)),
            Err(e) => tracing::warn!(
                path = %path.display(),
                error = %e,
                "cannot read the cluster CA; downloaded kubeconfigs will trust the system roots"
            ),
        }
    }
    ClusterCa::System
}

pub(super) struct KubeconfigParts<'a> {
    pub(super) server: &'a str,
    pub(super) ca: &'a ClusterCa,
    pub(super) tls_server_name: Option<&'a str>,
    pub(super) namespace: &'a str,
    pub(super) token: &'a str,
}

/// A YAML scalar in double quotes (a JSON string is a valid one).
pub(super) fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

/// The kubeconfig text: one cluster, one user (the token), one context in the learner's namespace.
pub(super) fn kubeconfig_yaml(p: &KubeconfigParts<'_>) -> String {
    let mut cluster = format!("    server: {}\n", quoted(p.server));
    match p.ca {
        ClusterCa::Data(data) => cluster.push_str(&format!(
            "    certificate-authority-data: {}\n",
            quoted(data)
        )),
        ClusterCa::Insecure => cluster.push_str("    insecure-skip-tls-verify: true\n"),
        ClusterCa::System => {}
    }
    if let Some(name) = p.tls_server_name {
        cluster.push_str(&format!("    tls-server-name: {}\n", quoted(name)));
    }
    let user = quoted(&format!("kubelab-{}", p.namespace));
    let context = user.clone();
    format!(
        "# kubelab — namespace {ns}. The token expires: when kubectl says Unauthorized, download a new file.\n\
         # 令牌会过期：kubectl 提示 Unauthorized 时，请重新下载此文件。\n\
         apiVersion: v1\n\
         kind: Config\n\
         clusters:\n\
         - name: kubelab\n  cluster:\n{cluster}\
         users:\n\
         - name: {user}\n  user:\n    token: {token}\n\
         contexts:\n\
         - name: {context}\n  context:\n    cluster: kubelab\n    user: {user}\n    namespace: {ns_q}\n\
         current-context: {context}\n",
        ns = p.namespace,
        ns_q = quoted(p.namespace),
        token = quoted(p.token),
    )
}
