//! The JSON API for exercises (check, submit, live). Filled in by the check-engine work.

use axum::Router;

use crate::http::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
}
