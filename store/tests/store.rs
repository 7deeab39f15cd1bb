//! One suite, run on both backends: every test below exists as `sqlite::<name>` (a file in a
//! temporary directory) and `postgres::<name>` (a fresh database per test on the server named by
//! KUBELAB_TEST_DATABASE_URL, dropped afterwards).

use std::future::Future;

use kubelab_checks::{AssertionResult, Mode, Text, Verdict};
use kubelab_store::commands::{KEPT_COMMANDS, MAX_COMMAND_CHARS};
use kubelab_store::events::Received;
use kubelab_store::{
    AttemptSource, Gating, NewAttempt, NewLearner, Status, Store, StoreError, StuckCount,
};
use serde_json::json;
use sqlx::{Connection, Executor};

const HOW_TO_START: &str =
    "KUBELAB_TEST_DATABASE_URL is not set. Start a throwaway PostgreSQL with \
     `eval \"$(scripts/postgres up)\"` and stop it with `scripts/postgres down`.";

macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                crate::with_sqlite(super::$name).await
            })*
        }
        mod postgres {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                crate::with_postgres(super::$name).await
            })*
        }
    };
}

on_both_backends!(
    learners_are_found_by_resume_code_however_it_is_typed,
    classrooms_are_found_by_join_code_listed_and_archived,
    instructors_verify_only_with_the_right_password,
    attempts_feed_lists_progress_matrix_stuck_and_regrades,
    evidence_is_stripped_when_recorded,
    fifty_concurrent_attempts_are_all_stored,
    a_batch_of_attempts_is_stored_whole_or_not_at_all,
    sessions_are_saved_loaded_and_deleted,
    idle_self_paced_learners_are_found_oldest_first_until_removed,
    gating_is_the_classrooms_choice_or_a_self_paced_learners_own,
    terminal_commands_are_kept_only_where_the_classroom_records_them_and_bounded,
);

async fn with_sqlite<F, Fut>(test: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/kubelab.db", dir.path().display());
    test(Store::open(&url).await.unwrap()).await;
}

async fn with_postgres<F, Fut>(test: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some(server) = postgres_url() else {
        return;
    };
    let mut admin = sqlx::PgConnection::connect(&server)
        .await
        .unwrap_or_else(|e| {
            panic!("cannot connect to KUBELAB_TEST_DATABASE_URL: {e}. {HOW_TO_START}")
        });
    let name = format!("kubelab_test_{}", unique_suffix());
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap();
    let store = Store::open(&with_database(&server, &name)).await.unwrap();
    // Run the test as a task so a failing test still drops its database.
    let outcome = tokio::spawn(test(store)).await;
    admin
        .execute(format!("DROP DATABASE {name} WITH (FORCE)").as_str())
        .await
        .unwrap();
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// The server URL, or `None` (after a notice) outside CI. In CI a missing server fails the test.
fn postgres_url() -> Option<String> {
    match std::env::var("KUBELAB_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false") => {
            panic!("{HOW_TO_START}")
        }
        _ => {
            eprintln!("notice: PostgreSQL test skipped (CI is not set). {HOW_TO_START}");
            None
        }
    }
}

fn unique_suffix() -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    (0..12)
        .map(|_| char::from(b'a' + rng.gen_range(0..26)))
        .collect()
}

/// `postgres://u@h:p/db?x` with another database name.
fn with_database(url: &str, database: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let authority = base.find("://").unwrap() + 3;
    let path = base[authority..]
        .find('/')
        .map_or(base.len(), |i| authority + i);
    let query = query.map(|q| format!("?{q}")).unwrap_or_default();
    format!("{}/{database}{query}", &base[..path])
}

fn verdict(exercise: &str, results: &[(&str, bool)]) -> Verdict {
    Verdict {
        exercise: exercise.to_string(),
        mode: Mode::Cluster,
        passed: !results.is_empty() && results.iter().all(|(_, passed)| *passed),
        results: results
            .iter()
            .map(|(id, passed)| AssertionResult {
                id: id.to_string(),
                passed: *passed,
                skipped: false,
                title: Text::new("标题", "title"),
                message: Text::new("消息", "message"),
                hint: None,
                object: None,
                field: None,
                expected: None,
                found: None,
                location: None,
            })
            .collect(),
    }
}

fn attempt<'a>(learner_id: &'a str, verdict: &'a Verdict) -> NewAttempt<'a> {
    NewAttempt {
        learner_id,
        exercise_id: &verdict.exercise,
        source: AttemptSource::Check,
        verdict,
        evidence: &[],
        input: None,
    }
}

