//! Cluster exercises: the correct state passes, and typical mistakes fail on the right assertion.
//!
//! Each table row patches the exercise's `good.yaml` fixture; its name says what the learner did
//! and how the verdict must read, and every assert message names the row.
mod common;

use common::*;
use kubelab_checks::{evaluate, Snapshot, Verdict};
use serde_json::json;

fn run(id: &str, patch: impl FnOnce(&mut Snapshot)) -> Verdict {
    let ex = exercise(id);
    let mut s = snapshot(id, "good.yaml");
    patch(&mut s);
    evaluate(&ex, &s)
}

const RS: &str = "ngx-dep-6d8f9c7b5";

/// A state the learner may leave behind that must pass.
struct Passing {
    exercise: &'static str,
    name: &'static str,
    patch: fn(&mut Snapshot),
}

/// A typical mistake, and how the verdict must report it.
struct Mistake {
    name: &'static str,
    patch: fn(&mut Snapshot),
    /// The id of the first real failure, and a part of its field.
    fails_on: &'static str,
    field: Option<&'static str>,
    /// The first failure's `expected` and `found`, exactly.
    expected: Option<&'static str>,
    found: Option<&'static str>,
    /// Parts of the first failure's English message.
    says: &'static [&'static str],
    /// Later assertions that are skipped because of the failure.
    skips: &'static [&'static str],
    /// Further checks of this row, on the whole verdict; the first argument names the row.
    then: fn(&str, &Verdict),
}

impl Mistake {
    /// The fields a row leaves out: nothing further is checked.
    const NOTHING_MORE: Mistake = Mistake {
        name: "",
        patch: |_| {},
        fails_on: "",
        field: None,
        expected: None,
        found: None,
        says: &[],
        skips: &[],
        then: |_, _| {},
    };
}

fn check_mistakes(exercise: &str, mistakes: &[Mistake]) {
    for m in mistakes {
        let case = format!("{exercise}: {}", m.name);
        let v = run(exercise, m.patch);
        let r = assert_case_fails_on(&case, &v, m.fails_on, m.field);
        if let Some(e) = m.expected {
            assert_eq!(r.expected.as_deref(), Some(e), "{case}: expected");
        }
        if let Some(f) = m.found {
            assert_eq!(r.found.as_deref(), Some(f), "{case}: found");
        }
        for part in m.says {
            assert!(
                r.message.en.contains(part),
                "{case}: the message does not say {part:?}: {}",
                r.message.en
            );
        }
        for id in m.skips {
            assert!(result(&case, &v, id).skipped, "{case}: {id} is not skipped");
        }
        (m.then)(&case, &v);
    }
}

/// A patch that sets fields of the fixture's objects:
/// `set!("Kind" "name" "/pointer" = value; ...)`.
macro_rules! set {
    ($($kind:literal $name:literal $pointer:literal = $v:tt);+) => {
        |s: &mut Snapshot| {
            $(set(s, $kind, $name, $pointer, json!($v));)+
        }
    };
}

/// The names of the fixture's Pods.
fn pod_names(s: &Snapshot) -> Vec<String> {
    s.objects
        .iter()
        .filter(|o| o["kind"] == "Pod")
        .map(|o| o["metadata"]["name"].as_str().unwrap().to_string())
        .collect()
}

/// A `then` check: every result but the first failure is skipped, naming it as the root.
fn everything_else_is_skipped(case: &str, v: &Verdict) {
    let root = &v.first_failure().unwrap().id;
    for r in v.results.iter().filter(|r| &r.id != root) {
        assert!(r.skipped && !r.passed, "{case}: {r:#?}");
        assert!(
            r.message.en.contains(root.as_str()),
            "{case}: {}",
            r.message.en
        );
    }
}

// ---------------- passing states ----------------

#[test]
fn good_fixtures_pass() {
    for (exercise, name) in [
        ("pod-yaml", "correct pod passes"),
        ("deployment", "correct state passes"),
        ("deployment-scale", "three available passes"),
        (
            "daemonset-tolerations",
            "on every node including the control plane passes",
        ),
        ("service-clusterip", "correct service passes"),
        ("service-nodeport", "correct service passes"),
        ("ingress", "with prefixed class passes"),
        ("pv-pvc", "bound with running pod passes"),
        ("wordpress", "capstone passes"),
        ("deployment-rollout", "upgraded then rolled back passes"),
        ("probes", "both probes set passes"),
        ("resources", "requests and limits set passes"),
        (
            "final-challenge",
            "guestbook with prefixed PV, class and IngressClass passes",
        ),
    ] {
        assert_case_passes(&format!("{exercise}: {name}"), &run(exercise, |_| {}));
    }
}

