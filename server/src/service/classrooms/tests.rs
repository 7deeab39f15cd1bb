use std::sync::Arc;

use kubelab_store::{AttemptSource, NewAttempt, NewLearner};

use super::*;
use crate::service::Namespaces;

async fn lab(dir: &tempfile::TempDir) -> Lab {
    let url = format!("sqlite://{}", dir.path().join("kubelab.db").display());
    let store = kubelab_store::Store::open(&url).await.expect("store");
    let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
    let catalog = crate::service::catalog::load_catalog(&content).expect("catalog");
    Lab::new(
        store,
        Arc::new(catalog),
        Err(crate::cluster::Error::NoKubeconfig),
        Namespaces::PerLearner {
            prefix: "kl-".into(),
        },
        None,
    )
}

#[tokio::test]
async fn regrading_pages_through_more_attempts_than_one_page_and_grades_each_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lab = lab(&dir).await;
    let instructor = lab
        .store
        .add_instructor("ada@example.test", "correct horse battery")
        .await
        .expect("instructor");
    let c = lab
        .store
        .create_classroom(&instructor.id, "Week 1")
        .await
        .expect("classroom");
    let ex = lab.exercise("kubectl-dry-run").expect("exercise").clone();
    let good = "kubectl run ngx --image=nginx:alpine --dry-run=client -o yaml";
    let verdict = kubelab_checks::validate_bytes(&ex, good.as_bytes()).expect("verdict");
    assert!(verdict.passed);
    // A stored verdict that today's rules would not give: each must come out changed.
    let mut stale = verdict.clone();
    stale.passed = false;
    let mut learners = Vec::new();
    for _ in 0..3 {
        learners.push(
            lab.store
                .create_learner(NewLearner {
                    display_name: None,
                    classroom_id: Some(&c.id),
                    namespace_prefix: "kl-",
                })
                .await
                .expect("learner"),
        );
    }
    let total = 2 * REGRADE_PAGE as usize + 7;
    for i in 0..total {
        lab.store
            .record_attempt(NewAttempt {
                learner_id: &learners[i % 3].id,
                exercise_id: &ex.id,
                source: AttemptSource::Submit,
                verdict: &stale,
                evidence: &[],
                input: Some(good),
            })
            .await
            .expect("attempt");
    }
    let summary = lab.regrade_classroom(&c).await.expect("regrade");
    assert_eq!(summary.attempts as usize, total);
    assert_eq!(summary.changed as usize, total);
    for l in &learners {
        for a in lab
            .store
            .attempts(&l.id, None, 200)
            .await
            .expect("attempts")
        {
            assert_eq!(a.regraded.as_ref().map(|v| v.passed), Some(true));
        }
    }
    // A page size that does not divide the count ends cleanly too.
    let again = lab.regrade_in_pages(&c, 10).await.expect("regrade");
    assert_eq!(again.attempts as usize, total);
}

#[tokio::test]
async fn a_recorded_attempt_stores_slim_evidence_within_the_limit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lab = lab(&dir).await.with_limits(crate::service::Limits {
        max_evidence_bytes: 8 * 1024,
        ..Default::default()
    });
    let learner = lab.start_learner(None, "ip:test").await.expect("learner");
    let ex = lab.exercise("deployment").expect("exercise").clone();
    let verdict = kubelab_checks::evaluate(&ex, &kubelab_checks::Snapshot::new("ns", vec![]));
    let mut objects = vec![serde_json::json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "aaa", "managedFields": [{"manager": "kubectl"}]},
        "data": {"file": "z".repeat(4000)}, "binaryData": {"b": "AAAA"}
    })];
    objects.extend((0..50).map(|i| {
        serde_json::json!({"kind": "Pod", "metadata": {"name": format!("p{i:02}")},
                           "spec": {"note": "y".repeat(500)}})
    }));
    let objects: Vec<std::sync::Arc<serde_json::Value>> =
        objects.into_iter().map(std::sync::Arc::new).collect();
    let attempt = lab
        .record(
            &learner,
            &ex.id,
            AttemptSource::Check,
            &verdict,
            &objects,
            None,
        )
        .await
        .expect("recorded");
    let stored = lab
        .store
        .attempt(attempt.id)
        .await
        .expect("read")
        .expect("row");
    let size = serde_json::to_vec(&stored.evidence).expect("json").len();
    assert!(size <= 8 * 1024, "{size} bytes stored");
    assert!(stored.evidence[0].get("binaryData").is_none());
    assert!(stored.evidence[0]["metadata"]
        .get("managedFields")
        .is_none());
    assert!(!stored.evidence[0].to_string().contains(&"z".repeat(300)));
    let marker = stored.evidence.last().expect("marker");
    assert_eq!(marker["kind"], crate::service::evidence::TRUNCATED_KIND);
}

