//! Issue #11: anonymous visitors and a hostile classroom cannot exhaust kubelab. Each test
//! here failed before its cap existed.

use std::net::SocketAddr;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use kubelab_checks::Text;
use tower::ServiceExt;

use super::*;
use crate::service::Limits;
use crate::web::testkit::{state, state_with, state_with_limits};

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Answer {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("{}: not JSON ({e}): {}", self.status, self.body))
    }

    fn code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// A refusal in our error body: a code and both languages.
    fn assert_refusal(&self, status: StatusCode, code: &str) {
        assert_eq!(self.status, status, "{}", self.body);
        assert_eq!(self.code(), code, "{}", self.body);
        let text: Text =
            serde_json::from_value(self.json()["error"]["message"].clone()).expect("zh/en message");
        assert!(!text.zh.is_empty() && !text.en.is_empty());
    }

    fn retry_after(&self) -> Option<u64> {
        self.headers
            .get(header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
    }

    fn cookie(&self) -> Option<String> {
        self.headers
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(str::to_string)
    }
}

/// One request from `addr` (None: no connect info, "ip:local"), with a session `cookie`.
async fn send(
    app: &Router,
    method: Method,
    uri: &str,
    cookie: Option<&str>,
    addr: Option<&str>,
    body: impl Into<Body>,
) -> Answer {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    let mut req = req
        .header(header::CONTENT_TYPE, "application/json")
        .body(body.into())
        .expect("request");
    if let Some(a) = addr {
        let a: SocketAddr = format!("{a}:40000").parse().expect("address");
        req.extensions_mut().insert(ConnectInfo(a));
    }
    let resp = app.clone().oneshot(req).await.expect("router answers");
    let status = resp.status();
    let headers = resp.headers().clone();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

const DRY_RUN: &str = "kubectl run ngx --image=nginx:alpine --dry-run=client -o yaml";
const SUBMIT: &str = "/api/exercises/kubectl-dry-run/submit";

fn no_cluster() -> Result<crate::cluster::Cluster, crate::cluster::Error> {
    Err(crate::cluster::Error::NoKubeconfig)
}

#[tokio::test]
async fn submissions_beyond_the_per_minute_cap_are_429_with_retry_after_and_store_nothing() {
    let limits = Limits {
        submissions_per_minute: 5,
        ..Default::default()
    };
    let (state, _dir) = state_with_limits(no_cluster(), limits).await;
    let store = state.lab.store.clone();
    let app = router(state);
    let start = send(&app, Method::POST, "/api/session/start", None, None, "{}").await;
    let cookie = start.cookie().expect("session");
    for i in 0..5 {
        let a = send(&app, Method::POST, SUBMIT, Some(&cookie), None, DRY_RUN).await;
        assert_eq!(a.status, StatusCode::OK, "submission {i}: {}", a.body);
    }
    let a = send(&app, Method::POST, SUBMIT, Some(&cookie), None, DRY_RUN).await;
    a.assert_refusal(StatusCode::TOO_MANY_REQUESTS, "too-many-attempts");
    let wait = a.retry_after().expect("Retry-After");
    assert!((1..=60).contains(&wait), "Retry-After {wait}");
    assert_eq!(store.count_attempts().await.expect("count"), 5);
    // Another learner has their own minute.
    let other = send(&app, Method::POST, "/api/session/start", None, None, "{}").await;
    let other = other.cookie().expect("session");
    let a = send(&app, Method::POST, SUBMIT, Some(&other), None, DRY_RUN).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
}

#[tokio::test]
async fn a_flood_of_submissions_without_a_session_stores_a_bounded_number_of_rows() {
    let limits = Limits {
        submissions_per_minute: 5,
        ..Default::default()
    };
    let (state, _dir) = state_with_limits(no_cluster(), limits).await;
    let store = state.lab.store.clone();
    let app = router(state);
    let mut refused = 0;
    for _ in 0..100 {
        let a = send(
            &app,
            Method::POST,
            SUBMIT,
            None,
            Some("203.0.113.9"),
            DRY_RUN,
        )
        .await;
        if a.status == StatusCode::TOO_MANY_REQUESTS {
            assert_eq!(a.code(), "too-many-attempts", "{}", a.body);
            assert!(a.retry_after().is_some());
            refused += 1;
        }
    }
    assert_eq!(refused, 95);
    assert_eq!(store.count_attempts().await.expect("count"), 5);
    assert_eq!(store.count_learners().await.expect("count"), 5);
    // Another address is not affected.
    let a = send(
        &app,
        Method::POST,
        SUBMIT,
        None,
        Some("198.51.100.1"),
        DRY_RUN,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
}

#[tokio::test]
async fn cluster_checks_count_against_the_same_cap() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("kubeconfig");
    std::fs::write(
        &path,
        crate::cluster::tests::kubeconfig_for("https://127.0.0.1:1"),
    )
    .expect("write");
    let args = crate::config::ClusterArgs {
        namespace: "default".into(),
        kubeconfig: Some(path),
        context: None,
        ingress_controller_namespaces: vec![],
    };
    let cluster = crate::cluster::Cluster::connect(&args).await;
    let limits = Limits {
        submissions_per_minute: 3,
        ..Default::default()
    };
    let (state, _dir) = state_with_limits(cluster, limits).await;
    let app = router(state);
    let check = "/api/exercises/deployment/check";
    for _ in 0..3 {
        let a = send(&app, Method::POST, check, None, None, "").await;
        // The API is unreachable: a 503 each time, but each was an attempt.
        assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE, "{}", a.body);
    }
    let a = send(&app, Method::POST, check, None, None, "").await;
    a.assert_refusal(StatusCode::TOO_MANY_REQUESTS, "too-many-attempts");
}

