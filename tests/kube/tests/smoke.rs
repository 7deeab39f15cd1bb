//! Smoke tests for the sandbox control plane: real kube-apiserver, controllers
//! and scheduler, with kwok simulating the nodes `control-plane` (tainted) and
//! `worker`. Run: `eval "$(scripts/sandbox up)"; cargo test -p kubelab-testkit`.
//! Without a cluster every test here fails and says how to start one.

use std::collections::BTreeSet;
use std::time::Duration;

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment};
use k8s_openapi::api::authentication::v1::{TokenRequest, TokenRequestSpec};
use k8s_openapi::api::core::v1::{
    ConfigMap, PersistentVolume, PersistentVolumeClaim, Pod, Service, ServiceAccount,
};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::networking::v1::Ingress;
use k8s_openapi::api::rbac::v1::{Role, RoleBinding};
use kube::api::{ListParams, Patch, PatchParams, PostParams};
use kube::{Api, Error};
use kubelab_testkit::{poll_until, TestNamespace};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(90);

fn obj<T: DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).expect("test object matches its type")
}

fn deployment(name: &str, app: &str, replicas: i32) -> Deployment {
    obj(json!({
        "metadata": { "name": name },
        "spec": {
            "replicas": replicas,
            "selector": { "matchLabels": { "app": app } },
            "template": {
                "metadata": { "labels": { "app": app } },
                "spec": { "containers": [{ "name": "web", "image": "nginx:1.27", "ports": [{ "containerPort": 80 }] }] }
            }
        }
    }))
}

async fn wait_available(api: &Api<Deployment>, name: &str, want: i32) -> Deployment {
    poll_until(
        &format!("Deployment {name} to have {want} available replicas"),
        WAIT,
        || async {
            let d = api.get(name).await.map_err(|e| e.to_string())?;
            let available = d
                .status
                .as_ref()
                .and_then(|s| s.available_replicas)
                .unwrap_or(0);
            if available == want {
                Ok(d)
            } else {
                Err(format!(
                    "availableReplicas={available}, status={:?}",
                    d.status
                ))
            }
        },
    )
    .await
}

/// Ready endpoints over all EndpointSlices of a Service.
async fn ready_endpoints(
    slices: &Api<EndpointSlice>,
    service: &str,
) -> Result<(usize, usize), String> {
    let lp = ListParams::default().labels(&format!("kubernetes.io/service-name={service}"));
    let list = slices.list(&lp).await.map_err(|e| e.to_string())?;
    if list.items.is_empty() {
        return Err(format!("no EndpointSlice for Service {service} yet"));
    }
    let ready = list
        .items
        .iter()
        .flat_map(|s| s.endpoints.iter().flatten())
        .filter(|e| e.conditions.as_ref().and_then(|c| c.ready).unwrap_or(false))
        .count();
    Ok((ready, list.items.len()))
}

#[tokio::test]
async fn deployment_with_two_replicas_becomes_available_with_running_ready_pods() {
    let ns = TestNamespace::create("deploy").await;
    let deployments = ns.api::<Deployment>();
    deployments
        .create(&PostParams::default(), &deployment("web", "web", 2))
        .await
        .unwrap();

    wait_available(&deployments, "web", 2).await;

    let pods = ns
        .api::<Pod>()
        .list(&ListParams::default().labels("app=web"))
        .await
        .unwrap();
    assert_eq!(pods.items.len(), 2, "exactly the two replicas exist");
    for pod in &pods.items {
        let status = pod.status.as_ref().expect("pod status");
        assert_eq!(status.phase.as_deref(), Some("Running"));
        assert!(
            status.pod_ip.as_deref().is_some_and(|ip| !ip.is_empty()),
            "pod has an IP: {status:?}"
        );
        // The control plane node is tainted NoSchedule; the Deployment does not tolerate it.
        assert_eq!(
            pod.spec.as_ref().and_then(|s| s.node_name.as_deref()),
            Some("worker")
        );
    }
}

