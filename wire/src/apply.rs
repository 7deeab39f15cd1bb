//! "Apply" from the page: `POST /api/me/apply` and `POST /api/me/apply/delete`.

use kubelab_checks::Text;
use serde::{Deserialize, Serialize};

/// The learner's YAML (one or more documents) and whether to only try it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyBody {
    pub yaml: String,
    /// Ask the API server to validate and admit, but store nothing.
    #[serde(default)]
    pub dry_run: bool,
}

/// What happened to each object, or why nothing was sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyReport {
    /// Every object went through (or, for a delete, is gone).
    pub ok: bool,
    pub dry_run: bool,
    /// The namespace the objects went to.
    pub namespace: String,
    /// In the order of the documents; empty when `problems` stopped everything.
    pub objects: Vec<AppliedObject>,
    /// Problems found before anything was sent (nothing was applied).
    pub problems: Vec<ApplyProblem>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppliedObject {
    pub kind: String,
    pub name: String,
    /// 1-based document of the text.
    pub document: u32,
    pub outcome: ApplyOutcome,
    /// The API server's refusal, in the learner's words where we have them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Text>,
    /// Where the field the refusal names is (or the document's start).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ApplyOutcome {
    Applied,
    /// Dry run: the API server would accept it.
    WouldApply,
    Deleted,
    /// Delete: it was not there.
    Absent,
    Refused,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyProblem {
    /// 1-based; 0 for the whole text.
    pub document: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    pub message: Text,
}
