use std::sync::Arc;

use futures::StreamExt;
use kubelab_store::{NewLearner, Status, Store};

use super::*;
use crate::service::Namespaces;

#[test]
fn an_event_names_its_classroom_or_learner_to_every_replica_but_its_sender() {
    let p = board_event("r1", "c-42");
    assert_eq!(event_of(&p, "r2"), Some(Event::Board("c-42")));
    assert_eq!(event_of(&p, "r1"), None);
    let p = terminals_event("r1", "l-7");
    assert_eq!(event_of(&p, "r2"), Some(Event::CloseTerminals("l-7")));
    assert_eq!(event_of(&p, "r1"), None);
}

#[test]
fn payloads_of_other_kinds_or_shapes_are_ignored() {
    for p in [
        "",
        "board",
        "board r1",
        "board r1 ",
        "terminals r1 ",
        "grade r1 c1",
        "BOARD r1 c1",
    ] {
        assert_eq!(event_of(p, "r2"), None, "{p:?}");
    }
}

/// The test PostgreSQL (scripts/postgres up), or `None` outside CI; in CI its absence fails.
fn postgres_url() -> Option<String> {
    match std::env::var("KUBELAB_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false") => {
            panic!("KUBELAB_TEST_DATABASE_URL is not set: eval \"$(scripts/postgres up)\"")
        }
        _ => {
            eprintln!("notice: PostgreSQL test skipped (CI is not set)");
            None
        }
    }
}

async fn replica(url: &str) -> Arc<Lab> {
    let store = Store::open(url).await.expect("store");
    let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
    let catalog = crate::service::catalog::load_catalog(&content).expect("catalog");
    Arc::new(
        Lab::new(
            store,
            Arc::new(catalog),
            Err(crate::cluster::Error::NoKubeconfig),
            Namespaces::PerLearner {
                prefix: "kl-".into(),
            },
            None,
        )
        .with_terminal(crate::service::terminal::TerminalSettings {
            enabled: true,
            ..Default::default()
        }),
    )
}

/// Starts `lab`'s relay and returns once it listens (its first "look again" has arrived).
async fn relaying(lab: &Arc<Lab>, shutdown: &watch::Receiver<bool>) {
    let mut events = lab.events.subscribe();
    tokio::spawn(relay(lab.clone(), shutdown.clone()));
    tokio::time::timeout(Duration::from_secs(10), async {
        while events.recv().await.ok().as_deref() != Some(EVERY_CLASSROOM) {}
    })
    .await
    .expect("the relay listens within 10 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pass_recorded_by_one_replica_reaches_a_board_open_on_another_within_a_second() {
    let Some(url) = postgres_url() else {
        return;
    };
    let (a, b) = (replica(&url).await, replica(&url).await);
    let (stop, shutdown) = watch::channel(false);
    relaying(&a, &shutdown).await;
    relaying(&b, &shutdown).await;

    let suffix = format!("{:08x}", rand::random::<u32>());
    let instructor = a
        .store
        .add_instructor(
            &format!("replicas-{suffix}@example.test"),
            "correct horse battery",
        )
        .await
        .expect("instructor");
    let class = a
        .store
        .create_classroom(&instructor.id, "Replicas")
        .await
        .expect("classroom");
    let learner = a
        .store
        .create_learner(NewLearner {
            display_name: Some("Ada"),
            classroom_id: Some(&class.id),
            namespace_prefix: "kl-",
        })
        .await
        .expect("learner");
    let cell = |board: &kubelab_wire::Board| board.learners[0].cell("kubectl-dry-run").status;

    let feed = b
        .clone()
        .board_feed(class.clone(), Vec::new)
        .await
        .expect("feed");
    futures::pin_mut!(feed);
    let first = feed.next().await.expect("a first board").expect("board");
    assert_eq!(cell(&first), Status::NotStarted);

    // The learner passes on replica A; the board on B must not wait for its 5 s refresh.
    let ex = a.exercise("kubectl-dry-run").expect("exercise").clone();
    let good = b"kubectl run ngx --image=nginx:alpine --dry-run=client -o yaml".to_vec();
    let verdict = a.validate(&ex, good.clone()).await.expect("verdict");
    assert!(verdict.passed);
    a.record_submission(&learner, &ex, &verdict, &good)
        .await
        .expect("recorded");
    let next = tokio::time::timeout(Duration::from_secs(1), feed.next())
        .await
        .expect("B's board changes within 1 s")
        .expect("a board")
        .expect("board");
    assert_eq!(cell(&next), Status::Passed);
    let _ = stop.send(true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_out_on_one_replica_closes_the_learners_terminals_on_another() {
    let Some(url) = postgres_url() else {
        return;
    };
    let (a, b) = (replica(&url).await, replica(&url).await);
    let (stop, shutdown) = watch::channel(false);
    relaying(&b, &shutdown).await;
    // What a terminal open on B awaits beside its relay.
    let mut on_b = b.terminal_closes.subscribe();
    a.close_terminals("learner-on-b");
    let closed = tokio::time::timeout(Duration::from_secs(2), on_b.recv())
        .await
        .expect("B hears within 2 s")
        .expect("an order");
    assert_eq!(closed, "learner-on-b");
    let _ = stop.send(true);
}
