//! `/{lang}/search` through the whole router, on the test fixture's course: results link to the
//! section, the query is escaped, the bound holds, and per-query pages are never cached.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;

use super::*;
use crate::web::testkit::state;

async fn get(app: &Router, uri: &str) -> (StatusCode, String) {
    let resp = app
        .clone()
        .oneshot(
            Request::builder()
                .uri(uri)
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("router answers");
    let status = resp.status();
    let body = resp.into_body().collect().await.expect("body").to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn a_search_lists_sections_as_links_in_the_page_language() {
    let (state, _dir) = state().await;
    let app = router(state);
    let (status, body) = get(&app, "/en/search?q=kubectl").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body.contains(r#"<html lang="en""#), "{body}");
    assert!(
        body.contains(r##"href="/en/learn/alpha#first-section""##),
        "{body}"
    );
    assert!(body.contains("en alpha title"), "{body}");
    assert!(body.contains("<mark>kubectl</mark>"), "{body}");
    assert!(body.contains("3 sections for “kubectl”"), "{body}");
    assert!(
        body.contains(r#"value="kubectl""#),
        "the box keeps the query: {body}"
    );
    // The language switch keeps the query.
    assert!(
        body.contains(r#"href="/lang/zh?next=/zh/search%3Fq%3Dkubectl""#),
        "{body}"
    );

    let (status, zh) = get(&app, "/zh/search?q=kubectl").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        zh.contains(r##"href="/zh/learn/alpha#first-section""##),
        "{zh}"
    );
    assert!(zh.contains("共找到 3 个小节"), "{zh}");
}

#[tokio::test]
async fn every_page_has_a_search_box_that_works_without_javascript() {
    let (state, _dir) = state().await;
    let app = router(state);
    for (uri, action, label) in [
        ("/en/learn/alpha", "/en/search", "Search the course"),
        ("/zh", "/zh/search", "搜索课程"),
        ("/en/search", "/en/search", "Search the course"),
    ] {
        let (status, body) = get(&app, uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(
            body.contains(&format!(
                r#"<form role="search" method="get" action="{action}" class="header-search">"#
            )),
            "{uri}: {body}"
        );
        assert!(
            body.contains(&format!(
                r#"<label for="header-search-q" class="visually-hidden">{label}</label>"#
            )),
            "{uri}: {body}"
        );
        assert!(body.contains(r#"type="search" name="q""#), "{uri}");
    }
}

#[tokio::test]
async fn the_query_is_escaped_never_markup() {
    let (state, _dir) = state().await;
    let app = router(state);
    let (status, body) = get(
        &app,
        "/en/search?q=%3C%2Ftitle%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(2)%3E",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!body.contains("<script>alert(1)"), "{body}");
    assert!(!body.contains("<img src=x"), "{body}");
    assert!(body.contains("&lt;script&gt;alert(1)"), "{body}");
    assert!(body.contains("<title>Search · kubelab</title>"), "{body}");
    assert!(body.contains("No section matches."), "{body}");
}

#[tokio::test]
async fn an_empty_query_shows_the_box_and_a_too_long_one_is_a_400_in_both_languages() {
    let (state, _dir) = state().await;
    let app = router(state);
    let (status, body) = get(&app, "/en/search").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Type a word"), "{body}");
    assert!(!body.contains("search-results"), "{body}");

    let long = "a".repeat(kubelab_app::model::MAX_SEARCH_CHARS + 1);
    let (status, body) = get(&app, &format!("/en/search?q={long}")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("at most 200 characters"), "{body}");
    let (status, body) = get(&app, &format!("/zh/search?q={long}")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("最多 200 个字符"), "{body}");

    let (status, _) = get(&app, "/fr/search?q=x").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn each_query_gets_its_own_answer_not_a_cached_page() {
    let (state, _dir) = state().await;
    let app = router(state);
    let (_, first) = get(&app, "/en/search?q=kubectl").await;
    let (_, second) = get(&app, "/en/search?q=nothing-like-this").await;
    assert!(first.contains("<mark>kubectl</mark>"));
    assert!(second.contains("No section matches."), "{second}");
}
