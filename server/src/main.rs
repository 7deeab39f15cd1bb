//! The `kubelab` binary: serves the course, and checks content from the command line.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use tracing_subscriber::EnvFilter;

mod accounts;
mod admin;
mod api;
mod board;
mod cluster;
mod exercises;
mod grade;
mod http;
mod page_cache;
mod provision;
mod reload;
mod session;
mod teach;

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

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the course on http://127.0.0.1:3000 (by default).
    Serve(ServeArgs),
    /// Work with the course content.
    #[command(subcommand)]
    Content(ContentCommand),
    /// List the exercises (id, kind, title).
    Exercises(exercises::ListArgs),
    /// Check a submitted Dockerfile, command, manifest or quiz answers offline.
    /// Exit 0 pass, 1 fail, 2 error.
    Validate(exercises::ValidateArgs),
    /// Check a cluster exercise against your namespace in a real cluster.
    /// Exit 0 pass, 1 fail, 2 error (e.g. the cluster is unreachable).
    Check(exercises::CheckArgs),
    /// Grade learners: every cluster exercise in each of their namespaces, read from shared
    /// watch caches. Exit 0 when graded (whatever the verdicts), 2 on errors.
    Grade(grade::GradeArgs),
    /// Manage instructors (they sign in at /zh/teach or /en/teach).
    #[command(subcommand)]
    Instructor(admin::InstructorCommand),
}

#[derive(Debug, Args)]
struct ContentArgs {
    /// The content directory (chapters, diagrams, exercises).
    #[arg(long, env = "KUBELAB_CONTENT", default_value = "content")]
    content: PathBuf,
}

#[derive(Debug, Subcommand)]
enum ContentCommand {
    /// Validate all content: front matter, both languages, links, diagrams. Exit 1 on any problem.
    Check(ContentArgs),
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "KUBELAB_ADDR", default_value = "127.0.0.1:3000")]
    addr: SocketAddr,
    #[command(flatten)]
    content: ContentArgs,
    /// Where the built site (pkg/ with WASM, JS, CSS) is; `scripts/build-site` puts it there.
    #[arg(long, env = "KUBELAB_SITE_ROOT", default_value = "target/site")]
    site_root: PathBuf,
    /// Render every page on every request instead of once per content version (for benchmarks).
    #[arg(long, env = "KUBELAB_NO_PAGE_CACHE")]
    no_page_cache: bool,
    /// Development mode: reload content when files change.
    #[arg(long, env = "KUBELAB_DEV")]
    dev: bool,
    /// The cluster for cluster checks (optional: without one, lessons and offline exercises work).
    #[command(flatten)]
    cluster: cluster::ClusterArgs,
    #[command(flatten)]
    database: admin::DatabaseArgs,
    /// `per-learner`: each learner gets a namespace `<prefix><id>`, provisioned by kubelab;
    /// `shared`: everyone's checks read --namespace (one learner on their own kind cluster).
    #[arg(
        long,
        env = "KUBELAB_LEARNER_NAMESPACES",
        default_value = "per-learner"
    )]
    learner_namespaces: NamespaceMode,
    /// The prefix of per-learner namespaces.
    #[arg(long, env = "KUBELAB_NAMESPACE_PREFIX", default_value = "kl-")]
    namespace_prefix: String,
    /// Where browsers reach kubelab (e.g. https://lab.example): the same-origin check uses it,
    /// and https makes the session cookie Secure.
    #[arg(long, env = "KUBELAB_PUBLIC_URL")]
    public_url: Option<String>,
    /// The Kubernetes API URL written into learners' kubeconfigs, when it differs from the one
    /// kubelab uses.
    #[arg(long, env = "KUBELAB_KUBE_PUBLIC_URL")]
    kube_public_url: Option<String>,
    /// Behind a reverse proxy: rate-limit by the client address the proxy puts last in
    /// X-Forwarded-For. Leave off when clients reach kubelab directly (they could forge it).
    #[arg(long, env = "KUBELAB_TRUST_FORWARDED_FOR")]
    trust_forwarded_for: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum NamespaceMode {
    PerLearner,
    Shared,
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

/// The async runtime of a command, or None after saying on stderr why there is none.
fn runtime(multi_thread: bool) -> Option<tokio::runtime::Runtime> {
    let mut builder = if multi_thread {
        tokio::runtime::Builder::new_multi_thread()
    } else {
        tokio::runtime::Builder::new_current_thread()
    };
    match builder.enable_all().build() {
        Ok(rt) => Some(rt),
        Err(e) => {
            eprintln!("kubelab: cannot start the async runtime: {e}");
            None
        }
    }
}

/// Logs of a one-shot command: to stderr (stdout is the result, possibly JSON) and off unless
/// KUBELAB_LOG asks — the result already says what went wrong. Use it on a current-thread
/// runtime, so a scoped subscriber sees every event.
fn command_logs() -> impl tracing::Subscriber + Send + Sync {
    let filter = EnvFilter::try_from_env("KUBELAB_LOG").unwrap_or_else(|_| EnvFilter::new("off"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .finish()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.log_format);
    match cli.command {
        Command::Content(ContentCommand::Check(args)) => exercises::content_check(&args),
        Command::Exercises(args) => exercises::list(&args),
        Command::Validate(args) => exercises::validate(&args),
        Command::Check(args) => exercises::check(&args),
        Command::Grade(args) => grade::run(&args),
        Command::Instructor(cmd) => admin::instructor(cmd),
        Command::Serve(args) => {
            let Some(runtime) = runtime(true) else {
                return ExitCode::from(2);
            };
            match runtime.block_on(http::serve(args)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("kubelab: {e}");
                    ExitCode::from(2)
                }
            }
        }
    }
}
