//! The one shape of every API error: `{ "error": { "code", "message": { "zh", "en" } } }`.
//! A live stream's `error` event carries the inner [`ErrorDetail`].

use kubelab_checks::Text;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// Stable, for programs and tests (`unknown-exercise`, `rate-limited`, …).
    pub code: String,
    /// For people, in both languages.
    pub message: Text,
}

impl ErrorBody {
    pub fn new(code: impl Into<String>, message: Text) -> Self {
        ErrorBody {
            error: ErrorDetail {
                code: code.into(),
                message,
            },
        }
    }
}
