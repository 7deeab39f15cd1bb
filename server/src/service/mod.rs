//! What kubelab does, without HTTP: learners and their namespaces, grading (the one way a verdict
//! is decided and recorded), instructors, classrooms and their board. The web routes and the
//! command line call these; this layer calls the cluster, the store and the check engine, and
//! never imports `web`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use kubelab_checks::{Catalog, Exercise, ExerciseKind};
use kubelab_store::{Learner, Store};

use crate::cluster::provision::Provisioner;
use crate::cluster::Cluster;

pub mod apply;
pub mod board;
pub mod catalog;
pub mod classrooms;
pub mod command_log;
mod error;
pub mod evidence;
pub mod gate;
pub mod grading;
pub mod idle;
pub mod learners;
pub mod limiter;
pub mod metrics;
mod ops;
pub mod replicas;
pub mod setup;
pub mod streams;
pub mod terminal;
pub mod texts;

pub use error::{Result, ServiceError};
pub use limiter::{FailureLimiter, TokenBuckets};
pub use streams::StreamSlots;

/// Which namespace a learner's cluster exercises live in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Namespaces {
    /// Each learner gets their own, `<prefix><short id>`, provisioned by kubelab.
    PerLearner { prefix: String },
    /// Everyone uses this one (a single learner on their own kind/minikube cluster).
    Shared(String),
}

/// Caps on what one client, one learner or everybody may make kubelab do.
#[derive(Debug, Clone)]
pub struct Limits {
    /// New learners per client address at once (a classroom behind one NAT)…
    pub learners_burst: u32,
    /// …and per hour after that.
    pub learners_per_hour: u32,
    /// Learners in the store, in total.
    pub max_learners: u64,
    /// Attempts (submissions, checks, stored live verdicts) per learner per minute; a visitor
    /// without a learner is counted by client address.
    pub submissions_per_minute: u32,
    /// Open live-verdict streams per learner…
    pub live_streams_per_learner: u32,
    /// …and in total.
    pub max_live_streams: u32,
    /// The stored evidence of one attempt, in bytes of JSON (beyond it, objects are left out
    /// and a marker says so).
    pub max_evidence_bytes: usize,
    /// A self-paced learner's namespace unused this long is removed (progress stays); `None`
    /// keeps namespaces until their learner or classroom is removed.
    pub idle_namespace_ttl: Option<Duration>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            learners_burst: 60,
            learners_per_hour: 60,
            max_learners: 20_000,
            submissions_per_minute: 30,
            live_streams_per_learner: 4,
            max_live_streams: 2_000,
            max_evidence_bytes: 64 * 1024,
            idle_namespace_ttl: None,
        }
    }
}

/// Failed sign-ins per client address (and address + email) in [`FAILURE_WINDOW`].
pub const LOGIN_FAILURES: usize = 10;
/// Wrong join or resume codes per client address in [`FAILURE_WINDOW`] before a wrong one is
/// answered "too many tries" (a classroom behind one NAT makes typos)…
pub const CODE_FAILURES: usize = 30;
/// …and before every try is refused, a correct one too.
pub const CODE_FAILURES_HARD: usize = 300;
pub const FAILURE_WINDOW: Duration = Duration::from_secs(300);
/// How long this process trusts that a namespace it provisioned still exists.
pub const ENSURED_FOR: Duration = Duration::from_secs(600);

fn creations(l: &Limits) -> TokenBuckets {
    TokenBuckets::new(
        l.learners_burst,
        l.learners_per_hour,
        Duration::from_secs(3600),
    )
}

fn attempts(l: &Limits) -> TokenBuckets {
    TokenBuckets::new(
        l.submissions_per_minute,
        l.submissions_per_minute,
        Duration::from_secs(60),
    )
}

fn streams(l: &Limits) -> StreamSlots {
    StreamSlots::new(l.live_streams_per_learner, l.max_live_streams)
}

