//! The exercise catalog on disk (`content/exercises/*.yaml`) and the exercise commands:
//! `kubelab exercises`, `kubelab validate`, `kubelab check`, and the catalog part of
//! `kubelab content check`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use kubelab_checks::{
    AssertionResult, Catalog, Exercise, ExerciseKind, InputError, Text, Verdict, MAX_INPUT_BYTES,
};
use serde::Serialize;

use super::{print_json, OutLang, Problem, EXIT_ERROR, EXIT_FAIL, EXIT_PASS};
use crate::config::{ClusterArgs, ContentArgs};
use crate::service::catalog::load_catalog;
use crate::service::grading::check_in;
use crate::service::texts::{input_error_code, not_cluster_text, unknown_exercise};

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Print JSON (an array of {id, kind, offline, title}) instead of a table.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub content: ContentArgs,
}

#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Print the verdict as JSON (docs/verdict.schema.json).
    #[arg(long)]
    pub json: bool,
    /// Language of the human output.
    #[arg(long, env = "KUBELAB_LANG", value_enum, default_value = "zh")]
    pub lang: OutLang,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The exercise id (see `kubelab exercises`).
    pub id: String,
    /// The file to check (Dockerfile, command line, YAML, or quiz answers); `-` reads stdin.
    pub file: PathBuf,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub content: ContentArgs,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The exercise id (see `kubelab exercises`).
    pub id: String,
    #[command(flatten)]
    pub cluster: ClusterArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub content: ContentArgs,
}

#[derive(Serialize)]
struct ListEntry<'a> {
    id: &'a str,
    kind: ExerciseKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    offline: Option<ExerciseKind>,
    title: &'a Text,
}

fn kind_name(kind: ExerciseKind) -> &'static str {
    match kind {
        ExerciseKind::Cluster => "cluster",
        ExerciseKind::Dockerfile => "dockerfile",
        ExerciseKind::Command => "command",
        ExerciseKind::Manifest => "manifest",
        ExerciseKind::Quiz => "quiz",
    }
}

pub(super) fn load_or_report(content: &Path) -> Result<Catalog, ExitCode> {
    load_catalog(content).map_err(|e| {
        eprintln!("kubelab: {e}");
        ExitCode::from(EXIT_ERROR)
    })
}

/// `kubelab exercises`.
pub fn list(args: &ListArgs) -> ExitCode {
    let catalog = match load_or_report(&args.content.content) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if args.json {
        let entries: Vec<ListEntry> = catalog
            .iter()
            .map(|e| ListEntry {
                id: &e.id,
                kind: e.kind,
                offline: e.offline,
                title: &e.title,
            })
            .collect();
        return print_json(&entries);
    }
    let width = catalog.iter().map(|e| e.id.len()).max().unwrap_or(2).max(2);
    println!("{:width$}  {:10}  title", "id", "kind");
    for e in catalog.iter() {
        let kind = match e.offline {
            Some(o) => format!("{}+{}", kind_name(e.kind), kind_name(o)),
            None => kind_name(e.kind).to_string(),
        };
        println!(
            "{:width$}  {:10}  {} / {}",
            e.id, kind, e.title.zh, e.title.en
        );
    }
    ExitCode::SUCCESS
}

/// Reads at most `MAX_INPUT_BYTES + 1` bytes, so oversized input is refused without reading it all.
fn read_input(file: &Path) -> Result<Vec<u8>, Problem> {
    let limit = u64::try_from(MAX_INPUT_BYTES).unwrap_or(u64::MAX) + 1;
    let mut buf = Vec::new();
    let result = if file == Path::new("-") {
        std::io::stdin().lock().take(limit).read_to_end(&mut buf)
    } else {
        std::fs::File::open(file).and_then(|f| f.take(limit).read_to_end(&mut buf))
    };
    let name = if file == Path::new("-") {
        "stdin".to_string()
    } else {
        file.display().to_string()
    };
    if let Err(e) = result {
        return Err(Problem::error(
            "unreadable-input",
            Text::new(
                format!("无法读取 {name}：{e}"),
                format!("cannot read {name}: {e}"),
            ),
        ));
    }
    if buf.len() > MAX_INPUT_BYTES {
        return Err(Problem::error(
            "too-large",
            Text::new(
                format!("{name} 超过 1 MiB（{MAX_INPUT_BYTES} 字节），已拒绝。"),
                format!("{name} is over 1 MiB ({MAX_INPUT_BYTES} bytes); refused."),
            ),
        ));
    }
    Ok(buf)
}

pub(super) fn find<'c>(catalog: &'c Catalog, id: &str) -> Result<&'c Exercise, Problem> {
    catalog
        .get(id)
        .ok_or_else(|| Problem::error("unknown-exercise", unknown_exercise(id)))
}

/// `kubelab validate <id> <FILE|->`.
pub fn validate(args: &ValidateArgs) -> ExitCode {
    let catalog = match load_or_report(&args.content.content) {
        Ok(c) => c,
        Err(code) => return code,
    };
    match run_validate(&catalog, args) {
        Ok(verdict) => print_verdict(&verdict, &args.output, None),
        Err(p) => p.report(&args.output),
    }
}

