//! kubelab's own rights, as code: the ServiceAccount `kubelab`, its ClusterRole and binding, and
//! the shared objects kubelab may read but not write ([`super::cluster_wide_objects`]). Written to
//! `deploy/rbac/kubelab-rbac.yaml` for `kubectl apply`, and the same objects (without the
//! Namespace, which is the release's) to the Helm chart's `templates/rbac.yaml` ([`chart_template`]),
//! so the chart carries no second copy of the rules. A test compares both files with the code;
//! `KUBELAB_BLESS=1` rewrites them. Why each right is needed: docs/SECURITY.md, "kubelab's own
//! rights".

use serde_json::{json, Value};

use super::model::*;
use super::shared::{
    cluster_wide_objects, KUBELAB_NAMESPACE, KUBELAB_SERVICE_ACCOUNT, PROBE_BINDING, SELF_POLICY,
};

/// The file, relative to the repository.
pub const RBAC_FILE: &str = "deploy/rbac/kubelab-rbac.yaml";
/// The Helm chart's template of the same objects, relative to the repository.
pub const CHART_RBAC_FILE: &str = "deploy/helm/kubelab/templates/rbac.yaml";

/// The resource types the shared watch caches and `kubelab check` list and watch in every
/// namespace: what the course's exercises read (`needs` in content/exercises/*.yaml).
pub const WATCHED: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "pods",
            "services",
            "configmaps",
            "secrets",
            "persistentvolumeclaims",
            "persistentvolumes",
            "nodes",
        ],
    ),
    ("apps", &["deployments", "replicasets", "daemonsets"]),
    ("discovery.k8s.io", &["endpointslices"]),
    ("networking.k8s.io", &["ingresses", "ingressclasses"]),
];

/// kubelab's ClusterRole. Writes are by name wherever RBAC allows it (`resourceNames` also limits
/// a server-side apply that creates); what RBAC cannot narrow, the policy `kubelab-self` does.
pub fn kubelab_cluster_role() -> Value {
    let apply = ["get", "create", "patch"];
    let mut rules = vec![
        // Learner namespaces (names vary; kubelab-self: only labelled ones, Pod Security baseline).
        json!({ "apiGroups": [""], "resources": ["namespaces"], "verbs": ["get", "list", "create", "patch", "delete"] }),
        // What `ensure` writes in each learner namespace, by name.
        json!({ "apiGroups": [""], "resources": ["serviceaccounts"], "resourceNames": [SERVICE_ACCOUNT], "verbs": apply }),
        json!({ "apiGroups": [""], "resources": ["serviceaccounts/token"], "resourceNames": [SERVICE_ACCOUNT], "verbs": ["create"] }),
        // `ensure` returns once the ServiceAccount controller has made `default` (Pods need it).
        json!({ "apiGroups": [""], "resources": ["serviceaccounts"], "resourceNames": ["default"], "verbs": ["get"] }),
        json!({ "apiGroups": [""], "resources": ["resourcequotas"], "resourceNames": [QUOTA_NAME], "verbs": apply }),
        json!({ "apiGroups": [""], "resources": ["limitranges"], "resourceNames": [LIMITS_NAME], "verbs": apply }),
        json!({ "apiGroups": ["networking.k8s.io"], "resources": ["networkpolicies"], "resourceNames": [ISOLATION_POLICY], "verbs": apply }),
        json!({ "apiGroups": ["rbac.authorization.k8s.io"], "resources": ["rolebindings"], "resourceNames": [LEARNER_NAMESPACED_ROLE], "verbs": apply }),
        // The Role and RoleBinding of earlier versions, deleted by `ensure`.
        json!({ "apiGroups": ["rbac.authorization.k8s.io"], "resources": ["rolebindings", "roles"], "resourceNames": [LEARNER_ROLE], "verbs": ["delete"] }),
        // One ClusterRoleBinding per learner, `kubelab-learner-<namespace>` (kubelab-self: only of
        // the learner ClusterRole, only to that namespace's `learner`).
        json!({ "apiGroups": ["rbac.authorization.k8s.io"], "resources": ["clusterrolebindings"], "verbs": ["get", "create", "patch", "delete"] }),
        // Granting the learner ClusterRoles without holding their rights (RBAC escalation check).
        json!({ "apiGroups": ["rbac.authorization.k8s.io"], "resources": ["clusterroles"], "resourceNames": [LEARNER_ROLE, LEARNER_NAMESPACED_ROLE], "verbs": ["get", "bind"] }),
        // `remove` and `reset` delete a learner's IngressClasses and PVs by owner label
        // (kubelab-self: only those a learner created).
        json!({ "apiGroups": [""], "resources": ["persistentvolumes"], "verbs": ["deletecollection"] }),
        json!({ "apiGroups": ["networking.k8s.io"], "resources": ["ingressclasses"], "verbs": ["deletecollection"] }),
        // The shared objects, to see that they are current (an administrator writes them).
        json!({ "apiGroups": ["rbac.authorization.k8s.io"], "resources": ["clusterrolebindings"], "resourceNames": [PROBE_BINDING], "verbs": ["get"] }),
        json!({ "apiGroups": ["admissionregistration.k8s.io"], "resources": ["mutatingadmissionpolicies", "mutatingadmissionpolicybindings"], "resourceNames": [OWNER_POLICY], "verbs": ["get"] }),
        json!({ "apiGroups": ["admissionregistration.k8s.io"], "resources": ["validatingadmissionpolicies", "validatingadmissionpolicybindings"], "resourceNames": [INGRESSCLASS_POLICY, PV_POLICY, PV_BINDING_POLICY, SERVICE_POLICY, SECRET_POLICY, SELF_POLICY], "verbs": ["get"] }),
        // The policy probe acts as this one ServiceAccount (no group).
        json!({ "apiGroups": [""], "resources": ["serviceaccounts"], "resourceNames": [SERVICE_ACCOUNT], "verbs": ["impersonate"] }),
    ];
    for (group, resources) in WATCHED {
        rules.push(
            json!({ "apiGroups": [group], "resources": resources, "verbs": ["list", "watch"] }),
        );
    }
    json!({
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole",
        "metadata": { "name": KUBELAB_SERVICE_ACCOUNT, "labels": { MANAGED_BY: MANAGED_BY_VALUE } },
        "rules": rules,
    })
}

