//! The object graph of the live view: the fixtures' objects and links, the verdict's first failure
//! pinned to its node, the cap, and no panic on hostile input.
mod common;

use common::*;
use kubelab_checks::graph::{self, MAX_NODES};
use kubelab_checks::{evaluate, GraphEdge, NodeStatus, ObjectGraph, Snapshot, Text};
use serde_json::{json, Value};

const RS: &str = "ngx-dep-6d8f9c7b5";
const POD_A: &str = "ngx-dep-6d8f9c7b5-ax0k";
const POD_B: &str = "ngx-dep-6d8f9c7b5-bx1k";

fn ids(g: &ObjectGraph) -> Vec<&str> {
    g.nodes.iter().map(|n| n.id.as_str()).collect()
}

fn edges(g: &ObjectGraph) -> Vec<(&str, &str, bool)> {
    g.edges
        .iter()
        .map(|GraphEdge { from, to, ok }| (from.as_str(), to.as_str(), *ok))
        .collect()
}

fn status(g: &ObjectGraph, id: &str) -> NodeStatus {
    node(g, id).status
}

fn detail<'a>(g: &'a ObjectGraph, id: &str) -> &'a Text {
    &node(g, id).detail
}

fn node<'a>(g: &'a ObjectGraph, id: &str) -> &'a kubelab_checks::GraphNode {
    g.nodes
        .iter()
        .find(|n| n.id == id)
        .unwrap_or_else(|| panic!("no node {id} in {:?}", ids(g)))
}

/// The graph of an exercise's good fixture after `patch`, with the verdict of that state.
fn graph_of(id: &str, patch: impl FnOnce(&mut Snapshot)) -> (ObjectGraph, kubelab_checks::Verdict) {
    let mut s = snapshot(id, "good.yaml");
    patch(&mut s);
    let v = evaluate(&exercise(id), &s);
    (graph::build(&s, Some(&v)), v)
}

fn pod(name: &str) -> String {
    format!("Pod/{name}")
}

#[test]
fn deployment_draws_replicaset_and_pods_all_ready() {
    let (g, v) = graph_of("deployment", |_| {});
    assert!(v.passed);
    let rs = format!("ReplicaSet/{RS}");
    assert_eq!(
        ids(&g),
        ["Deployment/ngx-dep", &rs, &pod(POD_A), &pod(POD_B)]
    );
    assert_eq!(
        edges(&g),
        [
            ("Deployment/ngx-dep", rs.as_str(), true),
            (rs.as_str(), pod(POD_A).as_str(), true),
            (rs.as_str(), pod(POD_B).as_str(), true),
        ]
    );
    assert!(g.nodes.iter().all(|n| n.status == NodeStatus::Ok), "{g:#?}");
    assert_eq!(
        detail(&g, "Deployment/ngx-dep"),
        &Text::new("2/2 就绪", "2/2 ready")
    );
    assert_eq!(detail(&g, &rs), &Text::new("2/2 就绪", "2/2 ready"));
    assert_eq!(detail(&g, &pod(POD_A)).en, "Running");
    assert_eq!(detail(&g, &pod(POD_A)).zh, "Running（运行中）");
    assert_eq!(g.more, 0);
    assert_eq!(g.broken, None);
}