/// The lab: everything the services share. One per process; cheap to share behind an `Arc`.
pub struct Lab {
    pub store: Store,
    /// The exercise specs (content/exercises).
    pub catalog: Arc<Catalog>,
    /// The cluster for cluster checks, or why there is none (then checks answer "no cluster").
    pub cluster: Result<Cluster, crate::cluster::Error>,
    pub namespaces: Namespaces,
    /// Present when a cluster is connected and namespaces are per learner.
    pub provisioner: Option<Provisioner>,
    /// Namespaces this process has provisioned, and when (provisioning is idempotent; this saves
    /// the calls). Entries older than [`ENSURED_FOR`] are checked again: another replica's idle
    /// reaper may have removed the namespace meanwhile.
    ensured: Mutex<HashMap<String, Instant>>,
    /// When signed-in learners last had their activity written (the idle reaper reads it).
    touches: idle::Touches,
    /// Failed instructor sign-ins, per client address and address + email.
    pub limiter: FailureLimiter,
    /// Wrong join and resume codes, per client address.
    pub code_tries: FailureLimiter,
    pub limits: Limits,
    /// New learners per client address.
    creations: TokenBuckets,
    /// Attempts per learner (or per client address for a visitor).
    attempts: TokenBuckets,
    /// Open live-verdict streams.
    pub streams: StreamSlots,
    /// The in-page terminal: whether it is on, its image and limits…
    pub terminal: terminal::TerminalSettings,
    /// …and the terminals open now.
    terminals: StreamSlots,
    /// A learner id each time that learner's open terminals must close (sign-out, reset,
    /// classroom archived); every open terminal listens.
    terminal_closes: tokio::sync::broadcast::Sender<String>,
    /// A classroom id each time one of its learners' progress changes (boards listen), here or
    /// on another replica ([`replicas::relay`]); [`replicas::EVERY_CLASSROOM`] when events were lost.
    pub events: tokio::sync::broadcast::Sender<String>,
    /// This process among replicas on one database (random): its own events come back to it.
    replica: String,
    /// How long a downloaded kubeconfig's token stays valid.
    pub kubeconfig_ttl: Duration,
    /// Submitted texts are parsed on the blocking pool, this many at once (one per core): a flood
    /// of large submissions queues here instead of starving the async workers.
    validations: Arc<tokio::sync::Semaphore>,
}

impl std::fmt::Debug for Lab {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lab")
            .field("exercises", &self.catalog.len())
            .field("cluster", &self.cluster.as_ref().map(Cluster::url))
            .field("namespaces", &self.namespaces)
            .field("provisioning", &self.provisioner.is_some())
            .finish()
    }
}

