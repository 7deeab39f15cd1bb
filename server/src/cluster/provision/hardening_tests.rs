//! Learners on one shared cluster cannot break the cluster or each other, and kubelab's own
//! ServiceAccount cannot step outside its list (issue #11). Against the sandbox, acting as the
//! learners (their downloaded kubeconfigs) and as kubelab's ServiceAccount (its token), never as
//! the administrator, except to set up and to look.

use super::tests::*;
use super::*;

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod, Secret, Service};
use k8s_openapi::api::rbac::v1::ClusterRole;
use kubelab_testkit::{poll_until, unique_name, Cluster};

async fn learner<'a>(cluster: &Cluster, p: &Provisioner, ns: &'a str) -> (Client, LearnerNs<'a>) {
    let _ = cluster;
    let l = LearnerNs {
        namespace: ns,
        learner_id: "l",
        classroom_id: None,
    };
    p.ensure(&l).await.expect("ensure");
    (learner_client(p, ns).await, l)
}

/// A request kubelab's ServiceAccount must not get through: 403, from RBAC or `kubelab-self`.
fn refused<T: std::fmt::Debug>(r: Result<T, kube::Error>, what: &str) -> kube::core::Status {
    let s = status(r, what);
    assert_eq!(s.code, 403, "{what}: {s:?}");
    s
}

fn service(name: &str, spec: Value) -> Service {
    let mut spec = spec;
    spec["ports"] = json!([{ "port": 80 }]);
    spec["selector"] = json!({ "app": name });
    obj(json!({ "metadata": { "name": name }, "spec": spec }))
}

#[tokio::test]
async fn services_with_external_ips_or_external_name_are_refused() {
    let cluster = Cluster::connect().await;
    let p = provisioner(&cluster).await;
    let ns = unique_name("ps");
    let _cleanup = Cleanup::new(&cluster, &[&ns]);
    let (client, _) = learner(&cluster, &p, &ns).await;
    let services: Api<Service> = Api::namespaced(client, &ns);
    let admin: Api<Service> = Api::namespaced(cluster.client(), &ns);
    create_when_allowed(
        &services,
        &service("ngx-svc", json!({ "type": "ClusterIP" })),
        "a ClusterIP Service",
    )
    .await;
    for (name, spec, says) in [
        (
            "grab",
            json!({ "externalIPs": ["203.0.113.9"] }),
            "spec.externalIPs",
        ),
        (
            "alias",
            json!({ "type": "ExternalName", "externalName": "ngx-svc.other.svc.cluster.local" }),
            "ExternalName",
        ),
    ] {
        let mut s = service(name, spec);
        if name == "alias" {
            s.spec.as_mut().unwrap().selector = None;
        }
        let status = assert_refused(&services, &admin, &s, name).await;
        assert_eq!(status.code, 403, "{status:?}");
        assert!(status.message.contains(says), "{}", status.message);
        assert!(status.message.contains("共享集群"), "{}", status.message);
    }
    // Nor by changing an existing Service.
    let mut existing = services.get("ngx-svc").await.unwrap();
    existing.spec.as_mut().unwrap().external_ips = Some(vec!["203.0.113.9".into()]);
    let s = status(
        services
            .replace("ngx-svc", &PostParams::default(), &existing)
            .await,
        "adding externalIPs",
    );
    assert_eq!(s.code, 403, "{s:?}");
}

#[tokio::test]
async fn service_account_token_secrets_are_refused_and_opaque_ones_are_fine() {
    let cluster = Cluster::connect().await;
    let p = provisioner(&cluster).await;
    let ns = unique_name("pt");
    let _cleanup = Cleanup::new(&cluster, &[&ns]);
    let (client, _) = learner(&cluster, &p, &ns).await;
    let secrets: Api<Secret> = Api::namespaced(client, &ns);
    let admin: Api<Secret> = Api::namespaced(cluster.client(), &ns);
    create_when_allowed(
        &secrets,
        &obj(json!({ "metadata": { "name": "maria-sec" }, "stringData": { "PASSWORD": "x" } })),
        "an Opaque Secret",
    )
    .await;
    let token: Secret = obj(json!({
        "metadata": { "name": "forever", "annotations": { "kubernetes.io/service-account.name": "default" } },
        "type": "kubernetes.io/service-account-token",
    }));
    let s = assert_refused(&secrets, &admin, &token, "a service-account-token Secret").await;
    assert_eq!(s.code, 403, "{s:?}");
    assert!(
        s.message.contains("kubernetes.io/service-account-token") && s.message.contains("永不过期"),
        "{}",
        s.message
    );
}

