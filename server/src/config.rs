//! Command-line flags and their environment variables, shared by the commands. Defaults work on a
//! laptop: `127.0.0.1:3000`, `content/`, `data/kubelab.db`, the current kubeconfig context.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct ContentArgs {
    /// The content directory (chapters, diagrams, exercises).
    #[arg(long, env = "KUBELAB_CONTENT", default_value = "content")]
    pub content: PathBuf,
}

/// Where kubelab keeps learners, classrooms, attempts and sessions.
#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// `sqlite://data/kubelab.db` (created on first run) or `postgres://user@host/db`.
    #[arg(
        long = "database",
        env = "DATABASE_URL",
        default_value = "sqlite://data/kubelab.db"
    )]
    pub url: String,
}

/// Where the cluster is and which namespace is the learner's.
#[derive(Debug, Clone, Args)]
pub struct ClusterArgs {
    /// The learner's namespace: namespaced objects are read from here.
    #[arg(
        long,
        short = 'n',
        env = "KUBELAB_NAMESPACE",
        default_value = "default"
    )]
    pub namespace: String,
    /// The kubeconfig file (default: $KUBECONFIG, then ~/.kube/config).
    #[arg(long, env = "KUBELAB_KUBECONFIG")]
    pub kubeconfig: Option<PathBuf>,
    /// The kubeconfig context to use (default: its current context).
    #[arg(long, env = "KUBELAB_CONTEXT")]
    pub context: Option<String>,
    /// Per-learner namespaces: the namespaces whose Pods may reach learners' Pods (the ingress
    /// controller's), besides the learner's own namespace; every other namespace is shut out by
    /// the NetworkPolicy `kubelab-isolation`. The default is where the course's Ingress chapter
    /// installs the NGINX Ingress Controller; the kind sandbox's ingress-nginx uses `ingress-nginx`.
    #[arg(
        long = "ingress-controller-namespace",
        env = "KUBELAB_INGRESS_CONTROLLER_NAMESPACES",
        value_delimiter = ',',
        default_value = "nginx-ingress"
    )]
    pub ingress_controller_namespaces: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "KUBELAB_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    /// Serve Prometheus metrics (`GET /metrics`) on this address, a listener of its own that has
    /// no authentication: bind it where only the monitoring can reach it. Off by default.
    #[arg(long, env = "KUBELAB_METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,
    #[command(flatten)]
    pub content: ContentArgs,
    /// Where the built site (pkg/ with WASM, JS, CSS) is; `scripts/build-site` puts it there.
    #[arg(long, env = "KUBELAB_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,
    /// Render every page on every request instead of once per content version (for benchmarks).
    #[arg(long, env = "KUBELAB_NO_PAGE_CACHE")]
    pub no_page_cache: bool,
    /// Development mode: reload content when files change.
    #[arg(long, env = "KUBELAB_DEV")]
    pub dev: bool,
    /// The cluster for cluster checks (optional: without one, lessons and offline exercises work).
    #[command(flatten)]
    pub cluster: ClusterArgs,
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// `per-learner`: each learner gets a namespace `<prefix><id>`, provisioned by kubelab;
    /// `shared`: everyone's checks read --namespace (one learner on their own kind cluster).
    #[arg(
        long,
        env = "KUBELAB_LEARNER_NAMESPACES",
        default_value = "per-learner"
    )]
    pub learner_namespaces: NamespaceMode,
    /// The terminal in the page (a shell in the learner's toolbox Pod, as the learner): `auto`
    /// and `on` turn it on with per-learner namespaces; a shared namespace never has one (all
    /// learners would share one shell).
    #[arg(long, env = "KUBELAB_TERMINAL", default_value = "auto")]
    pub terminal: TerminalMode,
    /// The toolbox Pod's image: kubectl, bash, tmux and `kubelab-shell`, not root.
    #[arg(long, env = "KUBELAB_TOOLBOX_IMAGE", default_value = DEFAULT_TOOLBOX_IMAGE)]
    pub toolbox_image: String,
    /// Terminals one learner may have open (tabs)…
    #[arg(long, env = "KUBELAB_TERMINALS_PER_LEARNER", default_value_t = 2)]
    pub terminals_per_learner: u32,
    /// …and everybody together.
    #[arg(long, env = "KUBELAB_MAX_TERMINALS", default_value_t = 200)]
    pub max_terminals: u32,
    /// A learner's toolbox Pod no terminal used for this long is removed (`30m`, `2h`; at least
    /// `10m`; `0` keeps them); the next terminal makes a new one.
    #[arg(long, env = "KUBELAB_TERMINAL_IDLE", default_value = "30m", value_parser = parse_terminal_idle)]
    pub terminal_idle: Duration,
    /// The prefix of per-learner namespaces.
    #[arg(long, env = "KUBELAB_NAMESPACE_PREFIX", default_value = "kl-")]
    pub namespace_prefix: String,
    /// Where browsers reach kubelab (e.g. https://lab.example): the same-origin check uses it,
    /// and https makes the session cookie Secure.
    #[arg(long, env = "KUBELAB_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// The Kubernetes API URL written into learners' kubeconfigs, when it differs from the one
    /// kubelab uses.
    #[arg(long, env = "KUBELAB_KUBE_PUBLIC_URL")]
    pub kube_public_url: Option<String>,
    /// Host names browsers may use to reach kubelab, besides the loopback names (localhost,
    /// 127.0.0.1, [::1]) and the host of --public-url: `--allowed-host lab.example`. Requests
    /// naming another Host are refused (DNS rebinding).
    #[arg(
        long = "allowed-host",
        env = "KUBELAB_ALLOWED_HOSTS",
        value_delimiter = ','
    )]
    pub allowed_hosts: Vec<String>,
    /// New learners one client address may create at once (a classroom behind one NAT joins at
    /// once)…
    #[arg(long, env = "KUBELAB_LEARNERS_PER_ADDRESS", default_value_t = 60)]
    pub learners_per_address: u32,
    /// …and per hour after that.
    #[arg(
        long,
        env = "KUBELAB_LEARNERS_PER_ADDRESS_PER_HOUR",
        default_value_t = 60
    )]
    pub learners_per_address_per_hour: u32,
    /// Learners in total; beyond it nobody new can start or join (503).
    #[arg(long, env = "KUBELAB_MAX_LEARNERS", default_value_t = 20_000)]
    pub max_learners: u64,
    /// Checks and submissions per learner per minute (a visitor without a learner: per client
    /// address); beyond it 429 with Retry-After. Stored live verdicts count too.
    #[arg(long, env = "KUBELAB_SUBMISSIONS_PER_MINUTE", default_value_t = 30)]
    pub submissions_per_minute: u32,
    /// Open live-verdict streams per learner (tabs)…
    #[arg(long, env = "KUBELAB_LIVE_STREAMS_PER_LEARNER", default_value_t = 4)]
    pub live_streams_per_learner: u32,
    /// …and in total.
    #[arg(long, env = "KUBELAB_MAX_LIVE_STREAMS", default_value_t = 2_000)]
    pub max_live_streams: u32,
    /// The evidence stored with one attempt, in bytes of JSON; objects beyond it are left out
    /// (a marker says how many).
    #[arg(long, env = "KUBELAB_MAX_EVIDENCE_BYTES", default_value_t = 64 * 1024)]
    pub max_evidence_bytes: usize,
    /// How long a request may take to be answered (`30s`, `2m`, `500ms`; plain numbers are
    /// seconds); then 503. Event streams have no deadline.
    #[arg(long, env = "KUBELAB_REQUEST_TIMEOUT", default_value = "30s", value_parser = parse_duration)]
    pub request_timeout: Duration,
    /// The same for routes that wait for the cluster on purpose: namespace reset, classroom
    /// archive, grade-all, re-grade.
    #[arg(long, env = "KUBELAB_LONG_REQUEST_TIMEOUT", default_value = "180s", value_parser = parse_duration)]
    pub long_request_timeout: Duration,
    /// A self-paced learner's namespace nobody used for this long is removed (their progress
    /// stays; the namespace comes back, empty, when they return). `7d`, `12h`; `0` keeps
    /// namespaces. Classroom learners' namespaces go when the classroom is archived.
    #[arg(long, env = "KUBELAB_IDLE_NAMESPACE_TTL", default_value = "7d", value_parser = parse_ttl)]
    pub idle_namespace_ttl: Duration,
    /// Behind a reverse proxy: rate-limit by the client address the proxy puts last in
    /// X-Forwarded-For. Leave off when clients reach kubelab directly (they could forge it).
    #[arg(long, env = "KUBELAB_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,
}

