//! `kubelab grade`: every cluster exercise in every learner's namespace, evaluated from the
//! shared watch caches (`service::grading`), printed as a table, JSON or CSV; with
//! `--classroom`, the verdicts are stored as attempts too.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{ArgGroup, Args};
use kubelab_checks::Text;
use serde::Serialize;

use super::{OutLang, EXIT_ERROR, EXIT_PASS};
use crate::cluster::{ApiRequests, Cluster, Error};
use crate::config::{ClusterArgs, ContentArgs, DatabaseArgs};
use crate::service::catalog::{load_catalog, LoadError};
use crate::service::grading::{cluster_exercises, grade, sync, GradeRow};

/// Whom to grade. (More ways to name a class can join here.)
#[derive(Debug, Clone, Args)]
#[command(group(ArgGroup::new("learners").required(true).args(["namespaces", "selector", "classroom"])))]
pub struct Learners {
    /// The learners' namespaces, comma-separated: `--namespaces alice,bob`.
    #[arg(long, value_delimiter = ',', value_name = "NS,NS,...")]
    pub namespaces: Vec<String>,
    /// Every namespace with these labels: `--selector kubelab.dev/class=k8s-101`.
    #[arg(long, short = 'l', value_name = "LABEL SELECTOR")]
    pub selector: Option<String>,
    /// Every learner of the classroom with this join code (from the store, see --database); the
    /// verdicts are also stored as attempts, so the instructor's board shows them.
    #[arg(long, value_name = "JOIN CODE")]
    pub classroom: Option<String>,
}

#[derive(Debug, Args)]
pub struct GradeArgs {
    #[command(flatten)]
    pub learners: Learners,
    /// The kubeconfig file (default: $KUBECONFIG, then ~/.kube/config).
    #[arg(long, env = "KUBELAB_KUBECONFIG")]
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context to use (default: its current context).
    #[arg(long, env = "KUBELAB_CONTEXT")]
    pub context: Option<String>,
    /// Print JSON (rows, timing and API requests) instead of a table.
    #[arg(long, conflicts_with = "csv")]
    pub json: bool,
    /// Write one CSV row per namespace × exercise to FILE (`-`: stdout).
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
    /// Language of the table and the summary.
    #[arg(long, env = "KUBELAB_LANG", value_enum, default_value = "zh")]
    pub lang: OutLang,
    #[command(flatten)]
    pub content: ContentArgs,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// A row in JSON and CSV: the verdict in short (run `kubelab check` for the details).
#[derive(Debug, Serialize)]
struct RowOut<'a> {
    namespace: &'a str,
    exercise: &'a str,
    passed: bool,
    passed_assertions: usize,
    assertions: usize,
    /// The failed assertions (skipped ones left out: they follow from these).
    failed: Vec<FailedOut<'a>>,
}

#[derive(Debug, Serialize)]
struct FailedOut<'a> {
    id: &'a str,
    message: &'a Text,
}

impl<'a> RowOut<'a> {
    fn of(row: &'a GradeRow) -> RowOut<'a> {
        let results = &row.verdict.results;
        RowOut {
            namespace: &row.namespace,
            exercise: &row.exercise,
            passed: row.verdict.passed,
            passed_assertions: results.iter().filter(|r| r.passed).count(),
            assertions: results.len(),
            failed: results
                .iter()
                .filter(|r| !r.passed && !r.skipped)
                .map(|r| FailedOut {
                    id: &r.id,
                    message: &r.message,
                })
                .collect(),
        }
    }
}

/// How long it took and what it cost the API server.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Timing {
    /// Listing (and starting to watch) every type the exercises read.
    pub sync_ms: f64,
    /// Evaluating every namespace × exercise from memory.
    pub grade_ms: f64,
    pub namespaces: usize,
    pub exercises: usize,
    /// Requests to the API server until the cache was synced (the namespace list, one list per
    /// type, the watches started by then).
    pub requests_sync: ApiRequests,
    /// Requests to the API server while grading: none but watches that start after their type's
    /// first list (the verdicts come from memory).
    pub requests_grade: ApiRequests,
}

#[derive(Debug, Serialize)]
struct JsonOut<'a> {
    rows: Vec<RowOut<'a>>,
    timing: Timing,
}

