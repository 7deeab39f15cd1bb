//! The instructor's routes beyond the authorization matrix: the board's column order and the
//! class analytics export.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use kubelab_app::model::CourseHandle;
use serde_json::Value;
use tower::ServiceExt;

use crate::web::router;
use crate::web::testkit::{course_with, state};

async fn call(
    app: &Router,
    method: Method,
    uri: &str,
    cookie: Option<&str>,
    body: &str,
) -> (StatusCode, String, Option<String>) {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    let req = req
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    let resp = app.clone().oneshot(req).await.expect("router answers");
    let status = resp.status();
    let cookie = resp
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::to_string);
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned(), cookie)
}

fn json(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

/// An instructor with a classroom on a course whose chapters list `kubectl-dry-run, deployment`,
/// `daemonset-tolerations` and nothing; one learner who passed `kubectl-dry-run`.
async fn classroom() -> (Router, String, String, tempfile::TempDir) {
    let (mut state, dir) = state().await;
    state.course = CourseHandle::new(course_with(
        &dir.path().join("ordered"),
        ["kubectl-dry-run, deployment", "daemonset-tolerations", ""],
    ));
    state
        .lab
        .store
        .add_instructor("ada@example.test", "correct horse battery")
        .await
        .expect("instructor");
    let app = router(state);
    let (status, body, ada) = call(
        &app,
        Method::POST,
        "/api/teach/login",
        None,
        r#"{"email":"ada@example.test","password":"correct horse battery"}"#,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let ada = ada.expect("session cookie");
    let (status, body, _) = call(
        &app,
        Method::POST,
        "/api/teach/classrooms",
        Some(&ada),
        r#"{"name":"Workshop"}"#,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let c = json(&body);
    let (id, code) = (
        c["id"].as_str().expect("id").to_string(),
        c["code"].as_str().expect("code").to_string(),
    );
    let (status, body, lin) = call(
        &app,
        Method::POST,
        "/api/session/join",
        None,
        &format!(r#"{{"code":"{code}","name":"Lin"}}"#),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/exercises/kubectl-dry-run/submit")
        .header(header::COOKIE, lin.expect("learner cookie"))
        .body(Body::from(
            "kubectl run ngx --image=nginx:alpine --dry-run=client -o yaml",
        ))
        .expect("request");
    let resp = app.clone().oneshot(req).await.expect("answer");
    assert_eq!(resp.status(), StatusCode::OK);
    (app, ada, id, dir)
}

#[tokio::test]
async fn the_board_lists_exercises_in_course_order_under_their_chapters() {
    let (app, ada, id, _dir) = classroom().await;
    let (status, body, _) = call(
        &app,
        Method::GET,
        &format!("/api/teach/classrooms/{id}"),
        Some(&ada),
        "",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let board = json(&body);
    let ids: Vec<&str> = board["exercises"]
        .as_array()
        .expect("exercises")
        .iter()
        .filter_map(|e| e["id"].as_str())
        .collect();
    assert_eq!(
        ids[..3],
        ["kubectl-dry-run", "deployment", "daemonset-tolerations"]
    );
    let chapters = board["chapters"].as_array().expect("chapters");
    assert_eq!(chapters[0]["id"], "alpha");
    assert_eq!(chapters[0]["title"]["en"], "en alpha title");
    assert_eq!(
        chapters[1]["exercises"],
        serde_json::json!(["daemonset-tolerations"])
    );
    // gamma lists nothing: no header; the rest of the catalog comes last, unnamed.
    assert_eq!(chapters.len(), 3);
    assert_eq!(chapters[2]["id"], "");
}

#[tokio::test]
async fn the_analytics_csv_has_the_pass_rates_buckets_and_idle_learners() {
    let (app, ada, id, _dir) = classroom().await;
    let (status, csv, _) = call(
        &app,
        Method::GET,
        &format!("/api/teach/classrooms/{id}/analytics.csv?idle=1"),
        Some(&ada),
        "",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{csv}");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "metric,subject,label_zh,label_en,count,total,percent"
    );
    let pass: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("pass_rate,"))
        .collect();
    assert_eq!(pass.len(), crate::web::testkit::catalog().len());
    // In course order, the learner's pass counted of one learner.
    assert!(
        pass[0].starts_with("pass_rate,kubectl-dry-run,"),
        "{}",
        pass[0]
    );
    assert!(pass[0].ends_with(",1,1,100"), "{}", pass[0]);
    assert!(
        pass[1].starts_with("pass_rate,deployment,") && pass[1].ends_with(",0,1,0"),
        "{}",
        pass[1]
    );
    // One first pass, at the first attempt: the first bucket.
    assert!(
        lines.contains(&"time_to_pass,0-5,0–5 分钟,0–5 min,1,1,100"),
        "{csv}"
    );
    assert!(
        lines.contains(&"time_to_pass,120-,≥ 120 分钟,≥ 120 min,0,1,0"),
        "{csv}"
    );
    // Nobody has been idle for a minute yet.
    assert!(!csv.contains("\nidle,"), "{csv}");
    // The default threshold is 15 minutes; the file is named after the join code.
    let req = Request::builder()
        .uri(format!("/api/teach/classrooms/{id}/analytics.csv"))
        .header(header::COOKIE, &ada)
        .body(Body::empty())
        .expect("request");
    let resp = app.clone().oneshot(req).await.expect("answer");
    assert_eq!(resp.status(), StatusCode::OK);
    let disposition = resp.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .expect("ascii");
    assert!(disposition.contains("-analytics.csv"), "{disposition}");
}

#[tokio::test]
async fn a_bad_idle_threshold_is_a_clear_400_in_both_languages() {
    let (app, ada, id, _dir) = classroom().await;
    for bad in ["0", "1441", "abc", "-1", "15.5"] {
        let (status, body, _) = call(
            &app,
            Method::GET,
            &format!("/api/teach/classrooms/{id}/analytics.csv?idle={bad}"),
            Some(&ada),
            "",
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        let err = json(&body);
        assert_eq!(err["error"]["code"], "bad-request");
        assert!(
            err["error"]["message"]["en"]
                .as_str()
                .unwrap_or_default()
                .contains("1 to 1440"),
            "{body}"
        );
        assert!(
            err["error"]["message"]["zh"]
                .as_str()
                .unwrap_or_default()
                .contains("1440"),
            "{body}"
        );
    }
}