#[test]
fn accepted_variants_pass() {
    let variants = [
        Passing {
            exercise: "service-clusterip",
            name: "named targetPort resolves against container port names",
            patch: |s| {
                set(
                    s,
                    "Service",
                    "ngx-svc",
                    "/spec/ports/0/targetPort",
                    json!("http"),
                );
                for p in pod_names(s) {
                    set(
                        s,
                        "Pod",
                        &p,
                        "/spec/containers/0/ports/0/name",
                        json!("http"),
                    );
                }
            },
        },
        Passing {
            exercise: "ingress",
            name: "plain class name is accepted when no prefixed one exists",
            patch: set!(
                "IngressClass" "alice-ngx-ink" "/metadata/name" = "ngx-ink";
                "Ingress" "ngx-ing" "/spec/ingressClassName" = "ngx-ink"
            ),
        },
        Passing {
            exercise: "ingress",
            name: "prefixed class wins over plain one",
            patch: |s| {
                let mut other = s
                    .objects
                    .iter()
                    .find(|o| o["kind"] == "IngressClass")
                    .map(|o| (**o).clone())
                    .unwrap();
                other["metadata"]["name"] = json!("ngx-ink");
                other["spec"]["controller"] = json!("k8s.io/ingress-nginx");
                s.objects.push(other.into());
            },
        },
        Passing {
            exercise: "pv-pvc",
            name: "plain class name is accepted",
            patch: set!(
                "PersistentVolume" "alice-host-10m-pv" "/spec/storageClassName" = "host-test";
                "PersistentVolumeClaim" "host-5m-pvc" "/spec/storageClassName" = "host-test"
            ),
        },
        Passing {
            exercise: "final-challenge",
            name: "a claim of the default class, bound by dynamic provisioning, is accepted",
            patch: set!(
                "PersistentVolume" "alice-gb-10m-pv" "/spec/storageClassName" = "standard";
                "PersistentVolumeClaim" "gb-data" "/spec/storageClassName" = "standard"
            ),
        },
        Passing {
            exercise: "probes",
            name: "probes without any requests or limits pass: resources are the other exercise",
            patch: |s| {
                remove(
                    s,
                    "Deployment",
                    "ngx-probe",
                    "/spec/template/spec/containers/0/resources",
                )
            },
        },
        Passing {
            exercise: "resources",
            name: "requests and limits without any probe pass: probes are the other exercise",
            patch: |s| {
                for probe in ["readinessProbe", "livenessProbe"] {
                    remove(
                        s,
                        "Deployment",
                        "ngx-probe",
                        &format!("/spec/template/spec/containers/0/{probe}"),
                    );
                }
            },
        },
        Passing {
            exercise: "resources",
            name: "a CPU request written as a decimal core count is the same quantity",
            patch: set!(
                "Deployment" "ngx-probe" "/spec/template/spec/containers/0/resources/requests/cpu" = "0.1"
            ),
        },
    ];
    for st in &variants {
        let case = format!("{}: {}", st.exercise, st.name);
        assert_case_passes(&case, &run(st.exercise, st.patch));
    }
}

// ---------------- pod-yaml ----------------

#[test]
fn pod_yaml_mistakes_fail_on_the_right_assertion() {
    check_mistakes(
        "pod-yaml",
        &[
            Mistake {
                name: "missing owner label fails on that label",
                patch: |s| remove(s, "Pod", "ngx-pod", "/metadata/labels/owner"),
                fails_on: "label-owner",
                field: Some("metadata.labels.owner"),
                expected: Some("chrono"),
                found: Some("(missing)"),
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "wrong image fails with expected and found",
                patch: set!("Pod" "ngx-pod" "/spec/containers/0/image" = "nginx:latest"),
                fails_on: "container-image",
                field: Some("spec.containers[name=ngx].image"),
                expected: Some("nginx:alpine"),
                found: Some("nginx:latest"),
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "ImagePullBackOff fails readiness naming the reason",
                patch: set!(
                    "Pod" "ngx-pod" "/status/phase" = "Pending";
                    "Pod" "ngx-pod" "/status/containerStatuses/0/state" =
                        {"waiting": {"reason": "ImagePullBackOff"}}
                ),
                fails_on: "pod-ready",
                field: Some("status.phase"),
                says: &["ImagePullBackOff"],
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "missing pod fails once and skips the rest",
                patch: |s| drop_object(s, "Pod", "ngx-pod"),
                fails_on: "pod-exists",
                then: everything_else_is_skipped,
                ..Mistake::NOTHING_MORE
            },
        ],
    );
}

// ---------------- deployment ----------------

