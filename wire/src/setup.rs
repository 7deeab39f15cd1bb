//! The answer to "Start" and "Reset this exercise" (`POST /api/exercises/{id}/start`, `/reset`).

use kubelab_checks::{SetupObject, Text};
use serde::{Deserialize, Serialize};

/// What kubelab created for an exercise in the learner's namespace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Started {
    pub exercise: String,
    pub namespace: String,
    /// `true` for a reset: the exercise's objects were deleted first.
    pub reset: bool,
    /// The objects applied, in the order of the spec's `setup:`.
    pub created: Vec<SetupObject>,
    /// The same as a sentence, in both languages.
    pub message: Text,
}