fn run_validate(catalog: &Catalog, args: &ValidateArgs) -> Result<Verdict, Problem> {
    let ex = find(catalog, &args.id)?;
    if ex.offline_kind().is_none() {
        return Err(Problem::error(
            "not-offline",
            InputError::NotOffline {
                exercise: ex.id.clone(),
            }
            .text(),
        ));
    }
    let input = read_input(&args.file)?;
    kubelab_checks::validate_bytes(ex, &input).map_err(|e| Problem {
        code: input_error_code(&e),
        message: e.text(),
        // A submission that cannot be read as the expected text is a failing submission;
        // refusing it outright (size, wrong kind) is an error.
        exit: match e {
            InputError::TooLarge { .. }
            | InputError::TooComplex { .. }
            | InputError::NotOffline { .. } => EXIT_ERROR,
            _ => EXIT_FAIL,
        },
    })
}

/// `kubelab check <id> --namespace NS`.
pub fn check(args: &CheckArgs) -> ExitCode {
    let catalog = match load_or_report(&args.content.content) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let ex = match find(&catalog, &args.id) {
        Ok(ex) => ex,
        Err(p) => return p.report(&args.output),
    };
    if ex.kind != ExerciseKind::Cluster {
        return Problem::error("not-cluster", not_cluster_text(&ex.id)).report(&args.output);
    }
    let Some(runtime) = super::runtime(false) else {
        return ExitCode::from(EXIT_ERROR);
    };
    let logs = super::command_logs();
    let result = tracing::subscriber::with_default(logs, || {
        runtime.block_on(async {
            let cluster = crate::cluster::Cluster::connect(&args.cluster).await?;
            let verdict = check_in(&cluster, ex, &args.cluster.namespace)
                .await?
                .verdict;
            Ok::<_, crate::cluster::Error>((verdict, cluster.url().to_string()))
        })
    });
    match result {
        Ok((verdict, url)) => {
            let header = match args.output.lang {
                OutLang::Zh => format!(
                    "练习 {} · 命名空间 {} · {}",
                    ex.id, args.cluster.namespace, url
                ),
                OutLang::En => format!(
                    "exercise {} · namespace {} · {}",
                    ex.id, args.cluster.namespace, url
                ),
            };
            print_verdict(&verdict, &args.output, Some(&header))
        }
        Err(e) => Problem::error(e.code(), e.text()).report(&args.output),
    }
}

fn print_verdict(verdict: &Verdict, output: &OutputArgs, header: Option<&str>) -> ExitCode {
    let exit = if verdict.passed { EXIT_PASS } else { EXIT_FAIL };
    if output.json {
        let code = print_json(verdict);
        return if code == ExitCode::SUCCESS {
            ExitCode::from(exit)
        } else {
            code
        };
    }
    if let Some(h) = header {
        println!("{h}");
    }
    print!("{}", render_verdict(verdict, output.lang));
    ExitCode::from(exit)
}

/// The human form of a verdict: one line per result (✓ passed, ✗ failed, – skipped), with the
/// details of each failure, and a summary line.
pub fn render_verdict(verdict: &Verdict, lang: OutLang) -> String {
    let l = lang.code();
    let mut out = String::new();
    for r in &verdict.results {
        let mark = if r.passed {
            "✓"
        } else if r.skipped {
            "–"
        } else {
            "✗"
        };
        out.push_str(&format!("{mark} {}  {}\n", r.id, r.title.get(l)));
        if !r.passed {
            render_details(&mut out, r, lang);
        }
    }
    let passed = verdict.results.iter().filter(|r| r.passed).count();
    let total = verdict.results.len();
    out.push_str(&match (lang, verdict.passed) {
        (OutLang::Zh, true) => format!("通过：{passed}/{total} 项全部通过。\n"),
        (OutLang::Zh, false) => format!("未通过：{passed}/{total} 项通过。\n"),
        (OutLang::En, true) => format!("PASS: all {total} checks passed.\n"),
        (OutLang::En, false) => format!("FAIL: {passed} of {total} checks passed.\n"),
    });
    out
}

fn render_details(out: &mut String, r: &AssertionResult, lang: OutLang) {
    let l = lang.code();
    let mut line = |label_zh: &'static str, label_en: &'static str, value: &str| {
        out.push_str(&format!("    {}: {value}\n", lang.pick(label_zh, label_en)));
    };
    line("结果", "result", r.message.get(l));
    if r.skipped {
        return;
    }
    if let Some(o) = &r.object {
        let ns = o
            .namespace
            .as_deref()
            .map(|ns| match lang {
                OutLang::Zh => format!("（命名空间 {ns}）"),
                OutLang::En => format!(" (namespace {ns})"),
            })
            .unwrap_or_default();
        line("对象", "object", &format!("{o}{ns}"));
    }
    if let Some(f) = &r.field {
        let at = r
            .location
            .map(|loc| match lang {
                OutLang::Zh => format!("（第 {} 行第 {} 列）", loc.line, loc.column),
                OutLang::En => format!(" (line {}, column {})", loc.line, loc.column),
            })
            .unwrap_or_default();
        line("字段", "field", &format!("{f}{at}"));
    } else if let Some(loc) = r.location {
        let at = match lang {
            OutLang::Zh => format!("第 {} 行第 {} 列", loc.line, loc.column),
            OutLang::En => format!("line {}, column {}", loc.line, loc.column),
        };
        line("位置", "at", &at);
    }
    if let Some(e) = &r.expected {
        line("期望", "expected", e);
    }
    if let Some(f) = &r.found {
        line("实际", "actual", f);
    }
    if let Some(h) = &r.hint {
        line("提示", "hint", h.get(l));
    }
}

#[cfg(test)]
mod tests;
