//! Lesson pages are a pure function of the course and the URL (no learner data on them yet), so
//! each is rendered once per course version and then served from memory. A content reload makes
//! a new `Course`, which empties the cache. When pages start showing per-learner data, that part
//! must come from an island or the request must bypass this cache.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use kubelab_app::model::{Course, CourseHandle};

/// Pages larger than this are not kept (a lesson is ~50 KB).
const MAX_PAGE_BYTES: usize = 2 * 1024 * 1024;
/// Bounds memory even if someone walks many distinct URLs: 14 chapters × 2 languages fit easily.
const MAX_PAGES: usize = 512;

#[derive(Clone, Default)]
pub struct PageCache {
    inner: Arc<Mutex<Inner>>,
    /// Off: every request renders (`serve --no-page-cache`, for measuring SSR itself).
    disabled: bool,
}

impl std::fmt::Debug for PageCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pages = self.inner.lock().map(|i| i.pages.len()).unwrap_or(0);
        f.debug_struct("PageCache").field("pages", &pages).finish()
    }
}

#[derive(Default)]
struct Inner {
    /// The course the cached pages were rendered from.
    course: Option<Arc<Course>>,
    pages: HashMap<String, (HeaderMap, Bytes)>,
}

impl PageCache {
    pub fn new(enabled: bool) -> Self {
        PageCache {
            disabled: !enabled,
            ..Default::default()
        }
    }

    fn get(&self, course: &Arc<Course>, path: &str) -> Option<(HeaderMap, Bytes)> {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if !inner
            .course
            .as_ref()
            .is_some_and(|c| Arc::ptr_eq(c, course))
        {
            inner.course = Some(course.clone());
            inner.pages.clear();
            return None;
        }
        inner.pages.get(path).cloned()
    }

    fn put(&self, course: &Arc<Course>, path: String, headers: HeaderMap, body: Bytes) {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let same = inner
            .course
            .as_ref()
            .is_some_and(|c| Arc::ptr_eq(c, course));
        if same && inner.pages.len() < MAX_PAGES {
            inner.pages.insert(path, (headers, body));
        }
    }
}

/// Only lesson and home pages: `/zh`, `/en/learn/x`. Everything else passes through.
fn cacheable(req: &Request) -> bool {
    let path = req.uri().path();
    req.method() == Method::GET
        && req.uri().query().is_none()
        && (path == "/zh"
            || path == "/en"
            || path.starts_with("/zh/learn/")
            || path.starts_with("/en/learn/"))
}

/// The middleware: its state is the cache and the course it renders from.
pub async fn layer(
    State((pages, course)): State<(PageCache, CourseHandle)>,
    req: Request,
    next: Next,
) -> Response {
    if pages.disabled || !cacheable(&req) {
        return next.run(req).await;
    }
    let course = course.current();
    let path = req.uri().path().to_string();
    if let Some((headers, body)) = pages.get(&course, &path) {
        return (StatusCode::OK, headers, body).into_response();
    }
    let resp = next.run(req).await;
    if resp.status() != StatusCode::OK {
        return resp;
    }
    let (parts, body) = resp.into_parts();
    // Our own rendered HTML: bounded by the content, so reading it whole is safe.
    match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => {
            if bytes.len() <= MAX_PAGE_BYTES {
                let mut headers = parts.headers.clone();
                // Cookies are per response, never shared through a cache.
                headers.remove(header::SET_COOKIE);
                pages.put(&course, path, headers, bytes.clone());
            }
            Response::from_parts(parts, Body::from(bytes))
        }
        Err(e) => {
            tracing::error!("rendering {path} failed: {e}");
            (StatusCode::INTERNAL_SERVER_ERROR, "page rendering failed").into_response()
        }
    }
}