#[test]
fn deployment_mistakes_fail_on_the_right_assertion() {
    check_mistakes(
        "deployment",
        &[
            Mistake {
                name: "selector not matching the template labels fails on the selector field",
                patch: set!(
                    "Deployment" "ngx-dep" "/spec/template/metadata/labels" = {"app": "nginx"}
                ),
                fails_on: "selector-matches-template",
                field: Some("spec.selector.matchLabels.app"),
                expected: Some("app=nginx"),
                found: Some("app=ngx-dep"),
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "wrong selector value fails on the selector label",
                patch: set!("Deployment" "ngx-dep" "/spec/selector/matchLabels/app" = "ngx"),
                fails_on: "selector-label",
                field: Some("spec.selector.matchLabels.app"),
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "three replicas fail on replicas and skip availability",
                patch: set!("Deployment" "ngx-dep" "/spec/replicas" = 3),
                fails_on: "replicas",
                field: Some("spec.replicas"),
                found: Some("3"),
                skips: &["available"],
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "one available replica fails on available",
                patch: set!("Deployment" "ngx-dep" "/status/availableReplicas" = 1),
                fails_on: "available",
                field: Some("status.availableReplicas"),
                expected: Some("2"),
                found: Some("1"),
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "latest image fails on image",
                patch: set!(
                    "Deployment" "ngx-dep" "/spec/template/spec/containers/0/image" = "nginx"
                ),
                fails_on: "image",
                field: Some("spec.template.spec.containers[0].image"),
                ..Mistake::NOTHING_MORE
            },
        ],
    );
}

// ---------------- deployment-scale ----------------

#[test]
fn deployment_scale_mistakes_fail_on_the_right_assertion() {
    check_mistakes(
        "deployment-scale",
        &[
            Mistake {
                name: "still two replicas fails on replicas",
                patch: set!("Deployment" "ngx-dep" "/spec/replicas" = 2),
                fails_on: "replicas",
                field: Some("spec.replicas"),
                skips: &["label-selects"],
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "not yet available fails on available",
                patch: set!("Deployment" "ngx-dep" "/status/availableReplicas" = 2),
                fails_on: "available",
                field: Some("status.availableReplicas"),
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "stray pod with the same label fails label selection",
                // The stray Pod has no ownerReferences, so the Deployment's selector counts it as
                // one of its own: it is caught by the count of 3, and the message names it.
                patch: |s| {
                    let mut p = s
                        .objects
                        .iter()
                        .find(|o| o["kind"] == "Pod")
                        .map(|o| (**o).clone())
                        .unwrap();
                    p["metadata"]["name"] = json!("stray");
                    p["metadata"]["labels"] = json!({"app": "ngx-dep"});
                    p["metadata"]
                        .as_object_mut()
                        .unwrap()
                        .remove("ownerReferences");
                    s.objects.push(p.into());
                },
                fails_on: "label-selects",
                field: Some("-l app=ngx-dep"),
                says: &["stray"],
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "terminating pods are not counted",
                patch: |s| {
                    let name = pod_names(s)[0].clone();
                    set(
                        s,
                        "Pod",
                        &name,
                        "/metadata/deletionTimestamp",
                        json!("2024-05-01T11:00:00Z"),
                    );
                },
                fails_on: "label-selects",
                found: Some("2"),
                ..Mistake::NOTHING_MORE
            },
        ],
    );
}

// ---------------- deployment-rollout ----------------

/// The fixture's ReplicaSets of ngx-roll: the current one (nginx:1.29-alpine, revision 3) and the
/// one of the upgrade (nginx:1.30-alpine, revision 2, scaled to 0).
const ROLL_OLD: &str = "ngx-roll-7b9c5d4f8";
const ROLL_NEW: &str = "ngx-roll-5f6d8c9b7";

