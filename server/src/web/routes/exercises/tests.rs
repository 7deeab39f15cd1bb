use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

use crate::web::testkit::{learner_cookie, state, state_with};
use crate::web::{router, AppState};

async fn send(state: AppState, method: &str, uri: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "text/plain")
        .body(Body::from(body))
        .expect("request");
    let resp = router(state).oneshot(req).await.expect("router answers");
    let status = resp.status();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or_else(|e| {
        panic!(
            "{status}: body is not JSON ({e}): {}",
            String::from_utf8_lossy(&bytes)
        )
    });
    (status, json)
}

async fn call(method: &str, uri: &str, body: &[u8]) -> (StatusCode, Value) {
    let (state, _dir) = state().await;
    send(state, method, uri, body.to_vec()).await
}

/// The error body has a code and a message in both languages, with no Rust type names.
fn assert_error(json: &Value, code: &str) {
    assert_eq!(json["error"]["code"], code, "{json}");
    for lang in ["zh", "en"] {
        let m = json["error"]["message"][lang].as_str().unwrap_or_default();
        assert!(!m.trim().is_empty(), "{lang} message in {json}");
        for rust in ["Error", "::", "Some(", "None"] {
            assert!(!m.contains(rust), "{lang} message shows {rust}: {m}");
        }
    }
}

#[tokio::test]
async fn list_gives_every_exercise_without_quiz_answers() {
    let (state, _dir) = state().await;
    let count = state.lab.catalog.len();
    let (status, json) = send(state, "GET", "/api/exercises", Vec::new()).await;
    assert_eq!(status, StatusCode::OK);
    let list = json.as_array().expect("array");
    assert_eq!(list.len(), count);
    let quizzes: Vec<&Value> = list.iter().filter(|e| e["kind"] == "quiz").collect();
    assert!(!quizzes.is_empty());
    for q in quizzes {
        let questions = q["questions"].as_array().expect("questions");
        assert!(!questions.is_empty());
        for question in questions {
            assert!(question.get("answer").is_none(), "{question}");
            assert!(question.get("explanation").is_none(), "{question}");
        }
    }
    let text = json.to_string();
    assert!(!text.contains("\"answer\""), "an answer leaked");
}

#[tokio::test]
async fn one_exercise_is_public_and_unknown_ids_are_404() {
    let (status, json) = call("GET", "/api/exercises/service-dns", b"").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["id"], "service-dns");
    assert!(!json.to_string().contains("\"answer\""));
    let (status, json) = call("GET", "/api/exercises/nope", b"").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error(&json, "unknown-exercise");
}

#[tokio::test]
async fn submit_to_unknown_exercise_is_404() {
    let (status, json) = call("POST", "/api/exercises/nope/submit", b"FROM nginx:1\n").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error(&json, "unknown-exercise");
}

#[tokio::test]
async fn submit_good_dockerfile_passes_and_bad_one_fails_with_a_hint() {
    let good =
        b"FROM nginx:1.27-alpine\nCOPY index.html /usr/share/nginx/html/\nRUN echo ok\nEXPOSE 80\n";
    let (status, json) = call("POST", "/api/exercises/dockerfile/submit", good).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["passed"], true, "{json}");
    assert_eq!(json["mode"], "offline");

    let bad = b"FROM nginx\nRUN a\nRUN b\n";
    let (status, json) = call("POST", "/api/exercises/dockerfile/submit", bad).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json["passed"], false);
    let failed = json["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["passed"] == false)
        .expect("a failure");
    assert!(failed["hint"]["en"].is_string(), "{failed}");
}