#[tokio::test]
async fn the_quota_refuses_deployments_beyond_their_count() {
    let cluster = Cluster::connect().await;
    let p = provisioner(&cluster).await;
    let ns = unique_name("pc");
    let _cleanup = Cleanup::new(&cluster, &[&ns]);
    let (client, _) = learner(&cluster, &p, &ns).await;
    let quota = Api::<ResourceQuota>::namespaced(cluster.client(), &ns)
        .get(QUOTA_NAME)
        .await
        .unwrap();
    let hard = quota.spec.unwrap().hard.unwrap();
    for key in [
        "count/deployments.apps",
        "count/replicasets.apps",
        "count/jobs.batch",
        "count/ingresses.networking.k8s.io",
    ] {
        assert!(hard.contains_key(key), "{key}: {hard:?}");
    }
    let max = Quota::default()
        .counts
        .iter()
        .find(|(r, _)| *r == "deployments.apps")
        .unwrap()
        .1;
    let deployments: Api<Deployment> = Api::namespaced(client, &ns);
    // No Pods: the count is what is tested, not the Pod quota.
    let idle = |name: &str| {
        let mut d = deployment(name);
        d.spec.replicas = Some(0);
        d
    };
    create_when_allowed(&deployments, &idle("d0"), "the first Deployment").await;
    for i in 1..max {
        deployments
            .create(&PostParams::default(), &idle(&format!("d{i}")))
            .await
            .unwrap_or_else(|e| panic!("Deployment {i} of {max}: {e}"));
    }
    let s = status(
        deployments
            .create(&PostParams::default(), &idle("one-too-many"))
            .await,
        "a Deployment over the count",
    );
    assert_eq!(s.code, 403, "{s:?}");
    assert!(
        s.message.contains("exceeded quota") && s.message.contains("count/deployments.apps"),
        "{}",
        s.message
    );
}

#[tokio::test]
async fn learners_can_read_but_not_change_their_isolation_network_policy() {
    let cluster = Cluster::connect().await;
    let p = provisioner(&cluster).await;
    let ns = unique_name("pi");
    let _cleanup = Cleanup::new(&cluster, &[&ns]);
    let (client, _) = learner(&cluster, &p, &ns).await;
    let policies: Api<NetworkPolicy> = Api::namespaced(client, &ns);
    let policy = poll_until("the learner to read kubelab-isolation", WAIT, || async {
        policies
            .get(ISOLATION_POLICY)
            .await
            .map_err(|e| e.to_string())
    })
    .await;
    let spec = serde_json::to_value(policy.spec.unwrap()).unwrap();
    assert_eq!(spec["podSelector"], json!({}));
    assert_eq!(spec["policyTypes"], json!(["Ingress"]));
    assert_eq!(
        spec["ingress"][0]["from"],
        json!([
            { "podSelector": {} },
            { "namespaceSelector": { "matchLabels": { "kubernetes.io/metadata.name": DEFAULT_INGRESS_CONTROLLER_NAMESPACE } } },
        ])
    );
    let s = status(
        policies
            .delete(ISOLATION_POLICY, &DeleteParams::default())
            .await,
        "the learner deletes kubelab-isolation",
    );
    assert_eq!(s.code, 403, "{s:?}");
    let s = status(
        policies
            .patch(
                ISOLATION_POLICY,
                &PatchParams::default(),
                &Patch::Merge(json!({ "spec": { "ingress": [{}] } })),
            )
            .await,
        "the learner opens kubelab-isolation",
    );
    assert_eq!(s.code, 403, "{s:?}");
    let allow_all: NetworkPolicy = obj(json!({
        "metadata": { "name": "allow-all" },
        "spec": { "podSelector": {}, "ingress": [{}] },
    }));
    let s = status(
        policies.create(&PostParams::default(), &allow_all).await,
        "the learner adds an allow-all policy",
    );
    assert_eq!(s.code, 403, "{s:?}");
}