/// An instructor (`email`), a classroom of theirs and one learner in it.
async fn class_with_pupil(
    lab: &Lab,
    email: &str,
) -> (
    kubelab_store::Instructor,
    kubelab_store::Classroom,
    kubelab_store::Learner,
) {
    let instructor = lab
        .store
        .add_instructor(email, "correct horse battery")
        .await
        .expect("instructor");
    let c = lab
        .store
        .create_classroom(&instructor.id, "Week 2")
        .await
        .expect("classroom");
    let pupil = lab
        .store
        .create_learner(NewLearner {
            display_name: None,
            classroom_id: Some(&c.id),
            namespace_prefix: "kl-",
        })
        .await
        .expect("learner");
    (instructor, c, pupil)
}

#[tokio::test]
async fn an_instructor_gates_a_classroom_and_its_learners_cannot_ungate_themselves() {
    use crate::service::gate::ChapterExercises;
    let dir = tempfile::tempdir().expect("tempdir");
    let lab = lab(&dir).await;
    let (_, c, pupil) = class_with_pupil(&lab, "gate@example.test").await;
    let chapters = vec![
        ChapterExercises {
            id: "one".into(),
            title: kubelab_checks::Text::new("第一章", "One"),
            exercises: vec!["kubectl-dry-run".into()],
        },
        ChapterExercises {
            id: "two".into(),
            title: kubelab_checks::Text::new("第二章", "Two"),
            exercises: vec!["network-modes".into()],
        },
    ];
    lab.require_open(Some(&pupil), "network-modes", &chapters)
        .await
        .expect("open while the classroom is not gated");

    let view = lab.set_classroom_gating(&c, true).await.expect("gated");
    assert!(view.gated);
    let now = lab
        .store
        .classroom(&c.id)
        .await
        .expect("read")
        .expect("there");
    assert!(lab.board(&now, &[]).await.expect("board").classroom.gated);
    let err = lab
        .require_open(Some(&pupil), "network-modes", &chapters)
        .await
        .expect_err("locked");
    assert!(
        matches!(&err, ServiceError::Locked { lock, .. } if lock.chapter == "one"),
        "{err:?}"
    );
    lab.require_open(Some(&pupil), "kubectl-dry-run", &chapters)
        .await
        .expect("the first chapter is open");
    let err = lab
        .set_own_gating(&pupil, false)
        .await
        .expect_err("the instructor decides");
    assert!(matches!(err, ServiceError::GatedByClassroom), "{err:?}");
    assert!(lab.me(&pupil).await.expect("me").gating.by_classroom);

    lab.set_classroom_gating(&c, false).await.expect("ungated");
    lab.require_open(Some(&pupil), "network-modes", &chapters)
        .await
        .expect("open again");
}

#[tokio::test]
async fn an_instructor_turns_recording_on_and_sees_only_their_own_learners_commands() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lab = lab(&dir).await;
    let (instructor, c, pupil) = class_with_pupil(&lab, "record@example.test").await;
    let other = lab
        .store
        .create_classroom(&instructor.id, "Week 4")
        .await
        .expect("classroom");
    assert!(!lab.records_commands(&pupil.id).await, "off by default");
    let view = lab.set_classroom_recording(&c, true).await.expect("on");
    assert!(view.record_commands);
    let now = lab
        .store
        .classroom(&c.id)
        .await
        .expect("read")
        .expect("there");
    assert!(
        lab.board(&now, &[])
            .await
            .expect("board")
            .classroom
            .record_commands
    );
    assert!(lab.records_commands(&pupil.id).await);

    lab.record_commands(&pupil.id, vec![("9.1-1".into(), "kubectl get pods".into())]);
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
    let kept = loop {
        let kept = lab.learner_commands(&c, &pupil.id).await.expect("commands");
        if !kept.is_empty() || tokio::time::Instant::now() > deadline {
            break kept;
        }
        tokio::task::yield_now().await;
    };
    assert_eq!(kept[0].command, "kubectl get pods");
    // Asked through another classroom (of the same instructor): not found.
    assert!(matches!(
        lab.learner_commands(&other, &pupil.id).await,
        Err(ServiceError::NotFound)
    ));
    lab.set_classroom_recording(&c, false).await.expect("off");
    assert!(!lab.records_commands(&pupil.id).await);
}
