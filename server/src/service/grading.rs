//! How a verdict is decided, in one place: a snapshot of the objects the exercise needs (from
//! the shared watch caches in the server, from direct lists in the one-shot CLI, from stored
//! evidence when re-grading) → `kubelab_checks::evaluate` → an attempt recorded in the store →
//! the learner's classroom board told. The check route, live verdicts, grade-all, re-grading,
//! `kubelab check` and `kubelab grade` all come through here; nothing else decides a verdict.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures::{Stream, StreamExt};
use kubelab_checks::{Catalog, Exercise, ExerciseKind, Need, ObjectGraph, Snapshot, Verdict};
use kubelab_store::{Attempt, AttemptSource, Learner, NewAttempt};

use super::metrics::{self, Outcome};
use super::{Lab, Result, ServiceError};
use crate::cluster::cache::view::CacheView;
use crate::cluster::cache::{TypeKey, WatchCache};
use crate::cluster::{Cluster, Error};

/// Where the objects of a check come from.
pub trait Objects {
    /// Every object of the `needs` types in `namespace` (cluster-scoped ones cluster-wide).
    fn snapshot(
        &self,
        needs: &[Need],
        namespace: &str,
    ) -> impl Future<Output = Result<Snapshot, Error>> + Send;
}

/// The server's source: memory, kept current by one watch per type.
impl Objects for WatchCache {
    fn snapshot(
        &self,
        needs: &[Need],
        namespace: &str,
    ) -> impl Future<Output = Result<Snapshot, Error>> + Send {
        WatchCache::snapshot(self, needs, namespace)
    }
}

/// Grading's source: one moment of the shared caches, indexed by namespace (memory only).
impl Objects for CacheView {
    fn snapshot(
        &self,
        needs: &[Need],
        namespace: &str,
    ) -> impl Future<Output = Result<Snapshot, Error>> + Send {
        std::future::ready(CacheView::snapshot(self, needs, namespace))
    }
}

/// The one-shot CLI's source: direct lists (a process that exits would pay for a cache it
/// never reuses).
impl Objects for Cluster {
    fn snapshot(
        &self,
        needs: &[Need],
        namespace: &str,
    ) -> impl Future<Output = Result<Snapshot, Error>> + Send {
        Cluster::snapshot(self, needs, namespace)
    }
}

/// A verdict and the objects it was decided on (what a stored attempt keeps as evidence).
#[derive(Debug, Clone)]
pub struct Checked {
    pub verdict: Verdict,
    pub evidence: Vec<Arc<serde_json::Value>>,
}

/// Checks the cluster exercise `ex` in `namespace`: snapshot → evaluate.
#[tracing::instrument(name = "check", skip_all, fields(exercise = %ex.id, namespace = %namespace))]
pub async fn check_in(
    objects: &impl Objects,
    ex: &Exercise,
    namespace: &str,
) -> Result<Checked, Error> {
    let started = std::time::Instant::now();
    let snapshot = objects.snapshot(&ex.needs, namespace).await;
    decide(ex, snapshot, started)
}

/// Evaluates `ex` on a snapshot (or counts the error of reading it): the one place a cluster
/// verdict is decided and measured.
fn decide(
    ex: &Exercise,
    snapshot: Result<Snapshot, Error>,
    started: std::time::Instant,
) -> Result<Checked, Error> {
    let snapshot = match snapshot {
        Ok(s) => s,
        Err(e) => {
            metrics::checked(&ex.id, "cluster", Outcome::Error, started.elapsed());
            return Err(e);
        }
    };
    let verdict = kubelab_checks::evaluate(ex, &snapshot);
    metrics::checked(
        &ex.id,
        "cluster",
        Outcome::of(verdict.passed),
        started.elapsed(),
    );
    tracing::debug!(
        exercise = %ex.id,
        namespace = %snapshot.namespace,
        objects = snapshot.objects.len(),
        passed = verdict.passed,
        "checked"
    );
    Ok(Checked {
        verdict,
        evidence: snapshot.objects,
    })
}

/// The verdict the current rules give for a stored attempt: cluster exercises are evaluated on
/// the stored evidence, offline ones on the stored input.
pub fn regrade(ex: &Exercise, attempt: &Attempt, namespace: &str) -> Option<Verdict> {
    match ex.kind {
        ExerciseKind::Cluster => Some(kubelab_checks::evaluate(
            ex,
            &Snapshot::new(namespace, attempt.evidence.clone()),
        )),
        _ => attempt
            .input
            .as_deref()
            .and_then(|input| kubelab_checks::validate(ex, input).ok()),
    }
}