fn learner_in(classroom_id: Option<&str>) -> NewLearner<'_> {
    NewLearner {
        display_name: None,
        classroom_id,
        namespace_prefix: "kl-",
    }
}

async fn learners_are_found_by_resume_code_however_it_is_typed(store: Store) {
    let ada = store
        .create_learner(NewLearner {
            display_name: Some("  Ada  "),
            classroom_id: None,
            namespace_prefix: "kl-",
        })
        .await
        .unwrap();
    assert_eq!(ada.display_name.as_deref(), Some("Ada"));
    let suffix = ada.namespace.strip_prefix("kl-").unwrap();
    assert_eq!(suffix.len(), 8);
    assert!(suffix
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
    let code = &ada.resume_code;
    assert_eq!(code.len(), 9, "{code}");
    assert_eq!(&code[4..5], "-");

    assert_eq!(store.learner(&ada.id).await.unwrap().as_ref(), Some(&ada));
    for typed in [
        code.clone(),
        code.to_lowercase(),
        code.replace('-', ""),
        format!("  {} {} ", &code[..4], code[5..].to_lowercase()),
    ] {
        let found = store.learner_by_resume_code(&typed).await.unwrap();
        assert_eq!(found.as_ref(), Some(&ada), "typed {typed:?}");
    }
    assert_eq!(
        store.learner_by_resume_code("ZZZZ-ZZZZ").await.unwrap(),
        None
    );
    assert_eq!(
        store.learner_by_resume_code("not a code").await.unwrap(),
        None
    );
    assert_eq!(store.learner("nobody").await.unwrap(), None);

    let other = store.create_learner(learner_in(None)).await.unwrap();
    assert_eq!(other.display_name, None);
    assert_ne!(other.id, ada.id);
    assert_ne!(other.namespace, ada.namespace);
    assert_ne!(other.resume_code, ada.resume_code);

    store.set_display_name(&ada.id, "Grace").await.unwrap();
    let renamed = store.learner(&ada.id).await.unwrap().unwrap();
    assert_eq!(renamed.display_name.as_deref(), Some("Grace"));
    store.set_display_name(&ada.id, "   ").await.unwrap();
    let cleared = store.learner(&ada.id).await.unwrap().unwrap();
    assert_eq!(cleared.display_name, None);
    assert!(matches!(
        store.set_display_name("nobody", "x").await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store
            .create_learner(learner_in(Some("no-such-classroom")))
            .await,
        Err(StoreError::NotFound(_))
    ));
    let bad_prefix = NewLearner {
        namespace_prefix: "KL_",
        ..learner_in(None)
    };
    assert!(matches!(
        store.create_learner(bad_prefix).await,
        Err(StoreError::Invalid(_))
    ));
}

async fn classrooms_are_found_by_join_code_listed_and_archived(store: Store) {
    let teacher = store
        .add_instructor("teacher@example.org", "correct horse")
        .await
        .unwrap();
    let week1 = store
        .create_classroom(&teacher.id, "  Week 1  ")
        .await
        .unwrap();
    assert_eq!(week1.name, "Week 1");
    assert_eq!(week1.instructor_id, teacher.id);
    assert_eq!(week1.archived_at, None);
    assert_eq!(&week1.code[4..5], "-");
    let week2 = store.create_classroom(&teacher.id, "Week 2").await.unwrap();
    assert_ne!(week1.code, week2.code);

    let typed = week1.code.to_lowercase().replace('-', " ");
    assert_eq!(
        store.classroom_by_code(&typed).await.unwrap().as_ref(),
        Some(&week1)
    );
    assert_eq!(store.classroom_by_code("2222-2222").await.unwrap(), None);
    assert_eq!(
        store.classroom(&week2.id).await.unwrap().as_ref(),
        Some(&week2)
    );

    let mut listed: Vec<String> = store
        .classrooms_of(&teacher.id)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    listed.sort();
    let mut expected = vec![week1.id.clone(), week2.id.clone()];
    expected.sort();
    assert_eq!(listed, expected);
    assert!(store.classrooms_of("nobody").await.unwrap().is_empty());

    let learner = store
        .create_learner(learner_in(Some(&week1.id)))
        .await
        .unwrap();
    assert_eq!(learner.classroom_id.as_deref(), Some(week1.id.as_str()));
    assert_eq!(store.learners_in(&week1.id).await.unwrap(), vec![learner]);
    assert!(store.learners_in(&week2.id).await.unwrap().is_empty());

    store.archive_classroom(&week1.id).await.unwrap();
    let archived = store.classroom_by_code(&week1.code).await.unwrap().unwrap();
    let archived_at = archived.archived_at.expect("archived_at set");
    assert!(archived_at >= week1.created_at);
    store.archive_classroom(&week1.id).await.unwrap();
    let again = store.classroom(&week1.id).await.unwrap().unwrap();
    assert_eq!(
        again.archived_at,
        Some(archived_at),
        "first archiving time kept"
    );
    assert_eq!(store.classrooms_of(&teacher.id).await.unwrap().len(), 2);

    assert!(matches!(
        store.archive_classroom("nope").await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.create_classroom("nobody", "X").await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.create_classroom(&teacher.id, "  ").await,
        Err(StoreError::Invalid(_))
    ));
}

async fn instructors_verify_only_with_the_right_password(store: Store) {
    let teacher = store
        .add_instructor("  Teacher@Example.ORG ", "correct horse")
        .await
        .unwrap();
    assert_eq!(teacher.email, "teacher@example.org");
    assert_eq!(
        store.instructor(&teacher.id).await.unwrap().as_ref(),
        Some(&teacher)
    );

    let good = store
        .verify_instructor("TEACHER@example.org", "correct horse")
        .await
        .unwrap();
    assert_eq!(good.as_ref(), Some(&teacher));
    assert_eq!(
        store
            .verify_instructor("teacher@example.org", "Correct horse")
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .verify_instructor("stranger@example.org", "correct horse")
            .await
            .unwrap(),
        None
    );

    assert!(matches!(
        store
            .add_instructor("teacher@example.org", "other password")
            .await,
        Err(StoreError::AlreadyExists(_))
    ));
    assert!(matches!(
        store.add_instructor("second@example.org", "short").await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        store.add_instructor("not an email", "long enough").await,
        Err(StoreError::Invalid(_))
    ));

    store
        .set_instructor_password("teacher@example.org", "battery staple")
        .await
        .unwrap();
    assert_eq!(
        store
            .verify_instructor("teacher@example.org", "correct horse")
            .await
            .unwrap(),
        None
    );
    assert!(store
        .verify_instructor("teacher@example.org", "battery staple")
        .await
        .unwrap()
        .is_some());
    assert!(matches!(
        store
            .set_instructor_password("stranger@example.org", "battery staple")
            .await,
        Err(StoreError::NotFound(_))
    ));
}

async fn attempts_feed_lists_progress_matrix_stuck_and_regrades(store: Store) {
    let teacher = store
        .add_instructor("t@example.org", "correct horse")
        .await
        .unwrap();
    let class = store.create_classroom(&teacher.id, "C").await.unwrap();
    let a = store
        .create_learner(learner_in(Some(&class.id)))
        .await
        .unwrap();
    let b = store
        .create_learner(learner_in(Some(&class.id)))
        .await
        .unwrap();
    let idle = store
        .create_learner(learner_in(Some(&class.id)))
        .await
        .unwrap();
    let outsider = store.create_learner(learner_in(None)).await.unwrap();

    let deploy_fail = verdict("deploy", &[("replicas", false), ("image", true)]);
    let deploy_pass = verdict("deploy", &[("replicas", true), ("image", true)]);
    let svc_fail = verdict("svc", &[("selector", false)]);
    let svc_pass = verdict("svc", &[("selector", true)]);
    let mut svc_fail_skipped = verdict("svc", &[("selector", false), ("port", false)]);
    svc_fail_skipped.results[1].skipped = true;

    let a1 = store
        .record_attempt(attempt(&a.id, &deploy_fail))
        .await
        .unwrap();
    let a2 = store
        .record_attempt(attempt(&a.id, &deploy_pass))
        .await
        .unwrap();
    let a3 = store
        .record_attempt(attempt(&a.id, &svc_fail))
        .await
        .unwrap();
    let b1 = store
        .record_attempt(attempt(&b.id, &deploy_fail))
        .await
        .unwrap();
    store
        .record_attempt(attempt(&b.id, &svc_pass))
        .await
        .unwrap();
    store
        .record_attempt(attempt(&b.id, &svc_fail_skipped))
        .await
        .unwrap();
    store
        .record_attempt(attempt(&outsider.id, &svc_fail))
        .await
        .unwrap();
    assert!(a1.id < a2.id && a2.id < a3.id);
    assert!(a2.passed && !a1.passed);
    assert_eq!(store.count_attempts().await.unwrap(), 7);

    assert_eq!(store.attempt(a2.id).await.unwrap().as_ref(), Some(&a2));
    assert_eq!(store.attempt(-1).await.unwrap(), None);
    let ids = |list: Vec<kubelab_store::Attempt>| list.iter().map(|x| x.id).collect::<Vec<_>>();
    assert_eq!(
        ids(store.attempts(&a.id, None, 10).await.unwrap()),
        vec![a3.id, a2.id, a1.id]
    );
    assert_eq!(
        ids(store.attempts(&a.id, Some("deploy"), 1).await.unwrap()),
        vec![a2.id]
    );
    assert!(store.attempts(&idle.id, None, 10).await.unwrap().is_empty());

    let progress = store.progress(&a.id).await.unwrap();
    assert_eq!(progress.len(), 2);
    assert_eq!(progress[0].exercise_id, "deploy");
    assert!(matches!(progress[0].status, Status::Passed));
    assert_eq!(progress[0].attempts, 2);
    assert_eq!(progress[0].first_pass_at, Some(a2.at));
    assert_eq!(progress[0].last_at, Some(a2.at));
    assert_eq!(progress[1].exercise_id, "svc");
    assert!(matches!(progress[1].status, Status::Failing));
    assert_eq!(progress[1].first_pass_at, None);
    assert!(store.progress(&idle.id).await.unwrap().is_empty());

    let matrix = store.matrix(&class.id).await.unwrap();
    let rows: Vec<(&str, Vec<(&str, u32)>)> = matrix
        .iter()
        .map(|(l, p)| {
            (
                l.id.as_str(),
                p.iter()
                    .map(|e| (e.exercise_id.as_str(), e.attempts))
                    .collect(),
            )
        })
        .collect();
    let mut expected = vec![
        (a.id.as_str(), vec![("deploy", 2), ("svc", 1)]),
        (b.id.as_str(), vec![("deploy", 1), ("svc", 2)]),
        (idle.id.as_str(), vec![]),
    ];
    // Learners created in the same millisecond are ordered by id.
    expected.sort_by_key(|(id, _)| {
        let l = [&a, &b, &idle].into_iter().find(|l| l.id == *id).unwrap();
        (l.created_at, l.id.clone())
    });
    assert_eq!(rows, expected);
    assert!(matches!(
        matrix.iter().find(|(l, _)| l.id == b.id).unwrap().1[1].status,
        Status::Passed
    ));

    // Latest attempts: a passes deploy, fails svc/selector; b fails deploy/replicas and
    // svc/selector (port skipped); the outsider is in no classroom.
    assert_eq!(
        store.stuck(&class.id).await.unwrap(),
        vec![
            StuckCount {
                exercise_id: "deploy".into(),
                assertion_id: "replicas".into(),
                learners: 1,
                message: None,
            },
            StuckCount {
                exercise_id: "svc".into(),
                assertion_id: "selector".into(),
                learners: 2,
                message: None,
            },
        ]
    );

    // Paged: 4, then the 2 after the last id of the first page.
    let first = store.attempts_in_classroom(&class.id, 0, 4).await.unwrap();
    assert_eq!(first.len(), 4);
    let last_id = first.last().unwrap().id;
    let rest = store
        .attempts_in_classroom(&class.id, last_id, 4)
        .await
        .unwrap();
    assert_eq!(rest.len(), 2);
    assert!(store
        .attempts_in_classroom(&class.id, rest.last().unwrap().id, 4)
        .await
        .unwrap()
        .is_empty());
    let in_class: Vec<_> = first.into_iter().chain(rest).collect();
    assert_eq!(in_class.len(), 6);
    assert!(in_class.windows(2).all(|w| w[0].id < w[1].id));
    assert!(in_class.iter().all(|x| x.learner_id != outsider.id));

    store.record_regrade(a1.id, &deploy_pass).await.unwrap();
    let regraded = store.attempt(a1.id).await.unwrap().unwrap();
    assert_eq!(regraded.regraded.as_ref(), Some(&deploy_pass));
    assert_eq!(
        regraded.verdict, deploy_fail,
        "the original verdict is kept"
    );
    assert!(!regraded.passed);
    // Progress counts the re-grading: b never passed deploy, a re-grading passes it.
    let deploy_of_b = |progress: Vec<kubelab_store::ExerciseProgress>| {
        progress
            .into_iter()
            .find(|p| p.exercise_id == "deploy")
            .unwrap()
    };
    let before = deploy_of_b(store.progress(&b.id).await.unwrap());
    assert_eq!(before.status, kubelab_store::Status::Failing);
    store.record_regrade(b1.id, &deploy_pass).await.unwrap();
    let after = deploy_of_b(store.progress(&b.id).await.unwrap());
    assert_eq!(after.status, kubelab_store::Status::Passed);
    assert_eq!(after.first_pass_at, Some(b1.at));
    assert!(matches!(
        store.record_regrade(-1, &deploy_pass).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.record_attempt(attempt("nobody", &deploy_pass)).await,
        Err(StoreError::NotFound(_))
    ));
}

async fn evidence_is_stripped_when_recorded(store: Store) {
    let learner = store.create_learner(learner_in(None)).await.unwrap();
    let evidence = [
        json!({
            "apiVersion": "v1", "kind": "Secret", "type": "Opaque",
            "metadata": {"name": "db", "managedFields": [{"manager": "kubectl"}],
                         "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{\"data\":{\"password\":\"aHVudGVyMg==\"}}"}},
            "data": {"password": "aHVudGVyMg=="}
        }),
        json!({"kind": "Deployment", "metadata": {"name": "web"}, "spec": {"replicas": 2}}),
    ];
    let v = verdict("secret", &[("exists", true)]);
    let recorded = store
        .record_attempt(NewAttempt {
            source: AttemptSource::Submit,
            evidence: &evidence,
            input: Some("kubectl create secret generic db"),
            ..attempt(&learner.id, &v)
        })
        .await
        .unwrap();
    let stored = store.attempt(recorded.id).await.unwrap().unwrap();
    assert_eq!(stored, recorded);
    let text = serde_json::to_string(&stored.evidence).unwrap();
    assert!(!text.contains("aHVudGVyMg"), "{text}");
    assert!(!text.contains("managedFields"), "{text}");
    assert_eq!(stored.evidence[0]["metadata"]["name"], "db");
    assert_eq!(stored.evidence[1]["spec"]["replicas"], 2);
    assert_eq!(stored.source, AttemptSource::Submit);
    assert_eq!(
        stored.input.as_deref(),
        Some("kubectl create secret generic db")
    );
}

