//! Pure check engine: exercise spec + snapshot (or submitted text) → verdict.
//!
//! No I/O, no threads, no async: the crate builds for `wasm32-unknown-unknown`.
//!
//! * [`Catalog::from_sources`] parses `content/exercises/<id>.yaml` texts the caller has read.
//! * [`evaluate`] checks a `cluster` exercise against a [`Snapshot`] of the learner's namespace.
//! * [`validate`] / [`validate_bytes`] check submitted text for `dockerfile`, `command`, `manifest`
//!   and `quiz` exercises (and `cluster` exercises with `offline: manifest`).
//! * [`graph::build`] draws the learner's objects and their links for the live view.
//! * [`Exercise::public`] strips quiz answers before an exercise goes to the browser.
//!
//! See docs/EXERCISES.md for the spec format and the assertion vocabulary.

pub mod apply;
mod cluster;
pub mod command;
pub mod dockerfile;
pub mod graph;
pub mod labels;
pub mod manifest;
pub mod path;
pub mod quantity;
pub mod quiz;
mod snapshot;
mod spec;
mod verdict;
pub mod yaml;

use std::collections::BTreeMap;

pub use graph::{BrokenLink, GraphEdge, GraphNode, NodeStatus, ObjectGraph};
pub use snapshot::{Snapshot, CLUSTER_SCOPED};
pub use spec::setup;
pub use spec::{
    parse_exercise, Assertion, Catalog, Check, ClassRequirement, CommandSpec, Exercise,
    ExerciseKind, Expect, FlagSpec, Need, PublicAssertion, PublicExercise, Question, QuizOption,
    SetupManifest, SetupObject, TaintSpec, Target, MAX_HINTS_AFTER_FAILURES,
};
pub use verdict::{AssertionResult, Location, Mode, ObjectRef, Text, Verdict};

use verdict::{t, Outcome};

/// Largest accepted submission (1 MiB).
pub const MAX_INPUT_BYTES: usize = 1024 * 1024;

/// Errors loading the catalog. Each names the file; parse errors carry line and column.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum Error {
    #[error("{file}:{line}:{column}: {message}")]
    Parse {
        file: String,
        line: u32,
        column: u32,
        message: String,
    },
    #[error("{file}: the id \"{id}\" must equal the file name")]
    IdMismatch { file: String, id: String },
    #[error("{file}: duplicate exercise id \"{id}\" (first defined in {first})")]
    DuplicateId {
        id: String,
        file: String,
        first: String,
    },
    #[error("{file}: invalid spec: {problems}")]
    Invalid { file: String, problems: String },
}

/// Errors in submitted text. Nothing here panics on any input.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum InputError {
    #[error("the input is {size} bytes; the limit is {limit} bytes (1 MiB)")]
    TooLarge { size: usize, limit: usize },
    #[error("the input is empty")]
    Empty,
    #[error("line {line}, column {column}: the input is not UTF-8 text")]
    NotUtf8 { line: u32, column: u32 },
    #[error("line {line}, column {column}: the input contains binary data (byte 0x{byte:02x})")]
    Binary { line: u32, column: u32, byte: u8 },
    #[error("line {line}, column {column}: {message}")]
    Syntax {
        line: u32,
        column: u32,
        message: String,
    },
    /// Valid YAML over [`yaml::BUDGET`] (aliases, expanded size, nesting): refused before it is built.
    #[error("line {line}, column {column}: {message}")]
    TooComplex {
        line: u32,
        column: u32,
        message: String,
    },
    #[error("cannot read the answers: {message}")]
    Answers { message: String },
    #[error("exercise {exercise} is checked in the cluster, not from submitted text")]
    NotOffline { exercise: String },
}

