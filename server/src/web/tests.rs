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
