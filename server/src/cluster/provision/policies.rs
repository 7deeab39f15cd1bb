//! The admission policies (CEL, evaluated by the API server) that narrow what learners may do
//! with the cluster-scoped objects they share (IngressClasses and PersistentVolumes), with
//! Services and Secrets in their namespace, and how learners' PVs are bound.

use serde_json::{json, Value};

use super::model::*;

/// The policies apply to requests of a learner ServiceAccount (any namespace's `learner`).
pub(super) fn learner_condition() -> Value {
    json!([{
        "name": "learner-service-account",
        "expression": format!(
            "request.userInfo.username.startsWith('system:serviceaccount:') && request.userInfo.username.endsWith(':{SERVICE_ACCOUNT}')"
        ),
    }])
}

/// `system:serviceaccount:<namespace>:learner` → `<namespace>`.
pub(super) const LEARNER_NS_CEL: &str = "request.userInfo.username.split(':')[2]";

pub(super) fn resource_rule(group: &str, resource: &str, operations: &[&str]) -> Value {
    json!({ "apiGroups": [group], "apiVersions": ["*"], "resources": [resource], "operations": operations })
}

/// Stamps the learner's namespace as owner label on the IngressClasses and PVs they create or
/// change, so ownership does not depend on names (`kl-a-b-x` starts with `kl-a-` too) and removal
/// finds them by label.
pub(super) fn owner_policy() -> Value {
    let ops = ["CREATE", "UPDATE"];
    json!({
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "MutatingAdmissionPolicy",
        "metadata": { "name": OWNER_POLICY, "labels": { MANAGED_BY: MANAGED_BY_VALUE } },
        "spec": {
            "matchConstraints": { "resourceRules": [
                resource_rule("networking.k8s.io", "ingressclasses", &ops),
                resource_rule("", "persistentvolumes", &ops),
            ]},
            "matchConditions": learner_condition(),
            "failurePolicy": "Fail",
            "reinvocationPolicy": "Never",
            "mutations": [{
                "patchType": "ApplyConfiguration",
                "applyConfiguration": { "expression": format!(
                    "Object{{metadata: Object.metadata{{labels: {{'{OWNER_LABEL}': {LEARNER_NS_CEL}}}}}}}"
                )},
            }],
        },
    })
}

/// The checks both kinds share: the name prefix, and that only the owner changes an object.
pub(super) fn common_validations() -> Vec<Value> {
    vec![
        json!({
            "expression": "variables.name.startsWith(variables.prefix)",
            "messageExpression": "request.kind.kind + ' \"' + variables.name + '\": on this shared cluster the name must start with your namespace and a dash, \"' + variables.prefix + '\" (for example \"' + variables.prefix + variables.name + '\"). 共享集群上这个名字必须以你的命名空间加 - 开头：「' + variables.prefix + '」（例如「' + variables.prefix + variables.name + '」）。'",
            "reason": "Forbidden",
        }),
        json!({
            "expression": "request.operation == 'CREATE' || variables.owner == variables.ns",
            "messageExpression": "request.kind.kind + ' \"' + variables.name + '\" ' + (variables.owner == '' ? 'was not created by a learner' : 'belongs to namespace ' + variables.owner) + ', not to yours (' + variables.ns + '). 它' + (variables.owner == '' ? '不是学员创建的' : '属于命名空间 ' + variables.owner) + '，不属于你的命名空间（' + variables.ns + '）。'",
            "reason": "Forbidden",
        }),
    ]
}

pub(super) fn validating_policy(
    name: &str,
    group: &str,
    resource: &str,
    extra: Vec<Value>,
) -> Value {
    let mut validations = common_validations();
    validations.extend(extra);
    json!({
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingAdmissionPolicy",
        "metadata": { "name": name, "labels": { MANAGED_BY: MANAGED_BY_VALUE } },
        "spec": {
            "failurePolicy": "Fail",
            "matchConstraints": { "resourceRules": [
                resource_rule(group, resource, &["CREATE", "UPDATE", "DELETE"]),
            ]},
            "matchConditions": learner_condition(),
            "variables": [
                { "name": "ns", "expression": LEARNER_NS_CEL },
                { "name": "prefix", "expression": "variables.ns + '-'" },
                // DELETE has no new object, CREATE no old one.
                { "name": "name", "expression": "object != null ? object.metadata.name : oldObject.metadata.name" },
                { "name": "owner", "expression": format!(
                    "oldObject != null && has(oldObject.metadata.labels) && '{OWNER_LABEL}' in oldObject.metadata.labels ? oldObject.metadata.labels['{OWNER_LABEL}'] : ''"
                )},
            ],
            "validations": validations,
        },
    })
}

