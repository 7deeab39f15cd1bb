//! Shared watch caches: one kube-runtime reflector (watcher + store) per resource type for the
//! whole server, across all namespaces, so checks, live verdicts and grading read memory instead
//! of the API server, and N learners' live streams do not open N watches.
//!
//! A type is watched from its first use on and kept. Objects are stored without
//! `metadata.managedFields`, and Secrets without their payload (`data`, `stringData`, the
//! last-applied annotation) unless a check may need it: Opaque Secrets in learner namespaces
//! ([`SecretPayloads`]), whose keys `env_names_service` resolves. Every change is announced on one broadcast channel as *which type in
//! which namespace* changed; subscribers filter on their exercise's types and namespace.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::stream::BoxStream;
use futures::{Stream, StreamExt};
use kube::api::{ApiResource, DynamicObject, GroupVersionKind};
use kube::runtime::reflector::store::Writer;
use kube::runtime::reflector::Store;
use kube::runtime::{watcher, WatchStreamExt};
use kube::Client;
use kubelab_checks::{Need, Snapshot};
use tokio::sync::{broadcast, watch};
use tokio::time::Instant;

use super::error::{classify, timeout_error, Error};
use super::resource::{api_for, is_dns_label, restore_type, DEADLINE};

pub mod view;

/// Changes buffered per subscriber; one that falls further behind re-reads (it only needs to
/// know that something changed).
const CHANGES_BUFFER: usize = 4096;

/// A resource type as the API names it: `apps/v1` + `deployments`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeKey {
    pub api_version: String,
    pub plural: String,
}

impl TypeKey {
    pub fn of(need: &Need) -> TypeKey {
        TypeKey {
            api_version: need.api_version.clone(),
            plural: need.plural.clone(),
        }
    }
}

/// Something changed in the cache: an object of `type_key` in `namespace`.
#[derive(Debug, Clone)]
pub struct Change {
    pub type_key: Arc<TypeKey>,
    /// The changed object's namespace; `None` for cluster-scoped objects and for a (re)list of
    /// the whole type, which concern every namespace.
    pub namespace: Option<Arc<str>>,
}

impl Change {
    /// Whether a check of `types` in `namespace` may read what changed.
    pub fn concerns(&self, types: &[TypeKey], namespace: &str) -> bool {
        types.contains(&self.type_key) && self.namespace.as_deref().is_none_or(|ns| ns == namespace)
    }
}

/// Where a type's cache is.
#[derive(Debug, Clone)]
enum State {
    /// The first list has not finished yet.
    Syncing,
    /// The first list failed (the watcher retries with backoff); readers get this error at once.
    Failed(Error),
    /// Listed once; watch events keep it current. When the watch breaks, the watcher resumes
    /// (or relists) with backoff, and readers get the last known state meanwhile.
    Ready,
}

struct Reflected {
    store: Store<DynamicObject>,
    state: watch::Receiver<State>,
    task: tokio::task::JoinHandle<()>,
    /// When the reflector last saw an event (a listed object or a change).
    last_event: Arc<Mutex<Option<Instant>>>,
}

/// How current one type's cache is (for `/metrics`).
#[derive(Debug, Clone)]
pub struct Freshness {
    pub type_key: TypeKey,
    /// Objects cached now.
    pub objects: usize,
    /// Since the last event; `None` before the first.
    pub last_event_age: Option<Duration>,
}

/// Which Secrets keep their payload in the cache: only Opaque ones (the type a learner's
/// `kubectl create secret generic` makes), only in these namespaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretPayloads {
    /// Namespaces that are neither Kubernetes' own (`kube-*`) nor kubelab's (the default until the
    /// server says which namespaces are learners').
    NotSystem,
    /// Namespaces whose name starts with this (per-learner namespaces: `kl-`).
    Prefix(String),
    /// Exactly this namespace (the shared mode's `--namespace`).
    Exactly(String),
}

impl SecretPayloads {
    fn keeps(&self, namespace: &str) -> bool {
        match self {
            SecretPayloads::NotSystem => {
                // `kubelab`: where deploy/rbac/kubelab-rbac.yaml puts kubelab itself.
                !namespace.starts_with("kube-") && namespace != "kubelab"
            }
            SecretPayloads::Prefix(p) => !p.is_empty() && namespace.starts_with(p.as_str()),
            SecretPayloads::Exactly(n) => namespace == n,
        }
    }
}