fn claim(name: &str, class: &str, volume: Option<&str>) -> PersistentVolumeClaim {
    let mut spec = json!({
        "storageClassName": class,
        "accessModes": ["ReadWriteOnce"],
        "resources": { "requests": { "storage": "5Mi" } },
    });
    if let Some(v) = volume {
        spec["volumeName"] = json!(v);
    }
    obj(json!({ "metadata": { "name": name }, "spec": spec }))
}

#[tokio::test]
async fn a_learner_cannot_bind_another_learners_unclaimed_pv() {
    let cluster = Cluster::connect().await;
    let admin = cluster.client();
    let p = provisioner(&cluster).await;
    let (a_ns, b_ns) = (unique_name("pva"), unique_name("pvb"));
    let _cleanup = Cleanup::new(&cluster, &[&a_ns, &b_ns]);
    let (alice, _) = learner(&cluster, &p, &a_ns).await;
    let (bob, _) = learner(&cluster, &p, &b_ns).await;

    // A's PV, unclaimed; its class is A's.
    let pv = format!("{a_ns}-host-10m-pv");
    let class = format!("{a_ns}-host-test");
    create_when_allowed(
        &Api::<PersistentVolume>::all(alice.clone()),
        &host_pv(&pv, &format!("/tmp/{a_ns}-host-10m-pv/"), &a_ns),
        "A's PV",
    )
    .await;

    // B asks for it by name and by A's class: the claim is accepted, but never bound to it.
    let b_claims: Api<PersistentVolumeClaim> = Api::namespaced(bob.clone(), &b_ns);
    create_when_allowed(
        &b_claims,
        &claim("host-5m-pvc", &class, Some(&pv)),
        "B's claim on A's PV",
    )
    .await;
    // Whoever makes the binding (here the administrator, as the PV controller would): refused.
    let pvs: Api<PersistentVolume> = Api::all(admin.clone());
    let s = status(
        pvs.patch(
            &pv,
            &PatchParams::default(),
            &Patch::Merge(
                json!({ "spec": { "claimRef": { "namespace": b_ns, "name": "host-5m-pvc" } } }),
            ),
        )
        .await,
        "binding A's PV to B's claim",
    );
    assert_eq!(s.code, 403, "{s:?}");
    assert!(s.message.contains(&a_ns), "{}", s.message);

    // A's own claim of that class gets it, while B's stays Pending.
    let a_claims: Api<PersistentVolumeClaim> = Api::namespaced(alice.clone(), &a_ns);
    create_when_allowed(&a_claims, &claim("host-5m-pvc", &class, None), "A's claim").await;
    poll_until("A's claim to be Bound to A's PV", WAIT, || async {
        let c = a_claims
            .get("host-5m-pvc")
            .await
            .map_err(|e| e.to_string())?;
        let bound = c.spec.as_ref().and_then(|s| s.volume_name.as_deref()) == Some(pv.as_str())
            && c.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Bound");
        if bound {
            Ok(())
        } else {
            Err(format!("{:?}", c.status))
        }
    })
    .await;
    let bound_to = pvs.get(&pv).await.unwrap().spec.unwrap().claim_ref.unwrap();
    assert_eq!(bound_to.namespace.as_deref(), Some(a_ns.as_str()));
    let b = b_claims.get("host-5m-pvc").await.unwrap();
    assert_ne!(
        b.status.and_then(|s| s.phase).as_deref(),
        Some("Bound"),
        "B's claim must not be bound"
    );
}

