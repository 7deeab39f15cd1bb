//! Cluster exercises: the correct state passes, and typical mistakes fail on the right assertion.
mod common;

use common::*;
use kubelab_checks::evaluate;
use serde_json::json;

fn run(id: &str, patch: impl FnOnce(&mut kubelab_checks::Snapshot)) -> kubelab_checks::Verdict {
    let ex = exercise(id);
    let mut s = snapshot(id, "good.yaml");
    patch(&mut s);
    evaluate(&ex, &s)
}

const RS: &str = "ngx-dep-6d8f9c7b5";

// ---------------- pod-yaml ----------------

#[test]
fn pod_yaml_correct_pod_passes() {
    assert_passes(&run("pod-yaml", |_| {}));
}

#[test]
fn pod_yaml_missing_owner_label_fails_on_that_label() {
    let v = run("pod-yaml", |s| {
        remove(s, "Pod", "ngx-pod", "/metadata/labels/owner")
    });
    let r = assert_fails_on(&v, "label-owner", Some("metadata.labels.owner"));
    assert_eq!(r.found.as_deref(), Some("(missing)"));
    assert_eq!(r.expected.as_deref(), Some("chrono"));
}

#[test]
fn pod_yaml_wrong_image_fails_with_expected_and_found() {
    let v = run("pod-yaml", |s| {
        set(
            s,
            "Pod",
            "ngx-pod",
            "/spec/containers/0/image",
            json!("nginx:latest"),
        )
    });
    let r = assert_fails_on(
        &v,
        "container-image",
        Some("spec.containers[name=ngx].image"),
    );
    assert_eq!(r.found.as_deref(), Some("nginx:latest"));
    assert_eq!(r.expected.as_deref(), Some("nginx:alpine"));
}

#[test]
fn pod_yaml_image_pull_backoff_fails_readiness_naming_the_reason() {
    let v = run("pod-yaml", |s| {
        set(s, "Pod", "ngx-pod", "/status/phase", json!("Pending"));
        set(
            s,
            "Pod",
            "ngx-pod",
            "/status/containerStatuses/0/state",
            json!({"waiting": {"reason": "ImagePullBackOff"}}),
        );
    });
    let r = assert_fails_on(&v, "pod-ready", Some("status.phase"));
    assert!(
        r.message.en.contains("ImagePullBackOff"),
        "{}",
        r.message.en
    );
}

#[test]
fn pod_yaml_missing_pod_fails_once_and_skips_the_rest() {
    let v = run("pod-yaml", |s| drop_object(s, "Pod", "ngx-pod"));
    assert_fails_on(&v, "pod-exists", None);
    for r in v.results.iter().skip(1) {
        assert!(r.skipped && !r.passed, "{r:#?}");
        assert!(r.message.en.contains("pod-exists"), "{}", r.message.en);
    }
}

// ---------------- deployment ----------------

#[test]
fn deployment_correct_state_passes() {
    assert_passes(&run("deployment", |_| {}));
}

#[test]
fn deployment_selector_not_matching_template_labels_fails_on_selector_field() {
    let v = run("deployment", |s| {
        set(
            s,
            "Deployment",
            "ngx-dep",
            "/spec/template/metadata/labels",
            json!({"app": "nginx"}),
        )
    });
    let r = assert_fails_on(
        &v,
        "selector-matches-template",
        Some("spec.selector.matchLabels.app"),
    );
    assert_eq!(r.expected.as_deref(), Some("app=nginx"));
    assert_eq!(r.found.as_deref(), Some("app=ngx-dep"));
}

#[test]
fn deployment_wrong_selector_value_fails_on_selector_label() {
    let v = run("deployment", |s| {
        set(
            s,
            "Deployment",
            "ngx-dep",
            "/spec/selector/matchLabels/app",
            json!("ngx"),
        )
    });
    assert_fails_on(&v, "selector-label", Some("spec.selector.matchLabels.app"));
}

#[test]
fn deployment_three_replicas_fails_on_replicas_and_skips_availability() {
    let v = run("deployment", |s| {
        set(s, "Deployment", "ngx-dep", "/spec/replicas", json!(3))
    });
    let r = assert_fails_on(&v, "replicas", Some("spec.replicas"));
    assert_eq!(r.found.as_deref(), Some("3"));
    assert!(v.result("available").unwrap().skipped);
}

