//! The verdict: a stable public JSON format (see docs/verdict.schema.json).

use serde::{Deserialize, Serialize};

pub use crate::yaml::Location;

/// Bilingual text. Both languages are always present.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Text {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The text in `lang` ("zh" or anything else for English).
    pub fn get(&self, lang: &str) -> &str {
        if lang == "zh" {
            &self.zh
        } else {
            &self.en
        }
    }

    pub(crate) fn is_blank(&self) -> bool {
        self.zh.trim().is_empty() || self.en.trim().is_empty()
    }
}

/// Shorthand for building bilingual messages.
pub(crate) fn t(zh: impl Into<String>, en: impl Into<String>) -> Text {
    Text::new(zh, en)
}

/// The object an assertion is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectRef {
    pub kind: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub namespace: Option<String>,
}

impl std::fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.kind, self.name)
    }
}

/// Where the verdict came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Evaluated against a snapshot of the learner's namespace.
    Cluster,
    /// Evaluated against text the learner submitted (Dockerfile, command, manifest, quiz answers).
    Offline,
}

/// The outcome of one assertion (or one quiz question).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssertionResult {
    /// The assertion id from the spec (or the question id for quizzes).
    pub id: String,
    pub passed: bool,
    /// True when the assertion was not evaluated because something it depends on failed;
    /// `message` names that first broken link. A skipped assertion has `passed: false`.
    #[serde(default)]
    pub skipped: bool,
    /// What is checked (from the spec).
    pub title: Text,
    /// What was found: a full sentence naming the object, the field, expected and found.
    pub message: Text,
    /// The next hint, present only when the assertion did not pass.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub hint: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub object: Option<ObjectRef>,
    /// A field path such as `spec.selector.matchLabels.app`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub expected: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub found: Option<String>,
    /// Line/column in the submitted text (offline kinds only).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub location: Option<Location>,
}

/// The verdict for one exercise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub exercise: String,
    pub mode: Mode,
    pub passed: bool,
    pub results: Vec<AssertionResult>,
}

impl Verdict {
    pub(crate) fn new(exercise: &str, mode: Mode, results: Vec<AssertionResult>) -> Self {
        let passed = !results.is_empty() && results.iter().all(|r| r.passed);
        Verdict {
            exercise: exercise.to_string(),
            mode,
            passed,
            results,
        }
    }

    /// The same verdict without the per-result hints (while an exercise's hints are closed).
    pub fn without_hints(mut self) -> Self {
        for r in &mut self.results {
            r.hint = None;
        }
        self
    }

    /// The first result that did not pass and was not skipped: the thing to fix next.
    pub fn first_failure(&self) -> Option<&AssertionResult> {
        self.results.iter().find(|r| !r.passed && !r.skipped)
    }

    /// The result with this id.
    pub fn result(&self, id: &str) -> Option<&AssertionResult> {
        self.results.iter().find(|r| r.id == id)
    }
}

/// Builder used by the evaluators for one outcome.
#[derive(Debug, Clone, Default)]
pub(crate) struct Outcome {
    pub passed: bool,
    pub skipped: bool,
    pub message: Text,
    pub object: Option<ObjectRef>,
    pub field: Option<String>,
    pub expected: Option<String>,
    pub found: Option<String>,
    pub location: Option<Location>,
    /// Set when the target object was missing: a key for "skip later checks of the same object".
    pub missing: Option<String>,
}

impl Outcome {
    pub fn pass(message: Text) -> Self {
        Outcome {
            passed: true,
            message,
            ..Default::default()
        }
    }
    pub fn fail(message: Text) -> Self {
        Outcome {
            passed: false,
            message,
            ..Default::default()
        }
    }
    pub fn object(mut self, o: Option<ObjectRef>) -> Self {
        self.object = o;
        self
    }
    pub fn field(mut self, f: impl Into<String>) -> Self {
        self.field = Some(f.into());
        self
    }
    pub fn expected(mut self, e: impl Into<String>) -> Self {
        self.expected = Some(e.into());
        self
    }
    pub fn found(mut self, f: impl Into<String>) -> Self {
        self.found = Some(f.into());
        self
    }
    pub fn at(mut self, l: Option<Location>) -> Self {
        self.location = l;
        self
    }
    pub fn into_result(self, id: &str, title: &Text, hint: &Text) -> AssertionResult {
        AssertionResult {
            id: id.to_string(),
            passed: self.passed,
            skipped: self.skipped,
            title: title.clone(),
            message: self.message,
            hint: if self.passed {
                None
            } else {
                Some(hint.clone())
            },
            object: self.object,
            field: self.field,
            expected: self.expected,
            found: self.found,
            location: self.location,
        }
    }
}