#[test]
fn deployment_rollout_mistakes_fail_on_the_right_assertion() {
    check_mistakes(
        "deployment-rollout",
        &[
            Mistake {
                name: "created but never upgraded fails on the upgrade's ReplicaSet",
                patch: |s| {
                    drop_object(s, "ReplicaSet", ROLL_NEW);
                    set(
                        s,
                        "Deployment",
                        "ngx-roll",
                        "/metadata/annotations/deployment.kubernetes.io~1revision",
                        json!("1"),
                    );
                },
                fails_on: "upgraded",
                says: &["nginx:1.30-alpine", ROLL_OLD],
                skips: &["change-cause"],
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "upgraded but not rolled back fails on the image, naming the new one",
                patch: set!(
                    "Deployment" "ngx-roll" "/spec/template/spec/containers/0/image" = "nginx:1.30-alpine";
                    "Deployment" "ngx-roll" "/metadata/annotations/deployment.kubernetes.io~1revision" = "2"
                ),
                fails_on: "rolled-back",
                field: Some("spec.template.spec.containers[0].image"),
                found: Some("nginx:1.30-alpine"),
                skips: &["revision", "available"],
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "upgrade without a change-cause fails on the annotation",
                patch: |s| {
                    remove(
                        s,
                        "ReplicaSet",
                        ROLL_NEW,
                        "/metadata/annotations/kubernetes.io~1change-cause",
                    )
                },
                fails_on: "change-cause",
                field: Some("kubernetes.io/change-cause"),
                found: Some("(missing)"),
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "created on 1.30 then set to 1.29 by hand has only two revisions",
                patch: set!(
                    "Deployment" "ngx-roll" "/metadata/annotations/deployment.kubernetes.io~1revision" = "2"
                ),
                fails_on: "revision",
                field: Some("deployment.kubernetes.io/revision"),
                expected: Some(">= 3"),
                found: Some("2"),
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "default strategy fails on maxSurge with the percentage found",
                patch: set!(
                    "Deployment" "ngx-roll" "/spec/strategy/rollingUpdate" =
                        {"maxSurge": "25%", "maxUnavailable": "25%"}
                ),
                fails_on: "max-surge",
                field: Some("spec.strategy.rollingUpdate.maxSurge"),
                expected: Some("1"),
                found: Some("25%"),
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "maxUnavailable 1 fails on maxUnavailable",
                patch: set!(
                    "Deployment" "ngx-roll" "/spec/strategy/rollingUpdate/maxUnavailable" = 1
                ),
                fails_on: "max-unavailable",
                found: Some("1"),
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "a 1.30 ReplicaSet of another Deployment does not count as the upgrade",
                patch: set!(
                    "ReplicaSet" "ngx-roll-5f6d8c9b7" "/metadata/ownerReferences/0/name" = "ngx-other"
                ),
                fails_on: "upgraded",
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "rollback still in progress fails on available",
                patch: set!("Deployment" "ngx-roll" "/status/availableReplicas" = 2),
                fails_on: "available",
                field: Some("status.availableReplicas"),
                expected: Some("3"),
                found: Some("2"),
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "no Deployment fails once and skips the rest",
                patch: |s| {
                    drop_object(s, "Deployment", "ngx-roll");
                    drop_object(s, "ReplicaSet", ROLL_NEW);
                },
                fails_on: "deploy-exists",
                ..Mistake::NOTHING_MORE
            },
        ],
    );
}

// ---------------- probes ----------------

#[test]
fn probes_mistakes_fail_on_the_right_assertion() {
    check_mistakes(
        "probes",
        &[
            Mistake {
                name: "no readiness probe fails on its path and skips the port and availability",
                patch: |s| {
                    remove(
                        s,
                        "Deployment",
                        "ngx-probe",
                        "/spec/template/spec/containers/0/readinessProbe",
                    )
                },
                fails_on: "readiness-path",
                field: Some("readinessProbe.httpGet.path"),
                found: Some("(missing)"),
                skips: &["readiness-port", "available"],
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "readiness probe on the wrong port fails on the port",
                patch: set!(
                    "Deployment" "ngx-probe" "/spec/template/spec/containers/0/readinessProbe/httpGet/port" = 8080
                ),
                fails_on: "readiness-port",
                found: Some("8080"),
                skips: &["available"],
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "no liveness probe fails on liveness",
                patch: |s| {
                    remove(
                        s,
                        "Deployment",
                        "ngx-probe",
                        "/spec/template/spec/containers/0/livenessProbe",
                    )
                },
                fails_on: "liveness",
                field: Some("livenessProbe"),
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "a container with another name fails on the image and skips the probe checks",
                patch: set!(
                    "Deployment" "ngx-probe" "/spec/template/spec/containers/0/name" = "web"
                ),
                fails_on: "image",
                skips: &["readiness-path", "readiness-port", "liveness"],
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "Pods failing readiness fail availability naming the Pod",
                patch: |s| {
                    set(
                        s,
                        "Deployment",
                        "ngx-probe",
                        "/status/availableReplicas",
                        json!(1),
                    );
                    let pod = pod_names(s)[0].clone();
                    set(
                        s,
                        "Pod",
                        &pod,
                        "/status/conditions/1/status",
                        json!("False"),
                    );
                    set(
                        s,
                        "Pod",
                        &pod,
                        "/status/containerStatuses/0/ready",
                        json!(false),
                    );
                },
                fails_on: "available",
                found: Some("1"),
                ..Mistake::NOTHING_MORE
            },
        ],
    );
}

// ---------------- resources ----------------