#[tokio::test]
async fn service_endpointslice_has_two_ready_endpoints_and_none_once_the_selector_is_wrong() {
    let ns = TestNamespace::create("svc").await;
    let deployments = ns.api::<Deployment>();
    deployments
        .create(&PostParams::default(), &deployment("web", "web", 2))
        .await
        .unwrap();
    let services = ns.api::<Service>();
    let svc: Service = obj(json!({
        "metadata": { "name": "web" },
        "spec": { "selector": { "app": "web" }, "ports": [{ "port": 80, "targetPort": 80 }] }
    }));
    services.create(&PostParams::default(), &svc).await.unwrap();
    let slices = ns.api::<EndpointSlice>();

    poll_until("Service web to have 2 ready endpoints", WAIT, || async {
        match ready_endpoints(&slices, "web").await? {
            (2, _) => Ok(()),
            (n, s) => Err(format!("{n} ready endpoints in {s} slice(s)")),
        }
    })
    .await;

    let wrong = json!({ "spec": { "selector": { "app": "no-such-app" } } });
    services
        .patch("web", &PatchParams::default(), &Patch::Merge(&wrong))
        .await
        .unwrap();

    poll_until(
        "Service web with a wrong selector to have 0 endpoints",
        WAIT,
        || async {
            match ready_endpoints(&slices, "web").await? {
                (0, _) => Ok(()),
                (n, s) => Err(format!("{n} ready endpoints in {s} slice(s)")),
            }
        },
    )
    .await;
    // The pods are still there and ready: only the selector changed.
    assert_eq!(
        wait_available(&deployments, "web", 2)
            .await
            .status
            .unwrap()
            .ready_replicas,
        Some(2)
    );
}

fn daemonset(name: &str, tolerate_control_plane: bool) -> DaemonSet {
    let tolerations = if tolerate_control_plane {
        json!([{ "key": "node-role.kubernetes.io/control-plane", "operator": "Exists", "effect": "NoSchedule" }])
    } else {
        json!([])
    };
    obj(json!({
        "metadata": { "name": name },
        "spec": {
            "selector": { "matchLabels": { "app": name } },
            "template": {
                "metadata": { "labels": { "app": name } },
                "spec": {
                    "tolerations": tolerations,
                    "containers": [{ "name": "agent", "image": "busybox:1.36", "command": ["sleep", "infinity"] }]
                }
            }
        }
    }))
}

/// Waits until the DaemonSet is fully rolled out, then returns the nodes its pods run on.
async fn daemonset_nodes(ns: &TestNamespace, name: &str, want: i32) -> BTreeSet<String> {
    let api = ns.api::<DaemonSet>();
    poll_until(
        &format!("DaemonSet {name} to have {want} ready pods"),
        WAIT,
        || async {
            let ds = api.get(name).await.map_err(|e| e.to_string())?;
            let st = ds.status.clone().unwrap_or_default();
            if st.desired_number_scheduled == want
                && st.number_ready == want
                && st.current_number_scheduled == want
            {
                Ok(())
            } else {
                Err(format!("{st:?}"))
            }
        },
    )
    .await;
    let pods = ns
        .api::<Pod>()
        .list(&ListParams::default().labels(&format!("app={name}")))
        .await
        .unwrap();
    pods.items
        .iter()
        .filter_map(|p| p.spec.as_ref()?.node_name.clone())
        .collect()
}

#[tokio::test]
async fn daemonset_without_toleration_runs_only_on_the_worker() {
    let ns = TestNamespace::create("ds-plain").await;
    ns.api::<DaemonSet>()
        .create(&PostParams::default(), &daemonset("agent", false))
        .await
        .unwrap();
    let nodes = daemonset_nodes(&ns, "agent", 1).await;
    assert_eq!(nodes, BTreeSet::from(["worker".to_string()]));
}

#[tokio::test]
async fn daemonset_tolerating_the_control_plane_taint_runs_on_both_nodes() {
    let ns = TestNamespace::create("ds-tolerant").await;
    ns.api::<DaemonSet>()
        .create(&PostParams::default(), &daemonset("agent", true))
        .await
        .unwrap();
    let nodes = daemonset_nodes(&ns, "agent", 2).await;
    assert_eq!(
        nodes,
        BTreeSet::from(["control-plane".to_string(), "worker".to_string()])
    );
}

