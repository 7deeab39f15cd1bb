//! The records the store keeps. Times are unix milliseconds.

use kubelab_checks::Verdict;
use serde::Serialize;

// The records that cross HTTP as they are are wire types, defined once in kubelab-wire.
pub use kubelab_wire::{Attempt, AttemptSource, ExerciseProgress, Status, StuckCount};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct NewLearner<'a> {
    pub display_name: Option<&'a str>,
    pub classroom_id: Option<&'a str>,
    /// `"kl-"` gives namespaces like `kl-3f9xk2ab`.
    pub namespace_prefix: &'a str,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Learner {
    pub id: String,
    pub display_name: Option<String>,
    /// The learner's own Kubernetes namespace (a DNS label, unique).
    pub namespace: String,
    pub classroom_id: Option<String>,
    /// `XXXX-XXXX`: brings the learner back on another browser.
    pub resume_code: String,
    pub created_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Instructor {
    pub id: String,
    /// Trimmed and lowercased.
    pub email: String,
    pub created_at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Classroom {
    pub id: String,
    /// The join code, `XXXX-XXXX`.
    pub code: String,
    pub name: String,
    pub instructor_id: String,
    pub created_at: i64,
    pub archived_at: Option<i64>,
    /// Gated progress for its learners: a chapter's exercises open once the chapters before
    /// it have passed.
    pub gated: bool,
    /// The commands its learners run in the in-page terminal are kept.
    pub record_commands: bool,
}

pub struct NewAttempt<'a> {
    pub learner_id: &'a str,
    pub exercise_id: &'a str,
    pub source: AttemptSource,
    pub verdict: &'a Verdict,
    /// The objects the verdict was decided on; `record_attempt` strips them (`strip_evidence`).
    pub evidence: &'a [serde_json::Value],
    /// The submitted text of offline exercises.
    pub input: Option<&'a str>,
}

/// Whether gated progress applies to a learner, and who decided it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Gating {
    /// Gated progress is on for this learner.
    pub gated: bool,
    /// The learner's classroom decides (the instructor's setting); the learner's own choice
    /// counts only when they are self-paced.
    pub by_classroom: bool,
}
