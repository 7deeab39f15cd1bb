//! What all learners share, cluster-wide: the two learner ClusterRoles, the admission policies
//! and their bindings, the probe's binding, and the policy that narrows kubelab's own
//! ServiceAccount. kubelab deployed with the least rights (deploy/rbac/kubelab-rbac.yaml, written
//! by `deploy.rs`) may only **read** these: writing a ClusterRole or an admission policy is worth
//! cluster-admin (a policy that matches every Pod could rewrite any of them). An administrator
//! applies them with that file; kubelab checks that each one is there and current (its
//! `kubelab.dev/spec-hash` annotation), and writes them itself only when it may (an administrator's
//! kubeconfig, on a laptop).

use kube::api::{ApiResource, GroupVersionKind};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::model::*;
use super::objects::{cluster_role, learner_namespaced_role};
use super::policies::*;

/// The annotation that says which version of an object this is: a hash of the rest of it.
pub const SPEC_HASH: &str = "kubelab.dev/spec-hash";
/// The namespace and name of kubelab's own ServiceAccount in deploy/rbac/kubelab-rbac.yaml.
pub const KUBELAB_NAMESPACE: &str = "kubelab";
pub const KUBELAB_SERVICE_ACCOUNT: &str = "kubelab";
/// Binds the learner ClusterRole to the probe's user, so its dry-run requests pass RBAC and
/// reach admission (kubelab impersonates only that ServiceAccount, no group).
pub const PROBE_BINDING: &str = "kubelab-policy-probe";
pub(super) const SELF_POLICY: &str = "kubelab-self";

/// The validating policies whose `status.observedGeneration` `ensure` waits for.
pub(super) const VALIDATING: &[&str] = &[
    INGRESSCLASS_POLICY,
    PV_POLICY,
    PV_BINDING_POLICY,
    SERVICE_POLICY,
    SECRET_POLICY,
    SELF_POLICY,
];

/// The username of kubelab's ServiceAccount.
pub fn kubelab_user() -> String {
    format!("system:serviceaccount:{KUBELAB_NAMESPACE}:{KUBELAB_SERVICE_ACCOUNT}")
}

/// Every shared object, in the order they are applied, each with its [`SPEC_HASH`].
pub fn cluster_wide_objects() -> Vec<Value> {
    let mut objects = vec![
        cluster_role(),
        learner_namespaced_role(),
        json!({
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRoleBinding",
            "metadata": { "name": PROBE_BINDING, "labels": { MANAGED_BY: MANAGED_BY_VALUE } },
            "roleRef": { "apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": LEARNER_ROLE },
            "subjects": [{ "kind": "ServiceAccount", "name": SERVICE_ACCOUNT, "namespace": PROBE_NAMESPACE }],
        }),
        owner_policy(),
        policy_binding("MutatingAdmissionPolicyBinding", OWNER_POLICY),
    ];
    for (name, policy) in [
        (INGRESSCLASS_POLICY, ingress_class_policy()),
        (PV_POLICY, persistent_volume_policy()),
        (PV_BINDING_POLICY, volume_binding_policy()),
        (SERVICE_POLICY, service_policy()),
        (SECRET_POLICY, secret_policy()),
        (SELF_POLICY, self_policy()),
    ] {
        objects.push(policy);
        objects.push(policy_binding("ValidatingAdmissionPolicyBinding", name));
    }
    objects.into_iter().map(with_hash).collect()
}

/// `value` with the annotation [`SPEC_HASH`]: the SHA-256 (first 16 hex digits) of its JSON.
fn with_hash(mut value: Value) -> Value {
    let digest = Sha256::digest(value.to_string().as_bytes());
    let hash: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
    value["metadata"]["annotations"] = json!({ SPEC_HASH: hash });
    value
}

/// The resource of a shared object (all are cluster-scoped): kind → plural.
pub(super) fn api_resource(value: &Value) -> ApiResource {
    let api_version = value["apiVersion"].as_str().unwrap_or_default();
    let kind = value["kind"].as_str().unwrap_or_default();
    let (group, version) = api_version.split_once('/').unwrap_or(("", api_version));
    let lower = kind.to_ascii_lowercase();
    let plural = match lower.strip_suffix('y') {
        Some(stem) => format!("{stem}ies"),
        None => format!("{lower}s"),
    };
    ApiResource::from_gvk_with_plural(&GroupVersionKind::gvk(group, version, kind), &plural)
}