#[tokio::test]
async fn pvc_binds_to_a_precreated_pv_with_the_same_storage_class() {
    let ns = TestNamespace::create("pvc").await;
    // Cluster-scoped: names and class are unique to this test's namespace.
    let class = format!("{}-manual", ns.name());
    let pv_name = format!("{}-pv", ns.name());
    let pvs: Api<PersistentVolume> = Api::all(ns.client());
    let pv: PersistentVolume = obj(json!({
        "metadata": { "name": pv_name },
        "spec": {
            "capacity": { "storage": "1Gi" },
            "accessModes": ["ReadWriteOnce"],
            "persistentVolumeReclaimPolicy": "Delete",
            "storageClassName": class,
            "hostPath": { "path": "/tmp/kubelab-pv" }
        }
    }));
    pvs.create(&PostParams::default(), &pv).await.unwrap();
    ns.delete_on_drop::<PersistentVolume>(&pv_name);

    let pvcs = ns.api::<PersistentVolumeClaim>();
    let pvc: PersistentVolumeClaim = obj(json!({
        "metadata": { "name": "data" },
        "spec": {
            "accessModes": ["ReadWriteOnce"],
            "storageClassName": class,
            "resources": { "requests": { "storage": "1Gi" } }
        }
    }));
    pvcs.create(&PostParams::default(), &pvc).await.unwrap();

    let bound = poll_until("PVC data to be Bound", WAIT, || async {
        let c = pvcs.get("data").await.map_err(|e| e.to_string())?;
        match c.status.as_ref().and_then(|s| s.phase.as_deref()) {
            Some("Bound") => Ok(c),
            other => Err(format!("phase {other:?}")),
        }
    })
    .await;
    assert_eq!(
        bound.spec.unwrap().volume_name.as_deref(),
        Some(pv_name.as_str())
    );
    let pv = pvs.get(&pv_name).await.unwrap();
    assert_eq!(pv.status.unwrap().phase.as_deref(), Some("Bound"));
    assert_eq!(
        pv.spec.unwrap().claim_ref.unwrap().name.as_deref(),
        Some("data")
    );
}

