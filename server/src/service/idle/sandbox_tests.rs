//! The reaper against the sandbox's real API server and namespace controller.

use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::core::v1::Namespace;
use kube::Api;
use kubelab_checks::{Mode, Verdict};
use kubelab_store::{AttemptSource, NewAttempt, NewLearner};
use kubelab_testkit::{poll_until, unique_name};

use crate::cluster::provision::{ProvisionOptions, Provisioner};
use crate::service::{Lab, Limits, Namespaces};

const HOUR_MS: i64 = 3_600_000;

async fn namespace_state(api: &Api<Namespace>, ns: &str) -> &'static str {
    match api.get_opt(ns).await.expect("read namespace") {
        None => "gone",
        Some(n) if n.metadata.deletion_timestamp.is_some() => "terminating",
        Some(_) => "active",
    }
}

#[tokio::test]
async fn an_idle_self_paced_namespace_is_removed_its_progress_stays_and_it_comes_back() {
    // Fails loudly when there is no sandbox.
    let _sandbox = kubelab_testkit::Cluster::connect().await;
    let cluster = crate::cluster::tests::sandbox_cluster().await;
    let provisioner = Provisioner::new(
        cluster.client(),
        cluster.kube_config(),
        ProvisionOptions::default(),
    );
    let namespaces: Api<Namespace> = Api::all(cluster.client());
    let dir = tempfile::tempdir().expect("tempdir");
    let url = format!("sqlite://{}", dir.path().join("kubelab.db").display());
    let store = kubelab_store::Store::open(&url).await.expect("store");
    let prefix = format!("{}-", unique_name("reap"));
    let lab = Lab::new(
        store,
        Arc::new(
            crate::service::catalog::load_catalog(
                &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content"),
            )
            .expect("catalog"),
        ),
        Ok(cluster),
        Namespaces::PerLearner {
            prefix: prefix.clone(),
        },
        Some(provisioner),
    )
    .with_limits(Limits {
        idle_namespace_ttl: Some(Duration::from_secs(3600)),
        ..Default::default()
    });

    let idle = lab.start_learner(None, "ip:a").await.expect("learner");
    let active = lab.start_learner(None, "ip:b").await.expect("learner");
    let teacher = lab
        .store
        .add_instructor("reaper@example.test", "correct horse battery")
        .await
        .expect("instructor");
    let class = lab
        .store
        .create_classroom(&teacher.id, "Week 1")
        .await
        .expect("classroom");
    let pupil = lab
        .store
        .create_learner(NewLearner {
            display_name: Some("Pupil"),
            classroom_id: Some(&class.id),
            namespace_prefix: &prefix,
        })
        .await
        .expect("pupil");
    for l in [&idle, &active, &pupil] {
        lab.ensure_namespace(l).await.expect("provisioned");
    }
    let verdict = Verdict {
        exercise: "deployment".into(),
        mode: Mode::Cluster,
        passed: true,
        results: vec![],
    };
    lab.store
        .record_attempt(NewAttempt {
            learner_id: &idle.id,
            exercise_id: "deployment",
            source: AttemptSource::Check,
            verdict: &verdict,
            evidence: &[],
            input: None,
        })
        .await
        .expect("attempt");

    // My lab tells the self-paced learner when; a classroom learner is left to the instructor.
    let me = lab.me(&idle).await.expect("me");
    let removal = me.idle_removal.expect("a self-paced learner is told");
    assert_eq!(removal.after_secs, 3600);
    assert_eq!(removal.at, idle.created_at + HOUR_MS);
    assert_eq!(lab.me(&pupil).await.expect("me").idle_removal, None);

    // An hour and a bit later: `active` was used half an hour ago, the pupil never.
    let now = idle.created_at.max(active.created_at) + HOUR_MS + 1_000;
    lab.store
        .touch_learner(&active.id, now - HOUR_MS / 2)
        .await
        .expect("touch");
    assert_eq!(lab.reap_idle(now).await.expect("reap"), 1);
    let gone = poll_until(
        "the idle namespace to be deleted",
        Duration::from_secs(60),
        || async {
            match namespace_state(&namespaces, &idle.namespace).await {
                "active" => Err("still active"),
                state => Ok(state),
            }
        },
    )
    .await;
    assert!(["terminating", "gone"].contains(&gone), "{gone}");
    assert_eq!(
        namespace_state(&namespaces, &active.namespace).await,
        "active"
    );
    assert_eq!(
        namespace_state(&namespaces, &pupil.namespace).await,
        "active"
    );
    // Progress stays; a second round finds nothing more to do.
    let progress = lab.store.progress(&idle.id).await.expect("progress");
    assert!(progress.iter().any(|p| p.exercise_id == "deployment"));
    assert_eq!(lab.reap_idle(now).await.expect("reap"), 0);

    // The learner comes back: the namespace is made again, empty, and may be reaped again later.
    poll_until(
        "the old namespace to finish terminating",
        Duration::from_secs(90),
        || async {
            match namespace_state(&namespaces, &idle.namespace).await {
                "gone" => Ok(()),
                _ => Err("terminating"),
            }
        },
    )
    .await;
    lab.ensure_namespace(&idle)
        .await
        .expect("provisioned again");
    assert_eq!(
        namespace_state(&namespaces, &idle.namespace).await,
        "active"
    );
    let listed = lab
        .store
        .idle_learners(now - HOUR_MS, 10)
        .await
        .expect("idle");
    assert!(listed.iter().any(|l| l.id == idle.id));

    if let Some(p) = &lab.provisioner {
        for l in [&idle, &active, &pupil] {
            p.remove(&l.namespace).await.expect("clean up");
        }
    }
}