/// A learner's IngressClass must not become the cluster's default (every learner's Ingresses
/// without a class would get it).
pub(super) fn ingress_class_policy() -> Value {
    validating_policy(
        INGRESSCLASS_POLICY,
        "networking.k8s.io",
        "ingressclasses",
        vec![json!({
            "expression": format!(
                "object == null || !has(object.metadata.annotations) || !('{DEFAULT_INGRESSCLASS_ANNOTATION}' in object.metadata.annotations) || object.metadata.annotations['{DEFAULT_INGRESSCLASS_ANNOTATION}'] != 'true'"
            ),
            "message": format!(
                "a learner's IngressClass must not be the cluster's default (remove the annotation {DEFAULT_INGRESSCLASS_ANNOTATION}). 学员的 IngressClass 不能成为集群默认（去掉注解 {DEFAULT_INGRESSCLASS_ANNOTATION}）。"
            ),
            "reason": "Forbidden",
        })],
    )
}

/// A learner's PV may only be a hostPath/local directory exactly one level under `/tmp`, named
/// `/tmp/<namespace>-…` (nothing nested: a Pod could plant a symlink `/tmp/<ns>-a/r -> /` in its
/// volume, and a second PV at `/tmp/<ns>-a/r` would mount the node's `/`), of a storage class
/// named `<namespace>-…`, and may only be reserved for a claim in their own namespace.
pub(super) fn persistent_volume_policy() -> Value {
    let path = "object == null ? '' : has(object.spec.hostPath) ? object.spec.hostPath.path : has(object.spec.local) ? object.spec.local.path : ''";
    let mut policy = validating_policy(
        PV_POLICY,
        "",
        "persistentvolumes",
        vec![
            json!({
                "expression": "object == null || variables.path.matches('^/tmp/' + variables.prefix + '[a-z0-9][a-z0-9-]*/?$')",
                "messageExpression": "'PersistentVolume \"' + variables.name + '\": on this shared cluster a PersistentVolume must be a hostPath (or local) directory directly under /tmp named \"/tmp/' + variables.prefix + '…\" (lowercase letters, digits and dashes, nothing nested; for example \"/tmp/' + variables.prefix + 'host-10m-pv/\"). 共享集群上 PersistentVolume 只能是 /tmp 下直接的一层 hostPath（或 local）目录，名为「/tmp/' + variables.prefix + '…」（小写字母、数字和 -，不能嵌套；例如「/tmp/' + variables.prefix + 'host-10m-pv/」）。'",
                "reason": "Forbidden",
            }),
            json!({
                "expression": "object == null || (has(object.spec.storageClassName) && object.spec.storageClassName.startsWith(variables.prefix))",
                "messageExpression": "'PersistentVolume \"' + variables.name + '\": on this shared cluster its storageClassName must start with \"' + variables.prefix + '\" (for example \"' + variables.prefix + 'host-test\"), so that only your own claims ask for it. 共享集群上它的 storageClassName 必须以「' + variables.prefix + '」开头（例如「' + variables.prefix + 'host-test」），这样只有你自己的 PVC 会申请它。'",
                "reason": "Forbidden",
            }),
            json!({
                "expression": "object == null || !has(object.spec.claimRef) || (has(object.spec.claimRef.namespace) && object.spec.claimRef.namespace == variables.ns)",
                "messageExpression": "'PersistentVolume \"' + variables.name + '\": spec.claimRef may only name a claim in your namespace ' + variables.ns + '. spec.claimRef 只能指向你的命名空间 ' + variables.ns + ' 里的 PVC。'",
                "reason": "Forbidden",
            }),
        ],
    );
    if let Some(vars) = policy["spec"]["variables"].as_array_mut() {
        vars.push(json!({ "name": "path", "expression": path }));
    }
    policy
}