#[test]
fn deployment_with_a_crashing_pod_shows_the_pod_broken_and_the_failure_on_the_deployment() {
    let (g, v) = graph_of("deployment", |s| {
        set(
            s,
            "Deployment",
            "ngx-dep",
            "/status/readyReplicas",
            json!(1),
        );
        set(
            s,
            "Deployment",
            "ngx-dep",
            "/status/availableReplicas",
            json!(1),
        );
        set(
            s,
            "Pod",
            POD_B,
            "/status/containerStatuses/0/state",
            json!({"waiting": {"reason": "CrashLoopBackOff"}}),
        );
        set(
            s,
            "Pod",
            POD_B,
            "/status/conditions/1/status",
            json!("False"),
        );
    });
    // The verdict's first failure (the Deployment not ready) is Broken; the Pod says why.
    assert_eq!(status(&g, "Deployment/ngx-dep"), NodeStatus::Broken);
    assert_eq!(
        detail(&g, "Deployment/ngx-dep"),
        &Text::new("1/2 就绪", "1/2 ready")
    );
    assert_eq!(status(&g, &pod(POD_A)), NodeStatus::Ok);
    assert_eq!(status(&g, &pod(POD_B)), NodeStatus::Broken);
    assert_eq!(
        detail(&g, &pod(POD_B)),
        &Text::new("CrashLoopBackOff（反复崩溃）", "CrashLoopBackOff")
    );
    let failure = v.first_failure().expect("1 of 2 ready fails");
    let broken = g.broken.as_ref().expect("a broken link");
    assert_eq!(broken.node, "Deployment/ngx-dep");
    assert_eq!(broken.message, failure.message);
    assert!(
        broken.message.en.contains("CrashLoopBackOff"),
        "{}",
        broken.message.en
    );

    // Without a verdict the Deployment is only on its way.
    let mut s = snapshot("deployment", "good.yaml");
    set(
        &mut s,
        "Deployment",
        "ngx-dep",
        "/status/readyReplicas",
        json!(1),
    );
    let g = graph::build(&s, None);
    assert_eq!(status(&g, "Deployment/ngx-dep"), NodeStatus::Progressing);
    assert_eq!(g.broken, None);
    set(
        &mut s,
        "Deployment",
        "ngx-dep",
        "/status/readyReplicas",
        json!(0),
    );
    let g = graph::build(&s, None);
    assert_eq!(status(&g, "Deployment/ngx-dep"), NodeStatus::Broken);
    assert_eq!(
        detail(&g, "Deployment/ngx-dep"),
        &Text::new("0/2 就绪", "0/2 ready")
    );
}

#[test]
fn rollout_history_replicasets_are_left_out_but_the_newest_stays() {
    let (g, _) = graph_of("deployment-rollout", |_| {});
    let rs: Vec<&str> = ids(&g)
        .into_iter()
        .filter(|i| i.starts_with("ReplicaSet/"))
        .collect();
    assert_eq!(rs, ["ReplicaSet/ngx-roll-7b9c5d4f8"]);

    // Scaled to zero: the newest revision is still drawn, the older one is not.
    let mut s = snapshot("deployment-rollout", "good.yaml");
    set(
        &mut s,
        "ReplicaSet",
        "ngx-roll-7b9c5d4f8",
        "/spec/replicas",
        json!(0),
    );
    let g = graph::build(&s, None);
    let rs: Vec<&str> = ids(&g)
        .into_iter()
        .filter(|i| i.starts_with("ReplicaSet/"))
        .collect();
    assert_eq!(rs, ["ReplicaSet/ngx-roll-7b9c5d4f8"]);
    assert!(edges(&g).contains(&("Deployment/ngx-roll", "ReplicaSet/ngx-roll-7b9c5d4f8", true)));
}

#[test]
fn service_goes_through_its_endpointslice_to_the_pods() {
    let (g, v) = graph_of("service-clusterip", |_| {});
    assert!(v.passed);
    let rs = format!("ReplicaSet/{RS}");
    let (a, b) = (pod(POD_A), pod(POD_B));
    assert_eq!(
        ids(&g),
        [
            "Service/ngx-svc",
            "EndpointSlice/ngx-svc-x7k2p",
            "Deployment/ngx-dep",
            &rs,
            &a,
            &b
        ]
    );
    assert_eq!(
        edges(&g),
        [
            ("Service/ngx-svc", "EndpointSlice/ngx-svc-x7k2p", true),
            ("EndpointSlice/ngx-svc-x7k2p", a.as_str(), true),
            ("EndpointSlice/ngx-svc-x7k2p", b.as_str(), true),
            ("Deployment/ngx-dep", rs.as_str(), true),
            (rs.as_str(), a.as_str(), true),
            (rs.as_str(), b.as_str(), true),
        ]
    );
    assert!(g.nodes.iter().all(|n| n.status == NodeStatus::Ok), "{g:#?}");
    assert_eq!(
        detail(&g, "Service/ngx-svc"),
        &Text::new("2/2 个 Pod 就绪", "2/2 Pods ready")
    );
    assert_eq!(
        detail(&g, "EndpointSlice/ngx-svc-x7k2p"),
        &Text::new("2/2 个端点就绪", "2/2 endpoints ready")
    );
    assert_eq!(g.broken, None);
}