#[tokio::test]
async fn quiz_answers_are_graded() {
    let (status, json) = call(
        "POST",
        "/api/exercises/service-dns/submit",
        br#"{"fqdn": "a"}"#,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["results"][0]["id"], "fqdn");
    assert_eq!(json["results"][0]["passed"], true);
}

#[tokio::test]
async fn oversized_submission_is_413_with_a_json_error() {
    let body = vec![b'#'; kubelab_checks::MAX_INPUT_BYTES + 1];
    let (status, json) = call("POST", "/api/exercises/dockerfile/submit", &body).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_error(&json, "too-large");
}

/// The issue's reproduction: a 500 KB anchor named 80,000 times (740 KB) used to take the process
/// down. It is refused as too complex, no learner is created, and the server goes on answering.
#[tokio::test]
async fn a_yaml_alias_bomb_is_a_422_that_stores_nothing() {
    let (state, _dir) = state().await;
    let mut bomb = format!("a: &a {}\nb: [", "x".repeat(500_000));
    bomb.push_str(&vec!["*a"; 80_000].join(","));
    bomb.push_str("]\n");
    assert!(bomb.len() > 700_000 && bomb.len() < kubelab_checks::MAX_INPUT_BYTES);
    let (status, json) = send(
        state.clone(),
        "POST",
        "/api/exercises/pod-yaml/submit",
        bomb.into_bytes(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{json}");
    assert_error(&json, "too-complex");
    let en = json["error"]["message"]["en"].as_str().unwrap_or_default();
    assert!(en.starts_with("line 2, column "), "{en}");
    assert!(en.contains("too large or too complex"), "{en}");
    assert_eq!(state.lab.store.count_learners().await.expect("count"), 0);
    let (status, json) = send(
        state,
        "POST",
        "/api/exercises/pod-yaml/submit",
        b"apiVersion: v1\nkind: Pod\n".to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{json}");
}

#[tokio::test]
async fn garbage_gives_a_verdict_or_a_readable_422_never_a_panic() {
    let garbage: [&[u8]; 7] = [
        b"",
        b"\xff\xfe\x00binary",
        b"\x00\x01\x02",
        b"{{{{: : : [[[",
        b"apiVersion: v1\nkind: Pod\nmetadata: [unclosed\n",
        "😀 ✓ 汉字".as_bytes(),
        b"- - - - -\n\t\t: x",
    ];
    for id in ["dockerfile", "docker-run", "pod-yaml", "service-dns"] {
        for body in garbage {
            let uri = format!("/api/exercises/{id}/submit");
            let (status, json) = call("POST", &uri, body).await;
            match status {
                StatusCode::OK => assert!(json["results"].is_array(), "{json}"),
                StatusCode::UNPROCESSABLE_ENTITY => assert_error(&json, "invalid-input"),
                other => panic!("{id} {body:?}: {other} {json}"),
            }
        }
    }
}

#[tokio::test]
async fn syntax_errors_name_the_line_and_column() {
    let (status, json) = call(
        "POST",
        "/api/exercises/pod-yaml/submit",
        b"apiVersion: v1\nkind: Pod\nmetadata: [unclosed\n",
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let en = json["error"]["message"]["en"].as_str().unwrap_or_default();
    assert!(en.starts_with("line "), "{en}");
}

#[tokio::test]
async fn submitting_text_to_a_cluster_only_exercise_is_409() {
    let (status, json) = call(
        "POST",
        "/api/exercises/service-clusterip/submit",
        b"kind: Pod\n",
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_error(&json, "not-offline");
}

#[tokio::test]
async fn cluster_check_without_a_cluster_is_503_no_cluster_connected() {
    let (status, json) = call("POST", "/api/exercises/deployment/check", b"").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_error(&json, "no-cluster");
    let en = json["error"]["message"]["en"].as_str().unwrap_or_default();
    assert!(en.contains("no cluster connected"), "{en}");
}

#[tokio::test]
async fn cluster_check_of_an_offline_exercise_is_409() {
    let (status, json) = call("POST", "/api/exercises/dockerfile/check", b"").await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_error(&json, "not-cluster");
}

#[tokio::test]
async fn cluster_check_of_an_unknown_exercise_is_404() {
    let (status, json) = call("POST", "/api/exercises/nope/check", b"").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_error(&json, "unknown-exercise");
}

#[tokio::test]
async fn cluster_check_against_an_unreachable_api_is_503_with_the_cause() {
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
    assert!(cluster.is_ok());
    let (state, _dir) = state_with(cluster).await;
    let (status, json) = send(state, "POST", "/api/exercises/deployment/check", Vec::new()).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_error(&json, "cluster-unreachable");
    let en = json["error"]["message"]["en"].as_str().unwrap_or_default();
    assert!(
        en.contains("127.0.0.1:1") && en.contains("connection refused"),
        "{en}"
    );
}

/// One request as `cookie` (or nobody), answered with JSON.
async fn request_as(
    state: &AppState,
    method: &str,
    uri: &str,
    cookie: Option<&str>,
    content_type: &str,
    body: &str,
) -> (StatusCode, Value) {
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", content_type);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    let resp = router(state.clone())
        .oneshot(req.body(Body::from(body.to_string())).expect("request"))
        .await
        .expect("answer");
    let status = resp.status();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{status}: not JSON ({e})")),
    )
}

async fn post_as(state: &AppState, uri: &str, cookie: Option<&str>) -> (StatusCode, Value) {
    request_as(state, "POST", uri, cookie, "text/plain", "").await
}

#[tokio::test]
async fn start_and_reset_need_a_learner_an_exercise_with_a_setup_and_a_cluster() {
    let (state, _dir) = state().await;
    // Nobody signed in: refused before anything else (and nobody is created).
    let (status, json) = post_as(&state, "/api/exercises/fix-target-port/start", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{json}");
    assert_error(&json, "not-signed-in");
    assert_eq!(state.lab.store.count_learners().await.expect("count"), 0);
    let cookie = learner_cookie(&state).await;
    let c = Some(cookie.as_str());
    let (status, json) = post_as(&state, "/api/exercises/no-such/start", c).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{json}");
    assert_error(&json, "unknown-exercise");
    // An exercise the learner builds from nothing has nothing to start.
    let (status, json) = post_as(&state, "/api/exercises/deployment/reset", c).await;
    assert_eq!(status, StatusCode::CONFLICT, "{json}");
    assert_error(&json, "nothing-to-start");
    let (status, json) = post_as(&state, "/api/exercises/service-dns/start", c).await;
    assert_eq!(status, StatusCode::CONFLICT, "{json}");
    assert_error(&json, "not-cluster");
    // No cluster connected: 503 with the reason.
    for action in ["start", "reset"] {
        let uri = format!("/api/exercises/fix-target-port/{action}");
        let (status, json) = post_as(&state, &uri, c).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{action}: {json}");
        assert_error(&json, "no-cluster");
    }
}

#[tokio::test]
async fn the_public_form_of_a_break_fix_exercise_lists_what_start_creates() {
    let (status, json) = call("GET", "/api/exercises/fix-target-port", b"").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        json["setup"],
        serde_json::json!([
            { "kind": "Deployment", "name": "api-dep" },
            { "kind": "Service", "name": "api-svc" }
        ]),
        "{json}"
    );
    let (_, json) = call("GET", "/api/exercises/deployment", b"").await;
    assert!(json.get("setup").is_none(), "{json}");
}

async fn json_as(
    state: &AppState,
    method: &str,
    uri: &str,
    cookie: &str,
    body: &str,
) -> (StatusCode, Value) {
    request_as(state, method, uri, Some(cookie), "application/json", body).await
}

async fn submit_as(state: &AppState, id: &str, cookie: &str, text: &str) -> (StatusCode, Value) {
    let uri = format!("/api/exercises/{id}/submit");
    request_as(state, "POST", &uri, Some(cookie), "text/plain", text).await
}

#[tokio::test]
async fn with_gated_progress_a_chapters_exercises_open_once_the_chapter_before_has_passed() {
    let (state, dir) = state().await;
    state.course.replace(crate::web::testkit::course_with(
        &dir.path().join("gated"),
        ["kubectl-dry-run", "network-modes", "dockerfile"],
    ));
    let cookie = learner_cookie(&state).await;
    let (status, me) = json_as(&state, "GET", "/api/me", &cookie, "").await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["gating"]["gated"], false, "{me}");
    // Off: everything is open.
    let (status, json) = submit_as(&state, "dockerfile", &cookie, "FROM nginx:latest\n").await;
    assert_eq!(status, StatusCode::OK, "{json}");

    let (status, me) = json_as(&state, "PUT", "/api/me/gated", &cookie, r#"{"gated":true}"#).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["gating"]["gated"], true, "{me}");
    assert_eq!(me["gating"]["by_classroom"], false, "{me}");

    // beta's quiz waits for alpha's command exercise; nothing is recorded.
    let attempts_before = state.lab.store.count_attempts().await.expect("count");
    let (status, json) = submit_as(&state, "network-modes", &cookie, "{}").await;
    assert_eq!(status, StatusCode::CONFLICT, "{json}");
    assert_error(&json, "exercise-locked");
    let en = json["error"]["message"]["en"].as_str().unwrap_or_default();
    assert!(
        en.contains("“en alpha title”") && en.contains("kubectl-dry-run"),
        "{en}"
    );
    let zh = json["error"]["message"]["zh"].as_str().unwrap_or_default();
    assert!(zh.contains("zh alpha title"), "{zh}");
    assert_eq!(
        state.lab.store.count_attempts().await.expect("count"),
        attempts_before
    );
    let (_, summary) = json_as(&state, "GET", "/api/me/summary", &cookie, "").await;
    assert_eq!(
        summary["locked"]["network-modes"]["chapter"], "alpha",
        "{summary}"
    );
    assert_eq!(
        summary["locked"]["dockerfile"]["chapter"], "alpha",
        "{summary}"
    );
    assert_eq!(
        summary["locked"]["network-modes"]["missing"],
        serde_json::json!(["kubectl-dry-run"])
    );

    // A wrong answer keeps it closed; the right one opens beta, not gamma.
    let (status, json) = submit_as(&state, "kubectl-dry-run", &cookie, "kubectl run ngx").await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["passed"], false);
    let (status, _) = submit_as(&state, "network-modes", &cookie, "{}").await;
    assert_eq!(status, StatusCode::CONFLICT);
    let right = "kubectl run ngx --image=nginx:alpine --dry-run=client -o yaml";
    let (status, json) = submit_as(&state, "kubectl-dry-run", &cookie, right).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["passed"], true, "{json}");
    let (status, json) = submit_as(&state, "network-modes", &cookie, "{}").await;
    assert_ne!(status, StatusCode::CONFLICT, "{json}");
    let (_, summary) = json_as(&state, "GET", "/api/me/summary", &cookie, "").await;
    assert!(
        summary["locked"].get("network-modes").is_none(),
        "{summary}"
    );
    assert_eq!(
        summary["locked"]["dockerfile"]["chapter"], "beta",
        "{summary}"
    );

    // Off again: everything opens.
    let (status, _) = json_as(
        &state,
        "PUT",
        "/api/me/gated",
        &cookie,
        r#"{"gated":false}"#,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, json) = submit_as(&state, "dockerfile", &cookie, "FROM nginx:latest\n").await;
    assert_eq!(status, StatusCode::OK, "{json}");
}

#[tokio::test]
async fn a_challenges_hints_open_only_after_two_failed_checks() {
    let (state, _dir) = state().await;
    let (status, public) = call("GET", "/api/exercises/final-challenge", b"").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(public["hints"], serde_json::json!([]), "{public}");
    assert_eq!(public["hints_after_failures"], 2, "{public}");
    let (status, visitor) = call("GET", "/api/exercises/final-challenge/hints", b"").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(visitor, serde_json::json!({ "hints": [], "to_go": 2 }));

    let cookie = learner_cookie(&state).await;
    let learner = {
        let (_, me) = json_as(&state, "GET", "/api/me", &cookie, "").await;
        let id = me["learner"]["id"].as_str().expect("id").to_string();
        state
            .lab
            .store
            .learner(&id)
            .await
            .expect("read")
            .expect("there")
    };
    let ex = state
        .lab
        .exercise("final-challenge")
        .expect("exercise")
        .clone();
    let failed = kubelab_checks::evaluate(&ex, &kubelab_checks::Snapshot::new("kl-x", vec![]));
    assert!(!failed.passed);
    assert!(failed.results.iter().any(|r| r.hint.is_some()));
    // Live flips and an instructor's grading are not the learner's failed checks.
    for source in [
        kubelab_store::AttemptSource::Live,
        kubelab_store::AttemptSource::Grade,
    ] {
        state
            .lab
            .record(&learner, &ex.id, source, &failed, &[], None)
            .await
            .expect("recorded");
    }
    for to_go in [2, 1] {
        let (_, h) = json_as(
            &state,
            "GET",
            "/api/exercises/final-challenge/hints",
            &cookie,
            "",
        )
        .await;
        assert_eq!(h, serde_json::json!({ "hints": [], "to_go": to_go }));
        let shown = state
            .lab
            .shown(&ex, Some(&learner), failed.clone())
            .await
            .expect("shown");
        assert!(
            shown.results.iter().all(|r| r.hint.is_none()),
            "closed: no result hints"
        );
        // Nor do the stored verdicts bring them back (the panel restores the last one).
        let (_, summary) = json_as(&state, "GET", "/api/me/summary", &cookie, "").await;
        let (_, attempts) = json_as(&state, "GET", "/api/me/attempts", &cookie, "").await;
        for text in [summary.to_string(), attempts.to_string()] {
            assert!(!text.contains("\"hint\""), "a closed hint in {text}");
        }
        state
            .lab
            .record(
                &learner,
                &ex.id,
                kubelab_store::AttemptSource::Check,
                &failed,
                &[],
                None,
            )
            .await
            .expect("recorded");
    }
    let (_, h) = json_as(
        &state,
        "GET",
        "/api/exercises/final-challenge/hints",
        &cookie,
        "",
    )
    .await;
    assert!(h.get("to_go").is_none(), "{h}");
    assert_eq!(h["hints"].as_array().map(Vec::len), Some(ex.hints.len()));
    let shown = state
        .lab
        .shown(&ex, Some(&learner), failed.clone())
        .await
        .expect("shown");
    assert_eq!(shown, failed, "open: the verdict keeps its hints");
    let (_, summary) = json_as(&state, "GET", "/api/me/summary", &cookie, "").await;
    assert!(summary.to_string().contains("\"hint\""), "open: {summary}");
    // Exercises without the setting are open to anybody.
    let (_, h) = call("GET", "/api/exercises/deployment/hints", b"").await;
    assert!(
        h.get("to_go").is_none() && !h["hints"].as_array().expect("hints").is_empty(),
        "{h}"
    );
}

#[tokio::test]
async fn rules_let_the_browser_reach_the_servers_verdict_and_never_carry_quiz_answers() {
    let (state, _dir) = state().await;
    let answer = b"FROM nginx:latest\nEXPOSE 80\n";
    let (status, rules) = send(
        state.clone(),
        "GET",
        "/api/exercises/dockerfile/rules",
        Vec::new(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        rules["instructions"],
        serde_json::json!({"zh": "", "en": ""})
    );
    assert_eq!(rules["hints"], serde_json::json!([]));
    let rules: kubelab_checks::Exercise = serde_json::from_value(rules).expect("an exercise");
    let in_browser =
        kubelab_checks::validate(&rules, std::str::from_utf8(answer).unwrap()).expect("checked");
    let (status, on_server) = send(
        state.clone(),
        "POST",
        "/api/exercises/dockerfile/submit",
        answer.to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!in_browser.passed);
    assert_eq!(serde_json::to_value(&in_browser).unwrap(), on_server);

    for (id, code, status_want) in [
        ("final-quiz", "no-rules", StatusCode::NOT_FOUND),
        ("fix-service-selector", "no-rules", StatusCode::NOT_FOUND),
        (
            "no-such-exercise",
            "unknown-exercise",
            StatusCode::NOT_FOUND,
        ),
    ] {
        let (status, json) = send(
            state.clone(),
            "GET",
            &format!("/api/exercises/{id}/rules"),
            Vec::new(),
        )
        .await;
        assert_eq!(status, status_want, "{id}: {json}");
        assert_error(&json, code);
    }
}