/// What the cache keeps of an object: no `managedFields`; for a Secret that is not Opaque or not
/// in a namespace `keep` names, no `data` and `stringData`; for every Secret, no last-applied
/// annotation (it repeats the values).
/// (`is_secret`: the watched type is v1 Secret; listed objects carry no `kind` to tell.)
pub fn strip_for_cache(o: &mut DynamicObject, is_secret: bool, keep: &SecretPayloads) {
    o.metadata.managed_fields = None;
    if !is_secret {
        return;
    }
    if let Some(a) = o.metadata.annotations.as_mut() {
        a.remove("kubectl.kubernetes.io/last-applied-configuration");
    }
    let opaque = match o.data.get("type") {
        None | Some(serde_json::Value::Null) => true,
        Some(t) => t.as_str().is_some_and(|t| t.is_empty() || t == "Opaque"),
    };
    let namespace = o.metadata.namespace.as_deref().unwrap_or_default();
    if !(opaque && keep.keeps(namespace)) {
        if let Some(fields) = o.data.as_object_mut() {
            fields.remove("data");
            fields.remove("stringData");
        }
    }
}

struct Inner {
    client: Client,
    url: String,
    secret_payloads: Arc<std::sync::RwLock<SecretPayloads>>,
    types: Mutex<HashMap<TypeKey, Arc<Reflected>>>,
    changes: broadcast::Sender<Change>,
    watches_started: AtomicUsize,
    objects_scanned: AtomicUsize,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Ok(types) = self.types.lock() {
            for r in types.values() {
                r.task.abort();
            }
        }
    }
}

/// The shared watch caches of one API server. Cheap to clone; every clone shares the caches.
#[derive(Clone)]
pub struct WatchCache {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for WatchCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WatchCache")
            .field("url", &self.inner.url)
            .field("types", &self.types())
            .finish()
    }
}

impl WatchCache {
    /// Caches on `client` (which should have no read timeout: watches are long requests).
    /// Watches nothing yet.
    pub fn new(client: Client, url: String) -> WatchCache {
        let (changes, _) = broadcast::channel(CHANGES_BUFFER);
        WatchCache {
            inner: Arc::new(Inner {
                client,
                url,
                secret_payloads: Arc::new(std::sync::RwLock::new(SecretPayloads::NotSystem)),
                types: Mutex::new(HashMap::new()),
                changes,
                watches_started: AtomicUsize::new(0),
                objects_scanned: AtomicUsize::new(0),
            }),
        }
    }

    /// Which Secrets keep their payload from now on (events already cached keep what they had:
    /// call this before the first check).
    pub fn keep_secret_payloads(&self, rule: SecretPayloads) {
        if let Ok(mut r) = self.inner.secret_payloads.write() {
            *r = rule;
        }
    }

    /// How many reflectors (one watch each) this cache has started: one per type ever used.
    pub fn watches_started(&self) -> usize {
        self.inner.watches_started.load(Ordering::Relaxed)
    }

    /// How many cached objects reads have walked past so far: a snapshot walks every object of
    /// each type it reads, a [`view::CacheView`] each object once. The tests read it to prove that
    /// grading a class costs one pass over the cache, not one per namespace.
    pub fn objects_scanned(&self) -> usize {
        self.inner.objects_scanned.load(Ordering::Relaxed)
    }

    fn scanned(&self, objects: usize) {
        self.inner
            .objects_scanned
            .fetch_add(objects, Ordering::Relaxed);
    }

    /// The types watched so far, sorted.
    pub fn types(&self) -> Vec<TypeKey> {
        let mut types: Vec<TypeKey> = self
            .inner
            .types
            .lock()
            .map(|t| t.keys().cloned().collect())
            .unwrap_or_default();
        types.sort();
        types
    }