#[test]
fn deployment_one_available_replica_fails_on_available() {
    let v = run("deployment", |s| {
        set(
            s,
            "Deployment",
            "ngx-dep",
            "/status/availableReplicas",
            json!(1),
        )
    });
    let r = assert_fails_on(&v, "available", Some("status.availableReplicas"));
    assert_eq!(
        (r.expected.as_deref(), r.found.as_deref()),
        (Some("2"), Some("1"))
    );
}

#[test]
fn deployment_latest_image_fails_on_image() {
    let v = run("deployment", |s| {
        set(
            s,
            "Deployment",
            "ngx-dep",
            "/spec/template/spec/containers/0/image",
            json!("nginx"),
        )
    });
    assert_fails_on(&v, "image", Some("spec.template.spec.containers[0].image"));
}

// ---------------- deployment-scale ----------------

#[test]
fn deployment_scale_three_available_passes() {
    assert_passes(&run("deployment-scale", |_| {}));
}

#[test]
fn deployment_scale_still_two_replicas_fails_on_replicas() {
    let v = run("deployment-scale", |s| {
        set(s, "Deployment", "ngx-dep", "/spec/replicas", json!(2))
    });
    assert_fails_on(&v, "replicas", Some("spec.replicas"));
    assert!(v.result("label-selects").unwrap().skipped);
}

#[test]
fn deployment_scale_not_yet_available_fails_on_available() {
    let v = run("deployment-scale", |s| {
        set(
            s,
            "Deployment",
            "ngx-dep",
            "/status/availableReplicas",
            json!(2),
        )
    });
    assert_fails_on(&v, "available", Some("status.availableReplicas"));
}

#[test]
fn deployment_scale_stray_pod_with_same_label_fails_label_selection() {
    let mut extra = None;
    let v = run("deployment-scale", |s| {
        let mut p = s
            .objects
            .iter()
            .find(|o| o["kind"] == "Pod")
            .cloned()
            .unwrap();
        p["metadata"]["name"] = json!("stray");
        p["metadata"]["labels"] = json!({"app": "ngx-dep"});
        p["metadata"]
            .as_object_mut()
            .unwrap()
            .remove("ownerReferences");
        extra = Some(p.clone());
        s.objects.push(p);
        // give the Deployment's pods a selector the stray pod does not match, so it is not "owned" by fallback
    });
    let r = assert_fails_on(&v, "label-selects", Some("-l app=ngx-dep"));
    assert!(r.message.en.contains("stray"), "{}", r.message.en);
    assert!(extra.is_some());
}

#[test]
fn deployment_scale_terminating_pods_are_not_counted() {
    let v = run("deployment-scale", |s| {
        let name = s.objects.iter().find(|o| o["kind"] == "Pod").unwrap()["metadata"]["name"]
            .as_str()
            .unwrap()
            .to_string();
        set(
            s,
            "Pod",
            &name,
            "/metadata/deletionTimestamp",
            json!("2024-05-01T11:00:00Z"),
        );
    });
    let r = assert_fails_on(&v, "label-selects", None);
    assert!(
        r.message.en.contains("misses") || r.found.as_deref() == Some("2"),
        "{r:#?}"
    );
}

// ---------------- daemonset-tolerations ----------------

#[test]
fn daemonset_on_every_node_including_control_plane_passes() {
    assert_passes(&run("daemonset-tolerations", |_| {}));
}

#[test]
fn daemonset_tolerating_only_the_pre_1_24_master_taint_fails_with_control_plane_named() {
    let v = run("daemonset-tolerations", |s| {
        set(
            s,
            "DaemonSet",
            "redis-ds",
            "/spec/template/spec/tolerations",
            json!([{"key": "node-role.kubernetes.io/master", "effect": "NoSchedule", "operator": "Exists"}]),
        );
        drop_object(s, "Pod", "redis-ds-q8w2x");
    });
    let r = assert_fails_on(
        &v,
        "tolerates-control-plane",
        Some("spec.template.spec.tolerations"),
    );
    assert!(
        r.found
            .as_deref()
            .unwrap()
            .contains("node-role.kubernetes.io/master"),
        "{r:#?}"
    );
    let every = v.result("ready-every-node").unwrap();
    assert!(!every.passed);
    assert!(
        every.message.en.contains("cp-1") && every.message.en.contains("control-plane"),
        "{}",
        every.message.en
    );
}

