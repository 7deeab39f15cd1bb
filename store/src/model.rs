//! The records the store keeps. Times are unix milliseconds.

use kubelab_checks::Verdict;
use serde::Serialize;

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
}

/// What produced an attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AttemptSource {
    /// The learner pressed "check".
    Check,
    /// Submitted text (offline exercises).
    Submit,
    /// A live verdict pushed on a watch event.
    Live,
    /// An instructor's grading run.
    Grade,
}

impl AttemptSource {
    pub fn as_str(self) -> &'static str {
        match self {
            AttemptSource::Check => "check",
            AttemptSource::Submit => "submit",
            AttemptSource::Live => "live",
            AttemptSource::Grade => "grade",
        }
    }

    pub(crate) fn parse(s: &str) -> Option<Self> {
        [
            AttemptSource::Check,
            AttemptSource::Submit,
            AttemptSource::Live,
            AttemptSource::Grade,
        ]
        .into_iter()
        .find(|source| source.as_str() == s)
    }
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

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Attempt {
    pub id: i64,
    pub learner_id: String,
    pub exercise_id: String,
    pub at: i64,
    pub source: AttemptSource,
    /// The original verdict's `passed`.
    pub passed: bool,
    pub verdict: Verdict,
    pub evidence: Vec<serde_json::Value>,
    pub input: Option<String>,
    /// A later re-grading's verdict, stored beside the original (which is never changed).
    pub regraded: Option<Verdict>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    NotStarted,
    Failing,
    Passed,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExerciseProgress {
    pub exercise_id: String,
    /// Passed once any attempt passed.
    pub status: Status,
    pub attempts: u32,
    pub first_pass_at: Option<i64>,
    pub last_at: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StuckCount {
    pub exercise_id: String,
    pub assertion_id: String,
    /// Learners whose latest attempt at the exercise fails this assertion.
    pub learners: u32,
}