/// The toolbox image a deployment builds and pushes itself until one is published.
pub const DEFAULT_TOOLBOX_IMAGE: &str = "kubelab-toolbox:0.1";

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TerminalMode {
    Auto,
    On,
    Off,
}

impl TerminalMode {
    /// Whether learners get a terminal with these namespaces. Never with a shared namespace:
    /// there one toolbox (and one shell) would serve everybody.
    pub fn enabled(self, namespaces: NamespaceMode) -> bool {
        self != TerminalMode::Off && namespaces == NamespaceMode::PerLearner
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NamespaceMode {
    PerLearner,
    Shared,
}

/// A duration like [`parse_duration`]'s, in days too (`7d`); `0` (zero) is off. At least an hour:
/// a shorter one would remove the namespace of a learner reading a long chapter.
pub fn parse_ttl(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if text == "0" {
        return Ok(Duration::ZERO);
    }
    let d = match text.strip_suffix('d') {
        Some(days) => {
            let n: u64 = days
                .parse()
                .map_err(|_| format!("{text:?} is not a duration like 7d or 12h"))?;
            Duration::from_secs(n.saturating_mul(86_400))
        }
        None => parse_duration(text)?,
    };
    if d < Duration::from_secs(3600) {
        return Err(format!(
            "{text:?} is too short: use at least 1h, or 0 to keep namespaces"
        ));
    }
    Ok(d)
}

/// `30s`, `2m`, `500ms`, `1h`, or a plain number of seconds; more than zero.
/// `--terminal-idle`: a duration like [`parse_duration`]'s of at least ten minutes (an open
/// terminal marks its toolbox every two), or `0` for never.
pub fn parse_terminal_idle(text: &str) -> Result<Duration, String> {
    if text.trim() == "0" {
        return Ok(Duration::ZERO);
    }
    let d = parse_duration(text)?;
    if d < Duration::from_secs(600) {
        return Err(format!("{text:?} is shorter than the least, 10m"));
    }
    Ok(d)
}

pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let n: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration like 30s, 2m or 500ms"))?;
    let d = match unit.trim() {
        "" | "s" => Duration::from_secs(n),
        "ms" => Duration::from_millis(n),
        "m" => Duration::from_secs(n.saturating_mul(60)),
        "h" => Duration::from_secs(n.saturating_mul(3600)),
        other => {
            return Err(format!(
                "unknown unit {other:?} in {text:?}: use ms, s, m or h"
            ))
        }
    };
    if d.is_zero() {
        return Err("a timeout must be more than zero".into());
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_terminal_idle_time_is_ten_minutes_or_more_or_never() {
        assert_eq!(parse_terminal_idle("30m"), Ok(Duration::from_secs(1800)));
        assert_eq!(parse_terminal_idle("0"), Ok(Duration::ZERO));
        assert!(parse_terminal_idle("5m").is_err());
        assert!(parse_terminal_idle("soon").is_err());
    }

    #[test]
    fn durations_read_like_people_write_them() {
        assert_eq!(parse_duration("30"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert!(parse_duration("0s").is_err());
        assert_eq!(parse_ttl("7d"), Ok(Duration::from_secs(7 * 86_400)));
        assert_eq!(parse_ttl("12h"), Ok(Duration::from_secs(12 * 3600)));
        assert_eq!(parse_ttl("0"), Ok(Duration::ZERO));
        assert!(parse_ttl("10m").unwrap_err().contains("at least 1h"));
        assert!(parse_ttl("xd").is_err());
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("3d").is_err());
    }

    #[test]
    fn the_terminal_is_never_on_with_a_shared_namespace() {
        use NamespaceMode::*;
        use TerminalMode::*;
        assert!(Auto.enabled(PerLearner) && On.enabled(PerLearner));
        assert!(!Off.enabled(PerLearner));
        assert!(!Auto.enabled(Shared) && !On.enabled(Shared) && !Off.enabled(Shared));
    }
}