/// One update of a live check.
#[derive(Debug, Clone)]
pub enum LiveUpdate {
    /// A verdict that differs from the one before.
    Verdict(Verdict),
    /// The learner's objects and their links, when they differ from the ones before.
    Objects(ObjectGraph),
    /// The cache could not be read this time (the stream goes on).
    Error(Error),
}

impl Lab {
    /// Stores an attempt (its evidence slimmed and capped: `evidence::for_storage`) and tells
    /// the learner's classroom board.
    pub async fn record(
        &self,
        learner: &Learner,
        exercise_id: &str,
        source: AttemptSource,
        verdict: &Verdict,
        evidence: &[Arc<serde_json::Value>],
        input: Option<&str>,
    ) -> Result<Attempt> {
        let evidence = super::evidence::for_storage(evidence, self.limits.max_evidence_bytes);
        let attempt = metrics::store_op(
            "record_attempt",
            self.store.record_attempt(NewAttempt {
                learner_id: &learner.id,
                exercise_id,
                source,
                verdict,
                evidence: &evidence,
                input,
            }),
        )
        .await?;
        if let Some(classroom) = &learner.classroom_id {
            self.announce(classroom);
        }
        Ok(attempt)
    }

    /// Checks submitted text (offline exercises). Refused input is an error, not an attempt.
    ///
    /// The parse runs on the blocking pool behind [`Lab::validations`]; a submission that waits
    /// longer than [`VALIDATION_QUEUE_WAIT`] for a slot is answered "busy" (nothing is stored).
    pub async fn validate(&self, ex: &Exercise, body: Vec<u8>) -> Result<Verdict> {
        let permit = tokio::time::timeout(
            VALIDATION_QUEUE_WAIT,
            self.validations.clone().acquire_owned(),
        )
        .await
        .map_err(|_| ServiceError::Busy)?
        .map_err(|_| ServiceError::Busy)?;
        let catalog = self.catalog.clone();
        let id = ex.id.clone();
        let started = std::time::Instant::now();
        let verdict = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let ex = catalog
                .get(&id)
                .ok_or_else(|| ServiceError::UnknownExercise(id.clone()))?;
            kubelab_checks::validate_bytes(ex, &body).map_err(ServiceError::from)
        })
        .await
        .map_err(|e| {
            tracing::error!(exercise = %ex.id, error = %e, "a submission's check did not finish");
            ServiceError::Busy
        })?;
        // Refused input (not YAML, too big, …) decided nothing: an error, not a verdict.
        let outcome = match &verdict {
            Ok(v) => Outcome::of(v.passed),
            Err(_) => Outcome::Error,
        };
        metrics::checked(&ex.id, "offline", outcome, started.elapsed());
        let verdict = verdict?;
        tracing::info!(exercise = %ex.id, passed = verdict.passed, "submission checked");
        Ok(verdict)
    }

    /// Records a submission `validate` has decided.
    pub async fn record_submission(
        &self,
        learner: &Learner,
        ex: &Exercise,
        verdict: &Verdict,
        body: &[u8],
    ) -> Result<Attempt> {
        // validate_bytes has refused anything that is not UTF-8.
        let input = String::from_utf8_lossy(body);
        self.record(
            learner,
            &ex.id,
            AttemptSource::Submit,
            verdict,
            &[],
            Some(&input),
        )
        .await
    }

    /// The learner's check of a cluster exercise, read from the shared caches, recorded.
    pub async fn check(&self, ex: &Exercise, learner: &Learner) -> Result<(Verdict, Attempt)> {
        let cluster = self.cluster()?;
        let namespace = self.ensure_namespace(learner).await?;
        let Checked { verdict, evidence } = check_in(cluster.cache(), ex, &namespace).await?;
        tracing::info!(exercise = %ex.id, namespace = %namespace, passed = verdict.passed, "cluster check");
        let attempt = self
            .record(
                learner,
                &ex.id,
                AttemptSource::Check,
                &verdict,
                &evidence,
                None,
            )
            .await?;
        Ok((verdict, attempt))
    }

    /// Live verdicts: one check now (recorded; an unreachable cluster is an error, not an empty
    /// stream), then one per burst of changes to the objects the exercise reads in the
    /// learner's namespace (the shared caches announce them; no watch of its own). Only verdicts
    /// that differ from the last one are yielded, and each is recorded (a store failure is
    /// logged; the live view goes on).
    pub async fn live(
        self: Arc<Self>,
        ex: Exercise,
        learner: Learner,
    ) -> Result<(
        Verdict,
        ObjectGraph,
        impl Stream<Item = LiveUpdate> + Send + 'static,
    )> {
        let cache = self.cluster()?.cache().clone();
        let namespace = self.ensure_namespace(&learner).await?;
        // Subscribed before the first read, so no change falls between the two.
        let changes = cache.changes(&ex.needs, &namespace).ready_chunks(256);
        let first = check_in(&cache, &ex, &namespace).await?;
        self.record(
            &learner,
            &ex.id,
            AttemptSource::Live,
            &first.verdict,
            &first.evidence,
            None,
        )
        .await?;
        let first_graph = graph_of(&namespace, &first);
        let last = Arc::new(std::sync::Mutex::new(LastSent {
            verdict: serde_json::to_string(&first.verdict).ok(),
            graph: first_graph.clone(),
        }));
        let (ex, learner) = (Arc::new(ex), Arc::new(learner));
        let updates = changes
            .then(move |_| {
                let (lab, cache, ex, learner) =
                    (self.clone(), cache.clone(), ex.clone(), learner.clone());
                let (namespace, last) = (namespace.clone(), last.clone());
                async move {
                    let checked = match check_in(&cache, &ex, &namespace).await {
                        Ok(c) => c,
                        Err(e) => return vec![LiveUpdate::Error(e)],
                    };
                    let graph = graph_of(&namespace, &checked);
                    let json = serde_json::to_string(&checked.verdict).ok();
                    let (verdict_changed, graph_changed) = {
                        let mut last = last.lock().unwrap_or_else(|p| p.into_inner());
                        let changed = (last.verdict != json, last.graph != graph);
                        last.verdict = json;
                        last.graph = graph.clone();
                        changed
                    };
                    let mut out = Vec::new();
                    if verdict_changed {
                        let Checked { verdict, evidence } = checked;
                        lab.record_live(&learner, &ex, &verdict, &evidence).await;
                        out.push(LiveUpdate::Verdict(verdict));
                    }
                    if graph_changed {
                        out.push(LiveUpdate::Objects(graph));
                    }
                    out
                }
            })
            .flat_map(futures::stream::iter);
        Ok((first.verdict, first_graph, updates))
    }

    /// Stores a live verdict unless the learner's attempts are over their rate: still shown,
    /// not stored (flipping an object back and forth must not fill the store); a store failure
    /// is logged and the live view goes on.
    async fn record_live(
        &self,
        learner: &Learner,
        ex: &Exercise,
        verdict: &Verdict,
        evidence: &[Arc<serde_json::Value>],
    ) {
        if let Err(e) = self.admit_attempt(&Lab::attempt_key(Some(learner), "")) {
            tracing::warn!(error = %e, "live verdict not stored");
        } else if let Err(e) = self
            .record(
                learner,
                &ex.id,
                AttemptSource::Live,
                verdict,
                evidence,
                None,
            )
            .await
        {
            tracing::warn!(error = %e, "live verdict not stored");
        }
    }
}