async fn fifty_concurrent_attempts_are_all_stored(store: Store) {
    let learner = store.create_learner(learner_in(None)).await.unwrap();
    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let store = store.clone();
            let learner_id = learner.id.clone();
            tokio::spawn(async move {
                let v = verdict(&format!("ex-{}", i % 5), &[("a", i % 2 == 0)]);
                store
                    .record_attempt(attempt(&learner_id, &v))
                    .await
                    .unwrap()
                    .id
            })
        })
        .collect();
    let mut ids = Vec::new();
    for task in tasks {
        ids.push(task.await.unwrap());
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 50);
    assert_eq!(store.count_attempts().await.unwrap(), 50);
    let stored = store.attempts(&learner.id, None, 100).await.unwrap();
    let mut stored_ids: Vec<i64> = stored.iter().map(|a| a.id).collect();
    stored_ids.sort();
    assert_eq!(stored_ids, ids);
    let progress = store.progress(&learner.id).await.unwrap();
    assert_eq!(progress.iter().map(|p| p.attempts).sum::<u32>(), 50);
}

async fn a_batch_of_attempts_is_stored_whole_or_not_at_all(store: Store) {
    let (a, b) = (
        store.create_learner(learner_in(None)).await.unwrap(),
        store.create_learner(learner_in(None)).await.unwrap(),
    );
    let (pass, fail) = (
        verdict("ex-1", &[("x", true)]),
        verdict("ex-2", &[("x", false)]),
    );
    let batch = [
        attempt(&a.id, &pass),
        attempt(&a.id, &fail),
        attempt(&b.id, &fail),
    ];
    assert_eq!(store.record_attempts(&batch).await.unwrap(), 3);
    assert_eq!(store.count_attempts().await.unwrap(), 3);
    let of_a = store.attempts(&a.id, None, 10).await.unwrap();
    assert_eq!(of_a.len(), 2);
    assert_eq!(of_a.iter().filter(|t| t.passed).count(), 1);
    // A learner that does not exist in the middle of a batch: nothing of it is stored.
    let bad = [
        attempt(&b.id, &pass),
        attempt("no-such-learner", &pass),
        attempt(&a.id, &pass),
    ];
    let err = store.record_attempts(&bad).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
    assert_eq!(store.count_attempts().await.unwrap(), 3);
    assert!(store.record_attempts(&[]).await.unwrap() == 0);
}

