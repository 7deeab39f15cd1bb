//! The authorization matrix: every learner and instructor route × anonymous / learner / another
//! learner / instructor / another instructor. A principal either gets its own data or a refusal;
//! nobody's secrets (resume code, join code, namespace, attempts) show up in anyone else's answers.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use http_body_util::BodyExt;
use kubelab_checks::Text;
use tower::ServiceExt;

use super::*;
use crate::web::testkit::state as accounts_state;
use axum::http::header;

struct Answer {
    status: StatusCode,
    body: String,
    cookie: Option<String>,
}

async fn call(
    app: &Router,
    method: Method,
    uri: &str,
    cookie: Option<&str>,
    body: Option<&str>,
) -> Answer {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    let req = match body {
        Some(b) => req
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(b.to_string())),
        None => req.body(Body::empty()),
    }
    .expect("request");
    let resp = app.clone().oneshot(req).await.expect("router answers");
    let status = resp.status();
    let cookie = resp
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::to_string);
    let stream = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"));
    let bytes = if stream {
        // Every event stream tells a proxy in front not to buffer it.
        assert_eq!(
            resp.headers()
                .get("x-accel-buffering")
                .map(|v| v.as_bytes()),
            Some(&b"no"[..]),
            "{uri}"
        );
        // An event stream does not end: its first event is the answer.
        let mut body = resp.into_body();
        let frame = tokio::time::timeout(std::time::Duration::from_secs(10), body.frame())
            .await
            .expect("a first event within 10 s");
        frame
            .and_then(Result::ok)
            .and_then(|f| f.into_data().ok())
            .unwrap_or_default()
    } else {
        resp.into_body().collect().await.expect("body").to_bytes()
    };
    Answer {
        status,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        cookie,
    }
}