/// Whoever binds it (the PV controller, the scheduler, an administrator), a PV a learner created
/// is only ever bound to a claim in that learner's namespace: its owner label, which the owner
/// policy stamps and learners cannot change, must name the claim's namespace. So learner B's
/// claim cannot take learner A's unclaimed PV, neither by `spec.volumeName` nor by using A's
/// storage class. (Not keyed on the learner: the controller makes the binding update.)
pub(super) fn volume_binding_policy() -> Value {
    json!({
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingAdmissionPolicy",
        "metadata": { "name": PV_BINDING_POLICY, "labels": { MANAGED_BY: MANAGED_BY_VALUE } },
        "spec": {
            "failurePolicy": "Fail",
            "matchConstraints": {
                "resourceRules": [resource_rule("", "persistentvolumes", &["UPDATE"])],
                "objectSelector": { "matchExpressions": [{ "key": OWNER_LABEL, "operator": "Exists" }] },
            },
            "variables": [
                { "name": "owner", "expression": format!(
                    "has(oldObject.metadata.labels) && '{OWNER_LABEL}' in oldObject.metadata.labels ? oldObject.metadata.labels['{OWNER_LABEL}'] : ''"
                )},
            ],
            "validations": [{
                "expression": "variables.owner == '' || !has(object.spec.claimRef) || (has(object.spec.claimRef.namespace) && object.spec.claimRef.namespace == variables.owner)",
                "messageExpression": "'PersistentVolume \"' + object.metadata.name + '\" belongs to namespace ' + variables.owner + ': only a claim in that namespace may bind it. 它属于命名空间 ' + variables.owner + '，只有那个命名空间里的 PVC 能绑定它。'",
                "reason": "Forbidden",
            }],
        },
    })
}

/// Policies on namespaced objects: requests of a learner in their own namespace.
fn namespaced_policy(name: &str, rules: Vec<Value>, validations: Vec<Value>) -> Value {
    json!({
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingAdmissionPolicy",
        "metadata": { "name": name, "labels": { MANAGED_BY: MANAGED_BY_VALUE } },
        "spec": {
            "failurePolicy": "Fail",
            "matchConstraints": { "resourceRules": rules },
            "matchConditions": learner_condition(),
            "validations": validations,
        },
    })
}

/// No `spec.externalIPs` (CVE-2020-8554: a Service claiming an outside address intercepts the
/// whole cluster's traffic to it) and no `type: ExternalName` (a DNS alias under the cluster's
/// name that can point anywhere, also at a classmate's Service).
pub(super) fn service_policy() -> Value {
    namespaced_policy(
        SERVICE_POLICY,
        vec![resource_rule("", "services", &["CREATE", "UPDATE"])],
        vec![
            json!({
                "expression": "!has(object.spec.externalIPs) || size(object.spec.externalIPs) == 0",
                "messageExpression": "'Service \"' + object.metadata.name + '\": spec.externalIPs is not allowed on this shared cluster (it would take over traffic to those addresses for everyone). 共享集群上不允许 spec.externalIPs（它会劫持所有人发往这些地址的流量）。'",
                "reason": "Forbidden",
            }),
            json!({
                "expression": "!has(object.spec.type) || object.spec.type != 'ExternalName'",
                "messageExpression": "'Service \"' + object.metadata.name + '\": type ExternalName is not allowed on this shared cluster; use ClusterIP or NodePort. 共享集群上不允许 ExternalName 类型的 Service，请用 ClusterIP 或 NodePort。'",
                "reason": "Forbidden",
            }),
        ],
    )
}

/// No Secrets of type `kubernetes.io/service-account-token`: the token controller would fill
/// them with a token that never expires, which outlives every kubeconfig kubelab hands out.
pub(super) fn secret_policy() -> Value {
    namespaced_policy(
        SECRET_POLICY,
        vec![resource_rule("", "secrets", &["CREATE", "UPDATE"])],
        vec![json!({
            "expression": "!has(object.type) || object.type != 'kubernetes.io/service-account-token'",
            "messageExpression": "'Secret \"' + object.metadata.name + '\": type kubernetes.io/service-account-token is not allowed on this shared cluster (its token would never expire). 共享集群上不允许 kubernetes.io/service-account-token 类型的 Secret（其中的令牌永不过期）。'",
            "reason": "Forbidden",
        })],
    )
}

pub(super) fn policy_binding(kind: &str, policy: &str) -> Value {
    let mut spec = json!({ "policyName": policy });
    if kind == "ValidatingAdmissionPolicyBinding" {
        spec["validationActions"] = json!(["Deny"]);
    }
    json!({
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": kind,
        "metadata": { "name": policy, "labels": { MANAGED_BY: MANAGED_BY_VALUE } },
        "spec": spec,
    })
}