async fn sessions_are_saved_loaded_and_deleted(store: Store) {
    use tower_sessions::cookie::time::{Duration, OffsetDateTime};
    use tower_sessions::session::{Id, Record};
    use tower_sessions::{ExpiredDeletion, SessionStore};

    let sessions = store.session_store();
    // Whole seconds: the stored expiry keeps less precision than OffsetDateTime has.
    let expiry =
        OffsetDateTime::from_unix_timestamp(OffsetDateTime::now_utc().unix_timestamp() + 3600)
            .unwrap();
    let mut record = Record {
        id: Id::default(),
        data: [("learner".to_string(), json!("abc"))]
            .into_iter()
            .collect(),
        expiry_date: expiry,
    };
    sessions.create(&mut record).await.unwrap();
    assert_eq!(
        sessions.load(&record.id).await.unwrap().as_ref(),
        Some(&record)
    );

    record.data.insert("lang".into(), json!("zh"));
    sessions.save(&record).await.unwrap();
    assert_eq!(
        sessions.load(&record.id).await.unwrap().unwrap().data["lang"],
        "zh"
    );

    let expired = Record {
        id: Id::default(),
        data: Default::default(),
        expiry_date: expiry - Duration::hours(2),
    };
    sessions.save(&expired).await.unwrap();
    assert_eq!(sessions.load(&expired.id).await.unwrap(), None);
    sessions.delete_expired().await.unwrap();

    sessions.delete(&record.id).await.unwrap();
    assert_eq!(sessions.load(&record.id).await.unwrap(), None);
}