fn json(a: &Answer) -> serde_json::Value {
    serde_json::from_str(&a.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", a.body))
}

/// Who is asking, and what only they may see.
struct Principal {
    name: &'static str,
    cookie: Option<String>,
}

#[tokio::test]
async fn every_route_refuses_or_answers_only_its_own_data() {
    let (state, _dir) = accounts_state().await;
    let store = state.lab.store.clone();
    let app = router(state);

    // Two instructors, each with a classroom.
    store
        .add_instructor("ada@example.test", "correct horse battery")
        .await
        .expect("instructor");
    store
        .add_instructor("bob@example.test", "another long password")
        .await
        .expect("instructor");
    let login = |email: &'static str, pw: &'static str| {
        let app = app.clone();
        async move {
            let body = format!(r#"{{"email":"{email}","password":"{pw}"}}"#);
            let a = call(&app, Method::POST, "/api/teach/login", None, Some(&body)).await;
            assert_eq!(a.status, StatusCode::OK, "login {email}: {}", a.body);
            a.cookie.expect("login sets the session cookie")
        }
    };
    let ada = login("ada@example.test", "correct horse battery").await;
    let bob = login("bob@example.test", "another long password").await;
    let new_classroom = |cookie: String, name: &'static str| {
        let app = app.clone();
        async move {
            let body = format!(r#"{{"name":"{name}"}}"#);
            let a = call(
                &app,
                Method::POST,
                "/api/teach/classrooms",
                Some(&cookie),
                Some(&body),
            )
            .await;
            assert_eq!(a.status, StatusCode::OK, "{}", a.body);
            json(&a)
        }
    };
    let ca = new_classroom(ada.clone(), "Ada's workshop").await;
    let cb = new_classroom(bob.clone(), "Bob's workshop").await;
    let ca_id = ca["id"].as_str().expect("id").to_string();
    let ca_code = ca["code"].as_str().expect("code").to_string();
    let cb_id = cb["id"].as_str().expect("id").to_string();

    // Two learners join Ada's classroom; each records an attempt.
    let join = |name: &'static str| {
        let app = app.clone();
        let code = ca_code.clone();
        async move {
            let body = format!(r#"{{"code":"{code}","name":"{name}"}}"#);
            let a = call(&app, Method::POST, "/api/session/join", None, Some(&body)).await;
            assert_eq!(a.status, StatusCode::OK, "join: {}", a.body);
            let me = json(&a);
            (a.cookie.expect("join sets the cookie"), me)
        }
    };
    let (l1, me1) = join("Lin").await;
    let (l2, me2) = join("Mei").await;
    for cookie in [&l1, &l2] {
        let req = Request::builder()
            .method(Method::POST)
            .uri("/api/exercises/kubectl-dry-run/submit")
            .header(header::COOKIE, cookie.as_str())
            .body(Body::from(
                "kubectl run ngx --image=nginx:alpine --dry-run=client -o yaml",
            ))
            .expect("request");
        let resp = app.clone().oneshot(req).await.expect("answer");
        assert_eq!(resp.status(), StatusCode::OK);
    }
    let secret =
        |me: &serde_json::Value, key: &str| me["learner"][key].as_str().expect("field").to_string();
    let l1_secrets = [
        secret(&me1, "id"),
        secret(&me1, "resume_code"),
        secret(&me1, "namespace"),
    ];
    let l2_id = secret(&me2, "id");
    // L1's classroom records terminal commands; one of them holds a secret of L1's.
    store
        .set_classroom_recording(&ca_id, true)
        .await
        .expect("recording");
    let command = (String::from("1.1-1"), format!("echo {}", l1_secrets[1]));
    store
        .add_terminal_commands(&l1_secrets[0], 1, &[command])
        .await
        .expect("a command");

    let principals = [
        Principal {
            name: "anonymous",
            cookie: None,
        },
        Principal {
            name: "learner",
            cookie: Some(l1.clone()),
        },
        Principal {
            name: "other learner",
            cookie: Some(l2.clone()),
        },
        Principal {
            name: "instructor",
            cookie: Some(ada.clone()),
        },
        Principal {
            name: "other instructor",
            cookie: Some(bob.clone()),
        },
    ];

    // (method, path, body, who may see L1's data / Ada's classroom)
    let l1_id = &l1_secrets[0];
    let routes: Vec<(Method, String, Option<&str>)> = vec![
        (Method::GET, "/api/me".into(), None),
        (Method::GET, "/api/me/attempts".into(), None),
        (Method::GET, "/api/me/summary".into(), None),
        (
            Method::POST,
            "/api/me/apply".into(),
            Some(
                r#"{"yaml":"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n","dry_run":true}"#,
            ),
        ),
        (
            Method::POST,
            "/api/me/apply/delete".into(),
            Some(r#"{"yaml":"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"}"#),
        ),
        (Method::GET, "/api/me/kubeconfig".into(), None),
        (Method::POST, "/api/me/reset".into(), Some("{}")),
        (
            Method::PUT,
            "/api/me/gated".into(),
            Some(r#"{"gated":false}"#),
        ),
        (Method::GET, "/api/teach/me".into(), None),
        (Method::GET, "/api/teach/classrooms".into(), None),
        (Method::GET, format!("/api/teach/classrooms/{ca_id}"), None),
        (
            Method::GET,
            format!("/api/teach/classrooms/{ca_id}/learners/{l1_id}/attempts"),
            None,
        ),
        (
            Method::GET,
            format!("/api/teach/classrooms/{cb_id}/learners/{l1_id}/attempts"),
            None,
        ),
        (
            Method::GET,
            format!("/api/teach/classrooms/{ca_id}/learners/{l1_id}/commands"),
            None,
        ),
        (
            Method::GET,
            format!("/api/teach/classrooms/{cb_id}/learners/{l1_id}/commands"),
            None,
        ),
        (
            Method::GET,
            format!("/api/teach/classrooms/{ca_id}/export.csv"),
            None,
        ),
        (
            Method::GET,
            format!("/api/teach/classrooms/{ca_id}/analytics.csv?idle=1"),
            None,
        ),
        // A bad threshold: refused only after the classroom is found to be the asker's.
        (
            Method::GET,
            format!("/api/teach/classrooms/{ca_id}/analytics.csv?idle=0"),
            None,
        ),
        (
            Method::GET,
            format!("/api/teach/classrooms/{cb_id}/analytics.csv"),
            None,
        ),
        (
            Method::POST,
            format!("/api/teach/classrooms/{ca_id}/regrade"),
            Some("{}"),
        ),
        (
            Method::POST,
            format!("/api/teach/classrooms/{ca_id}/grade"),
            Some("{}"),
        ),
        (
            Method::GET,
            format!("/api/teach/classrooms/{ca_id}/events"),
            None,
        ),
        (
            Method::POST,
            "/api/teach/classrooms".into(),
            Some(r#"{"name":"Another"}"#),
        ),
        (Method::GET, "/api/exercises/deployment/live".into(), None),
        // The learner's own shell (a WebSocket; here the terminal is off: 409, or 403 without
        // an Origin), never anybody else's: the learner never names a Pod.
        (Method::GET, "/api/me/terminal".into(), None),
        // A learner's own namespace: a signed-in learner only (here without a cluster: 503).
        (
            Method::POST,
            "/api/exercises/fix-service-selector/start".into(),
            Some("{}"),
        ),
        (
            Method::POST,
            "/api/exercises/fix-service-selector/reset".into(),
            Some("{}"),
        ),
        // Public: anybody may use them; they must leak nothing.
        (Method::GET, "/api/exercises".into(), None),
        (Method::GET, "/api/exercises/deployment".into(), None),
        (
            Method::GET,
            "/api/exercises/final-challenge/hints".into(),
            None,
        ),
        (Method::GET, "/api/exercises/deployment/rules".into(), None),
        (
            Method::POST,
            "/api/exercises/deployment/check".into(),
            Some("{}"),
        ),
        // Empty: refused before a learner would be created (and signed in over the
        // principal's session).
        (
            Method::POST,
            "/api/exercises/kubectl-dry-run/submit".into(),
            Some(""),
        ),
        (
            Method::POST,
            "/api/session/resume".into(),
            Some(r#"{"code":"ZZZZ-ZZZZ"}"#),
        ),
        (
            Method::POST,
            "/api/session/join".into(),
            Some(r#"{"code":"ZZZZ-ZZZZ","name":"X"}"#),
        ),
        (
            Method::POST,
            "/api/teach/login".into(),
            Some(r#"{"email":"ada@example.test","password":"not it at all"}"#),
        ),
        (
            Method::PUT,
            format!("/api/teach/classrooms/{ca_id}/gated"),
            Some(r#"{"gated":true}"#),
        ),
        (
            Method::PUT,
            format!("/api/teach/classrooms/{ca_id}/recording"),
            Some(r#"{"record_commands":true}"#),
        ),
        // Last: they change what the rows above would see.
        (
            Method::POST,
            format!("/api/teach/classrooms/{ca_id}/archive"),
            Some("{}"),
        ),
        (Method::POST, "/api/session/logout".into(), Some("{}")),
        (Method::POST, "/api/teach/logout".into(), Some("{}")),
        (Method::GET, "/healthz".into(), None),
        (Method::GET, "/readyz".into(), None),
        (Method::GET, "/en/search?q=kubectl".into(), None),
    ];
    // Answered to anybody (signed in or not); the matrix checks only that they leak nothing.
    let learner_only = ["/live", "/start", "/reset"];
    let public = |path: &str| {
        path.starts_with("/api/exercises") && !learner_only.iter().any(|s| path.ends_with(s))
            || path.starts_with("/api/session/")
            || path == "/api/teach/login"
            || path == "/api/teach/logout"
            || path == "/healthz"
            || path == "/readyz"
            || path.starts_with("/en/search")
    };
    // The owners see their data (before the archive row revokes the learners).
    let a = call(&app, Method::GET, "/api/me/attempts", Some(&l1), None).await;
    assert_eq!(a.status, StatusCode::OK);
    let attempts = json(&a);
    assert_eq!(attempts.as_array().map(Vec::len), Some(1));
    assert_eq!(
        attempts[0]["learner_id"].as_str(),
        Some(l1_secrets[0].as_str())
    );
    // And the instructor sees the board.
    let a = call(
        &app,
        Method::GET,
        &format!("/api/teach/classrooms/{ca_id}"),
        Some(&ada),
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    let board = json(&a);
    let rows: Vec<&str> = board["learners"]
        .as_array()
        .expect("learners")
        .iter()
        .filter_map(|l| l["id"].as_str())
        .collect();
    assert_eq!(rows, vec![l1_id.as_str(), l2_id.as_str()]);
    // And the learner's commands.
    let a = call(
        &app,
        Method::GET,
        &format!("/api/teach/classrooms/{ca_id}/learners/{l1_id}/commands"),
        Some(&ada),
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(json(&a)[0]["command"], format!("echo {}", l1_secrets[1]));
    let mut leaks = Vec::new();
    for (method, path, body) in &routes {
        for p in &principals {
            let learners_before = store.count_learners().await.expect("count");
            let a = call(&app, method.clone(), path, p.cookie.as_deref(), *body).await;
            if *method == Method::GET {
                assert_eq!(
                    store.count_learners().await.expect("count"),
                    learners_before,
                    "GET {path} as {} created a learner",
                    p.name
                );
            }
            if public(path) {
                for s in &l1_secrets {
                    if a.body.contains(s.as_str()) && p.name != "learner" {
                        leaks.push(format!("{method} {path} as {}: contains {s}", p.name));
                    }
                }
                continue;
            }
            let teach = path.starts_with("/api/teach/");
            let own_classroom = path.contains(&ca_id) && !path.contains(&cb_id);
            let may_see_l1 = match p.name {
                "learner" => !teach,
                "instructor" => teach && (own_classroom || path == "/api/teach/classrooms"),
                _ => false,
            };
            if !may_see_l1 {
                for s in &l1_secrets {
                    if a.body.contains(s.as_str()) {
                        leaks.push(format!("{} {path} as {}: contains {s}", method, p.name));
                    }
                }
                if a.body.contains(&ca_code) && !(p.name == "instructor" && teach) {
                    leaks.push(format!(
                        "{} {path} as {}: contains the join code",
                        method, p.name
                    ));
                }
            }
            // Refusals are refusals: anonymous and learners never get a 2xx from instructor routes,
            // other instructors get 404 for Ada's classroom.
            match (p.name, teach) {
                ("anonymous" | "learner" | "other learner", true) => assert_eq!(
                    a.status,
                    StatusCode::UNAUTHORIZED,
                    "{method} {path} as {}: {}",
                    p.name,
                    a.body
                ),
                // Every lesson page asks for the summary: no learner gets a 200 saying so.
                ("anonymous" | "instructor" | "other instructor", false)
                    if path == "/api/me/summary" =>
                {
                    assert_eq!(a.status, StatusCode::OK, "{path} as {}", p.name);
                    assert_eq!(
                        a.body, r#"{"signed_in":false,"progress":[],"last":{}}"#,
                        "{path} as {}",
                        p.name
                    );
                }
                ("anonymous" | "instructor" | "other instructor", false) => assert_eq!(
                    a.status,
                    StatusCode::UNAUTHORIZED,
                    "{method} {path} as {}: {}",
                    p.name,
                    a.body
                ),
                ("other instructor", true) if path.contains(&ca_id) => assert_eq!(
                    a.status,
                    StatusCode::NOT_FOUND,
                    "{method} {path} as other instructor: {}",
                    a.body
                ),
                _ => {}
            }
            if a.status.is_client_error() || a.status.is_server_error() {
                // Refusals speak both languages.
                let err: serde_json::Value = serde_json::from_str(&a.body).unwrap_or_else(|e| {
                    panic!("{method} {path} as {}: not JSON ({e}): {}", p.name, a.body)
                });
                let _: Text = serde_json::from_value(err["error"]["message"].clone())
                    .unwrap_or_else(|e| {
                        panic!("{method} {path} as {}: no zh/en message ({e})", p.name)
                    });
            }
        }
    }
    assert!(leaks.is_empty(), "leaks:\n{}", leaks.join("\n"));
}

#[tokio::test]
async fn cross_site_posts_are_refused_before_anything_happens() {
    let (state, _dir) = accounts_state().await;
    let store = state.lab.store.clone();
    let app = router(state);
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/session/start")
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::ORIGIN, "http://evil.test")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{}"))
        .expect("request");
    let resp = app.clone().oneshot(req).await.expect("answer");
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert!(resp.headers().get(header::SET_COOKIE).is_none());
    assert_eq!(store.count_attempts().await.expect("count"), 0);
    // The same request from the page itself works.
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/session/start")
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::ORIGIN, "http://127.0.0.1:3000")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{}"))
        .expect("request");
    let resp = app.oneshot(req).await.expect("answer");
    assert_eq!(resp.status(), StatusCode::OK);
    let cookie = resp
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .expect("session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
}

#[tokio::test]
async fn wrong_join_codes_and_passwords_are_rate_limited_without_saying_which_part_was_wrong() {
    let (state, _dir) = accounts_state().await;
    let store = state.lab.store.clone();
    let app = router(state);
    store
        .add_instructor("ada@example.test", "correct horse battery")
        .await
        .expect("instructor");
    let wrong_pw = call(
        &app,
        Method::POST,
        "/api/teach/login",
        None,
        Some(r#"{"email":"ada@example.test","password":"wrong password!"}"#),
    )
    .await;
    let unknown = call(
        &app,
        Method::POST,
        "/api/teach/login",
        None,
        Some(r#"{"email":"nobody@example.test","password":"wrong password!"}"#),
    )
    .await;
    assert_eq!(wrong_pw.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_pw.status, unknown.status);
    assert_eq!(
        wrong_pw.body, unknown.body,
        "the answer must not tell which part was wrong"
    );
    let mut last = StatusCode::OK;
    for _ in 0..=crate::service::CODE_FAILURES {
        last = call(
            &app,
            Method::POST,
            "/api/session/join",
            None,
            Some(r#"{"code":"ZZZZ-ZZZZ","name":"Eve"}"#),
        )
        .await
        .status;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}