/// What a live stream sent last: a change is sent only when it differs.
struct LastSent {
    verdict: Option<String>,
    graph: ObjectGraph,
}

/// The learner's objects the exercise read, drawn with the verdict's first broken link.
fn graph_of(namespace: &str, checked: &Checked) -> ObjectGraph {
    kubelab_checks::graph::build(
        &Snapshot::shared(namespace, checked.evidence.clone()),
        Some(&checked.verdict),
    )
}

/// How long a submission may wait for a parse slot before it is answered "busy".
pub const VALIDATION_QUEUE_WAIT: Duration = Duration::from_secs(5);

/// Listing every type once for a whole class may take longer than one learner's check.
pub const SYNC_DEADLINE: Duration = Duration::from_secs(30);

/// One learner's namespace × one exercise.
#[derive(Debug, Clone)]
pub struct GradeRow {
    pub namespace: String,
    pub exercise: String,
    pub verdict: Verdict,
    /// The objects evaluated (what a stored attempt keeps as evidence), shared with the view.
    pub evidence: Vec<Arc<serde_json::Value>>,
}

/// The cluster exercises of the catalog, in catalog order.
pub fn cluster_exercises(catalog: &Catalog) -> Vec<&Exercise> {
    catalog
        .iter()
        .filter(|e| e.kind == ExerciseKind::Cluster)
        .collect()
}