#[test]
fn service_selector_typo_breaks_the_service_with_the_verdicts_message() {
    let (g, v) = graph_of("service-clusterip", |s| {
        set(
            s,
            "Service",
            "ngx-svc",
            "/spec/selector",
            json!({"app": "ngx-dep-typo"}),
        );
    });
    let failure = v.first_failure().expect("the typo fails");
    assert_eq!(failure.id, "selects-pods");
    assert!(
        failure
            .message
            .en
            .starts_with("Service ngx-svc selects no Pods of Deployment ngx-dep: its selector app=ngx-dep-typo matches 0 Pods"),
        "{}",
        failure.message.en
    );

    assert_eq!(status(&g, "Service/ngx-svc"), NodeStatus::Broken);
    assert_eq!(
        detail(&g, "Service/ngx-svc"),
        &Text::new("0 个 Pod", "0 Pods")
    );
    let broken = g.broken.as_ref().expect("a broken link");
    assert_eq!(broken.node, "Service/ngx-svc");
    assert_eq!(broken.message, failure.message);

    // The slice still lists the old endpoints (the controller rewrites it a moment later), but
    // none leads to a Pod the selector picks: it reaches no Pod.
    assert_eq!(
        status(&g, "EndpointSlice/ngx-svc-x7k2p"),
        NodeStatus::Broken
    );
    assert_eq!(
        detail(&g, "EndpointSlice/ngx-svc-x7k2p"),
        &Text::new("0 个端点", "0 endpoints")
    );
    // The workload's own links are unchanged.
    let rs = format!("ReplicaSet/{RS}");
    let (a, b) = (pod(POD_A), pod(POD_B));
    assert_eq!(
        edges(&g),
        [
            ("Service/ngx-svc", "EndpointSlice/ngx-svc-x7k2p", false),
            ("Deployment/ngx-dep", rs.as_str(), true),
            (rs.as_str(), a.as_str(), true),
            (rs.as_str(), b.as_str(), true),
        ]
    );
    assert_eq!(status(&g, &a), NodeStatus::Ok);
}

#[test]
fn service_without_endpointslices_links_its_selected_pods_directly() {
    let mut s = snapshot("service-clusterip", "good.yaml");
    drop_kind(&mut s, "EndpointSlice");
    set(
        &mut s,
        "Pod",
        POD_B,
        "/status/conditions/1/status",
        json!("False"),
    );
    let g = graph::build(&s, None);
    let (a, b) = (pod(POD_A), pod(POD_B));
    let from_service: Vec<(&str, &str, bool)> = edges(&g)
        .into_iter()
        .filter(|e| e.0 == "Service/ngx-svc")
        .collect();
    assert_eq!(
        from_service,
        [
            ("Service/ngx-svc", a.as_str(), true),
            ("Service/ngx-svc", b.as_str(), false),
        ]
    );
    assert_eq!(status(&g, "Service/ngx-svc"), NodeStatus::Progressing);
    assert_eq!(
        detail(&g, "Service/ngx-svc"),
        &Text::new("1/2 个 Pod 就绪", "1/2 Pods ready")
    );
    assert_eq!(status(&g, &b), NodeStatus::Progressing);
    assert_eq!(
        detail(&g, &b),
        &Text::new("运行中，未就绪", "Running, not ready")
    );
}

#[test]
fn ingress_links_its_class_and_backend_service() {
    let (g, v) = graph_of("ingress", |_| {});
    assert!(v.passed);
    let rs = format!("ReplicaSet/{RS}");
    let (a, b) = (pod(POD_A), pod(POD_B));
    assert_eq!(
        ids(&g),
        [
            "Ingress/ngx-ing",
            "IngressClass/alice-ngx-ink",
            "Service/ngx-svc",
            "EndpointSlice/ngx-svc-x7k2p",
            "Deployment/ngx-dep",
            &rs,
            &a,
            &b
        ]
    );
    assert_eq!(
        edges(&g),
        [
            ("Ingress/ngx-ing", "IngressClass/alice-ngx-ink", true),
            ("Ingress/ngx-ing", "Service/ngx-svc", true),
            ("Service/ngx-svc", "EndpointSlice/ngx-svc-x7k2p", true),
            ("EndpointSlice/ngx-svc-x7k2p", a.as_str(), true),
            ("EndpointSlice/ngx-svc-x7k2p", b.as_str(), true),
            ("Deployment/ngx-dep", rs.as_str(), true),
            (rs.as_str(), a.as_str(), true),
            (rs.as_str(), b.as_str(), true),
        ]
    );
    assert!(g.nodes.iter().all(|n| n.status == NodeStatus::Ok), "{g:#?}");
    assert_eq!(
        detail(&g, "Ingress/ngx-ing"),
        &Text::new("ngx.test", "ngx.test")
    );
    assert_eq!(
        detail(&g, "IngressClass/alice-ngx-ink").en,
        "nginx.org/ingress-controller"
    );
}