/// A TCP port that accepts connections and never says a word.
async fn silent_port() -> (u16, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((conn, _)) = listener.accept().await {
            held.push(conn);
        }
    });
    (port, task)
}

#[tokio::test]
async fn a_request_past_its_deadline_answers_503_timeout_in_our_error_body() {
    let (port, _silent) = silent_port().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("kubeconfig");
    std::fs::write(
        &path,
        crate::cluster::tests::kubeconfig_for(&format!("https://127.0.0.1:{port}")),
    )
    .expect("write");
    let args = crate::config::ClusterArgs {
        namespace: "default".into(),
        kubeconfig: Some(path),
        context: None,
        ingress_controller_namespaces: vec![],
    };
    let cluster = crate::cluster::Cluster::connect(&args).await;
    let (mut state, _dir) = state_with(cluster).await;
    state.timeouts.request = Duration::from_millis(300);
    let app = router(state);
    let started = std::time::Instant::now();
    let a = send(
        &app,
        Method::POST,
        "/api/exercises/deployment/check",
        None,
        None,
        "",
    )
    .await;
    a.assert_refusal(StatusCode::SERVICE_UNAVAILABLE, "timeout");
    assert!(a.retry_after().is_some());
    // The cluster's own deadline is 4.5 s: this was the request's.
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn bodies_are_bounded_on_every_route_and_submissions_keep_their_mebibyte() {
    let (state, _dir) = state().await;
    let app = router(state);
    // A route that reads no body still refuses a huge declared one before anything runs.
    let huge = vec![b'x'; 2 * 1024 * 1024];
    let a = send(
        &app,
        Method::POST,
        "/api/exercises/deployment/check",
        None,
        None,
        huge,
    )
    .await;
    a.assert_refusal(StatusCode::PAYLOAD_TOO_LARGE, "too-large");
    // A JSON route: 64 KiB at most (account routes: 16 KiB).
    let big_json = format!(r#"{{"name":"{}"}}"#, "x".repeat(100 * 1024));
    let a = send(
        &app,
        Method::POST,
        "/api/session/start",
        None,
        None,
        big_json,
    )
    .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
    // A submission of 200 KiB is read and judged, not refused for its size.
    let long_yaml = format!("{DRY_RUN}\n{}", "# padding\n".repeat(20 * 1024));
    let a = send(&app, Method::POST, SUBMIT, None, None, long_yaml).await;
    assert_ne!(a.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", a.body);
}

async fn instructor_with_classroom(
    app: &Router,
    store: &kubelab_store::Store,
) -> (String, String, String) {
    store
        .add_instructor("ada@example.test", "correct horse battery")
        .await
        .expect("instructor");
    let a = send(
        app,
        Method::POST,
        "/api/teach/login",
        None,
        Some("192.0.2.1"),
        r#"{"email":"ada@example.test","password":"correct horse battery"}"#,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let ada = a.cookie().expect("cookie");
    let a = send(
        app,
        Method::POST,
        "/api/teach/classrooms",
        Some(&ada),
        None,
        r#"{"name":"Week 1"}"#,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let c = a.json();
    (
        ada,
        c["id"].as_str().expect("id").to_string(),
        c["code"].as_str().expect("code").to_string(),
    )
}

const WRONG_LOGIN: &str = r#"{"email":"ada@example.test","password":"wrong password!"}"#;
const RIGHT_LOGIN: &str = r#"{"email":"ada@example.test","password":"correct horse battery"}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_concurrent_wrong_logins_hash_at_most_ten_passwords() {
    let (state, _dir) = state().await;
    let store = state.lab.store.clone();
    let app = router(state);
    store
        .add_instructor("ada@example.test", "correct horse battery")
        .await
        .expect("instructor");
    let tries = (0..200).map(|_| {
        let app = app.clone();
        async move {
            send(
                &app,
                Method::POST,
                "/api/teach/login",
                None,
                Some("203.0.113.7"),
                WRONG_LOGIN,
            )
            .await
        }
    });
    let answers = futures::future::join_all(tries).await;
    let wrong = answers
        .iter()
        .filter(|a| a.status == StatusCode::UNAUTHORIZED)
        .count();
    let limited: Vec<&Answer> = answers
        .iter()
        .filter(|a| a.status == StatusCode::TOO_MANY_REQUESTS)
        .collect();
    assert_eq!(wrong, crate::service::LOGIN_FAILURES, "checked passwords");
    assert_eq!(limited.len(), 200 - wrong);
    for a in limited {
        a.assert_refusal(StatusCode::TOO_MANY_REQUESTS, "rate-limited");
        assert!(a.retry_after().is_some_and(|s| s > 0));
    }
}

#[tokio::test]
async fn a_stranger_cannot_lock_an_instructor_out() {
    let (state, _dir) = state().await;
    let store = state.lab.store.clone();
    let app = router(state);
    store
        .add_instructor("ada@example.test", "correct horse battery")
        .await
        .expect("instructor");
    for _ in 0..30 {
        send(
            &app,
            Method::POST,
            "/api/teach/login",
            None,
            Some("203.0.113.7"),
            WRONG_LOGIN,
        )
        .await;
    }
    let a = send(
        &app,
        Method::POST,
        "/api/teach/login",
        None,
        Some("203.0.113.7"),
        RIGHT_LOGIN,
    )
    .await;
    a.assert_refusal(StatusCode::TOO_MANY_REQUESTS, "rate-limited");
    // Ada, from her own address, signs in.
    let a = send(
        &app,
        Method::POST,
        "/api/teach/login",
        None,
        Some("198.51.100.4"),
        RIGHT_LOGIN,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
}

fn join_body(code: &str, name: &str) -> String {
    format!(r#"{{"code":"{code}","name":"{name}"}}"#)
}

#[tokio::test]
async fn join_guesses_count_per_address_not_per_code() {
    let (state, _dir) = state().await;
    let app = router(state);
    // The same wrong code from many addresses: each address has its own tries.
    for i in 0..40 {
        let addr = format!("198.51.100.{i}");
        let a = send(
            &app,
            Method::POST,
            "/api/session/join",
            None,
            Some(&addr),
            join_body("ZZZZ-ZZZZ", "Eve"),
        )
        .await;
        a.assert_refusal(StatusCode::BAD_REQUEST, "join-failed");
    }
    // Many different codes from one address: limited.
    let mut last = None;
    for i in 0..=crate::service::CODE_FAILURES {
        let code = format!("ZZZZ-ZZ{:02}", i % 100)
            .replace('0', "A")
            .replace('1', "B");
        last = Some(
            send(
                &app,
                Method::POST,
                "/api/session/join",
                None,
                Some("203.0.113.5"),
                join_body(&code, "Eve"),
            )
            .await,
        );
    }
    let last = last.expect("answer");
    last.assert_refusal(StatusCode::TOO_MANY_REQUESTS, "rate-limited");
    assert!(last.retry_after().is_some());
}

#[tokio::test]
async fn typos_behind_one_classroom_nat_do_not_block_correct_joins() {
    let (state, _dir) = state().await;
    let store = state.lab.store.clone();
    let app = router(state);
    let (_ada, _id, code) = instructor_with_classroom(&app, &store).await;
    let nat = Some("192.0.2.50");
    // A classroom mistypes the code, many times over…
    for _ in 0..(crate::service::CODE_FAILURES + 20) {
        send(
            &app,
            Method::POST,
            "/api/session/join",
            None,
            nat,
            join_body("QQQQ-QQQQ", "Typo"),
        )
        .await;
    }
    // …and the right code still lets each of them in.
    for i in 0..5 {
        let a = send(
            &app,
            Method::POST,
            "/api/session/join",
            None,
            nat,
            join_body(&code, &format!("Learner {i}")),
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    }
    // Far over the generous limit, even the right code is refused (no oracle for a script).
    for _ in 0..crate::service::CODE_FAILURES_HARD {
        send(
            &app,
            Method::POST,
            "/api/session/join",
            None,
            nat,
            join_body("QQQQ-QQQQ", "Typo"),
        )
        .await;
    }
    let a = send(
        &app,
        Method::POST,
        "/api/session/join",
        None,
        nat,
        join_body(&code, "Late"),
    )
    .await;
    a.assert_refusal(StatusCode::TOO_MANY_REQUESTS, "rate-limited");
}

#[tokio::test]
async fn archiving_a_classroom_revokes_its_learners_sessions_and_resume_codes() {
    let (state, dir) = state().await;
    let store = state.lab.store.clone();
    let app = router(state.clone());
    let (ada, class_id, code) = instructor_with_classroom(&app, &store).await;
    let joined = send(
        &app,
        Method::POST,
        "/api/session/join",
        None,
        None,
        join_body(&code, "Lin"),
    )
    .await;
    assert_eq!(joined.status, StatusCode::OK, "{}", joined.body);
    let lin = joined.cookie().expect("cookie");
    let resume_code = joined.json()["learner"]["resume_code"]
        .as_str()
        .expect("resume code")
        .to_string();
    let a = send(&app, Method::POST, SUBMIT, Some(&lin), None, DRY_RUN).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);

    let a = send(
        &app,
        Method::POST,
        &format!("/api/teach/classrooms/{class_id}/archive"),
        Some(&ada),
        None,
        "{}",
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);

    let me = send(
        &app,
        Method::GET,
        "/api/me",
        Some(&lin),
        None,
        Body::empty(),
    )
    .await;
    me.assert_refusal(StatusCode::GONE, "learner-archived");
    let a = send(&app, Method::POST, SUBMIT, Some(&lin), None, DRY_RUN).await;
    a.assert_refusal(StatusCode::GONE, "learner-archived");
    assert_eq!(store.count_attempts().await.expect("count"), 1);
    // Lesson pages see a visitor.
    let a = send(
        &app,
        Method::GET,
        "/api/me/summary",
        Some(&lin),
        None,
        Body::empty(),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.json()["signed_in"], false);
    // The resume code is refused too, on any browser.
    let a = send(
        &app,
        Method::POST,
        "/api/session/resume",
        None,
        None,
        format!(r#"{{"code":"{resume_code}"}}"#),
    )
    .await;
    a.assert_refusal(StatusCode::GONE, "learner-archived");

    // After a restart (a new process on the same database, nothing in memory) the same: the
    // session is refused before anything could provision the namespace again.
    let restarted = crate::web::testkit::restart(&state, &dir);
    let app = router(restarted);
    let me = send(
        &app,
        Method::GET,
        "/api/me",
        Some(&lin),
        None,
        Body::empty(),
    )
    .await;
    me.assert_refusal(StatusCode::GONE, "learner-archived");
    let live = send(
        &app,
        Method::GET,
        "/api/exercises/deployment/live",
        Some(&lin),
        None,
        Body::empty(),
    )
    .await;
    live.assert_refusal(StatusCode::GONE, "learner-archived");
    // Starting afresh works: a new self-paced learner replaces the archived one.
    let a = send(
        &app,
        Method::POST,
        "/api/session/start",
        Some(&lin),
        None,
        "{}",
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert!(a.json()["learner"]["classroom"].is_null(), "{}", a.body);
}