/// kubelab's namespace, with Pod Security `restricted`.
fn namespace() -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": { "name": KUBELAB_NAMESPACE, "labels": {
            "pod-security.kubernetes.io/enforce": "restricted",
        }},
    })
}

/// Everything an administrator applies before kubelab runs with its own ServiceAccount.
pub fn manifests() -> Vec<Value> {
    let mut objects = vec![namespace()];
    objects.extend(rights());
    objects
}

/// [`manifests`] but the Namespace: kubelab's ServiceAccount, its ClusterRole and binding, and the
/// shared objects.
fn rights() -> Vec<Value> {
    let labels = json!({ MANAGED_BY: MANAGED_BY_VALUE });
    let mut objects = vec![
        json!({
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": { "name": KUBELAB_SERVICE_ACCOUNT, "namespace": KUBELAB_NAMESPACE, "labels": labels },
        }),
        kubelab_cluster_role(),
        json!({
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRoleBinding",
            "metadata": { "name": KUBELAB_SERVICE_ACCOUNT, "labels": labels },
            "roleRef": { "apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": KUBELAB_SERVICE_ACCOUNT },
            "subjects": [{ "kind": "ServiceAccount", "name": KUBELAB_SERVICE_ACCOUNT, "namespace": KUBELAB_NAMESPACE }],
        }),
    ];
    objects.extend(cluster_wide_objects());
    objects
}

/// [`manifests`] as one YAML stream, for `kubectl apply --server-side -f`.
pub fn yaml() -> String {
    let mut out = format!(
        "# kubelab's own rights and the objects all learner namespaces share.\n\
         # Generated by server/src/cluster/provision/deploy.rs: do not edit; regenerate with\n\
         #   KUBELAB_BLESS=1 cargo test -p kubelab deploy::\n\
         # Apply as a cluster administrator:\n\
         #   kubectl apply --server-side --field-manager=kubelab -f {RBAC_FILE}\n\
         # then run kubelab with the ServiceAccount {KUBELAB_NAMESPACE}/{KUBELAB_SERVICE_ACCOUNT}.\n\
         # The policy probe impersonates {PROBE_NAMESPACE}/{SERVICE_ACCOUNT} (no such namespace is needed).\n"
    );
    out.push_str(&stream(&manifests()));
    out
}