#[tokio::test]
async fn ingress_with_an_invalid_path_type_is_rejected_by_the_apiserver() {
    let ns = TestNamespace::create("ingress").await;
    let ing: Ingress = obj(json!({
        "metadata": { "name": "web" },
        "spec": { "rules": [{ "http": { "paths": [{
            "path": "/",
            "pathType": "Sideways",
            "backend": { "service": { "name": "web", "port": { "number": 80 } } }
        }] } }] }
    }));
    let err = ns
        .api::<Ingress>()
        .create(&PostParams::default(), &ing)
        .await
        .expect_err("must be rejected");
    let Error::Api(status) = err else {
        panic!("expected an API error, got {err:?}")
    };
    assert_eq!(status.code, 422, "{status:?}");
    assert_eq!(status.reason, "Invalid", "{status:?}");
    // The apiserver's own validation message, field path and all.
    assert!(
        status
            .message
            .contains(r#"spec.rules[0].http.paths[0].pathType: Unsupported value: "Sideways""#),
        "unexpected message: {}",
        status.message
    );
    assert!(ns.api::<Ingress>().get_opt("web").await.unwrap().is_none());
}

#[tokio::test]
async fn server_side_apply_creates_updates_and_reports_conflicts_between_field_managers() {
    let ns = TestNamespace::create("ssa").await;
    let cms = ns.api::<ConfigMap>();
    let apply = |color: &str| json!({ "apiVersion": "v1", "kind": "ConfigMap", "metadata": { "name": "settings" }, "data": { "color": color } });

    let created = cms
        .patch(
            "settings",
            &PatchParams::apply("kubelab-a"),
            &Patch::Apply(apply("blue")),
        )
        .await
        .unwrap();
    assert_eq!(created.data.unwrap()["color"], "blue");
    let managers: Vec<_> = created
        .metadata
        .managed_fields
        .unwrap()
        .into_iter()
        .filter_map(|m| m.manager)
        .collect();
    assert_eq!(managers, vec!["kubelab-a".to_string()]);

    let updated = cms
        .patch(
            "settings",
            &PatchParams::apply("kubelab-a"),
            &Patch::Apply(apply("green")),
        )
        .await
        .unwrap();
    assert_eq!(updated.data.unwrap()["color"], "green");

    // Another manager may not take over the field without force...
    let err = cms
        .patch(
            "settings",
            &PatchParams::apply("kubelab-b"),
            &Patch::Apply(apply("red")),
        )
        .await
        .expect_err("conflict");
    let Error::Api(status) = err else {
        panic!("expected an API error, got {err:?}")
    };
    assert_eq!(status.code, 409, "{status:?}");
    assert!(
        status.message.contains("kubelab-a"),
        "conflict names the owner: {}",
        status.message
    );
    // ...but may with force.
    let forced = cms
        .patch(
            "settings",
            &PatchParams::apply("kubelab-b").force(),
            &Patch::Apply(apply("red")),
        )
        .await
        .unwrap();
    assert_eq!(forced.data.unwrap()["color"], "red");
}

#[tokio::test]
async fn dry_run_create_and_apply_are_validated_but_persist_nothing() {
    let ns = TestNamespace::create("dryrun").await;
    let cms = ns.api::<ConfigMap>();
    let cm: ConfigMap = obj(json!({ "metadata": { "name": "ghost" }, "data": { "k": "v" } }));

    let pp = PostParams {
        dry_run: true,
        ..Default::default()
    };
    let answered = cms.create(&pp, &cm).await.unwrap();
    assert_eq!(answered.metadata.name.as_deref(), Some("ghost"));
    assert!(
        cms.get_opt("ghost").await.unwrap().is_none(),
        "dry-run create must not persist"
    );

    let patch = json!({ "apiVersion": "v1", "kind": "ConfigMap", "metadata": { "name": "ghost" }, "data": { "k": "v" } });
    cms.patch(
        "ghost",
        &PatchParams::apply("kubelab").dry_run(),
        &Patch::Apply(patch),
    )
    .await
    .unwrap();
    assert!(
        cms.get_opt("ghost").await.unwrap().is_none(),
        "dry-run apply must not persist"
    );

    // Dry-run still runs validation: an invalid object is refused.
    let bad: ConfigMap = obj(json!({ "metadata": { "name": "Not_A_Valid_Name" } }));
    let err = cms.create(&pp, &bad).await.expect_err("invalid name");
    assert!(matches!(err, Error::Api(ref s) if s.code == 422), "{err:?}");
}

#[tokio::test]
async fn service_account_token_is_allowed_by_its_rolebinding_and_forbidden_in_another_namespace() {
    let ns = TestNamespace::create("rbac-own").await;
    let other = TestNamespace::create("rbac-other").await;

    let sa: ServiceAccount = obj(json!({ "metadata": { "name": "learner" } }));
    ns.api::<ServiceAccount>()
        .create(&PostParams::default(), &sa)
        .await
        .unwrap();
    let role: Role = obj(json!({
        "metadata": { "name": "pod-reader" },
        "rules": [{ "apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"] }]
    }));
    ns.api::<Role>()
        .create(&PostParams::default(), &role)
        .await
        .unwrap();
    let binding: RoleBinding = obj(json!({
        "metadata": { "name": "learner-reads-pods" },
        "roleRef": { "apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "pod-reader" },
        "subjects": [{ "kind": "ServiceAccount", "name": "learner", "namespace": ns.name() }]
    }));
    ns.api::<RoleBinding>()
        .create(&PostParams::default(), &binding)
        .await
        .unwrap();

    let request = TokenRequest {
        spec: Some(TokenRequestSpec {
            expiration_seconds: Some(600),
            ..Default::default()
        }),
        ..Default::default()
    };
    let token = ns
        .api::<ServiceAccount>()
        .create_token_request("learner", &PostParams::default(), &request)
        .await
        .unwrap()
        .status
        .and_then(|s| s.token)
        .expect("TokenRequest returns a token");
    let learner = ns.cluster().client_with_token(&token);

    // RBAC is evaluated per request; the binding may take a moment to reach the authorizer's cache.
    let own: Api<Pod> = Api::namespaced(learner.clone(), ns.name());
    poll_until(
        "the learner to list pods in its own namespace",
        WAIT,
        || async {
            own.list(&ListParams::default())
                .await
                .map(|_| ())
                .map_err(|e| e.to_string())
        },
    )
    .await;

    let foreign: Api<Pod> = Api::namespaced(learner.clone(), other.name());
    let err = foreign
        .list(&ListParams::default())
        .await
        .expect_err("forbidden");
    let Error::Api(status) = err else {
        panic!("expected an API error, got {err:?}")
    };
    assert_eq!(status.code, 403, "{status:?}");
    let who = format!("system:serviceaccount:{}:learner", ns.name());
    assert!(
        status.message.contains(&who),
        "message names the ServiceAccount: {}",
        status.message
    );

    // And the token grants nothing beyond the Role: no Secrets even in its own namespace.
    let secrets: Api<k8s_openapi::api::core::v1::Secret> = Api::namespaced(learner, ns.name());
    let err = secrets
        .list(&ListParams::default())
        .await
        .expect_err("forbidden");
    assert!(matches!(err, Error::Api(ref s) if s.code == 403), "{err:?}");
}
