//! The routes, one module per area: the site itself (here: `/`, language choice, health,
//! favicon), exercises, learners, instructors. A route parses, calls one service function and
//! answers; pages are leptos' (see `web::router`).

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use kubelab_app::model::Lang;
use serde::Deserialize;

use super::state::AppState;

pub mod apply;
pub mod exercises;
pub mod learner;
pub mod teach;
pub mod terminal;

/// The cookie that remembers a learner's language choice.
pub const LANG_COOKIE: &str = "kubelab_lang";

pub fn site() -> Router<AppState> {
    Router::new()
        .route("/", get(root))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/lang/{lang}", get(choose_lang))
        .route("/favicon.svg", get(favicon))
}

/// An event stream: SSE with keep-alives, and `X-Accel-Buffering: no` so that NGINX in front
/// (both ingress controllers the course names) passes each event on at once instead of
/// buffering the response.
pub fn event_stream<S>(events: S) -> Response
where
    S: futures::Stream<Item = Result<axum::response::sse::Event, std::convert::Infallible>>
        + Send
        + 'static,
{
    let mut resp = axum::response::sse::Sse::new(events)
        .keep_alive(axum::response::sse::KeepAlive::default())
        .into_response();
    resp.headers_mut()
        .insert("x-accel-buffering", HeaderValue::from_static("no"));
    resp
}

/// A download: never cached (it carries a token or learners' data).
pub fn attachment(content_type: &str, filename: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response()
}

fn preferred_lang(headers: &HeaderMap) -> Lang {
    let from_cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == LANG_COOKIE)
        .and_then(|(_, v)| Lang::parse(v));
    from_cookie
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default()
}

/// `/` goes to the learner's language: their earlier choice, else the browser's, else Chinese.
async fn root(headers: HeaderMap) -> Redirect {
    Redirect::to(&format!("/{}", preferred_lang(&headers).code()))
}

#[derive(Debug, Deserialize)]
struct NextQuery {
    next: Option<String>,
}

/// Only paths of this site: `/en/learn/x` yes; `//evil.example`, `https://…`, `/\\evil` no, and
/// nothing with whitespace or control characters, which browsers drop from a URL before reading
/// it (`/\t/evil.example` is `//evil.example` to them).
fn safe_next(next: Option<&str>, lang: Lang) -> String {
    let ours = |n: &str| {
        n.starts_with('/')
            && !n.starts_with("//")
            && !n
                .chars()
                .any(|c| c == '\\' || c.is_whitespace() || c.is_control())
            && n.len() <= 512
    };
    match next {
        Some(n) if ours(n) => n.to_string(),
        _ => format!("/{}", lang.code()),
    }
}

/// Remembers the language choice for a year and goes back to the page, in that language.
async fn choose_lang(Path(lang): Path<String>, Query(q): Query<NextQuery>) -> Response {
    let Some(lang) = Lang::parse(&lang) else {
        return (StatusCode::NOT_FOUND, "unknown language").into_response();
    };
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang.code()
    );
    let mut resp = Redirect::to(&safe_next(q.next.as_deref(), lang)).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().insert(header::SET_COOKIE, value);
    }
    resp
}

async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    let chapters = state.course.current().order.len();
    axum::Json(serde_json::json!({ "status": "ok", "chapters": chapters }))
}

/// Readiness: 503 while the store does not answer; the cluster's state is reported (see
/// `kubelab_wire::Readiness`).
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let r = state.lab.readiness().await;
    let status = if r.ready {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::SERVICE_UNAVAILABLE
    };
    (status, axum::Json(r))
}

const FAVICON: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><circle cx="16" cy="16" r="14" fill="#326ce5"/><path d="M16 7v18M8 11.5l16 9M8 20.5l16-9" stroke="#fff" stroke-width="2.5" stroke-linecap="round"/></svg>"##;

async fn favicon() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        FAVICON,
    )
}