#[test]
fn resources_mistakes_fail_on_the_right_assertion() {
    check_mistakes(
        "resources",
        &[
            Mistake {
                name: "a whole CPU requested fails on the CPU request",
                patch: set!(
                    "Deployment" "ngx-probe" "/spec/template/spec/containers/0/resources/requests/cpu" = "1"
                ),
                fails_on: "request-cpu",
                field: Some("resources.requests.cpu"),
                expected: Some("100m"),
                found: Some("1"),
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "memory requested in megabytes fails on the memory request",
                patch: set!(
                    "Deployment" "ngx-probe" "/spec/template/spec/containers/0/resources/requests/memory" = "64M"
                ),
                fails_on: "request-memory",
                found: Some("64M"),
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "no memory limit fails on the limit",
                patch: |s| {
                    remove(
                        s,
                        "Deployment",
                        "ngx-probe",
                        "/spec/template/spec/containers/0/resources/limits/memory",
                    )
                },
                fails_on: "limit-memory",
                field: Some("resources.limits.memory"),
                found: Some("(missing)"),
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name:
                    "a container with another name fails on the image and skips the resource checks",
                patch: set!(
                    "Deployment" "ngx-probe" "/spec/template/spec/containers/0/name" = "web"
                ),
                fails_on: "image",
                skips: &["request-cpu", "request-memory", "limit-memory"],
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "Pods that no node has room for fail availability",
                patch: |s| {
                    set(
                        s,
                        "Deployment",
                        "ngx-probe",
                        "/status/availableReplicas",
                        json!(0),
                    );
                    for pod in pod_names(s) {
                        set(s, "Pod", &pod, "/status/phase", json!("Pending"));
                        set(
                            s,
                            "Pod",
                            &pod,
                            "/status/conditions/1/status",
                            json!("False"),
                        );
                        set(
                            s,
                            "Pod",
                            &pod,
                            "/status/containerStatuses/0/ready",
                            json!(false),
                        );
                    }
                },
                fails_on: "available",
                found: Some("0"),
                ..Mistake::NOTHING_MORE
            },
        ],
    );
}

// ---------------- daemonset-tolerations ----------------

#[test]
fn daemonset_mistakes_fail_on_the_right_assertion() {
    check_mistakes(
        "daemonset-tolerations",
        &[
            Mistake {
                name:
                    "tolerating only the pre-1.24 master taint fails with the control plane named",
                patch: |s| {
                    let master = json!([{
                        "key": "node-role.kubernetes.io/master",
                        "effect": "NoSchedule",
                        "operator": "Exists"
                    }]);
                    set(
                        s,
                        "DaemonSet",
                        "redis-ds",
                        "/spec/template/spec/tolerations",
                        master,
                    );
                    drop_object(s, "Pod", "redis-ds-q8w2x");
                },
                fails_on: "tolerates-control-plane",
                field: Some("spec.template.spec.tolerations"),
                then: |case, v| {
                    let r = v.first_failure().unwrap();
                    assert!(
                        r.found
                            .as_deref()
                            .unwrap()
                            .contains("node-role.kubernetes.io/master"),
                        "{case}: {r:#?}"
                    );
                    let every = result(case, v, "ready-every-node");
                    assert!(!every.passed, "{case}: {every:#?}");
                    assert!(
                        every.message.en.contains("cp-1")
                            && every.message.en.contains("control-plane"),
                        "{case}: {}",
                        every.message.en
                    );
                },
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "without tolerations it cannot cover the control plane",
                patch: |s| {
                    remove(
                        s,
                        "DaemonSet",
                        "redis-ds",
                        "/spec/template/spec/tolerations",
                    );
                    drop_object(s, "Pod", "redis-ds-q8w2x");
                },
                fails_on: "tolerates-control-plane",
                field: Some("tolerations"),
                then: |case, v| {
                    assert_eq!(
                        result(case, v, "ready-every-node").field.as_deref(),
                        Some("spec.template.spec.tolerations"),
                        "{case}"
                    );
                },
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "pod not ready on a node fails readiness naming the node",
                patch: set!("Pod" "redis-ds-z4n7m" "/status/conditions/1/status" = "False"),
                fails_on: "ready-every-node",
                field: Some("status.numberReady"),
                says: &["worker-1"],
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "wrong port fails on port",
                patch: set!(
                    "DaemonSet" "redis-ds"
                        "/spec/template/spec/containers/0/ports/0/containerPort" = 6380
                ),
                fails_on: "port",
                field: Some("containerPort"),
                ..Mistake::NOTHING_MORE
            },
        ],
    );
}

// ---------------- service-clusterip ----------------