#[test]
fn ingress_with_a_nonexistent_class_draws_a_missing_class() {
    let (g, v) = graph_of("ingress", |s| {
        set(
            s,
            "Ingress",
            "ngx-ing",
            "/spec/ingressClassName",
            json!("nginx-typo"),
        );
    });
    let missing = node(&g, "IngressClass/nginx-typo");
    assert_eq!(missing.status, NodeStatus::Missing);
    assert_eq!(missing.detail, Text::new("不存在", "not found"));
    assert_eq!(status(&g, "Ingress/ngx-ing"), NodeStatus::Broken);
    let from_ingress: Vec<(&str, &str, bool)> = edges(&g)
        .into_iter()
        .filter(|e| e.0 == "Ingress/ngx-ing")
        .collect();
    assert_eq!(
        from_ingress,
        [
            ("Ingress/ngx-ing", "IngressClass/nginx-typo", false),
            ("Ingress/ngx-ing", "Service/ngx-svc", true),
        ]
    );
    // The learner's own class is still drawn (by the naming prefix rule), just not linked.
    assert_eq!(status(&g, "IngressClass/alice-ngx-ink"), NodeStatus::Ok);
    let failure = v.first_failure().expect("the class typo fails");
    let broken = g.broken.as_ref().expect("a broken link");
    assert_eq!(broken.node, "Ingress/ngx-ing");
    assert_eq!(broken.message, failure.message);
}

#[test]
fn ingress_to_a_missing_service_draws_a_missing_service() {
    let mut s = snapshot("ingress", "good.yaml");
    set(
        &mut s,
        "Ingress",
        "ngx-ing",
        "/spec/rules/0/http/paths/0/backend/service/name",
        json!("web-svc"),
    );
    let g = graph::build(&s, None);
    assert_eq!(status(&g, "Service/web-svc"), NodeStatus::Missing);
    assert_eq!(
        detail(&g, "Service/web-svc"),
        &Text::new("不存在", "not found")
    );
    assert_eq!(status(&g, "Ingress/ngx-ing"), NodeStatus::Broken);
    let from_ingress: Vec<(&str, &str, bool)> = edges(&g)
        .into_iter()
        .filter(|e| e.0 == "Ingress/ngx-ing")
        .collect();
    assert_eq!(
        from_ingress,
        [
            ("Ingress/ngx-ing", "IngressClass/alice-ngx-ink", true),
            ("Ingress/ngx-ing", "Service/web-svc", false),
        ]
    );
    // Missing nodes sort with their kind, by name: ngx-svc before web-svc.
    let services: Vec<&str> = ids(&g)
        .into_iter()
        .filter(|i| i.starts_with("Service/"))
        .collect();
    assert_eq!(services, ["Service/ngx-svc", "Service/web-svc"]);
}

#[test]
fn pv_pvc_links_pod_to_claim_to_volume() {
    let (g, v) = graph_of("pv-pvc", |_| {});
    assert!(v.passed);
    assert_eq!(
        ids(&g),
        [
            "Pod/host-pvc-pod",
            "PersistentVolumeClaim/host-5m-pvc",
            "PersistentVolume/alice-host-10m-pv"
        ]
    );
    assert_eq!(
        edges(&g),
        [
            (
                "Pod/host-pvc-pod",
                "PersistentVolumeClaim/host-5m-pvc",
                true
            ),
            (
                "PersistentVolumeClaim/host-5m-pvc",
                "PersistentVolume/alice-host-10m-pv",
                true
            ),
        ]
    );
    assert!(g.nodes.iter().all(|n| n.status == NodeStatus::Ok), "{g:#?}");
    assert_eq!(
        detail(&g, "PersistentVolumeClaim/host-5m-pvc"),
        &Text::new("Bound（已绑定）", "Bound")
    );
}

