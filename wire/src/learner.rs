//! The learner's API: `/api/session/*` bodies, `/api/me` and `/api/me/summary`.

use std::collections::BTreeMap;

use kubelab_checks::{Text, Verdict};
use serde::{Deserialize, Serialize};

use crate::progress::{ExerciseProgress, GatingView, Locked};

/// `POST /api/session/start`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartBody {
    #[serde(default)]
    pub display_name: Option<String>,
}

/// `POST /api/session/resume`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResumeBody {
    pub code: String,
}

/// `POST /api/session/join`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinBody {
    pub code: String,
    pub name: String,
}

/// `GET /api/me` (and the answer of start, resume, join and reset): the learner's page data.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub learner: MeLearner,
    pub cluster: ClusterStatus,
    pub progress: Vec<ExerciseProgress>,
    /// When the learner's namespace is removed if they stay away (the idle reaper); absent when
    /// it never is.
    #[serde(default)]
    pub idle_removal: Option<IdleRemoval>,
    /// Gated progress: on or off, and whether the learner may change it.
    #[serde(default)]
    pub gating: GatingView,
}

/// A self-paced learner's namespace unused for `after_secs` is removed; their progress stays.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdleRemoval {
    pub after_secs: u64,
    /// Unix milliseconds: the removal time if nothing happens before it.
    pub at: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeLearner {
    pub id: String,
    pub display_name: Option<String>,
    /// The namespace their cluster checks read.
    pub namespace: String,
    pub resume_code: String,
    pub created_at: i64,
    pub classroom: Option<ClassroomRef>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassroomRef {
    pub id: String,
    pub name: String,
}

/// A cluster that is down is reported here, not as an error: the rest of the page still works.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterStatus {
    pub connected: bool,
    pub namespace_ready: bool,
    pub message: Option<Text>,
}

/// `GET /api/me/summary`: what lesson pages show of a learner. A visitor without a session gets
/// `signed_in: false` and nothing else (a 200: every lesson page asks).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub signed_in: bool,
    pub progress: Vec<ExerciseProgress>,
    /// The last verdict per exercise id.
    pub last: BTreeMap<String, LastVerdict>,
    /// Gated progress: the exercises not open yet, and why (empty when gating is off).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub locked: BTreeMap<String, Locked>,
}

/// The part of [`Summary`] a chapter's progress bar reads, parsed from the same response. The
/// lesson page's first bundle carries only this, not the parser of every verdict in `last`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummaryProgress {
    pub signed_in: bool,
    pub progress: Vec<ExerciseProgress>,
}

/// The last answered attempt of one exercise: when (unix ms), and its (possibly re-graded) verdict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastVerdict {
    pub at: i64,
    pub verdict: Verdict,
}