#[tokio::test]
async fn sqlite_file_is_created_with_its_directory_in_wal_mode_and_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("data/nested/kubelab.db");
    let url = format!("sqlite://{}", path.display());
    let store = Store::open(&url).await.unwrap();
    assert_eq!(store.backend(), kubelab_store::Backend::Sqlite);
    store.ping().await.unwrap();
    let learner = store.create_learner(learner_in(None)).await.unwrap();
    let v = verdict("deploy", &[("replicas", true)]);
    let recorded = store
        .record_attempt(attempt(&learner.id, &v))
        .await
        .unwrap();
    drop(store);
    assert!(path.is_file());

    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    conn.close().await.unwrap();

    let reopened = Store::open(&url).await.unwrap();
    assert_eq!(reopened.attempt(recorded.id).await.unwrap(), Some(recorded));
}

#[tokio::test]
async fn unreachable_postgres_is_unavailable_and_the_password_is_never_shown() {
    let e = Store::open("postgres://kubelab:hunter2@127.0.0.1:1/kubelab")
        .await
        .unwrap_err();
    assert!(e.is_unavailable(), "{e:?}");
    let shown = format!("{e} | {e:?} | {} | {}", e.text().zh, e.text().en);
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(e.text().en.contains("unavailable"), "{shown}");
}

