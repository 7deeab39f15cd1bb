//! The `kubelab` binary: serves the course, and checks, grades and manages from the command line.
//!
//! Layers, each importing only the ones below it: `web` (HTTP) and `cli` (commands) → `service`
//! (learners, grading, classrooms) → `cluster` (kube-rs), the store and the check engine crates.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

mod cli;
mod cluster;
mod config;
mod service;
mod web;

use config::{ContentArgs, LogFormat, ServeArgs};

#[derive(Debug, Parser)]
#[command(
    name = "kubelab",
    version,
    about = "A hands-on Kubernetes course whose checks explain themselves",
    long_about = "kubelab serves a Kubernetes course (lessons in Chinese and English) and checks learners' \
                  exercises.\n\nStart here: `kubelab serve`, then open http://127.0.0.1:3000."
)]
struct Cli {
    /// Log format: `pretty` for people, `json` for log collectors.
    #[arg(
        long,
        env = "KUBELAB_LOG_FORMAT",
        default_value = "pretty",
        global = true
    )]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the course on http://127.0.0.1:3000 (by default).
    Serve(Box<ServeArgs>),
    /// Work with the course content.
    #[command(subcommand)]
    Content(ContentCommand),
    /// List the exercises (id, kind, title).
    Exercises(cli::exercises::ListArgs),
    /// Check a submitted Dockerfile, command, manifest or quiz answers offline.
    /// Exit 0 pass, 1 fail, 2 error.
    Validate(cli::exercises::ValidateArgs),
    /// Check a cluster exercise against your namespace in a real cluster.
    /// Exit 0 pass, 1 fail, 2 error (e.g. the cluster is unreachable).
    Check(cli::exercises::CheckArgs),
    /// Create a break-fix exercise's starting objects in your namespace (`--reset`: delete
    /// them first). Exit 0 when created, 2 otherwise.
    Start(cli::start::StartArgs),
    /// Grade learners: every cluster exercise in each of their namespaces, read from shared
    /// watch caches. Exit 0 when graded (whatever the verdicts), 2 on errors.
    Grade(cli::grade::GradeArgs),
    /// Manage instructors (they sign in at /zh/teach or /en/teach).
    #[command(subcommand)]
    Instructor(cli::instructor::InstructorCommand),
}

#[derive(Debug, Subcommand)]
enum ContentCommand {
    /// Validate all content: front matter, both languages, links, diagrams. Exit 1 on any problem.
    Check(ContentArgs),
    /// Search the course as the site does: one line per matching section, best first.
    /// Exit 0 with hits, 1 without.
    Search(cli::search::SearchArgs),
    /// Measure the search index: build time, size in RAM, query latency p50/p99 over a set of
    /// queries in both languages, next to `grep -rilF` on the same files (BENCHMARKS.md).
    BenchSearch(cli::search::BenchArgs),
}

fn init_tracing(format: LogFormat) {
    let filter = EnvFilter::try_from_env("KUBELAB_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,tower_http=info"));
    // Logs go to stderr so `--json` output on stdout stays machine-readable.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Pretty => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.log_format);
    match cli.command {
        Command::Content(ContentCommand::Check(args)) => cli::content::check(&args),
        Command::Content(ContentCommand::Search(args)) => cli::search::search(&args),
        Command::Content(ContentCommand::BenchSearch(args)) => cli::search::bench(&args),
        Command::Exercises(args) => cli::exercises::list(&args),
        Command::Validate(args) => cli::exercises::validate(&args),
        Command::Check(args) => cli::exercises::check(&args),
        Command::Start(args) => cli::start::run(&args),
        Command::Grade(args) => cli::grade::run(&args),
        Command::Instructor(cmd) => cli::instructor::run(cmd),
        Command::Serve(args) => {
            let Some(runtime) = cli::runtime(true) else {
                return ExitCode::from(cli::EXIT_ERROR);
            };
            match runtime.block_on(web::serve(*args)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("kubelab: {e}");
                    ExitCode::from(cli::EXIT_ERROR)
                }
            }
        }
    }
}