#[test]
fn daemonset_without_tolerations_cannot_cover_the_control_plane() {
    let v = run("daemonset-tolerations", |s| {
        remove(
            s,
            "DaemonSet",
            "redis-ds",
            "/spec/template/spec/tolerations",
        );
        drop_object(s, "Pod", "redis-ds-q8w2x");
    });
    assert_fails_on(&v, "tolerates-control-plane", Some("tolerations"));
    assert_eq!(
        v.result("ready-every-node").unwrap().field.as_deref(),
        Some("spec.template.spec.tolerations")
    );
}

#[test]
fn daemonset_pod_not_ready_on_a_node_fails_readiness_naming_the_node() {
    let v = run("daemonset-tolerations", |s| {
        set(
            s,
            "Pod",
            "redis-ds-z4n7m",
            "/status/conditions/1/status",
            json!("False"),
        );
    });
    let r = assert_fails_on(&v, "ready-every-node", Some("status.numberReady"));
    assert!(r.message.en.contains("worker-1"), "{}", r.message.en);
}

#[test]
fn daemonset_wrong_port_fails_on_port() {
    let v = run("daemonset-tolerations", |s| {
        set(
            s,
            "DaemonSet",
            "redis-ds",
            "/spec/template/spec/containers/0/ports/0/containerPort",
            json!(6380),
        )
    });
    assert_fails_on(&v, "port", Some("containerPort"));
}

// ---------------- service-clusterip ----------------

#[test]
fn service_clusterip_correct_service_passes() {
    assert_passes(&run("service-clusterip", |_| {}));
}

#[test]
fn service_selector_matching_deployment_name_fails_with_label_hint() {
    let v = run("service-clusterip", |s| {
        set(
            s,
            "Service",
            "ngx-svc",
            "/spec/selector",
            json!({"name": "ngx-dep"}),
        );
        set(s, "EndpointSlice", "ngx-svc-x7k2p", "/endpoints", json!([]));
    });
    let r = assert_fails_on(&v, "selects-pods", Some("spec.selector.name"));
    assert!(r.message.en.contains("matches 0 Pods"), "{}", r.message.en);
    assert!(
        r.message.en.contains("have labels app=ngx-dep"),
        "{}",
        r.message.en
    );
    assert!(
        r.message.en.contains("name of Deployment ngx-dep"),
        "{}",
        r.message.en
    );
    assert!(
        r.message.zh.contains("Deployment 的名字"),
        "{}",
        r.message.zh
    );
    assert_eq!(r.expected.as_deref(), Some("app=ngx-dep"));
    assert_eq!(r.found.as_deref(), Some("name=ngx-dep"));
    assert!(
        v.result("endpoints").unwrap().skipped,
        "endpoints are skipped after the broken selector"
    );
}

#[test]
fn service_selector_with_wrong_value_fails_counting_matches() {
    let v = run("service-clusterip", |s| {
        set(
            s,
            "Service",
            "ngx-svc",
            "/spec/selector",
            json!({"app": "ngx-dep-x"}),
        )
    });
    let r = assert_fails_on(&v, "selects-pods", Some("spec.selector.app"));
    assert!(
        r.message.en.starts_with("Service ngx-svc selects no Pods of Deployment ngx-dep: its selector app=ngx-dep-x matches 0 Pods; the Pods of Deployment ngx-dep have labels app=ngx-dep"),
        "{}",
        r.message.en
    );
}

#[test]
fn service_target_port_8080_fails_naming_container_ports() {
    let v = run("service-clusterip", |s| {
        set(
            s,
            "Service",
            "ngx-svc",
            "/spec/ports/0/targetPort",
            json!(8080),
        )
    });
    let r = assert_fails_on(&v, "target-port", Some("spec.ports[0].targetPort"));
    assert_eq!(r.found.as_deref(), Some("8080"));
    assert_eq!(r.expected.as_deref(), Some("80"));
}

#[test]
fn service_named_target_port_resolves_against_container_port_names() {
    let v = run("service-clusterip", |s| {
        set(
            s,
            "Service",
            "ngx-svc",
            "/spec/ports/0/targetPort",
            json!("http"),
        )
    });
    assert_fails_on(&v, "target-port", Some("targetPort"));
    let v = run("service-clusterip", |s| {
        set(
            s,
            "Service",
            "ngx-svc",
            "/spec/ports/0/targetPort",
            json!("http"),
        );
        let pods: Vec<String> = s
            .objects
            .iter()
            .filter(|o| o["kind"] == "Pod")
            .map(|o| o["metadata"]["name"].as_str().unwrap().to_string())
            .collect();
        for p in pods {
            set(
                s,
                "Pod",
                &p,
                "/spec/containers/0/ports/0/name",
                json!("http"),
            );
        }
    });
    assert_passes(&v);
}