/// Every type any of `exercises` reads, once.
fn all_needs(exercises: &[&Exercise]) -> Vec<Need> {
    let mut needs = BTreeMap::new();
    for ex in exercises {
        for n in &ex.needs {
            needs.entry(TypeKey::of(n)).or_insert_with(|| n.clone());
        }
    }
    needs.into_values().collect()
}

/// Waits (within [`SYNC_DEADLINE`]) until the cache holds every type the cluster exercises of
/// `catalog` read.
pub async fn sync(catalog: &Catalog, cache: &WatchCache) -> Result<(), Error> {
    let needs = all_needs(&cluster_exercises(catalog));
    cache.sync_within(&needs, SYNC_DEADLINE).await
}

/// A view of every type the cluster exercises of `catalog` read in `namespaces`, indexed by
/// namespace: one pass over the cache for a whole class, however many namespaces are graded
/// from it. Reads memory only once the cache is synced ([`sync`]); a type not yet listed is
/// waited for.
pub async fn view(
    catalog: &Catalog,
    cache: &WatchCache,
    namespaces: &[String],
) -> Result<CacheView, Error> {
    cache
        .view(&all_needs(&cluster_exercises(catalog)), Some(namespaces))
        .await
}

/// Every cluster exercise of `catalog` in every namespace of `namespaces`, from the cache
/// (namespace by namespace, exercises in catalog order): one [`view`], then memory only.
pub async fn grade(
    catalog: &Arc<Catalog>,
    cache: &WatchCache,
    namespaces: &[String],
) -> Result<Vec<GradeRow>, Error> {
    let view = Arc::new(view(catalog, cache, namespaces).await?);
    grade_in(catalog, &view, namespaces).await
}

/// [`grade`] from a view taken before (grade-all takes one for the whole classroom and grades it
/// in batches). The evaluation is CPU work: it runs on the blocking pool ([`grade_view`]).
pub async fn grade_in(
    catalog: &Arc<Catalog>,
    view: &Arc<CacheView>,
    namespaces: &[String],
) -> Result<Vec<GradeRow>, Error> {
    let (catalog, view, namespaces) = (catalog.clone(), view.clone(), namespaces.to_vec());
    tokio::task::spawn_blocking(move || grade_view(&catalog, &view, &namespaces))
        .await
        .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()))
}

/// Namespaces below which one more thread costs more than it saves.
const NAMESPACES_PER_THREAD: usize = 64;

/// Grades `namespaces` from `view` on up to one thread per core, each thread a contiguous run of
/// namespaces; the rows come back in the order [`grade`] documents.
pub fn grade_view(
    catalog: &Catalog,
    view: &CacheView,
    namespaces: &[String],
) -> Result<Vec<GradeRow>, Error> {
    if let Some(bad) = namespaces
        .iter()
        .find(|ns| !crate::cluster::is_dns_label(ns))
    {
        return Err(Error::BadNamespace {
            namespace: bad.clone(),
        });
    }
    let exercises = cluster_exercises(catalog);
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let threads = cores
        .min(namespaces.len().div_ceil(NAMESPACES_PER_THREAD))
        .max(1);
    let grade_some = |some: &[String]| -> Result<Vec<GradeRow>, Error> {
        let mut rows = Vec::with_capacity(some.len() * exercises.len());
        for ns in some {
            for ex in &exercises {
                let started = std::time::Instant::now();
                let Checked { verdict, evidence } =
                    decide(ex, view.snapshot(&ex.needs, ns), started)?;
                rows.push(GradeRow {
                    namespace: ns.clone(),
                    exercise: ex.id.clone(),
                    verdict,
                    evidence,
                });
            }
        }
        Ok(rows)
    };
    if threads == 1 {
        return grade_some(namespaces);
    }
    let chunk = namespaces.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = namespaces
            .chunks(chunk)
            .map(|some| scope.spawn(move || grade_some(some)))
            .collect();
        let mut rows = Vec::with_capacity(namespaces.len() * exercises.len());
        for h in handles {
            let part = h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))?;
            rows.extend(part);
        }
        Ok(rows)
    })
}