/// Why `kubelab grade` could not run.
#[derive(Debug, thiserror::Error)]
enum GradeError {
    #[error("{0}")]
    Catalog(#[from] LoadError),
    #[error("{0}")]
    Cluster(#[from] Error),
    #[error("no namespace has the labels {0}")]
    NoNamespaces(String),
    #[error("cannot write {path}: {message}")]
    Write { path: String, message: String },
    #[error("cannot start the async runtime: {0}")]
    Runtime(String),
    #[error("{}", .0.text().en)]
    Store(#[from] kubelab_store::StoreError),
    #[error("no classroom has the join code {0}")]
    UnknownClassroom(String),
}

impl GradeError {
    fn text(&self) -> Text {
        match self {
            GradeError::Cluster(e) => e.text(),
            GradeError::Catalog(e) => Text::new(format!("练习目录有问题：{e}"), e.to_string()),
            GradeError::NoNamespaces(sel) => {
                Text::new(format!("没有命名空间带有标签 {sel}"), self.to_string())
            }
            GradeError::Write { path, message } => {
                Text::new(format!("无法写入 {path}：{message}"), self.to_string())
            }
            GradeError::Runtime(e) => {
                Text::new(format!("无法启动异步运行时：{e}"), self.to_string())
            }
            GradeError::Store(e) => e.text(),
            GradeError::UnknownClassroom(code) => {
                Text::new(format!("没有加入码为 {code} 的班级"), self.to_string())
            }
        }
    }
}

/// Stores each row as an attempt (source `grade`) of the learner whose namespace it is, in
/// transactions of [`crate::service::classrooms::GRADE_BATCH`] learners' rows.
async fn record_grades(
    store: &kubelab_store::Store,
    learners: &[kubelab_store::Learner],
    rows: &[GradeRow],
) -> Result<(), GradeError> {
    let learner_of: std::collections::HashMap<&str, &str> = learners
        .iter()
        .map(|l| (l.namespace.as_str(), l.id.as_str()))
        .collect();
    let evidence: Vec<Vec<serde_json::Value>> = rows
        .iter()
        .map(|r| r.evidence.iter().map(|o| (**o).clone()).collect())
        .collect();
    let attempts: Vec<kubelab_store::NewAttempt> = rows
        .iter()
        .zip(&evidence)
        .filter_map(|(row, evidence)| {
            Some(kubelab_store::NewAttempt {
                learner_id: learner_of.get(row.namespace.as_str())?,
                exercise_id: &row.exercise,
                source: kubelab_store::AttemptSource::Grade,
                verdict: &row.verdict,
                evidence,
                input: None,
            })
        })
        .collect();
    let per_batch = crate::service::classrooms::GRADE_BATCH * 16;
    for batch in attempts.chunks(per_batch) {
        store.record_attempts(batch).await?;
    }
    Ok(())
}

/// `kubelab grade`: exit 0 when every namespace was graded (failing learners included), 2 when
/// grading could not run.
pub fn run(args: &GradeArgs) -> ExitCode {
    match run_inner(args) {
        Ok(()) => ExitCode::from(EXIT_PASS),
        Err(e) => {
            eprintln!("kubelab: {}", e.text().get(args.lang.code()));
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn run_inner(args: &GradeArgs) -> Result<(), GradeError> {
    let catalog = std::sync::Arc::new(load_catalog(&args.content.content)?);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| GradeError::Runtime(e.to_string()))?;
    let _logs = tracing::subscriber::set_default(super::command_logs());
    let (rows, timing) = runtime.block_on(async {
        let cluster = Cluster::connect(&ClusterArgs {
            namespace: "default".to_string(),
            kubeconfig: args.kubeconfig.clone(),
            context: args.context.clone(),
            ingress_controller_namespaces: vec![],
        })
        .await?;
        let started = Instant::now();
        let classroom = match &args.learners.classroom {
            Some(code) => {
                let store = kubelab_store::Store::open(&args.database.url).await?;
                let c = store
                    .classroom_by_code(code)
                    .await?
                    .ok_or_else(|| GradeError::UnknownClassroom(code.clone()))?;
                let learners = store.learners_in(&c.id).await?;
                Some((store, learners))
            }
            None => None,
        };
        let namespaces = match (&args.learners.selector, &classroom) {
            (_, Some((_, learners))) => learners.iter().map(|l| l.namespace.clone()).collect(),
            (Some(sel), None) => {
                let found = cluster.namespaces(sel).await?;
                if found.is_empty() {
                    return Err(GradeError::NoNamespaces(sel.clone()));
                }
                found
            }
            (None, None) => args.learners.namespaces.clone(),
        };
        sync(&catalog, cluster.cache()).await?;
        let synced = Instant::now();
        let before = cluster.api_requests();
        let rows = grade(&catalog, cluster.cache(), &namespaces).await?;
        let after = cluster.api_requests();
        let graded = synced.elapsed();
        if let Some((store, learners)) = &classroom {
            record_grades(store, learners, &rows).await?;
        }
        let timing = Timing {
            sync_ms: ms(synced - started),
            grade_ms: ms(graded),
            namespaces: namespaces.len(),
            exercises: cluster_exercises(&catalog).len(),
            requests_sync: before,
            requests_grade: ApiRequests {
                total: after.total - before.total,
                watches: after.watches - before.watches,
            },
        };
        Ok::<_, GradeError>((rows, timing))
    })?;
    // The reflectors' tasks end with the runtime, not waiting for their watches.
    runtime.shutdown_background();
    if let Some(path) = &args.csv {
        write_csv(path, &rows)?;
    } else if args.json {
        let out = JsonOut {
            rows: rows.iter().map(RowOut::of).collect(),
            timing,
        };
        let text = serde_json::to_string_pretty(&out).map_err(|e| GradeError::Write {
            path: "stdout".into(),
            message: e.to_string(),
        })?;
        println!("{text}");
    } else {
        print!("{}", render_table(&rows, args.lang));
    }
    eprintln!("{}", summary(&timing, args.lang));
    Ok(())
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e5).round() / 100.0
}

fn write_csv(path: &std::path::Path, rows: &[GradeRow]) -> Result<(), GradeError> {
    let name = path.display().to_string();
    let fail = |e: &dyn std::fmt::Display| GradeError::Write {
        path: name.clone(),
        message: e.to_string(),
    };
    let sink: Box<dyn Write> = if name == "-" {
        Box::new(std::io::stdout())
    } else {
        Box::new(std::fs::File::create(path).map_err(|e| fail(&e))?)
    };
    let mut w = csv::Writer::from_writer(sink);
    w.write_record([
        "namespace",
        "exercise",
        "passed",
        "passed_assertions",
        "assertions",
        "failed",
    ])
    .map_err(|e| fail(&e))?;
    for row in rows {
        let r = RowOut::of(row);
        let failed: Vec<&str> = r.failed.iter().map(|f| f.id).collect();
        w.write_record([
            r.namespace,
            r.exercise,
            if r.passed { "true" } else { "false" },
            &r.passed_assertions.to_string(),
            &r.assertions.to_string(),
            &failed.join(" "),
        ])
        .map_err(|e| fail(&e))?;
    }
    w.flush().map_err(|e| fail(&e))
}

/// A namespace per line, an exercise per column: ✓ passed, ✗ failed; then how many passed.
pub fn render_table(rows: &[GradeRow], lang: OutLang) -> String {
    let mut exercises: Vec<&str> = Vec::new();
    let mut namespaces: Vec<&str> = Vec::new();
    let mut cells: BTreeMap<(&str, &str), bool> = BTreeMap::new();
    for r in rows {
        if !exercises.contains(&r.exercise.as_str()) {
            exercises.push(&r.exercise);
        }
        if namespaces.last() != Some(&r.namespace.as_str()) {
            namespaces.push(&r.namespace);
        }
        cells.insert((&r.namespace, &r.exercise), r.verdict.passed);
    }
    let (ns_title, passed_title) = match lang {
        OutLang::Zh => ("命名空间", "通过"),
        OutLang::En => ("namespace", "passed"),
    };
    let ns_width = namespaces
        .iter()
        .map(|n| n.chars().count())
        .chain([ns_title.chars().count()])
        .max()
        .unwrap_or(0);
    let pad = |s: &str, width: usize| {
        let n = s.chars().count();
        format!("{s}{}", " ".repeat(width.saturating_sub(n)))
    };
    let mut out = pad(ns_title, ns_width);
    for ex in &exercises {
        out.push_str("  ");
        out.push_str(ex);
    }
    out.push_str(&format!("  {passed_title}\n"));
    for ns in &namespaces {
        out.push_str(&pad(ns, ns_width));
        let mut passed = 0;
        for ex in &exercises {
            let mark = match cells.get(&(*ns, *ex)) {
                Some(true) => {
                    passed += 1;
                    "✓"
                }
                Some(false) => "✗",
                None => "-",
            };
            out.push_str("  ");
            out.push_str(&pad(mark, ex.chars().count()));
        }
        out.push_str(&format!("  {passed}/{}\n", exercises.len()));
    }
    out
}

fn summary(t: &Timing, lang: OutLang) -> String {
    let verdicts = t.namespaces * t.exercises;
    let (s, g) = (t.sync_ms / 1000.0, t.grade_ms / 1000.0);
    let (rs, rg) = (t.requests_sync, t.requests_grade);
    match lang {
        OutLang::Zh => format!(
            "评分：{} 个命名空间 × {} 个练习 = {verdicts} 个结论，从共享缓存评估用时 {g:.3} 秒（期间 API 请求 {} 个，其中 watch {} 个）；缓存同步 {s:.3} 秒（API 请求 {} 个，其中 watch {} 个）。",
            t.namespaces, t.exercises, rg.total, rg.watches, rs.total, rs.watches
        ),
        OutLang::En => format!(
            "graded {} namespaces × {} exercises = {verdicts} verdicts from the shared cache in {g:.3} s (API requests meanwhile: {}, of which watches: {}); cache sync {s:.3} s (API requests: {}, of which watches: {}).",
            t.namespaces, t.exercises, rg.total, rg.watches, rs.total, rs.watches
        ),
    }
}

#[cfg(test)]
mod tests;