#[test]
fn service_without_ready_endpoints_fails_on_endpoints() {
    let v = run("service-clusterip", |s| {
        set(
            s,
            "EndpointSlice",
            "ngx-svc-x7k2p",
            "/endpoints/0/conditions/ready",
            json!(false),
        );
    });
    let r = assert_fails_on(&v, "endpoints", Some("endpoints"));
    assert_eq!(r.found.as_deref(), Some("1"));
}

#[test]
fn service_missing_skips_everything_after_the_first_broken_link() {
    let v = run("service-clusterip", |s| {
        drop_object(s, "Service", "ngx-svc")
    });
    let r = assert_fails_on(&v, "svc-exists", None);
    assert!(
        r.message
            .en
            .contains("Service ngx-svc not found in namespace alice"),
        "{}",
        r.message.en
    );
    assert_eq!(
        v.results.iter().filter(|r| r.skipped).count(),
        v.results.len() - 1
    );
}

// ---------------- service-nodeport ----------------

#[test]
fn service_nodeport_correct_service_passes() {
    assert_passes(&run("service-nodeport", |_| {}));
}

#[test]
fn service_nodeport_still_clusterip_fails_on_type() {
    let v = run("service-nodeport", |s| {
        set(s, "Service", "ngx-svc", "/spec/type", json!("ClusterIP"));
        remove(s, "Service", "ngx-svc", "/spec/ports/0/nodePort");
    });
    let r = assert_fails_on(&v, "type", Some("spec.type"));
    assert_eq!(r.found.as_deref(), Some("ClusterIP"));
    assert!(v.result("node-port").unwrap().skipped);
}

#[test]
fn service_nodeport_out_of_range_fails_on_node_port() {
    let v = run("service-nodeport", |s| {
        set(
            s,
            "Service",
            "ngx-svc",
            "/spec/ports/0/nodePort",
            json!(40000),
        )
    });
    let r = assert_fails_on(&v, "node-port", Some("spec.ports[0].nodePort"));
    assert_eq!(r.expected.as_deref(), Some("30000..32767"));
}

#[test]
fn service_nodeport_selecting_deployment_name_fails_on_selector() {
    let v = run("service-nodeport", |s| {
        set(
            s,
            "Service",
            "ngx-svc",
            "/spec/selector",
            json!({"deploy": "ngx-dep"}),
        )
    });
    assert_fails_on(&v, "selects-pods", Some("spec.selector.deploy"));
}

// ---------------- ingress ----------------

#[test]
fn ingress_with_prefixed_class_passes() {
    assert_passes(&run("ingress", |_| {}));
}

#[test]
fn ingress_plain_class_name_is_accepted_when_no_prefixed_one_exists() {
    let v = run("ingress", |s| {
        set(
            s,
            "IngressClass",
            "alice-ngx-ink",
            "/metadata/name",
            json!("ngx-ink"),
        );
        set(
            s,
            "Ingress",
            "ngx-ing",
            "/spec/ingressClassName",
            json!("ngx-ink"),
        );
    });
    assert_passes(&v);
}

#[test]
fn ingress_prefixed_class_wins_over_plain_one() {
    let v = run("ingress", |s| {
        let mut other = s
            .objects
            .iter()
            .find(|o| o["kind"] == "IngressClass")
            .cloned()
            .unwrap();
        other["metadata"]["name"] = json!("ngx-ink");
        other["spec"]["controller"] = json!("k8s.io/ingress-nginx");
        s.objects.push(other);
    });
    assert_passes(&v);
}

#[test]
fn ingress_missing_path_type_fails_on_path_type() {
    let v = run("ingress", |s| {
        remove(
            s,
            "Ingress",
            "ngx-ing",
            "/spec/rules/0/http/paths/0/pathType",
        )
    });
    let r = assert_fails_on(
        &v,
        "route",
        Some("spec.rules[host=ngx.test].http.paths[path=/].pathType"),
    );
    assert_eq!(r.found.as_deref(), Some("(missing)"));
}

#[test]
fn ingress_without_class_name_fails_on_ing_class() {
    let v = run("ingress", |s| {
        remove(s, "Ingress", "ngx-ing", "/spec/ingressClassName")
    });
    assert_fails_on(&v, "ing-class", Some("spec.ingressClassName"));
    assert_eq!(
        v.result("route").unwrap().field.as_deref(),
        Some("spec.ingressClassName")
    );
}