#[test]
fn service_clusterip_mistakes_fail_on_the_right_assertion() {
    check_mistakes(
        "service-clusterip",
        &[
            Mistake {
                name: "selector naming the Deployment fails with a hint about labels",
                patch: set!(
                    "Service" "ngx-svc" "/spec/selector" = {"name": "ngx-dep"};
                    "EndpointSlice" "ngx-svc-x7k2p" "/endpoints" = []
                ),
                fails_on: "selects-pods",
                field: Some("spec.selector.name"),
                expected: Some("app=ngx-dep"),
                found: Some("name=ngx-dep"),
                says: &[
                    "matches 0 Pods",
                    "have labels app=ngx-dep",
                    "name of Deployment ngx-dep",
                ],
                // The endpoints are skipped after the broken selector.
                skips: &["endpoints"],
                then: |case, v| {
                    let zh = &v.first_failure().unwrap().message.zh;
                    assert!(zh.contains("Deployment 的名字"), "{case}: {zh}");
                },
            },
            Mistake {
                name: "selector with a wrong value fails counting the matches",
                patch: set!("Service" "ngx-svc" "/spec/selector" = {"app": "ngx-dep-x"}),
                fails_on: "selects-pods",
                field: Some("spec.selector.app"),
                then: |case, v| {
                    let en = &v.first_failure().unwrap().message.en;
                    assert!(
                        en.starts_with("Service ngx-svc selects no Pods of Deployment ngx-dep: its selector app=ngx-dep-x matches 0 Pods; the Pods of Deployment ngx-dep have labels app=ngx-dep"),
                        "{case}: {en}"
                    );
                },
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "targetPort 8080 fails naming the container ports",
                patch: set!("Service" "ngx-svc" "/spec/ports/0/targetPort" = 8080),
                fails_on: "target-port",
                field: Some("spec.ports[0].targetPort"),
                expected: Some("80"),
                found: Some("8080"),
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "named targetPort fails while no container port has that name",
                patch: set!("Service" "ngx-svc" "/spec/ports/0/targetPort" = "http"),
                fails_on: "target-port",
                field: Some("targetPort"),
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "no ready endpoints fails on endpoints",
                patch: set!(
                    "EndpointSlice" "ngx-svc-x7k2p" "/endpoints/0/conditions/ready" = false
                ),
                fails_on: "endpoints",
                field: Some("endpoints"),
                found: Some("1"),
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "missing Service skips everything after the first broken link",
                patch: |s| drop_object(s, "Service", "ngx-svc"),
                fails_on: "svc-exists",
                says: &["Service ngx-svc not found in namespace alice"],
                then: everything_else_is_skipped,
                ..Mistake::NOTHING_MORE
            },
        ],
    );
}

// ---------------- service-nodeport ----------------

#[test]
fn service_nodeport_mistakes_fail_on_the_right_assertion() {
    check_mistakes(
        "service-nodeport",
        &[
            Mistake {
                name: "still ClusterIP fails on type",
                patch: |s| {
                    set(s, "Service", "ngx-svc", "/spec/type", json!("ClusterIP"));
                    remove(s, "Service", "ngx-svc", "/spec/ports/0/nodePort");
                },
                fails_on: "type",
                field: Some("spec.type"),
                found: Some("ClusterIP"),
                skips: &["node-port"],
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "nodePort out of range fails on node-port",
                patch: set!("Service" "ngx-svc" "/spec/ports/0/nodePort" = 40000),
                fails_on: "node-port",
                field: Some("spec.ports[0].nodePort"),
                expected: Some("30000..32767"),
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "selecting the Deployment name fails on the selector",
                patch: set!("Service" "ngx-svc" "/spec/selector" = {"deploy": "ngx-dep"}),
                fails_on: "selects-pods",
                field: Some("spec.selector.deploy"),
                ..Mistake::NOTHING_MORE
            },
        ],
    );
}

// ---------------- ingress ----------------