impl InputError {
    /// The message for people, in both languages (the server and the browser's pre-check both
    /// say it). Positions are 1-based.
    pub fn text(&self) -> Text {
        match self {
            InputError::TooLarge { size, limit } => Text::new(
                format!("提交的内容有 {size} 字节，超过上限 {limit} 字节（1 MiB）。"),
                format!("the submission is {size} bytes; the limit is {limit} bytes (1 MiB)."),
            ),
            InputError::Empty => Text::new("提交的内容是空的。", "the submission is empty."),
            InputError::NotUtf8 { line, column } => Text::new(
                format!("第 {line} 行第 {column} 列：内容不是 UTF-8 文本。"),
                format!("line {line}, column {column}: the submission is not UTF-8 text."),
            ),
            InputError::Binary { line, column, byte } => Text::new(
                format!("第 {line} 行第 {column} 列：内容含有二进制数据（字节 0x{byte:02x}）。"),
                format!(
                    "line {line}, column {column}: the submission contains binary data (byte 0x{byte:02x})."
                ),
            ),
            InputError::Syntax {
                line,
                column,
                message,
            } => Text::new(
                format!("第 {line} 行第 {column} 列：{message}"),
                format!("line {line}, column {column}: {message}"),
            ),
            InputError::TooComplex {
                line,
                column,
                message,
            } => Text::new(
                format!("第 {line} 行第 {column} 列：这份 YAML 展开后太大或太复杂，已拒绝（{message}）。Kubernetes 清单用不到这么多别名或层级。"),
                format!("line {line}, column {column}: this YAML is too large or too complex once expanded, refused ({message}). A Kubernetes manifest never needs that many aliases or levels."),
            ),
            InputError::Answers { message } => Text::new(
                format!("无法读取答案：{message}"),
                format!("cannot read the answers: {message}"),
            ),
            InputError::NotOffline { exercise } => Text::new(
                format!("练习 {exercise} 要在集群里检查，不能提交文本：运行 kubelab check {exercise} --namespace 你的命名空间。"),
                format!("exercise {exercise} is checked in the cluster, not from submitted text: run kubelab check {exercise} --namespace YOUR-NAMESPACE."),
            ),
        }
    }
}

impl InputError {
    /// Where in the text the problem is, when it is at one place.
    pub fn location(&self) -> Option<Location> {
        match self {
            InputError::Syntax { line, column, .. }
            | InputError::TooComplex { line, column, .. }
            | InputError::NotUtf8 { line, column }
            | InputError::Binary { line, column, .. } => Some(Location {
                line: *line,
                column: *column,
            }),
            _ => None,
        }
    }
}

/// What the browser's pre-check says about a text: the verdict [`validate`] gives, or why the
/// text was refused (in both languages, at its position when it has one). It crosses from the
/// pre-check's WASM module to the exercise panel as JSON.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Prechecked {
    Verdict(Verdict),
    Refused {
        message: Text,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        at: Option<Location>,
    },
}

impl Prechecked {
    pub fn of(checked: Result<Verdict, InputError>) -> Self {
        match checked {
            Ok(v) => Prechecked::Verdict(v),
            Err(e) => Prechecked::Refused {
                message: e.text(),
                at: e.location(),
            },
        }
    }

    /// [`validate`] with the rules the browser has (`Exercise::rules`).
    pub fn run(rules: &Exercise, text: &str) -> Self {
        Self::of(validate(rules, text))
    }
}

impl From<yaml::YamlError> for InputError {
    fn from(e: yaml::YamlError) -> Self {
        let yaml::YamlError {
            kind,
            location: yaml::Location { line, column },
            message,
        } = e;
        match kind {
            yaml::YamlErrorKind::Syntax => InputError::Syntax {
                line,
                column,
                message,
            },
            yaml::YamlErrorKind::TooComplex => InputError::TooComplex {
                line,
                column,
                message,
            },
        }
    }
}

pub(crate) fn check_size(len: usize) -> Result<(), InputError> {
    if len > MAX_INPUT_BYTES {
        return Err(InputError::TooLarge {
            size: len,
            limit: MAX_INPUT_BYTES,
        });
    }
    Ok(())
}

fn line_col(text: &[u8], offset: usize) -> (u32, u32) {
    let before = &text[..offset.min(text.len())];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let col_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map(|p| p + 1)
        .unwrap_or(0);
    let column = String::from_utf8_lossy(&before[col_start..])
        .chars()
        .count()
        + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
    )
}