#[test]
fn ingress_class_missing_fails_first_and_skips_its_controller_check() {
    let v = run("ingress", |s| drop_kind(s, "IngressClass"));
    let r = assert_fails_on(&v, "class-exists", None);
    assert!(
        r.message.en.contains("alice-ngx-ink (or ngx-ink)"),
        "{}",
        r.message.en
    );
    assert!(v.result("class-controller").unwrap().skipped);
    let route = v.result("route").unwrap();
    assert!(
        !route.passed && route.message.en.contains("does not exist"),
        "{route:#?}"
    );
}

#[test]
fn ingress_wrong_controller_fails_on_class_controller() {
    let v = run("ingress", |s| {
        set(
            s,
            "IngressClass",
            "alice-ngx-ink",
            "/spec/controller",
            json!("k8s.io/ingress-nginx"),
        )
    });
    assert_fails_on(&v, "class-controller", Some("spec.controller"));
}

#[test]
fn ingress_backend_to_wrong_service_fails_on_backend_name() {
    let v = run("ingress", |s| {
        set(
            s,
            "Ingress",
            "ngx-ing",
            "/spec/rules/0/http/paths/0/backend/service/name",
            json!("ngx-dep"),
        )
    });
    let r = assert_fails_on(&v, "route", Some("backend.service.name"));
    assert_eq!(r.found.as_deref(), Some("ngx-dep"));
}

#[test]
fn ingress_chain_names_service_without_ready_endpoints_as_broken_link() {
    let v = run("ingress", |s| {
        set(s, "EndpointSlice", "ngx-svc-x7k2p", "/endpoints", json!([]))
    });
    let r = assert_fails_on(&v, "route", Some("endpoints"));
    assert!(
        r.message.en.contains("breaks at the Service"),
        "{}",
        r.message.en
    );
    assert_eq!(r.object.as_ref().map(|o| o.kind.as_str()), Some("Service"));
}

#[test]
fn ingress_wrong_host_fails_listing_hosts() {
    let v = run("ingress", |s| {
        set(
            s,
            "Ingress",
            "ngx-ing",
            "/spec/rules/0/host",
            json!("ngx.tset"),
        )
    });
    let r = assert_fails_on(&v, "route", Some("host"));
    assert_eq!(r.found.as_deref(), Some("ngx.tset"));
}

// ---------------- pv-pvc ----------------

#[test]
fn pv_pvc_bound_with_running_pod_passes() {
    assert_passes(&run("pv-pvc", |_| {}));
}

#[test]
fn pv_pvc_plain_class_name_is_accepted() {
    let v = run("pv-pvc", |s| {
        set(
            s,
            "PersistentVolume",
            "alice-host-10m-pv",
            "/spec/storageClassName",
            json!("host-test"),
        );
        set(
            s,
            "PersistentVolumeClaim",
            "host-5m-pvc",
            "/spec/storageClassName",
            json!("host-test"),
        );
    });
    assert_passes(&v);
}

#[test]
fn pv_too_small_fails_on_capacity_with_quantities() {
    let v = run("pv-pvc", |s| {
        set(
            s,
            "PersistentVolume",
            "alice-host-10m-pv",
            "/spec/capacity/storage",
            json!("1Mi"),
        )
    });
    let r = assert_fails_on(&v, "pv-capacity", Some("spec.capacity.storage"));
    assert_eq!(r.found.as_deref(), Some("1Mi"));
    let bound = v.result("pvc-bound").unwrap();
    assert!(
        !bound.passed && bound.message.en.contains("less than"),
        "{bound:#?}"
    );
}

#[test]
fn pvc_pending_fails_on_bound_and_explains_why() {
    let v = run("pv-pvc", |s| {
        set(
            s,
            "PersistentVolumeClaim",
            "host-5m-pvc",
            "/status/phase",
            json!("Pending"),
        );
        set(
            s,
            "PersistentVolumeClaim",
            "host-5m-pvc",
            "/spec/resources/requests/storage",
            json!("5Mi"),
        );
        set(
            s,
            "PersistentVolume",
            "alice-host-10m-pv",
            "/spec/accessModes",
            json!(["ReadWriteMany"]),
        );
    });
    let r = assert_fails_on(&v, "pv-access-mode", Some("spec.accessModes"));
    assert_eq!(r.found.as_deref(), Some("ReadWriteMany"));
    let b = v.result("pvc-bound").unwrap();
    assert_eq!(b.field.as_deref(), Some("status.phase"));
    assert_eq!(b.found.as_deref(), Some("Pending"));
    assert!(v.result("pod-running").unwrap().skipped);
}