#[test]
fn pending_claim_is_progressing_and_pinned_by_the_verdict() {
    let (g, v) = graph_of("pv-pvc", |s| {
        set(
            s,
            "PersistentVolumeClaim",
            "host-5m-pvc",
            "/status/phase",
            json!("Pending"),
        );
        remove(
            s,
            "PersistentVolumeClaim",
            "host-5m-pvc",
            "/spec/volumeName",
        );
    });
    let pvc = "PersistentVolumeClaim/host-5m-pvc";
    assert_eq!(
        detail(&g, pvc),
        &Text::new("Pending（等待绑定）", "Pending")
    );
    // no volumeName: no link to the volume; the Pod's claim does not carry
    assert_eq!(edges(&g), [("Pod/host-pvc-pod", pvc, false)]);
    let failure = v.first_failure().expect("a pending claim fails");
    let broken = g.broken.as_ref().expect("a broken link");
    assert_eq!(broken.node, node_of(failure));
    assert_eq!(broken.message, failure.message);
    assert_eq!(status(&g, &broken.node), NodeStatus::Broken);

    let mut s = snapshot("pv-pvc", "good.yaml");
    set(
        &mut s,
        "PersistentVolumeClaim",
        "host-5m-pvc",
        "/status/phase",
        json!("Pending"),
    );
    assert_eq!(
        status(&graph::build(&s, None), pvc),
        NodeStatus::Progressing
    );
}

fn node_of(r: &kubelab_checks::AssertionResult) -> String {
    let o = r.object.as_ref().expect("the failure names an object");
    format!("{}/{}", o.kind, o.name)
}

#[test]
fn a_failure_on_an_object_that_is_not_there_adds_a_missing_node() {
    let (g, v) = graph_of("service-clusterip", |s| {
        drop_object(s, "Service", "ngx-svc");
    });
    let failure = v.first_failure().expect("no Service fails");
    assert_eq!(failure.id, "svc-exists");
    let broken = g.broken.as_ref().expect("a broken link");
    assert_eq!(broken.node, "Service/ngx-svc");
    assert_eq!(broken.message, failure.message);
    assert_eq!(ids(&g)[0], "Service/ngx-svc");
    assert_eq!(status(&g, "Service/ngx-svc"), NodeStatus::Missing);
    assert_eq!(
        detail(&g, "Service/ngx-svc"),
        &Text::new("不存在", "not found")
    );
    // a slice is drawn only as a Service's: the orphaned one is left out
    assert!(!ids(&g).contains(&"EndpointSlice/ngx-svc-x7k2p"));
    assert!(edges(&g).iter().all(|e| e.0 != "Service/ngx-svc"));
}