/// Refuse oversized, empty and binary input (NUL and other control bytes besides tab/CR/LF).
fn check_text(text: &str) -> Result<(), InputError> {
    check_size(text.len())?;
    if text.trim().is_empty() {
        return Err(InputError::Empty);
    }
    let bytes = text.as_bytes();
    if let Some(p) = bytes
        .iter()
        .position(|b| (*b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)) || *b == 0x7f)
    {
        let (line, column) = line_col(bytes, p);
        return Err(InputError::Binary {
            line,
            column,
            byte: bytes[p],
        });
    }
    Ok(())
}

/// [`validate`] for raw bytes (an upload): invalid UTF-8 is reported with its position.
pub fn validate_bytes(ex: &Exercise, input: &[u8]) -> Result<Verdict, InputError> {
    check_size(input.len())?;
    let text = std::str::from_utf8(input).map_err(|e| {
        let (line, column) = line_col(input, e.valid_up_to());
        InputError::NotUtf8 { line, column }
    })?;
    validate(ex, text)
}

/// Check submitted text for an offline exercise (`dockerfile`, `command`, `manifest`, `quiz`, or a
/// `cluster` exercise with `offline: manifest`). Status-reading assertions are left out offline.
pub fn validate(ex: &Exercise, input: &str) -> Result<Verdict, InputError> {
    // A byte-order mark (a pasted text may start with one) is not part of the answer, here and
    // in the browser's pre-check alike.
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    check_text(input)?;
    let kind = ex.offline_kind().ok_or_else(|| InputError::NotOffline {
        exercise: ex.id.clone(),
    })?;
    let results = match kind {
        ExerciseKind::Quiz => {
            let answers = quiz::parse_answers(input)?;
            quiz::grade(ex, &answers)?
        }
        ExerciseKind::Dockerfile => {
            let df = dockerfile::parse(input)?;
            run(ex, |c| dockerfile::eval(c, &df), None)
        }
        ExerciseKind::Command => {
            let spec = ex.command.as_ref().ok_or_else(|| InputError::NotOffline {
                exercise: ex.id.clone(),
            })?;
            let parsed = command::parse(spec, input)?;
            run(ex, |c| command::eval(c, spec, &parsed), None)
        }
        ExerciseKind::Manifest | ExerciseKind::Cluster => validate_manifest(ex, input)?,
    };
    Ok(Verdict::new(&ex.id, Mode::Offline, results))
}

fn validate_manifest(ex: &Exercise, input: &str) -> Result<Vec<AssertionResult>, InputError> {
    let docs = yaml::parse_documents(input)?;
    let docs: Vec<yaml::Document> = docs.into_iter().filter(|d| !d.value.is_null()).collect();
    if docs.is_empty() {
        return Err(InputError::Empty);
    }
    let mut problems = Vec::new();
    for (i, d) in docs.iter().enumerate() {
        problems.extend(manifest::check_document(
            d,
            if docs.len() > 1 { i + 1 } else { 1 },
        ));
    }
    let title = t(
        "YAML 是合法的 Kubernetes 对象",
        "The YAML is valid Kubernetes objects",
    );
    let hint = t(
        "对照报错的行列修改；可以用 kubectl apply --dry-run=server -f 文件 让 API Server 再检查一遍。",
        "Fix it at the line and column shown; kubectl apply --dry-run=server -f FILE asks the API server to check too.",
    );
    let schema = match problems.first() {
        None => Outcome::pass(t(
            format!("{} 个对象的结构都正确。", docs.len()),
            format!("All {} objects are well-formed.", docs.len()),
        )),
        Some(p) => {
            let more = problems.len() - 1;
            let (zh, en) = if more > 0 {
                (
                    format!("（另有 {more} 处问题）"),
                    format!(" ({more} more problems)"),
                )
            } else {
                (String::new(), String::new())
            };
            Outcome::fail(t(
                format!("{}{zh}", p.message.zh),
                format!("{}{en}", p.message.en),
            ))
            .field(p.field.clone())
            .at(p.location)
        }
    };
    let mut results = vec![schema.into_result("schema", &title, &hint)];
    let namespace = docs
        .iter()
        .find_map(|d| path::get_str(&d.value, "metadata.namespace"))
        .unwrap_or("default")
        .to_string();
    let snap = Snapshot::new(namespace, docs.iter().map(|d| d.value.clone()).collect());
    let ctx = cluster::Ctx {
        snap: &snap,
        offline: true,
    };
    let locate = |o: &Outcome| -> Option<Location> {
        let obj = o.object.as_ref()?;
        let doc = docs
            .iter()
            .find(|d| snapshot_kind_name(&d.value) == (obj.kind.as_str(), obj.name.as_str()))?;
        doc.locate(o.field.as_deref().unwrap_or(""))
    };
    results.extend(run(
        ex,
        |c| {
            let o = ctx.eval(c);
            let l = locate(&o);
            o.at(l)
        },
        Some(()),
    ));
    Ok(results)
}