#[test]
fn pvc_asking_10mi_fails_on_request() {
    let v = run("pv-pvc", |s| {
        set(
            s,
            "PersistentVolumeClaim",
            "host-5m-pvc",
            "/spec/resources/requests/storage",
            json!("10Mi"),
        )
    });
    assert_fails_on(&v, "pvc-request", Some("spec.resources.requests.storage"));
}

#[test]
fn pod_not_mounting_the_claim_fails_on_pod_running() {
    let v = run("pv-pvc", |s| {
        set(
            s,
            "Pod",
            "host-pvc-pod",
            "/spec/volumes/0/persistentVolumeClaim/claimName",
            json!("other"),
        )
    });
    let r = assert_fails_on(&v, "pod-running", None);
    assert!(r.message.en.contains("host-5m-pvc"), "{}", r.message.en);
}

// ---------------- wordpress ----------------

#[test]
fn wordpress_capstone_passes() {
    assert_passes(&run("wordpress", |_| {}));
}

#[test]
fn wordpress_db_host_as_pod_ip_fails_on_env() {
    let v = run("wordpress", |s| {
        set(s, "ConfigMap", "wp-cm", "/data/HOST", json!("10.10.1.50"))
    });
    let r = assert_fails_on(&v, "wp-db-host", Some("envFrom"));
    assert_eq!(r.found.as_deref(), Some("10.10.1.50"));
}

#[test]
fn wordpress_db_host_accepts_every_dns_form_with_port() {
    for host in [
        "maria-svc",
        "maria-svc.alice",
        "maria-svc.alice.svc",
        "maria-svc.alice.svc.cluster.local:3306",
    ] {
        let v = run("wordpress", |s| {
            set(
                s,
                "Deployment",
                "wp-dep",
                "/spec/template/spec/containers/0/env",
                json!([{"name": "WORDPRESS_DB_HOST", "value": host}]),
            );
            set(s, "ConfigMap", "wp-cm", "/data/HOST", json!("wrong"));
        });
        assert_passes(&v);
    }
    let v = run("wordpress", |s| {
        set(
            s,
            "ConfigMap",
            "wp-cm",
            "/data/HOST",
            json!("maria-svc.default.svc.cluster.local"),
        )
    });
    assert_fails_on(&v, "wp-db-host", None);
}

#[test]
fn wordpress_db_host_missing_fails_on_env() {
    let v = run("wordpress", |s| {
        set(
            s,
            "Deployment",
            "wp-dep",
            "/spec/template/spec/containers/0/envFrom/0/prefix",
            json!("WP_"),
        )
    });
    let r = assert_fails_on(&v, "wp-db-host", Some("env[name=WORDPRESS_DB_HOST]"));
    assert_eq!(r.found.as_deref(), Some("(missing)"));
}

#[test]
fn wordpress_service_selecting_deployment_name_fails_and_skips_ingress() {
    let v = run("wordpress", |s| {
        set(
            s,
            "Service",
            "wp-svc",
            "/spec/selector",
            json!({"app": "wp"}),
        )
    });
    assert_fails_on(&v, "wp-svc-selects", Some("spec.selector.app"));
    assert!(v.result("wp-ingress").unwrap().skipped);
}

#[test]
fn wordpress_mariadb_not_ready_fails_on_maria_ready() {
    let v = run("wordpress", |s| {
        set(
            s,
            "Deployment",
            "maria-dep",
            "/status/availableReplicas",
            json!(0),
        )
    });
    assert_fails_on(&v, "maria-ready", Some("status.availableReplicas"));
}

#[test]
fn wordpress_untagged_image_fails_on_image() {
    let v = run("wordpress", |s| {
        set(
            s,
            "Deployment",
            "wp-dep",
            "/spec/template/spec/containers/0/image",
            json!("wordpress"),
        )
    });
    assert_fails_on(&v, "wp-image", Some("image"));
}

#[test]
fn rs_fixture_name_is_stable() {
    let s = snapshot("deployment", "good.yaml");
    assert!(s.get("ReplicaSet", RS).is_some());
}