/// The Helm chart's `templates/rbac.yaml`: [`rights`] (behind the value `rbac.create`), the
/// names the chart's other templates use for kubelab's ServiceAccount, and a refusal of any
/// release namespace but [`KUBELAB_NAMESPACE`], which the ClusterRoleBinding and the policy
/// `kubelab-self` name.
pub fn chart_template() -> String {
    format!(
        "{{{{- /*\n\
         kubelab's own rights and the objects all learner namespaces share: the objects of\n\
         {RBAC_FILE} but its Namespace (the release's, made before `helm install`).\n\
         Generated by server/src/cluster/provision/deploy.rs: do not edit; regenerate with\n\
         \x20 KUBELAB_BLESS=1 cargo test -p kubelab deploy::\n\
         */}}}}\n\
         {{{{- define \"kubelab.serviceAccountName\" }}}}{KUBELAB_SERVICE_ACCOUNT}{{{{ end }}}}\n\
         {{{{- if ne .Release.Namespace \"{KUBELAB_NAMESPACE}\" }}}}\n\
         {{{{- fail (printf \"kubelab installs only into the namespace {KUBELAB_NAMESPACE}, not %q: its ClusterRoleBinding and the admission policy {SELF_POLICY} name the ServiceAccount {KUBELAB_NAMESPACE}/{KUBELAB_SERVICE_ACCOUNT}. Create the namespace (docs/DEPLOY.md) and install with --namespace {KUBELAB_NAMESPACE}\" .Release.Namespace) }}}}\n\
         {{{{- end }}}}\n\
         {{{{- if .Values.rbac.create }}}}\n\
         {}\
         {{{{- end }}}}\n",
        stream(&rights())
    )
}

/// Objects as one YAML stream, each after a `---` line.
fn stream(objects: &[Value]) -> String {
    let mut out = String::new();
    for o in objects {
        out.push_str("---\n");
        out.push_str(&kubelab_checks::yaml::to_string(o));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Compares `file` (relative to the repository) with `want`; `KUBELAB_BLESS=1` writes it first.
    fn committed_file_is(file: &str, want: &str) {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(file);
        if std::env::var_os("KUBELAB_BLESS").is_some_and(|v| v == "1") {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, want).unwrap();
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "{file} is not what deploy.rs generates: regenerate it with KUBELAB_BLESS=1 cargo test -p kubelab deploy::"
        );
    }

    #[test]
    fn the_committed_rbac_file_is_the_generated_one() {
        committed_file_is(RBAC_FILE, &yaml());
    }

    #[test]
    fn the_helm_chart_s_rbac_template_is_the_generated_one_with_the_same_objects() {
        let rights = stream(&rights());
        // Helm would read `{{` inside the objects as template code.
        assert!(!rights.contains("{{"), "{rights}");
        let template = chart_template();
        assert!(template.contains(&rights));
        assert!(yaml().ends_with(&rights));
        committed_file_is(CHART_RBAC_FILE, &template);
    }

    #[test]
    fn kubelab_may_watch_every_type_an_exercise_needs() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/exercises");
        for entry in std::fs::read_dir(dir).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            for line in text.lines().filter(|l| l.contains("plural:")) {
                let field = |name: &str| {
                    let rest = line.split(&format!("{name}: ")).nth(1).unwrap_or_default();
                    rest.split([',', ' ', '}'])
                        .next()
                        .unwrap_or_default()
                        .to_string()
                };
                let api_version = field("apiVersion");
                let group = api_version
                    .rsplit_once('/')
                    .map_or("", |(g, _)| g)
                    .to_string();
                let plural = field("plural");
                assert!(
                    WATCHED
                        .iter()
                        .any(|(g, r)| *g == group && r.contains(&plural.as_str())),
                    "an exercise needs {group}/{plural}, which kubelab's ClusterRole does not watch: {line}"
                );
            }
        }
    }

    #[test]
    fn kubelab_holds_no_wildcard_and_no_write_on_roles_or_policies() {
        let role = kubelab_cluster_role();
        for rule in role["rules"].as_array().unwrap() {
            let text = rule.to_string();
            assert!(!text.contains("\"*\""), "{text}");
            let resources = rule["resources"].to_string();
            let verbs = rule["verbs"].to_string();
            if resources.contains("admissionpolicies") || resources.contains("\"clusterroles\"") {
                assert!(
                    !verbs.contains("create")
                        && !verbs.contains("patch")
                        && !verbs.contains("escalate"),
                    "{text}"
                );
            }
            if resources.contains("\"secrets\"") {
                assert_eq!(rule["verbs"], json!(["list", "watch"]), "{text}");
            }
        }
    }
}