#[test]
fn ingress_mistakes_fail_on_the_right_assertion() {
    check_mistakes(
        "ingress",
        &[
            Mistake {
                name: "missing pathType fails on pathType",
                patch: |s| {
                    remove(
                        s,
                        "Ingress",
                        "ngx-ing",
                        "/spec/rules/0/http/paths/0/pathType",
                    )
                },
                fails_on: "route",
                field: Some("spec.rules[host=ngx.test].http.paths[path=/].pathType"),
                found: Some("(missing)"),
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "without class name fails on ing-class",
                patch: |s| remove(s, "Ingress", "ngx-ing", "/spec/ingressClassName"),
                fails_on: "ing-class",
                field: Some("spec.ingressClassName"),
                then: |case, v| {
                    assert_eq!(
                        result(case, v, "route").field.as_deref(),
                        Some("spec.ingressClassName"),
                        "{case}"
                    );
                },
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "missing IngressClass fails first and skips its controller check",
                patch: |s| drop_kind(s, "IngressClass"),
                fails_on: "class-exists",
                says: &["alice-ngx-ink (or ngx-ink)"],
                skips: &["class-controller"],
                then: |case, v| {
                    let route = result(case, v, "route");
                    assert!(
                        !route.passed && route.message.en.contains("does not exist"),
                        "{case}: {route:#?}"
                    );
                },
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "wrong controller fails on class-controller",
                patch: set!(
                    "IngressClass" "alice-ngx-ink" "/spec/controller" = "k8s.io/ingress-nginx"
                ),
                fails_on: "class-controller",
                field: Some("spec.controller"),
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "backend to the wrong Service fails on the backend name",
                patch: set!(
                    "Ingress" "ngx-ing"
                        "/spec/rules/0/http/paths/0/backend/service/name" = "ngx-dep"
                ),
                fails_on: "route",
                field: Some("backend.service.name"),
                found: Some("ngx-dep"),
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "chain names the Service without ready endpoints as the broken link",
                patch: set!("EndpointSlice" "ngx-svc-x7k2p" "/endpoints" = []),
                fails_on: "route",
                field: Some("endpoints"),
                says: &["breaks at the Service"],
                then: |case, v| {
                    let r = v.first_failure().unwrap();
                    assert_eq!(
                        r.object.as_ref().map(|o| o.kind.as_str()),
                        Some("Service"),
                        "{case}"
                    );
                },
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "wrong host fails listing the hosts",
                patch: set!("Ingress" "ngx-ing" "/spec/rules/0/host" = "ngx.tset"),
                fails_on: "route",
                field: Some("host"),
                found: Some("ngx.tset"),
                ..Mistake::NOTHING_MORE
            },
        ],
    );
}

// ---------------- pv-pvc ----------------

#[test]
fn pv_pvc_mistakes_fail_on_the_right_assertion() {
    check_mistakes(
        "pv-pvc",
        &[
            Mistake {
                name: "PV too small fails on capacity with quantities",
                patch: set!(
                    "PersistentVolume" "alice-host-10m-pv" "/spec/capacity/storage" = "1Mi"
                ),
                fails_on: "pv-capacity",
                field: Some("spec.capacity.storage"),
                found: Some("1Mi"),
                then: |case, v| {
                    let bound = result(case, v, "pvc-bound");
                    assert!(
                        !bound.passed && bound.message.en.contains("less than"),
                        "{case}: {bound:#?}"
                    );
                },
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "PV with the wrong access mode fails on it, and the PVC is reported Pending",
                patch: set!(
                    "PersistentVolumeClaim" "host-5m-pvc" "/status/phase" = "Pending";
                    "PersistentVolumeClaim" "host-5m-pvc"
                        "/spec/resources/requests/storage" = "5Mi";
                    "PersistentVolume" "alice-host-10m-pv" "/spec/accessModes" = ["ReadWriteMany"]
                ),
                fails_on: "pv-access-mode",
                field: Some("spec.accessModes"),
                found: Some("ReadWriteMany"),
                skips: &["pod-running"],
                then: |case, v| {
                    let b = result(case, v, "pvc-bound");
                    assert_eq!(b.field.as_deref(), Some("status.phase"), "{case}");
                    assert_eq!(b.found.as_deref(), Some("Pending"), "{case}");
                },
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "PVC asking 10Mi fails on the request",
                patch: set!(
                    "PersistentVolumeClaim" "host-5m-pvc"
                        "/spec/resources/requests/storage" = "10Mi"
                ),
                fails_on: "pvc-request",
                field: Some("spec.resources.requests.storage"),
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "pod not mounting the claim fails on pod-running",
                patch: set!(
                    "Pod" "host-pvc-pod" "/spec/volumes/0/persistentVolumeClaim/claimName" = "other"
                ),
                fails_on: "pod-running",
                says: &["host-5m-pvc"],
                ..Mistake::NOTHING_MORE
            },
        ],
    );
}

// ---------------- wordpress ----------------