    /// The reflector of `need`'s type, started on first use. Needs a Tokio runtime.
    fn reflected(&self, need: &Need) -> Arc<Reflected> {
        let key = TypeKey::of(need);
        let mut types = match self.inner.types.lock() {
            Ok(t) => t,
            // A panic elsewhere while holding the lock leaves the map itself intact.
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(r) = types.get(&key) {
            return r.clone();
        }
        let (group, version) = need.group_version();
        let gvk = GroupVersionKind::gvk(group, version, &need.kind);
        let ar = ApiResource::from_gvk_with_plural(&gvk, &need.plural);
        let (api, what) = api_for(&self.inner.client, need, None);
        let writer = Writer::<DynamicObject>::new(ar);
        let store = writer.as_reader();
        let (state_tx, state) = watch::channel(State::Syncing);
        let last_event = Arc::new(Mutex::new(None));
        let payloads = self.inner.secret_payloads.clone();
        let is_secret = need.api_version == "v1" && need.kind == "Secret";
        let events = watcher(api, watcher::Config::default().any_semantic())
            .default_backoff()
            .modify(move |o| match payloads.read() {
                Ok(keep) => strip_for_cache(o, is_secret, &keep),
                Err(_) => strip_for_cache(o, is_secret, &SecretPayloads::Exactly(String::new())),
            })
            .reflect(writer);
        let task = tokio::spawn(announce(
            events,
            Arc::new(key.clone()),
            what,
            self.inner.url.clone(),
            state_tx,
            self.inner.changes.clone(),
            last_event.clone(),
        ));
        self.inner.watches_started.fetch_add(1, Ordering::Relaxed);
        tracing::info!(api_version = %key.api_version, plural = %key.plural, "watching (shared cache)");
        let r = Arc::new(Reflected {
            store,
            state,
            task,
            last_event,
        });
        types.insert(key, r.clone());
        r
    }

    /// Every watched type: objects cached and the age of its last event, sorted by type.
    pub fn freshness(&self) -> Vec<Freshness> {
        let types: Vec<(TypeKey, Arc<Reflected>)> = self
            .inner
            .types
            .lock()
            .map(|t| t.iter().map(|(k, r)| (k.clone(), r.clone())).collect())
            .unwrap_or_default();
        let mut out: Vec<Freshness> = types
            .into_iter()
            .map(|(type_key, r)| Freshness {
                type_key,
                objects: r.store.len(),
                last_event_age: r
                    .last_event
                    .lock()
                    .map(|t| t.map(|t| t.elapsed()))
                    .unwrap_or_default(),
            })
            .collect();
        out.sort_by(|a, b| a.type_key.cmp(&b.type_key));
        out
    }

    /// Waits (until `deadline`) for the first list of a type.
    async fn ready(&self, r: &Reflected, deadline: Instant) -> Result<(), Error> {
        let mut state = r.state.clone();
        loop {
            match &*state.borrow_and_update() {
                State::Ready => return Ok(()),
                State::Failed(e) => return Err(e.clone()),
                State::Syncing => {}
            }
            match tokio::time::timeout_at(deadline, state.changed()).await {
                Ok(Ok(())) => {}
                // The reflector task ended: only when the cache is being dropped.
                Ok(Err(_)) | Err(_) => return Err(self.timeout()),
            }
        }
    }

    fn timeout(&self) -> Error {
        timeout_error(&self.inner.url)
    }

    /// Starts watching every type of `needs` and waits (within [`DEADLINE`]) until all are
    /// listed.
    pub async fn sync(&self, needs: &[Need]) -> Result<(), Error> {
        self.sync_within(needs, DEADLINE).await
    }

    /// Like [`WatchCache::sync`] with another deadline (listing a big cluster once, e.g. to grade).
    pub async fn sync_within(&self, needs: &[Need], within: Duration) -> Result<(), Error> {
        let deadline = Instant::now() + within;
        let reflected: Vec<Arc<Reflected>> = needs.iter().map(|n| self.reflected(n)).collect();
        for r in &reflected {
            self.ready(r, deadline).await?;
        }
        Ok(())
    }

    /// What `needs` cover in `namespace` (cluster-scoped types: everything), read from memory.
    /// The first read of a type waits for its first list (within [`DEADLINE`]).
    pub async fn snapshot(&self, needs: &[Need], namespace: &str) -> Result<Snapshot, Error> {
        if !is_dns_label(namespace) {
            return Err(Error::BadNamespace {
                namespace: namespace.to_string(),
            });
        }
        let deadline = Instant::now() + DEADLINE;
        let reflected: Vec<Arc<Reflected>> = needs.iter().map(|n| self.reflected(n)).collect();
        let mut objects = Vec::new();
        for (need, r) in needs.iter().zip(&reflected) {
            self.ready(r, deadline).await?;
            // A walk over every object of the type: fine for one learner's check; grading many
            // namespaces reads a `CacheView` instead.
            self.scanned(r.store.len());
            let mut of_type: Vec<Arc<DynamicObject>> = if need.namespaced {
                r.store
                    .state_filter(|o| o.metadata.namespace.as_deref() == Some(namespace))
            } else {
                r.store.state()
            };
            // The order of a list (by name), so a verdict never depends on hash order.
            of_type.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
            for o in &of_type {
                objects.push(Arc::new(listed_json(&self.inner.url, need, o)?));
            }
        }
        Ok(Snapshot::shared(namespace, objects))
    }

    /// Every change of `needs`' types that concerns `namespace`, as it happens (a subscriber that
    /// falls behind gets one item for all it missed). Starts the watches if needed; opens none of
    /// its own.
    pub fn changes(&self, needs: &[Need], namespace: &str) -> BoxStream<'static, ()> {
        for n in needs {
            self.reflected(n);
        }
        let types: Arc<[TypeKey]> = needs.iter().map(TypeKey::of).collect();
        let namespace: Arc<str> = Arc::from(namespace);
        let rx = self.inner.changes.subscribe();
        futures::stream::unfold(rx, move |mut rx| {
            let (types, namespace) = (types.clone(), namespace.clone());
            async move {
                loop {
                    match rx.recv().await {
                        Ok(c) if c.concerns(&types, &namespace) => return Some(((), rx)),
                        Ok(_) => {}
                        Err(broadcast::error::RecvError::Lagged(_)) => return Some(((), rx)),
                        Err(broadcast::error::RecvError::Closed) => return None,
                    }
                }
            }
        })
        .boxed()
    }
}