#[tokio::test]
async fn unsupported_urls_are_refused_with_a_readable_message() {
    for url in [
        "mysql://root:pw@db/kubelab",
        "sqlite::memory:",
        "data/kubelab.db",
    ] {
        let e = Store::open(url).await.unwrap_err();
        assert!(
            matches!(e, StoreError::UnsupportedUrl { .. }),
            "{url}: {e:?}"
        );
        assert!(!e.text().en.contains(":pw@"), "{}", e.text().en);
        assert!(e.text().zh.contains("sqlite://"));
    }
}

async fn idle_self_paced_learners_are_found_oldest_first_until_removed(store: Store) {
    let teacher = store
        .add_instructor("t@example.org", "correct horse")
        .await
        .unwrap();
    let class = store.create_classroom(&teacher.id, "Class").await.unwrap();
    let a = store.create_learner(learner_in(None)).await.unwrap();
    let b = store.create_learner(learner_in(None)).await.unwrap();
    let pupil = store
        .create_learner(learner_in(Some(&class.id)))
        .await
        .unwrap();
    // A new learner counts as active when created.
    assert_eq!(store.last_active(&a.id).await.unwrap(), Some(a.created_at));
    assert_eq!(store.last_active("nobody").await.unwrap(), None);
    let later = a.created_at.max(b.created_at) + 1;
    assert!(store
        .idle_learners(a.created_at.min(b.created_at), 10)
        .await
        .unwrap()
        .is_empty());

    // b was active later than a: a is the longest idle; the classroom's learner is never listed.
    store.touch_learner(&b.id, later + 1_000).await.unwrap();
    store.touch_learner(&pupil.id, 0).await.unwrap();
    let ids = |l: Vec<kubelab_store::Learner>| l.into_iter().map(|l| l.id).collect::<Vec<_>>();
    assert_eq!(
        ids(store.idle_learners(later + 2_000, 10).await.unwrap()),
        vec![a.id.clone(), b.id.clone()]
    );
    assert_eq!(
        ids(store.idle_learners(later + 2_000, 1).await.unwrap()),
        vec![a.id.clone()]
    );
    assert_eq!(
        ids(store.idle_learners(later + 500, 10).await.unwrap()),
        vec![a.id.clone()]
    );
    // A touch never moves the time back.
    store.touch_learner(&b.id, later).await.unwrap();
    assert_eq!(store.last_active(&b.id).await.unwrap(), Some(later + 1_000));

    // Once removed, a is not listed again until its namespace is made again.
    store
        .set_namespace_removed(&a.id, Some(later + 2_000))
        .await
        .unwrap();
    assert_eq!(
        ids(store.idle_learners(later + 2_000, 10).await.unwrap()),
        vec![b.id.clone()]
    );
    store.set_namespace_removed(&a.id, None).await.unwrap();
    assert_eq!(
        ids(store.idle_learners(later + 2_000, 10).await.unwrap()),
        vec![a.id.clone(), b.id]
    );
}