#[tokio::test]
async fn kubelab_s_service_account_cannot_step_outside_its_list() {
    let cluster = Cluster::connect().await;
    let config = kubelab_config(&cluster).await;
    let kubelab = Client::try_from(config).unwrap();
    let dry = PostParams {
        dry_run: true,
        ..PostParams::default()
    };

    // RBAC escalation prevention: kubelab has `bind` on the learner ClusterRoles only.
    let crbs: Api<ClusterRoleBinding> = Api::all(kubelab.clone());
    let to_admin: ClusterRoleBinding = obj(json!({
        "metadata": { "name": "kubelab-learner-evil" },
        "roleRef": { "apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin" },
        "subjects": [{ "kind": "ServiceAccount", "name": "kubelab", "namespace": "kubelab" }],
    }));
    refused(
        crbs.create(&dry, &to_admin).await,
        "a ClusterRoleBinding to cluster-admin",
    );
    // The learner ClusterRole bound cluster-wide to itself: RBAC allows the bind, kubelab-self not.
    let learner_everywhere: ClusterRoleBinding = obj(json!({
        "metadata": { "name": "kubelab-learner-everywhere" },
        "roleRef": { "apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": LEARNER_NAMESPACED_ROLE },
        "subjects": [{ "kind": "ServiceAccount", "name": "kubelab", "namespace": "kubelab" }],
    }));
    // kubelab-self is made with the other cluster-wide objects, and enforced a moment after the
    // API server's informers have it: this test may be the first on a fresh cluster.
    provisioner(&cluster)
        .await
        .ensure_cluster_wide()
        .await
        .expect("the cluster-wide objects");
    let s = poll_until("kubelab-self to be in force", WAIT, || async {
        match crbs.create(&dry, &learner_everywhere).await {
            Err(kube::Error::Api(s)) if s.code == 403 => Ok(s),
            other => Err(format!("{other:?}")),
        }
    })
    .await;
    assert!(s.message.contains("kubelab may only bind"), "{}", s.message);
    // Learner rights in kube-system (with its Secrets): kubelab-self refuses.
    let rbs: Api<RoleBinding> = Api::namespaced(kubelab.clone(), "kube-system");
    let in_kube_system: RoleBinding = obj(json!({
        "metadata": { "name": LEARNER_NAMESPACED_ROLE },
        "roleRef": { "apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": LEARNER_NAMESPACED_ROLE },
        "subjects": [{ "kind": "ServiceAccount", "name": "learner", "namespace": "kube-system" }],
    }));
    // A create names no object, so RBAC's resourceNames already refuse it; the server-side
    // apply kubelab uses names it, gets past RBAC, and kubelab-self refuses.
    let s = refused(
        rbs.create(&dry, &in_kube_system).await,
        "a RoleBinding in kube-system (create)",
    );
    assert!(s.message.contains("cannot create"), "{}", s.message);
    let s = refused(
        rbs.patch(
            LEARNER_NAMESPACED_ROLE,
            &PatchParams::apply("kubelab").dry_run(),
            &Patch::Apply(&in_kube_system),
        )
        .await,
        "a RoleBinding in kube-system (apply)",
    );
    assert!(s.message.contains("namespaces labelled"), "{}", s.message);
    // No Secret read by name anywhere, no Pods, no writes to the admission policies or roles.
    refused(
        Api::<Secret>::namespaced(kubelab.clone(), "kube-system")
            .get("anything")
            .await,
        "reading a Secret in kube-system",
    );
    refused(
        Api::<Pod>::namespaced(kubelab.clone(), "kube-system")
            .create(&dry, &pod("p"))
            .await,
        "a Pod in kube-system",
    );
    let vaps: Api<ValidatingAdmissionPolicy> = Api::all(kubelab.clone());
    refused(
        vaps.patch(
            "kubelab-self",
            &PatchParams {
                dry_run: true,
                ..PatchParams::default()
            },
            &Patch::Merge(json!({ "spec": { "failurePolicy": "Ignore" } })),
        )
        .await,
        "weakening kubelab-self",
    );
    let everything =
        json!({ "rules": [{ "apiGroups": ["*"], "resources": ["*"], "verbs": ["*"] }] });
    let dry_patch = PatchParams {
        dry_run: true,
        ..PatchParams::default()
    };
    refused(
        Api::<ClusterRole>::all(kubelab.clone())
            .patch(
                LEARNER_NAMESPACED_ROLE,
                &dry_patch,
                &Patch::Merge(everything),
            )
            .await,
        "widening the learner ClusterRole",
    );
    // Namespaces kubelab did not make: neither deleted nor relabelled. (kube-system itself is
    // protected from deletion by the API server anyway: take an administrator's namespace.)
    let theirs = kubelab_testkit::TestNamespace::create_in(cluster.clone(), "admin").await;
    let namespaces: Api<Namespace> = Api::all(kubelab.clone());
    let s = refused(
        namespaces
            .delete(
                theirs.name(),
                &DeleteParams {
                    dry_run: true,
                    ..DeleteParams::default()
                },
            )
            .await,
        "deleting kube-system",
    );
    assert!(
        s.message.contains("kubelab may only change namespaces"),
        "{}",
        s.message
    );
    refused(
        namespaces
            .patch(
                "kube-system",
                &PatchParams {
                    dry_run: true,
                    ..PatchParams::default()
                },
                &Patch::Merge(
                    json!({ "metadata": { "labels": { MANAGED_BY: MANAGED_BY_VALUE } } }),
                ),
            )
            .await,
        "labelling kube-system as kubelab's",
    );
    // A learner namespace without Pod Security baseline.
    let privileged: Namespace = obj(json!({ "metadata": { "name": unique_name("pp"), "labels": {
        MANAGED_BY: MANAGED_BY_VALUE, "pod-security.kubernetes.io/enforce": "privileged",
    }}}));
    refused(
        namespaces.create(&dry, &privileged).await,
        "a privileged learner namespace",
    );
    // Admin PVs are not kubelab's to delete.
    let pvs: Api<PersistentVolume> = Api::all(cluster.client());
    let admin_pv = unique_name("admin-pv");
    let mut pv = host_pv(&admin_pv, "/tmp/admin-pv", "admin");
    pv.spec.as_mut().unwrap().storage_class_name = Some("admin".into());
    pvs.create(&PostParams::default(), &pv).await.unwrap();
    let s = status(
        Api::<PersistentVolume>::all(kubelab.clone())
            .delete_collection(
                &DeleteParams::default(),
                &ListParams::default().fields(&format!("metadata.name={admin_pv}")),
            )
            .await,
        "deleting an administrator's PV",
    );
    let _ = pvs.delete(&admin_pv, &DeleteParams::default()).await;
    assert_eq!(s.code, 403, "{s:?}");
}