/// A cached object as a list would give it: JSON with `apiVersion` and `kind`.
fn listed_json(url: &str, need: &Need, o: &DynamicObject) -> Result<serde_json::Value, Error> {
    let mut value = serde_json::to_value(o).map_err(|e| Error::Decode {
        url: url.to_string(),
        what: need.plural.clone(),
        message: e.to_string(),
    })?;
    restore_type(&mut value, need);
    Ok(value)
}

/// Drives one reflector: keeps its state and announces every change.
async fn announce(
    events: impl Stream<Item = Result<watcher::Event<DynamicObject>, watcher::Error>>,
    type_key: Arc<TypeKey>,
    what: String,
    url: String,
    state: watch::Sender<State>,
    changes: broadcast::Sender<Change>,
    last_event: Arc<Mutex<Option<Instant>>>,
) {
    futures::pin_mut!(events);
    while let Some(event) = events.next().await {
        if event.is_ok() {
            if let Ok(mut t) = last_event.lock() {
                *t = Some(Instant::now());
            }
        }
        let namespace = match event {
            Ok(watcher::Event::Apply(o) | watcher::Event::Delete(o)) => {
                o.metadata.namespace.map(Arc::from)
            }
            Ok(watcher::Event::InitDone) => {
                state.send_replace(State::Ready);
                tracing::debug!(what = %what, "listed (shared cache)");
                None
            }
            Ok(watcher::Event::Init | watcher::Event::InitApply(_)) => continue,
            Err(e) => {
                tracing::warn!(what = %what, error = %e, "watch failed; retrying with backoff");
                let error = watch_error(&url, e, &what);
                state.send_if_modified(|s| match s {
                    State::Ready => false,
                    _ => {
                        *s = State::Failed(error);
                        true
                    }
                });
                continue;
            }
        };
        // No subscriber is fine: nobody is live.
        let _ = changes.send(Change {
            type_key: type_key.clone(),
            namespace,
        });
    }
}

fn watch_error(url: &str, e: watcher::Error, what: &str) -> Error {
    match e {
        watcher::Error::InitialListFailed(e)
        | watcher::Error::WatchStartFailed(e)
        | watcher::Error::WatchFailed(e) => classify(url, e, what),
        watcher::Error::WatchError(status) => classify(url, kube::Error::Api(status), what),
        watcher::Error::NoResourceVersion => Error::NotServed {
            url: url.to_string(),
            what: what.to_string(),
            message: e.to_string(),
        },
    }
}

#[cfg(test)]
mod tests;