async fn gating_is_the_classrooms_choice_or_a_self_paced_learners_own(store: Store) {
    let teacher = store
        .add_instructor("gate@example.org", "correct horse")
        .await
        .unwrap();
    let class = store.create_classroom(&teacher.id, "Gated").await.unwrap();
    assert!(!class.gated);
    let pupil = store
        .create_learner(learner_in(Some(&class.id)))
        .await
        .unwrap();
    let alone = store.create_learner(learner_in(None)).await.unwrap();
    let off_by_class = Gating {
        gated: false,
        by_classroom: true,
    };
    assert_eq!(store.gating(&pupil.id).await.unwrap(), off_by_class);
    assert_eq!(store.gating(&alone.id).await.unwrap(), Gating::default());

    store.set_classroom_gated(&class.id, true).await.unwrap();
    assert!(store.classroom(&class.id).await.unwrap().unwrap().gated);
    let on_by_class = Gating {
        gated: true,
        by_classroom: true,
    };
    assert_eq!(store.gating(&pupil.id).await.unwrap(), on_by_class);
    // A classroom learner's own switch does not override the instructor's.
    store.set_learner_gated(&pupil.id, false).await.unwrap();
    assert_eq!(store.gating(&pupil.id).await.unwrap(), on_by_class);
    store.set_classroom_gated(&class.id, false).await.unwrap();
    store.set_learner_gated(&pupil.id, true).await.unwrap();
    assert_eq!(store.gating(&pupil.id).await.unwrap(), off_by_class);

    store.set_learner_gated(&alone.id, true).await.unwrap();
    assert_eq!(
        store.gating(&alone.id).await.unwrap(),
        Gating {
            gated: true,
            by_classroom: false,
        }
    );
    assert_eq!(
        store.gating("no-such-learner").await.unwrap(),
        Gating::default()
    );

    // A challenge's hints count only the learner's own failed checks and submissions.
    let failed = verdict("final-challenge", &[("a", false)]);
    let passed = verdict("final-challenge", &[("a", true)]);
    assert_eq!(
        store
            .failed_tries(&alone.id, "final-challenge")
            .await
            .unwrap(),
        0
    );
    store
        .record_attempt(attempt(&alone.id, &failed))
        .await
        .unwrap();
    store
        .record_attempt(attempt(&alone.id, &passed))
        .await
        .unwrap();
    for source in [
        AttemptSource::Live,
        AttemptSource::Grade,
        AttemptSource::Submit,
    ] {
        store
            .record_attempt(NewAttempt {
                source,
                ..attempt(&alone.id, &failed)
            })
            .await
            .unwrap();
    }
    assert_eq!(
        store
            .failed_tries(&alone.id, "final-challenge")
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        store
            .failed_tries(&pupil.id, "final-challenge")
            .await
            .unwrap(),
        0
    );
    assert!(store
        .set_classroom_gated("no-such-class", true)
        .await
        .is_err());
}

/// Replicas on one PostgreSQL: several processes opening a fresh database at once all succeed
/// (each migration runs once, under a lock), and what one publishes every one hears, itself too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_opening_one_fresh_postgres_together_all_open_and_hear_each_other() {
    let Some(server) = postgres_url() else {
        return;
    };
    let mut admin = sqlx::PgConnection::connect(&server).await.unwrap();
    let name = format!("kubelab_test_{}", unique_suffix());
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .unwrap();
    let url = with_database(&server, &name);
    let outcome = tokio::spawn(async move {
        let opening: Vec<_> = (0..4)
            .map(|_| {
                let url = url.clone();
                tokio::spawn(async move { Store::open(&url).await })
            })
            .collect();
        let mut stores = Vec::new();
        for o in opening {
            stores.push(o.await.unwrap().unwrap());
        }
        let mut listeners = Vec::new();
        for s in &stores {
            listeners.push(s.listen().await.unwrap().expect("PostgreSQL listens"));
        }
        stores[0].publish("board r1 c1").await.unwrap();
        stores[3].publish("board r4 c2").await.unwrap();
        for l in &mut listeners {
            for want in ["board r1 c1", "board r4 c2"] {
                let got = tokio::time::timeout(std::time::Duration::from_secs(5), l.recv())
                    .await
                    .expect("an event within 5 s")
                    .unwrap();
                assert_eq!(got, Received::Event(want.to_string()));
            }
        }
        // Sessions work on a database whose sessions table was created in that race.
        sessions_are_saved_loaded_and_deleted(stores[1].clone()).await;
    })
    .await;
    admin
        .execute(format!("DROP DATABASE {name} WITH (FORCE)").as_str())
        .await
        .unwrap();
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// One process on SQLite: publishing is accepted and there is no one else to listen to.
#[tokio::test]
async fn on_sqlite_events_stay_in_the_process() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&format!("sqlite://{}/kubelab.db", dir.path().display()))
        .await
        .unwrap();
    store.publish("board r1 c1").await.unwrap();
    assert!(store.listen().await.unwrap().is_none());
}