#[test]
fn wordpress_mistakes_fail_on_the_right_assertion() {
    check_mistakes(
        "wordpress",
        &[
            Mistake {
                name: "DB host as a Pod IP fails on env",
                patch: set!("ConfigMap" "wp-cm" "/data/HOST" = "10.10.1.50"),
                fails_on: "wp-db-host",
                field: Some("envFrom"),
                found: Some("10.10.1.50"),
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "DB host in another namespace fails on env",
                patch: set!(
                    "ConfigMap" "wp-cm" "/data/HOST" = "maria-svc.default.svc.cluster.local"
                ),
                fails_on: "wp-db-host",
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "DB host missing fails on env",
                patch: set!(
                    "Deployment" "wp-dep"
                        "/spec/template/spec/containers/0/envFrom/0/prefix" = "WP_"
                ),
                fails_on: "wp-db-host",
                field: Some("env[name=WORDPRESS_DB_HOST]"),
                found: Some("(missing)"),
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "Service selecting the Deployment name fails and skips the Ingress",
                patch: set!("Service" "wp-svc" "/spec/selector" = {"app": "wp"}),
                fails_on: "wp-svc-selects",
                field: Some("spec.selector.app"),
                skips: &["wp-ingress"],
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "MariaDB not ready fails on maria-ready",
                patch: set!("Deployment" "maria-dep" "/status/availableReplicas" = 0),
                fails_on: "maria-ready",
                field: Some("status.availableReplicas"),
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "untagged image fails on image",
                patch: set!(
                    "Deployment" "wp-dep" "/spec/template/spec/containers/0/image" = "wordpress"
                ),
                fails_on: "wp-image",
                field: Some("image"),
                ..Mistake::NOTHING_MORE
            },
        ],
    );
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
        assert_case_passes(&format!("WORDPRESS_DB_HOST={host}"), &v);
    }
}

// ---------------- final-challenge ----------------

/// A `then` check: the first failure is the only one; everything else passed or was skipped.
fn nothing_else_fails(case: &str, v: &Verdict) {
    let root = &v.first_failure().unwrap().id;
    for r in v.results.iter().filter(|r| &r.id != root) {
        assert!(r.passed || r.skipped, "{case}: {r:#?}");
    }
}

#[test]
fn final_challenge_mistakes_fail_on_the_right_assertion() {
    check_mistakes(
        "final-challenge",
        &[
            Mistake {
                name: "no readiness probe fails on it alone and skips the readiness of gb-web",
                patch: |s| {
                    remove(
                        s,
                        "Deployment",
                        "gb-web",
                        "/spec/template/spec/containers/0/readinessProbe",
                    )
                },
                fails_on: "web-readiness",
                field: Some("readinessProbe"),
                found: Some("(missing)"),
                skips: &["web-ready"],
                then: nothing_else_fails,
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "pathType Exact fails on the ingress alone",
                patch: set!(
                    "Ingress" "gb-ing" "/spec/rules/0/http/paths/0/pathType" = "Exact"
                ),
                fails_on: "ingress",
                field: Some("pathType"),
                expected: Some("Prefix"),
                found: Some("Exact"),
                then: nothing_else_fails,
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "a Pending claim fails on pvc-bound and skips the readiness of Redis",
                patch: set!(
                    "PersistentVolumeClaim" "gb-data" "/status/phase" = "Pending";
                    "PersistentVolumeClaim" "gb-data" "/spec/storageClassName" = "host_test"
                ),
                fails_on: "pvc-bound",
                field: Some("status.phase"),
                found: Some("Pending"),
                says: &["No PV has storageClassName host_test"],
                skips: &["redis-ready"],
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "the claim mounted elsewhere than /data fails on redis-mount",
                patch: set!(
                    "Deployment" "gb-redis"
                        "/spec/template/spec/containers/0/volumeMounts/0/mountPath" = "/var/lib/redis"
                ),
                fails_on: "redis-mount",
                field: Some("mountPath"),
                found: Some("/var/lib/redis"),
                then: nothing_else_fails,
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "REDIS_HOST as a Pod IP fails on web-redis-host",
                patch: set!(
                    "Deployment" "gb-web"
                        "/spec/template/spec/containers/0/env/0/value" = "10.244.1.7"
                ),
                fails_on: "web-redis-host",
                found: Some("10.244.1.7"),
                then: nothing_else_fails,
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "no memory limit fails on web-limit-memory",
                patch: |s| {
                    remove(
                        s,
                        "Deployment",
                        "gb-web",
                        "/spec/template/spec/containers/0/resources/limits",
                    )
                },
                fails_on: "web-limit-memory",
                field: Some("limits.memory"),
                found: Some("(missing)"),
                then: nothing_else_fails,
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "targetPort 8080 fails on web-target-port and skips the endpoints and the ingress",
                patch: set!("Service" "gb-web-svc" "/spec/ports/0/targetPort" = 8080),
                fails_on: "web-target-port",
                field: Some("targetPort"),
                found: Some("8080"),
                skips: &["web-endpoints", "ingress"],
                ..Mistake::NOTHING_MORE
            },
            Mistake {
                name: "an untagged redis image fails on redis-image",
                patch: set!(
                    "Deployment" "gb-redis" "/spec/template/spec/containers/0/image" = "redis"
                ),
                fails_on: "redis-image",
                field: Some("image"),
                found: Some("redis"),
                ..Mistake::NOTHING_MORE
            },
        ],
    );
}

#[test]
fn rs_fixture_name_is_stable() {
    let s = snapshot("deployment", "good.yaml");
    assert!(s.get("ReplicaSet", RS).is_some());
}
