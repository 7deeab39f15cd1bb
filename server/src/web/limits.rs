//! What one request may take: a deadline for its answer, and a bound on its body.
//!
//! * Every route answers within `--request-timeout` (default 30 s), or gets 503 `timeout` in
//!   our JSON error body with `Retry-After`. Long-running routes (a namespace reset waits up to
//!   two minutes for the old namespace to go; archive removes a classroom's namespaces; grade-all
//!   and re-grading go through a whole classroom) get `--long-request-timeout` (default 180 s).
//!   Event streams (live verdicts, boards) have none: they are meant to stay open, and their
//!   number is bounded instead. The deadline covers the answer's head; a body streams on.
//! * Every body is at most 64 KiB (`DefaultBodyLimit` for the extractors), submissions 1 MiB (their
//!   route's own limit); a declared `Content-Length` over the largest of them is refused with
//!   413 before any handler runs.

use std::time::Duration;

use axum::body::HttpBody;
use axum::extract::{Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::WebError;

/// The body limit of every route that does not set its own.
pub const DEFAULT_MAX_BODY: usize = 64 * 1024;
/// The largest body any route takes (submissions).
pub const MAX_ANY_BODY: usize = kubelab_checks::MAX_INPUT_BYTES;

/// The deadlines of requests.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// Every route but those below.
    pub request: Duration,
    /// Routes that wait for the cluster on purpose (reset, archive, grade, re-grade).
    pub long: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            request: Duration::from_secs(30),
            long: Duration::from_secs(180),
        }
    }
}

/// What kind of deadline a route has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deadline {
    Normal,
    Long,
    /// An event stream: none.
    Stream,
}

/// The deadline of `method path` (the routes of `routes/`).
pub fn deadline_of(method: &Method, path: &str) -> Deadline {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    if *method == Method::GET {
        if let ["api", "exercises", _, "live"] | ["api", "teach", "classrooms", _, "events"] =
            segments.as_slice()
        {
            return Deadline::Stream;
        }
    }
    if *method == Method::POST {
        if let ["api", "me", "reset"]
        | ["api", "exercises", _, "reset"]
        | ["api", "teach", "classrooms", _, "archive" | "grade" | "regrade"] =
            segments.as_slice()
        {
            return Deadline::Long;
        }
    }
    Deadline::Normal
}

impl Timeouts {
    fn of(&self, method: &Method, path: &str) -> Option<Duration> {
        match deadline_of(method, path) {
            Deadline::Normal => Some(self.request),
            Deadline::Long => Some(self.long),
            Deadline::Stream => None,
        }
    }
}

/// Answers 503 `timeout` when the route has not answered by its deadline (the handler is
/// dropped).
pub async fn deadline(State(timeouts): State<Timeouts>, req: Request, next: Next) -> Response {
    let Some(limit) = timeouts.of(req.method(), req.uri().path()) else {
        return next.run(req).await;
    };
    let path = req.uri().path().to_string();
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(resp) => resp,
        Err(_) => {
            tracing::warn!(path = %path, after = ?limit, "request timed out");
            WebError::Timeout(limit).into_response()
        }
    }
}

/// Refuses a body whose declared length is over what any route takes, before anything reads it.
pub async fn body_limit(req: Request, next: Next) -> Response {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .or_else(|| req.body().size_hint().exact());
    if declared.is_some_and(|n| n > MAX_ANY_BODY as u64) {
        return WebError::TooLarge(MAX_ANY_BODY).into_response();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_have_no_deadline_and_cluster_waits_a_long_one() {
        use Deadline::*;
        let cases = [
            (Method::GET, "/api/exercises/deployment/live", Stream),
            (Method::GET, "/api/teach/classrooms/c1/events", Stream),
            (Method::POST, "/api/me/reset", Long),
            (Method::POST, "/api/teach/classrooms/c1/archive", Long),
            (Method::POST, "/api/teach/classrooms/c1/grade", Long),
            (Method::POST, "/api/teach/classrooms/c1/regrade", Long),
            (Method::POST, "/api/exercises/deployment/check", Normal),
            (Method::POST, "/api/exercises/fix-target-port/start", Normal),
            (Method::POST, "/api/exercises/fix-target-port/reset", Long),
            (Method::POST, "/api/exercises/live/submit", Normal),
            (Method::POST, "/api/exercises/x/live", Normal),
            (Method::GET, "/api/me", Normal),
            (Method::GET, "/zh/learn/deployment", Normal),
        ];
        for (method, path, want) in cases {
            assert_eq!(deadline_of(&method, path), want, "{method} {path}");
        }
    }
}