/// What kubelab's own ServiceAccount may change, narrowed below what RBAC can say (RBAC cannot
/// limit `create` or `bind` by namespace or by what a binding grants): namespaces only with
/// kubelab's label and Pod Security `baseline`/`restricted`; the per-namespace objects only in
/// such namespaces; RoleBindings only of the learner ClusterRole to the namespace's `learner`;
/// ClusterRoleBindings only of the learner ClusterRole to one `learner` each; PVs and
/// IngressClasses deleted only when a learner owns them. So kubelab cannot give itself or anyone
/// else rights in `kube-system`, however it is misused.
pub(super) fn self_policy() -> Value {
    let managed = |o: &str| {
        format!("has({o}.metadata.labels) && '{MANAGED_BY}' in {o}.metadata.labels && {o}.metadata.labels['{MANAGED_BY}'] == '{MANAGED_BY_VALUE}'")
    };
    let ops = ["CREATE", "UPDATE", "DELETE"];
    json!({
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingAdmissionPolicy",
        "metadata": { "name": SELF_POLICY, "labels": { MANAGED_BY: MANAGED_BY_VALUE } },
        "spec": {
            "failurePolicy": "Fail",
            "matchConstraints": { "resourceRules": [
                resource_rule("", "namespaces", &ops),
                json!({ "apiGroups": [""], "apiVersions": ["*"], "resources": ["serviceaccounts", "resourcequotas", "limitranges"], "operations": ops }),
                json!({ "apiGroups": ["rbac.authorization.k8s.io"], "apiVersions": ["*"], "resources": ["rolebindings", "roles", "clusterrolebindings"], "operations": ops }),
                resource_rule("networking.k8s.io", "networkpolicies", &ops),
                resource_rule("", "persistentvolumes", &["DELETE"]),
                resource_rule("networking.k8s.io", "ingressclasses", &["DELETE"]),
            ]},
            "matchConditions": [{
                "name": "kubelab-service-account",
                "expression": format!("request.userInfo.username == '{}'", kubelab_user()),
            }],
            "variables": [
                { "name": "resource", "expression": "request.resource.resource" },
                { "name": "obj", "expression": "object != null ? object : oldObject" },
            ],
            "validations": [
                {
                    "expression": format!(
                        "variables.resource != 'namespaces' || (({}) && (oldObject == null || ({})) && (object == null || (has(object.metadata.labels) && 'pod-security.kubernetes.io/enforce' in object.metadata.labels && object.metadata.labels['pod-security.kubernetes.io/enforce'] in ['baseline', 'restricted'])))",
                        managed("variables.obj"), managed("oldObject"),
                    ),
                    "message": format!("kubelab may only change namespaces labelled {MANAGED_BY}={MANAGED_BY_VALUE}, with Pod Security baseline or restricted"),
                    "reason": "Forbidden",
                },
                {
                    "expression": format!(
                        "variables.resource == 'namespaces' || !has(request.namespace) || request.namespace == '' || (namespaceObject != null && ({}))",
                        managed("namespaceObject"),
                    ),
                    "message": format!("kubelab may only change objects in namespaces labelled {MANAGED_BY}={MANAGED_BY_VALUE}"),
                    "reason": "Forbidden",
                },
                {
                    "expression": format!(
                        "variables.resource != 'rolebindings' || request.operation == 'DELETE' || (object.roleRef.kind == 'ClusterRole' && object.roleRef.name == '{LEARNER_NAMESPACED_ROLE}' && has(object.subjects) && object.subjects.all(s, s.kind == 'ServiceAccount' && s.name == '{SERVICE_ACCOUNT}' && has(s.namespace) && s.namespace == request.namespace))"
                    ),
                    "message": format!("kubelab may only bind the ClusterRole {LEARNER_NAMESPACED_ROLE} to the namespace's ServiceAccount {SERVICE_ACCOUNT}"),
                    "reason": "Forbidden",
                },
                {
                    "expression": "variables.resource != 'roles' || request.operation == 'DELETE'",
                    "message": "kubelab only deletes the Role of earlier versions",
                    "reason": "Forbidden",
                },
                {
                    "expression": format!(
                        "variables.resource != 'clusterrolebindings' || (variables.obj.roleRef.kind == 'ClusterRole' && variables.obj.roleRef.name == '{LEARNER_ROLE}' && variables.obj.metadata.name.startsWith('{LEARNER_ROLE}-') && (object == null || (has(object.subjects) && object.subjects.all(s, s.kind == 'ServiceAccount' && s.name == '{SERVICE_ACCOUNT}' && has(s.namespace) && object.metadata.name == '{LEARNER_ROLE}-' + s.namespace))))"
                    ),
                    "message": format!("kubelab may only bind the ClusterRole {LEARNER_ROLE} to a learner, as {LEARNER_ROLE}-<namespace>"),
                    "reason": "Forbidden",
                },
                {
                    "expression": format!(
                        "!(variables.resource in ['persistentvolumes', 'ingressclasses']) || (has(oldObject.metadata.labels) && '{OWNER_LABEL}' in oldObject.metadata.labels)"
                    ),
                    "message": "kubelab may only delete PersistentVolumes and IngressClasses a learner created",
                    "reason": "Forbidden",
                },
            ],
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shared_object_has_a_hash_that_changes_with_its_content() {
        let objects = cluster_wide_objects();
        let mut names = std::collections::BTreeSet::new();
        for o in &objects {
            let hash = o["metadata"]["annotations"][SPEC_HASH].as_str().unwrap();
            assert_eq!(hash.len(), 16, "{o}");
            assert!(names.insert((o["kind"].to_string(), o["metadata"]["name"].to_string())));
        }
        let mut changed = cluster_role();
        changed["rules"][0]["verbs"] = json!(["get"]);
        assert_ne!(
            with_hash(changed)["metadata"]["annotations"][SPEC_HASH],
            objects[0]["metadata"]["annotations"][SPEC_HASH]
        );
    }

    #[test]
    fn plurals_of_the_shared_kinds() {
        let plural = |kind: &str| {
            api_resource(&json!({ "apiVersion": "admissionregistration.k8s.io/v1", "kind": kind }))
                .plural
        };
        assert_eq!(
            plural("ValidatingAdmissionPolicy"),
            "validatingadmissionpolicies"
        );
        assert_eq!(
            plural("MutatingAdmissionPolicyBinding"),
            "mutatingadmissionpolicybindings"
        );
        assert_eq!(plural("ClusterRole"), "clusterroles");
    }
}