async fn terminal_commands_are_kept_only_where_the_classroom_records_them_and_bounded(
    store: Store,
) {
    let one = |mark: &str, command: &str| vec![(mark.to_string(), command.to_string())];
    let teacher = store
        .add_instructor("record@example.org", "correct horse")
        .await
        .unwrap();
    let class = store
        .create_classroom(&teacher.id, "Recorded")
        .await
        .unwrap();
    assert!(
        !class.record_commands,
        "off unless the instructor turns it on"
    );
    let pupil = store
        .create_learner(learner_in(Some(&class.id)))
        .await
        .unwrap();
    let alone = store.create_learner(learner_in(None)).await.unwrap();
    assert!(!store.records_commands(&pupil.id).await.unwrap());
    let kept = store
        .add_terminal_commands(&pupil.id, 500, &one("1.1-1", "before it was on"))
        .await
        .unwrap();
    assert_eq!(kept, 0, "not kept while the classroom does not record");
    store
        .set_classroom_recording(&class.id, true)
        .await
        .unwrap();
    assert!(
        store
            .classroom(&class.id)
            .await
            .unwrap()
            .unwrap()
            .record_commands
    );
    assert!(store.records_commands(&pupil.id).await.unwrap());
    assert!(
        !store.records_commands(&alone.id).await.unwrap(),
        "a self-paced learner's commands are never kept"
    );
    assert_eq!(
        store
            .add_terminal_commands(&alone.id, 500, &one("1.1-1", "ls"))
            .await
            .unwrap(),
        0
    );
    assert!(store
        .set_classroom_recording("no-such-class", true)
        .await
        .is_err());

    let long = "x".repeat(MAX_COMMAND_CHARS + 50);
    let two = vec![
        ("1.1-1".to_string(), "kubectl get pods".to_string()),
        ("1.1-2".to_string(), long),
    ];
    assert_eq!(
        store
            .add_terminal_commands(&pupil.id, 1_000, &two)
            .await
            .unwrap(),
        2
    );
    // The same shell seen from a second tab reports the same marks: kept once.
    assert_eq!(
        store
            .add_terminal_commands(&pupil.id, 1_001, &two)
            .await
            .unwrap(),
        0
    );
    let kept = store.terminal_commands(&pupil.id, 10).await.unwrap();
    assert_eq!(kept.len(), 2);
    assert_eq!(
        kept[0].command.chars().count(),
        MAX_COMMAND_CHARS,
        "cut, newest first"
    );
    assert_eq!(kept[1].command, "kubectl get pods");
    assert!(store
        .terminal_commands(&alone.id, 10)
        .await
        .unwrap()
        .is_empty());

    // Only the newest KEPT_COMMANDS stay.
    let total = usize::try_from(KEPT_COMMANDS).unwrap() + 5;
    let many: Vec<(String, String)> = (0..total)
        .map(|i| (format!("2.2-{i}"), format!("echo {i}")))
        .collect();
    store
        .add_terminal_commands(&pupil.id, 10_000, &many)
        .await
        .unwrap();
    let kept = store.terminal_commands(&pupil.id, 10_000).await.unwrap();
    assert_eq!(kept.len(), usize::try_from(KEPT_COMMANDS).unwrap());
    assert_eq!(kept[0].command, format!("echo {}", total - 1));
    assert_eq!(kept.last().unwrap().command, "echo 5");
    assert_eq!(
        store.terminal_commands(&pupil.id, 3).await.unwrap().len(),
        3
    );
    // Turning it off stops keeping at once, and keeps what was kept.
    store
        .set_classroom_recording(&class.id, false)
        .await
        .unwrap();
    assert!(!store.records_commands(&pupil.id).await.unwrap());
    assert_eq!(
        store
            .add_terminal_commands(&pupil.id, 20_000, &one("3.3-1", "after"))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        store.terminal_commands(&pupil.id, 1).await.unwrap()[0].command,
        format!("echo {}", total - 1)
    );
}