/// Every break-fix setup starts and resets in a learner's namespace with kubelab acting as its
/// ServiceAccount: the objects are written as the learner (impersonated), which kubelab's own
/// rights could not do, and a setup cannot carry what the learner's policies refuse.
#[tokio::test]
async fn setups_are_written_as_the_learner_whom_the_learners_policies_bind() {
    let cluster = Cluster::connect().await;
    let p = provisioner(&cluster).await;
    let ns = unique_name("psu");
    let _cleanup = Cleanup::new(&cluster, &[&ns]);
    learner(&cluster, &p, &ns).await;
    let config = kubelab_config(&cluster).await;
    let kubelab = Client::try_from(config).unwrap();
    // Only its URL is used (in errors): the writes go through the client passed in.
    let setups = crate::cluster::tests::sandbox_cluster().await;

    // kubelab itself holds no write right on a learner's workloads.
    let own: Api<Deployment> = Api::namespaced(kubelab, &ns);
    let s = status(
        own.create(&PostParams::default(), &deployment("by-kubelab"))
            .await,
        "kubelab creates a Deployment as itself",
    );
    assert_eq!(s.code, 403, "{s:?}");

    let catalog = crate::service::catalog::load_catalog(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content"),
    )
    .expect("catalog");
    let as_learner = p.learner_client(&ns).expect("impersonating client");
    let mut started = 0;
    for ex in catalog.iter().filter(|e| !e.setup.is_empty()) {
        // The learner's quota and policies are live a moment after `ensure`: retry the first.
        let first = poll_until("the first setup to be admitted", WAIT, || async {
            crate::service::setup::start_in(&setups, &as_learner, ex, &ns, false)
                .await
                .map_err(|e| e.to_string())
        })
        .await;
        assert_eq!(first.namespace, ns);
        let again = crate::service::setup::start_in(&setups, &as_learner, ex, &ns, true)
            .await
            .unwrap_or_else(|e| panic!("reset {}: {e}", ex.id));
        assert!(again.reset);
        assert_eq!(again.created, first.created, "{}", ex.id);
        started += 1;
    }
    assert!(started >= 6, "the six break-fix exercises have setups");
    let written: Api<Deployment> = Api::namespaced(cluster.client(), &ns);
    let d = written
        .get("api-dep")
        .await
        .expect("fix-target-port's Deployment");
    assert_eq!(
        d.metadata.labels.unwrap()[kubelab_checks::setup::EXERCISE_LABEL],
        "fix-target-port"
    );

    // What the learner's policies refuse, a setup cannot bring in either.
    let services: Api<Service> = Api::namespaced(as_learner, &ns);
    let s = status(
        services
            .patch(
                "grab",
                &PatchParams::apply(FIELD_MANAGER).force(),
                &Patch::Apply(&service("grab", json!({ "externalIPs": ["203.0.113.9"] }))),
            )
            .await,
        "a setup-like apply with externalIPs",
    );
    assert_eq!(s.code, 403, "{s:?}");
}