impl Lab {
    /// `provisioner` is used only when namespaces are per learner.
    pub fn new(
        store: Store,
        catalog: Arc<Catalog>,
        cluster: Result<Cluster, crate::cluster::Error>,
        namespaces: Namespaces,
        provisioner: Option<Provisioner>,
    ) -> Self {
        let provisioner = match namespaces {
            Namespaces::PerLearner { .. } => provisioner,
            Namespaces::Shared(_) => None,
        };
        Lab {
            store,
            catalog,
            cluster,
            namespaces,
            provisioner,
            ensured: Mutex::new(HashMap::new()),
            touches: idle::Touches::default(),
            limiter: FailureLimiter::new(LOGIN_FAILURES, LOGIN_FAILURES, FAILURE_WINDOW),
            code_tries: FailureLimiter::new(CODE_FAILURES, CODE_FAILURES_HARD, FAILURE_WINDOW),
            creations: creations(&Limits::default()),
            attempts: attempts(&Limits::default()),
            streams: streams(&Limits::default()),
            terminal: terminal::TerminalSettings::default(),
            terminals: StreamSlots::new(0, 0),
            // Room for archiving a large classroom at once (a learner id each).
            terminal_closes: tokio::sync::broadcast::channel(4096).0,
            limits: Limits::default(),
            events: tokio::sync::broadcast::channel(1024).0,
            replica: format!("{:016x}", rand::random::<u64>()),
            kubeconfig_ttl: Duration::from_secs(12 * 3600),
            validations: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(1, |n| n.get()),
            )),
        }
    }

    /// The same lab with these limits.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.creations = creations(&limits);
        self.attempts = attempts(&limits);
        self.streams = streams(&limits);
        self.limits = limits;
        self
    }

    /// Whose attempts a request counts against: the learner's, or a visitor's address.
    pub fn attempt_key(learner: Option<&Learner>, client_key: &str) -> String {
        match learner {
            Some(l) => format!("learner:{}", l.id),
            None => client_key.to_string(),
        }
    }

    /// Takes one attempt of `key` (a learner id, or a visitor's client address): refused with
    /// the wait when its minute's worth is used up.
    pub fn admit_attempt(&self, key: &str) -> Result<()> {
        self.attempts.try_take(key).map_err(|wait| {
            tracing::warn!(key = %key, "too many attempts");
            ServiceError::TooManyAttempts(wait)
        })
    }

    /// Whether `client_key` may create one more learner now, and the store has room for one.
    async fn admit_new_learner(&self, client_key: &str) -> Result<()> {
        if self.store.count_learners().await? >= self.limits.max_learners {
            tracing::warn!(max = self.limits.max_learners, "learner limit reached");
            return Err(ServiceError::Full);
        }
        self.creations.try_take(client_key).map_err(|wait| {
            tracing::warn!(client = %client_key, "too many new learners from one address");
            ServiceError::TooManyNewLearners(wait)
        })
    }

    /// The exercise with this id.
    pub fn exercise(&self, id: &str) -> Result<&Exercise, ServiceError> {
        self.catalog
            .get(id)
            .ok_or_else(|| ServiceError::UnknownExercise(id.to_string()))
    }

    /// The exercise with this id, if it is checked in a cluster.
    pub fn cluster_exercise(&self, id: &str) -> Result<&Exercise, ServiceError> {
        let ex = self.exercise(id)?;
        if ex.kind != ExerciseKind::Cluster {
            return Err(ServiceError::NotCluster(ex.id.clone()));
        }
        Ok(ex)
    }

    /// The connected cluster, or why there is none.
    pub fn cluster(&self) -> Result<&Cluster, ServiceError> {
        self.cluster
            .as_ref()
            .map_err(|e| ServiceError::Cluster(e.clone()))
    }

    /// The namespace the learner's cluster checks read.
    pub fn namespace_of(&self, learner: &Learner) -> String {
        match &self.namespaces {
            Namespaces::PerLearner { .. } => learner.namespace.clone(),
            Namespaces::Shared(ns) => ns.clone(),
        }
    }

    fn namespace_prefix(&self) -> &str {
        match &self.namespaces {
            Namespaces::PerLearner { prefix } => prefix,
            Namespaces::Shared(_) => "kl-",
        }
    }

    /// Tells the boards of `classroom` that something changed (nobody listening is fine), here
    /// and on the other replicas.
    pub fn announce(&self, classroom: &str) {
        let _ = self.events.send(classroom.to_string());
        self.publish_board(classroom);
    }

    /// Namespaces this process has provisioned or found ready.
    fn ensured_count(&self) -> usize {
        self.ensured.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    fn is_ensured(&self, ns: &str) -> bool {
        self.ensured
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(ns)
            .is_some_and(|at| at.elapsed() < ENSURED_FOR)
    }

    fn mark_ensured(&self, ns: &str, yes: bool) {
        let mut map = self.ensured.lock().unwrap_or_else(|p| p.into_inner());
        if yes {
            map.insert(ns.to_string(), Instant::now());
        } else {
            map.remove(ns);
        }
    }
}
