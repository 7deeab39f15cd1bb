//! Progress and attempts: what the store keeps and the pages show.

use kubelab_checks::Verdict;
use serde::{Deserialize, Serialize};

/// Where a learner is with one exercise.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    #[default]
    NotStarted,
    Failing,
    Passed,
}

impl Status {
    /// The word used in CSV exports, `data-status` attributes and CSS classes.
    pub fn code(self) -> &'static str {
        match self {
            Status::NotStarted => "not-started",
            Status::Failing => "failing",
            Status::Passed => "passed",
        }
    }

    /// Never told by colour alone: every cell and row carries this symbol and a word.
    pub fn symbol(self) -> &'static str {
        match self {
            Status::Passed => "✓",
            Status::Failing => "✗",
            Status::NotStarted => "–",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExerciseProgress {
    pub exercise_id: String,
    /// Passed once any attempt passed.
    pub status: Status,
    pub attempts: u32,
    pub first_pass_at: Option<i64>,
    pub last_at: Option<i64>,
    /// The first attempt.
    #[serde(default)]
    pub first_at: Option<i64>,
}

/// How many learners of a classroom fail one assertion in their latest attempt at an exercise.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StuckCount {
    pub exercise_id: String,
    pub assertion_id: String,
    pub learners: u32,
    /// What the assertion checks, in both languages (from the catalog; the store leaves it out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<kubelab_checks::Text>,
}

/// What produced an attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
    pub const ALL: [AttemptSource; 4] = [
        AttemptSource::Check,
        AttemptSource::Submit,
        AttemptSource::Live,
        AttemptSource::Grade,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AttemptSource::Check => "check",
            AttemptSource::Submit => "submit",
            AttemptSource::Live => "live",
            AttemptSource::Grade => "grade",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|source| source.as_str() == s)
    }
}

/// A recorded check or submission with the evidence it was decided on. Times are unix ms.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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

impl Attempt {
    /// The verdict that counts now: a re-grading if there is one.
    pub fn current_verdict(&self) -> &Verdict {
        self.regraded.as_ref().unwrap_or(&self.verdict)
    }
}

/// Gated progress: why an exercise is not open yet — the first chapter, in course order, whose
/// exercises have not all passed, and which of them are still to pass.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Locked {
    pub chapter: String,
    pub title: kubelab_checks::Text,
    pub missing: Vec<String>,
}

/// Whether gated progress applies to a learner, and who decided it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatingView {
    pub gated: bool,
    /// The classroom's instructor decides; the learner cannot change it.
    pub by_classroom: bool,
}

/// `PUT /api/me/gated` and `PUT /api/teach/classrooms/{id}/gated`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatedBody {
    pub gated: bool,
}

/// `GET /api/exercises/{id}/hints`: an exercise's hints for the asking learner — all of them,
/// or none yet and how many more failed checks open them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hints {
    pub hints: Vec<kubelab_checks::Text>,
    /// Failed checks still needed; absent once the hints are open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_go: Option<u32>,
}