/// The final challenge as the course's answer builds it (the sandbox test's fixture, prefixed as
/// the lessons say), applied with the learner's own kubeconfig: the learner's RBAC, policies,
/// quota, LimitRange and Pod Security admit every object, and the exercise then passes.
#[tokio::test]
async fn the_final_challenge_applied_by_a_learner_is_admitted_and_passes() {
    let cluster = Cluster::connect().await;
    let p = provisioner(&cluster).await;
    let ns = unique_name("pfc");
    let _cleanup = Cleanup::new(&cluster, &[&ns]);
    let (client, _) = learner(&cluster, &p, &ns).await;
    let catalog = crate::service::catalog::load_catalog(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content"),
    )
    .expect("catalog");
    let ex = catalog.get("final-challenge").expect("the exercise");
    let text = include_str!("../../../tests/fixtures/final-challenge.yaml")
        .replace("${P}", &format!("{ns}-"));
    let objects = kubelab_checks::Snapshot::from_yaml(&ns, &text)
        .expect("the fixture parses")
        .objects;
    // `kubectl apply --server-side`, as the learner.
    let params = PatchParams::apply("kubectl").force();
    for value in &objects {
        let kind = value["kind"].as_str().unwrap_or_default();
        let name = value["metadata"]["name"].as_str().unwrap_or_default();
        let need = ex
            .needs
            .iter()
            .find(|n| n.kind == kind)
            .unwrap_or_else(|| panic!("the exercise reads no {kind}"));
        let (group, version) = need.group_version();
        let ar = kube::discovery::ApiResource::from_gvk_with_plural(
            &kube::api::GroupVersionKind::gvk(group, version, kind),
            &need.plural,
        );
        let api: Api<DynamicObject> = if need.namespaced {
            Api::namespaced_with(client.clone(), &ns, &ar)
        } else {
            Api::all_with(client.clone(), &ar)
        };
        // Retried only while RBAC and the policies settle after `ensure`; a refusal that stays
        // ends the test with the API server's message.
        poll_until(
            &format!("the learner to apply {kind} {name}"),
            WAIT,
            || async {
                api.patch(name, &params, &Patch::Apply(value))
                    .await
                    .map_err(|e| e.to_string())
            },
        )
        .await;
    }
    let reader = crate::cluster::tests::sandbox_cluster().await;
    poll_until("final-challenge to pass", WAIT, || async {
        let snapshot = reader
            .snapshot(&ex.needs, &ns)
            .await
            .map_err(|e| e.to_string())?;
        let verdict = kubelab_checks::evaluate(ex, &snapshot);
        match verdict.first_failure() {
            None if verdict.passed => Ok(()),
            first => Err(format!("{first:?}")),
        }
    })
    .await;
}