#[test]
fn a_hundred_pods_are_capped_at_forty_nodes() {
    let pods: Vec<Value> = (0..100)
        .map(|i| {
            json!({"apiVersion": "v1", "kind": "Pod",
                "metadata": {"name": format!("p-{i:03}"), "namespace": NS, "labels": {"app": "x"}},
                "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}})
        })
        .collect();
    let mut objects = pods.clone();
    objects.push(json!({"apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "x-svc", "namespace": NS}, "spec": {"selector": {"app": "x"}}}));
    let g = graph::build(&Snapshot::new(NS, objects), None);
    assert_eq!(g.nodes.len(), MAX_NODES);
    assert_eq!(g.more, 61);
    assert_eq!(g.nodes[0].id, "Service/x-svc");
    assert_eq!(g.nodes[39].id, "Pod/p-038");
    // every edge joins two drawn nodes: 39 Service → Pod links, none to the dropped Pods
    assert_eq!(g.edges.len(), 39);
    assert!(g
        .edges
        .iter()
        .all(|e| e.from == "Service/x-svc" && ids(&g).contains(&e.to.as_str()) && e.ok));
    assert_eq!(
        detail(&g, "Service/x-svc"),
        &Text::new("100/100 个 Pod 就绪", "100/100 Pods ready")
    );

    let g = graph::build(&Snapshot::new(NS, pods), None);
    assert_eq!((g.nodes.len(), g.more), (MAX_NODES, 60));
    assert!(g.edges.is_empty());
}

#[test]
fn the_broken_node_survives_the_cap() {
    let mut s = snapshot("pv-pvc", "good.yaml");
    for i in 0..60 {
        s.objects.push(std::sync::Arc::new(
            json!({"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": format!("p-{i:03}"), "namespace": NS},
            "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}}),
        ));
    }
    set(
        &mut s,
        "PersistentVolumeClaim",
        "host-5m-pvc",
        "/status/phase",
        json!("Pending"),
    );
    let v = evaluate(&exercise("pv-pvc"), &s);
    let g = graph::build(&s, Some(&v));
    let broken = g.broken.as_ref().expect("a broken link");
    assert_eq!(broken.node, "PersistentVolumeClaim/host-5m-pvc");
    assert_eq!(g.nodes.len(), MAX_NODES);
    // 61 Pods + claim + volume = 63; 40 drawn
    assert_eq!(g.more, 23);
    assert_eq!(g.nodes[39].id, "PersistentVolumeClaim/host-5m-pvc");
    assert_eq!(g.nodes[39].status, NodeStatus::Broken);
    assert!(g
        .edges
        .iter()
        .all(|e| ids(&g).contains(&e.from.as_str()) && ids(&g).contains(&e.to.as_str())));
}

#[test]
fn hostile_objects_never_panic() {
    let weird = [
        json!(null),
        json!(42),
        json!("Pod"),
        json!([]),
        json!({"kind": 7}),
        json!({"kind": "Pod"}),
        json!({"kind": "Pod", "metadata": "x"}),
        json!({"kind": "Pod", "metadata": {"name": 5}}),
        json!({"kind": "Pod", "metadata": {"name": "p1", "ownerReferences": "rs",
            "deletionTimestamp": 1}, "spec": {"volumes": [1, {"persistentVolumeClaim": 2},
            {"persistentVolumeClaim": {"claimName": ["c"]}}]},
            "status": {"phase": 3, "conditions": {"type": "Ready"},
                "containerStatuses": [null, {"state": {"waiting": {"reason": 9}}}]}}),
        json!({"kind": "Pod", "metadata": {"name": "p2", "ownerReferences": [null, {"kind": 1, "name": []},
            {"kind": "ReplicaSet", "name": "ghost"}], "labels": []},
            "status": {"phase": "Pending", "containerStatuses": {"a": 1},
                "initContainerStatuses": [{"state": {"waiting": {"reason": "ErrImagePull"}}}]}}),
        json!({"kind": "Deployment", "metadata": {"name": "d"}, "spec": {"replicas": "two"},
            "status": {"readyReplicas": -1}}),
        json!({"kind": "DaemonSet", "metadata": {"name": "ds"}, "status": {"desiredNumberScheduled": 1.5}}),
        json!({"kind": "StatefulSet", "metadata": {"name": "st"}, "spec": {"replicas": null}}),
        json!({"kind": "ReplicaSet", "metadata": {"name": "rs", "ownerReferences": [{"kind": "Deployment", "name": "d"}],
            "annotations": {"deployment.kubernetes.io/revision": "x"}}, "spec": {"replicas": 0}}),
        json!({"kind": "ReplicaSet", "metadata": {"name": "rs2", "ownerReferences": {"kind": "Deployment"},
            "annotations": []}, "spec": {"replicas": "0"}}),
        json!({"kind": "Service", "metadata": {"name": "s"}, "spec": {"selector": "app=x"}}),
        json!({"kind": "Service", "metadata": {"name": "s2"}, "spec": {"selector": {"app": ["x"]}}}),
        json!({"kind": "EndpointSlice", "metadata": {"name": "e", "labels": {"kubernetes.io/service-name": "s"}},
            "endpoints": [null, {"targetRef": "p1"}, {"targetRef": {"kind": "Pod", "name": "p1"},
                "conditions": {"ready": "yes"}}, {"targetRef": {"name": 3}}]}),
        json!({"kind": "EndpointSlice", "metadata": {"name": "e2", "labels": {"kubernetes.io/service-name": 1}},
            "endpoints": "none"}),
        json!({"kind": "Ingress", "metadata": {"name": "i"}, "spec": {"ingressClassName": 3,
            "defaultBackend": {"service": {"name": {"x": 1}}},
            "rules": [null, {"host": 1, "http": {"paths": [null, {"backend": {"service": {"name": ""}}},
                {"backend": {"service": {"name": "nope"}}}]}}, {"http": "x"}]}}),
        json!({"kind": "Ingress", "metadata": {"name": "i2", "annotations": {"kubernetes.io/ingress.class": "c"}},
            "spec": {"rules": "all"}}),
        json!({"kind": "IngressClass", "metadata": {"name": "alice-c"}, "spec": {"controller": 5}}),
        json!({"kind": "PersistentVolumeClaim", "metadata": {"name": "c"}, "spec": {"volumeName": 3},
            "status": {"phase": ["Bound"]}}),
        json!({"kind": "PersistentVolumeClaim", "metadata": {"name": "c2"}, "spec": {"volumeName": "ghost-pv"},
            "status": {"phase": "Bound"}}),
        json!({"kind": "PersistentVolume", "metadata": {"name": "v"}, "spec": {"claimRef": "c"},
            "status": {"phase": 1}}),
        json!({"kind": "ConfigMap", "metadata": {"name": "cm"}}),
        json!({"kind": "Node", "metadata": {"name": "n"}}),
    ];
    let s = Snapshot::new(NS, weird.to_vec());
    let g = graph::build(&s, None);
    // nameless objects and undrawn kinds are left out; references to absent objects are Missing
    assert!(!ids(&g).iter().any(|i| i.ends_with('/')), "{:?}", ids(&g));
    assert!(!ids(&g).contains(&"ConfigMap/cm") && !ids(&g).contains(&"Node/n"));
    assert_eq!(status(&g, "Deployment/d"), NodeStatus::Broken);
    assert_eq!(
        detail(&g, "Deployment/d"),
        &Text::new("0/1 就绪", "0/1 ready")
    );
    assert_eq!(status(&g, "Pod/p2"), NodeStatus::Broken);
    assert_eq!(status(&g, "Service/nope"), NodeStatus::Missing);
    assert_eq!(status(&g, "IngressClass/c"), NodeStatus::Missing);
    assert_eq!(status(&g, "PersistentVolume/ghost-pv"), NodeStatus::Missing);
    assert!(!ids(&g).contains(&"PersistentVolume/v"));
    assert!(g
        .edges
        .iter()
        .all(|e| ids(&g).contains(&e.from.as_str()) && ids(&g).contains(&e.to.as_str())));
    // and the JSON round-trips
    let back: ObjectGraph = serde_json::from_str(&serde_json::to_string(&g).unwrap()).unwrap();
    assert_eq!(back, g);

    // a verdict of another exercise, whose objects are not there, is still fine
    let v = evaluate(&exercise("ingress"), &s);
    let g = graph::build(&s, Some(&v));
    assert!(g.broken.is_some());
    let g = graph::build(&Snapshot::default(), Some(&v));
    assert_eq!(g.nodes.len(), 1);
    assert_eq!(g.nodes[0].status, NodeStatus::Missing);
}

#[test]
fn the_json_shape_is_kebab_case_and_omits_no_broken_link() {
    let (g, _) = graph_of("ingress", |s| {
        set(
            s,
            "Ingress",
            "ngx-ing",
            "/spec/ingressClassName",
            json!("nginx-typo"),
        );
    });
    let j = serde_json::to_value(&g).unwrap();
    assert_eq!(j["nodes"][0]["id"], "Ingress/ngx-ing");
    assert_eq!(j["nodes"][0]["status"], "broken");
    let missing = j["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == "IngressClass/nginx-typo")
        .unwrap();
    assert_eq!(
        missing,
        &json!({"id": "IngressClass/nginx-typo", "kind": "IngressClass", "name": "nginx-typo",
            "status": "missing", "detail": {"zh": "不存在", "en": "not found"}})
    );
    assert_eq!(j["broken"]["node"], "Ingress/ngx-ing");
    assert_eq!(j["more"], 0);

    let (g, _) = graph_of("ingress", |_| {});
    let j = serde_json::to_value(&g).unwrap();
    assert!(j.get("broken").is_none());
    let back: ObjectGraph =
        serde_json::from_value(json!({"nodes": [], "edges": []})).expect("more and broken default");
    assert_eq!(back, ObjectGraph::default());
}
