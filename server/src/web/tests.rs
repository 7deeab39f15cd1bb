use axum::body::Body;
use axum::http::Request;
use http_body_util::BodyExt;
use tower::ServiceExt;

use super::*;
use axum::http::{header, HeaderMap, StatusCode};
use kubelab_app::model::Lang;

use crate::web::testkit::state;

async fn get(uri: &str, headers: &[(&str, &str)]) -> (StatusCode, HeaderMap, String) {
    let (state, _dir) = state().await;
    let mut req = Request::builder().uri(uri);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let resp = router(state)
        .oneshot(req.body(Body::empty()).expect("request"))
        .await
        .expect("router answers");
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.into_body().collect().await.expect("body").to_bytes();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

fn location(headers: &HeaderMap) -> &str {
    headers
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[tokio::test]
async fn root_redirects_to_chinese_by_default() {
    let (status, headers, _) = get("/", &[]).await;
    assert!(status.is_redirection(), "{status}");
    assert_eq!(location(&headers), "/zh");
}

#[tokio::test]
async fn root_honours_accept_language() {
    let (_, headers, _) = get("/", &[("accept-language", "en-GB,en;q=0.9,zh;q=0.5")]).await;
    assert_eq!(location(&headers), "/en");
}

#[tokio::test]
async fn the_language_cookie_beats_accept_language() {
    let (_, headers, _) = get(
        "/",
        &[
            ("accept-language", "en"),
            ("cookie", "other=1; kubelab_lang=zh"),
        ],
    )
    .await;
    assert_eq!(location(&headers), "/zh");
}

#[tokio::test]
async fn choosing_a_language_sets_a_cookie_and_returns_to_the_page() {
    let (status, headers, _) = get("/lang/en?next=/en/learn/beta", &[]).await;
    assert!(status.is_redirection(), "{status}");
    assert_eq!(location(&headers), "/en/learn/beta");
    let cookie = headers
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(cookie.starts_with("kubelab_lang=en;"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
}

#[tokio::test]
async fn choosing_a_language_never_redirects_off_site() {
    for next in [
        "//evil.example/x",
        "https://evil.example",
        "/\\evil.example",
        // Browsers drop tabs and newlines from URLs: `/\t/evil.example` is `//evil.example`.
        "/%09/evil.example",
        "/%0a/evil.example",
        "/%0d%0a/evil.example",
        "/%20/evil.example",
        "%2F%2Fevil.example",
        "/%5cevil.example",
    ] {
        let (_, headers, _) = get(&format!("/lang/zh?next={next}"), &[]).await;
        assert_eq!(location(&headers), "/zh", "next={next}");
    }
    let (status, _, _) = get("/lang/fr?next=/fr", &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn healthz_reports_ok_and_the_chapter_count() {
    let (status, _, body) = get("/healthz", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(json["status"], "ok");
    assert_eq!(json["chapters"], 3);
}

#[tokio::test]
async fn readyz_is_ready_with_the_store_and_says_no_cluster_was_given() {
    let (status, _, body) = get("/readyz", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let r: kubelab_wire::Readiness = serde_json::from_str(&body).expect("json");
    assert_eq!(
        r,
        kubelab_wire::Readiness {
            ready: true,
            store: kubelab_wire::Reachable::Yes,
            cluster: kubelab_wire::Reachable::NotConfigured,
        }
    );
}

#[tokio::test]
async fn readyz_stays_ready_without_the_cluster_and_says_it_is_unreachable() {
    let (state, _dir) = crate::web::testkit::state_with(Err(crate::cluster::Error::Kubeconfig {
        source_name: "test".into(),
        message: "unreachable on purpose".into(),
    }))
    .await;
    let resp = router(state)
        .oneshot(
            Request::get("/readyz")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("answer");
    assert_eq!(resp.status(), StatusCode::OK);
    let body = resp.into_body().collect().await.expect("body").to_bytes();
    let r: kubelab_wire::Readiness = serde_json::from_slice(&body).expect("json");
    assert_eq!(r.cluster, kubelab_wire::Reachable::No);
    assert!(r.ready);
}

#[tokio::test]
async fn home_lists_every_chapter_in_the_page_language() {
    let (status, _, body) = get("/en", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(r#"<html lang="en""#), "{body}");
    for id in ["alpha", "beta", "gamma"] {
        assert!(body.contains(&format!("en {id} title")), "missing {id}");
        assert!(
            body.contains(&format!(r#"href="/en/learn/{id}""#)),
            "missing link to {id}"
        );
    }
    assert!(body.contains("Part one"));
    // No progress data exists yet, so no progress bars may be drawn.
    assert!(!body.contains("role=\"progressbar\""));
}

#[tokio::test]
async fn lesson_page_has_outline_toc_prev_next_and_copy_buttons() {
    let (status, _, body) = get("/zh/learn/beta", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains(r#"<html lang="zh-CN""#), "{body}");
    assert!(body.contains("<h1>zh beta title</h1>"), "{body}");
    assert!(
        body.contains(r##"<a href="#first-section">First section</a>"##),
        "{body}"
    );
    assert!(
        body.contains(r#"rel="prev" href="/zh/learn/alpha""#),
        "{body}"
    );
    assert!(
        body.contains(r#"rel="next" href="/zh/learn/gamma""#),
        "{body}"
    );
    assert!(body.contains(r#"aria-current="page""#), "{body}");
    assert!(body.contains(r#"data-copy="kubectl get pod""#), "{body}");
    assert!(body.contains("7 分钟"), "{body}");
    assert!(
        body.contains(r#"href="/lang/en?next=/en/learn/beta""#),
        "{body}"
    );
}

#[tokio::test]
async fn first_and_last_lessons_have_one_neighbour() {
    let (_, _, first) = get("/en/learn/alpha", &[]).await;
    assert!(!first.contains(r#"rel="prev""#));
    assert!(first.contains(r#"rel="next""#));
    let (_, _, last) = get("/en/learn/gamma", &[]).await;
    assert!(last.contains(r#"rel="prev""#));
    assert!(!last.contains(r#"rel="next""#));
}

#[tokio::test]
async fn unknown_lesson_language_or_path_is_a_real_404_page() {
    for (uri, text) in [
        ("/zh/learn/nope", "找不到这一页"),
        ("/fr/learn/alpha", "找不到这一页"),
        ("/en/learn/nope", "Page not found"),
        ("/no/such/path", "找不到这一页"),
    ] {
        let (status, _, body) = get(uri, &[]).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert!(body.contains(text), "{uri}: {body}");
    }
}

#[tokio::test]
async fn a_lesson_is_rendered_once_then_served_from_cache_until_the_course_changes() {
    let (state, _dir) = state().await;
    let app = router(state.clone());
    let fetch = |app: Router| async move {
        let resp = app
            .oneshot(
                Request::builder()
                    .uri("/en/learn/beta")
                    .body(Body::empty())
                    .expect("req"),
            )
            .await
            .expect("answer");
        let body = resp.into_body().collect().await.expect("body").to_bytes();
        String::from_utf8_lossy(&body).into_owned()
    };
    let first = fetch(app.clone()).await;
    let second = fetch(app.clone()).await;
    assert_eq!(first, second, "a cached page is byte-identical");
    assert!(first.contains("en beta title"));

    // A content reload (dev mode) makes a new course: the next request renders it afresh.
    let mut course = (*state.course.current()).clone();
    if let Some(lesson) = course
        .lessons
        .get_mut(&Lang::En)
        .and_then(|l| l.get_mut("beta"))
    {
        lesson.title = "renamed beta".into();
    }
    state.course.replace(course);
    let third = fetch(app).await;
    assert!(
        third.contains("renamed beta"),
        "stale page served after reload"
    );
}

#[tokio::test]
async fn a_trailing_slash_redirects_to_the_canonical_page() {
    let (status, headers, _) = get("/zh/", &[]).await;
    assert_eq!(status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(location(&headers), "/zh");
    let (_, headers, _) = get("/en/learn/beta/?a=1", &[]).await;
    assert_eq!(location(&headers), "/en/learn/beta?a=1");
    // `//host/` must not become a redirect to another site.
    let (status, _, _) = get("//evil.example/", &[]).await;
    assert!(!status.is_redirection(), "{status}");
}

#[tokio::test]
async fn every_answer_carries_the_security_headers_and_pages_allow_only_their_own_scripts() {
    for uri in [
        "/en",
        "/en/learn/beta",
        "/en/me",
        "/en/nope",
        "/api/exercises",
        "/healthz",
    ] {
        let (_, headers, body) = get(uri, &[]).await;
        let h = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        assert_eq!(h("x-content-type-options"), "nosniff", "{uri}");
        assert_eq!(h("x-frame-options"), "DENY", "{uri}");
        assert_eq!(h("referrer-policy"), "same-origin", "{uri}");
        let csp = h("content-security-policy");
        assert!(csp.contains("frame-ancestors 'none'"), "{uri}: {csp}");
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
            "{uri}: {csp}"
        );
        if h("content-type").starts_with("text/html") {
            // The page's inline scripts, and only those, are allowed by hash.
            let hashes = crate::web::guard::inline_script_hashes(&body);
            assert!(
                !hashes.is_empty(),
                "{uri}: a page hydrates with an inline script"
            );
            for hash in hashes {
                assert!(csp.contains(&format!("'sha256-{hash}'")), "{uri}: {csp}");
            }
        }
    }
}

#[tokio::test]
async fn a_request_for_another_host_is_refused_but_health_probes_are_answered() {
    let (status, _, body) = get("/en", &[("host", "evil.example")]).await;
    assert_eq!(status, StatusCode::MISDIRECTED_REQUEST, "{body}");
    assert!(body.contains("wrong-host"), "{body}");
    let (status, _, _) = get(
        "/api/exercises",
        &[("host", "attacker.rebind.example:3000")],
    )
    .await;
    assert_eq!(status, StatusCode::MISDIRECTED_REQUEST);
    for probe in ["/healthz", "/readyz"] {
        let (status, _, _) = get(probe, &[("host", "10.1.2.3:3000")]).await;
        assert_eq!(status, StatusCode::OK, "{probe}");
    }
    let (status, _, _) = get("/en", &[("host", "127.0.0.1:3000")]).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = get("/en", &[("host", "localhost")]).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn over_https_the_session_cookie_is_host_prefixed_and_secure() {
    let (mut state, _dir) = state().await;
    state.secure_cookies = true;
    let req = Request::builder()
        .method("POST")
        .uri("/api/session/start")
        .header("content-type", "application/json")
        .body(Body::from("{}"))
        .expect("request");
    let resp = router(state).oneshot(req).await.expect("router answers");
    assert_eq!(resp.status(), StatusCode::OK);
    let cookie = resp
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(cookie.starts_with("__Host-kubelab_session="), "{cookie}");
    assert!(
        cookie.contains("Secure") && cookie.contains("Path=/"),
        "{cookie}"
    );
    assert!(!cookie.contains("Domain"), "{cookie}");
}

async fn post_json(app: &axum::Router, uri: &str, body: &str) -> (StatusCode, String) {
    let req = Request::builder()
        .method("POST")
        .uri(uri)
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    let resp = app.clone().oneshot(req).await.expect("router answers");
    let status = resp.status();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn one_address_creates_a_classroom_of_learners_at_once_but_not_hundreds() {
    let limits = crate::service::Limits {
        learners_burst: 40,
        learners_per_hour: 1,
        max_learners: 1_000,
        ..Default::default()
    };
    let (state, _dir) =
        crate::web::testkit::state_with_limits(Err(crate::cluster::Error::NoKubeconfig), limits)
            .await;
    let store = state.lab.store.clone();
    let app = router(state);
    for i in 0..40 {
        let (status, body) = post_json(&app, "/api/session/start", "{}").await;
        assert_eq!(status, StatusCode::OK, "learner {i}: {body}");
    }
    for _ in 0..260 {
        let (status, body) = post_json(&app, "/api/session/start", "{}").await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
        assert!(body.contains("too-many-new-learners"), "{body}");
    }
    // A first submission would create one too: refused the same way, nothing stored.
    let (status, _) = post_json(&app, "/api/exercises/kubectl-dry-run/submit", "x").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(store.count_learners().await.expect("count"), 40);
}

#[tokio::test]
async fn a_full_kubelab_says_so_and_creates_nobody() {
    let limits = crate::service::Limits {
        max_learners: 2,
        ..Default::default()
    };
    let (state, _dir) =
        crate::web::testkit::state_with_limits(Err(crate::cluster::Error::NoKubeconfig), limits)
            .await;
    let store = state.lab.store.clone();
    let app = router(state);
    for _ in 0..2 {
        assert_eq!(
            post_json(&app, "/api/session/start", "{}").await.0,
            StatusCode::OK
        );
    }
    let (status, body) = post_json(&app, "/api/session/start", "{}").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert!(body.contains("\"full\""), "{body}");
    assert_eq!(store.count_learners().await.expect("count"), 2);
}