fn snapshot_kind_name(v: &serde_json::Value) -> (&str, &str) {
    (
        v.get("kind")
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default(),
        path::get_str(v, "metadata.name").unwrap_or_default(),
    )
}

/// Evaluate a `cluster` exercise against a snapshot. For other kinds the verdict fails with one
/// result `not-a-cluster-exercise`.
pub fn evaluate(ex: &Exercise, snap: &Snapshot) -> Verdict {
    if ex.kind != ExerciseKind::Cluster {
        let r = Outcome::fail(t(
            format!("练习 {} 不在集群里检查，请提交文本。", ex.id),
            format!(
                "Exercise {} is not checked in the cluster; submit text instead.",
                ex.id
            ),
        ))
        .into_result(
            "not-a-cluster-exercise",
            &ex.title,
            &t("使用提交框。", "Use the submission box."),
        );
        return Verdict::new(&ex.id, Mode::Cluster, vec![r]);
    }
    let ctx = cluster::Ctx {
        snap,
        offline: false,
    };
    let results = run(ex, |c| ctx.eval(c), None);
    Verdict::new(&ex.id, Mode::Cluster, results)
}

enum State {
    Passed,
    Failed,
    /// Skipped because of this root assertion id.
    Skipped(String),
}

/// Run the assertions in order, skipping those whose dependencies (explicit `after`, or a target
/// object already reported missing) failed. `offline` leaves out status-reading checks.
fn run(
    ex: &Exercise,
    mut eval: impl FnMut(&Check) -> Outcome,
    offline: Option<()>,
) -> Vec<AssertionResult> {
    let mut states: BTreeMap<&str, State> = BTreeMap::new();
    let mut missing: BTreeMap<String, String> = BTreeMap::new();
    let mut results = Vec::new();
    for a in &ex.assertions {
        if offline.is_some() && a.check.needs_status() {
            continue;
        }
        let root = a
            .after
            .iter()
            .find_map(|d| match states.get(d.as_str()) {
                Some(State::Failed) => Some(d.clone()),
                Some(State::Skipped(r)) => Some(r.clone()),
                _ => None,
            })
            .or_else(|| {
                cluster::all_target_keys(&a.check)
                    .iter()
                    .find_map(|k| missing.get(k).cloned())
            });
        if let Some(root) = root {
            let root_title = ex
                .assertions
                .iter()
                .find(|x| x.id == root)
                .map(|x| x.message.clone())
                .unwrap_or_default();
            let o = Outcome {
                passed: false,
                skipped: true,
                message: t(
                    format!(
                        "已跳过：它依赖的「{}」（{root}）没有通过，先修复那一项。",
                        root_title.zh
                    ),
                    format!(
                        "Skipped: it depends on \"{}\" ({root}), which failed; fix that first.",
                        root_title.en
                    ),
                ),
                ..Outcome::default()
            };
            states.insert(&a.id, State::Skipped(root));
            results.push(o.into_result(&a.id, &a.message, &a.hint));
            continue;
        }
        let o = eval(&a.check);
        if let Some(k) = &o.missing {
            missing.entry(k.clone()).or_insert_with(|| a.id.clone());
        }
        states.insert(
            &a.id,
            if o.passed {
                State::Passed
            } else {
                State::Failed
            },
        );
        results.push(o.into_result(&a.id, &a.message, &a.hint));
    }
    results
}
