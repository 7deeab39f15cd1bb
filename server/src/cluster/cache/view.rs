//! A view of the shared caches at one moment, indexed by namespace once, for reading many
//! namespaces: grading a class. [`WatchCache::snapshot`] walks every cached object of a type to
//! find one namespace's, which is right for one learner's check but made grading N namespaces
//! cost N walks of the whole cache (2,000 learners: 23 s). A view walks each object once and
//! then hands out any namespace's snapshot from its index.
//!
//! The view holds the objects as they were when it was taken, each turned into JSON once (that
//! conversion, repeated per exercise × namespace, was most of a verdict's cost); snapshots share
//! them (`Arc`), so they are never copied. Later changes do not reach the view. A snapshot from a view equals [`WatchCache::snapshot`] at that
//! moment: same objects, same order (by name, per type in the order of `needs`).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use kube::api::DynamicObject;
use kubelab_checks::{Need, Snapshot};
use serde_json::Value;
use tokio::time::Instant;

use super::{listed_json, Reflected, TypeKey, WatchCache};
use crate::cluster::error::Error;
use crate::cluster::resource::{is_dns_label, DEADLINE};

/// The objects of one type, sorted by name: per namespace, or all of a cluster-scoped type.
#[derive(Debug)]
enum Indexed {
    Namespaced(HashMap<String, Vec<Arc<Value>>>),
    Cluster(Vec<Arc<Value>>),
}

/// Some cached types at one moment, indexed by namespace. Taken by [`WatchCache::view`].
#[derive(Debug)]
pub struct CacheView {
    url: String,
    types: HashMap<TypeKey, Indexed>,
    /// The namespaces the view holds; `None`: all.
    namespaces: Option<HashSet<String>>,
}

impl WatchCache {
    /// A view of every type of `needs`, indexed by namespace: one walk over each type's objects.
    /// Waits (within [`DEADLINE`]) for the first list of a type not listed yet. The objects are
    /// turned into JSON on the blocking pool (a class's cache is tens of thousands of objects).
    /// With `namespaces`, only those namespaces' objects are kept (and turned into JSON): a
    /// classroom of 40 on a cluster of 2,000 learners pays for 40.
    pub async fn view(
        &self,
        needs: &[Need],
        namespaces: Option<&[String]>,
    ) -> Result<CacheView, Error> {
        let namespaces: Option<HashSet<String>> = namespaces.map(|n| n.iter().cloned().collect());
        let deadline = Instant::now() + DEADLINE;
        let reflected: Vec<Arc<Reflected>> = needs.iter().map(|n| self.reflected(n)).collect();
        let mut taken = Vec::new();
        for (need, r) in needs.iter().zip(&reflected) {
            self.ready(r, deadline).await?;
            let objects = r.store.state();
            self.scanned(objects.len());
            taken.push((need.clone(), objects));
        }
        let url = self.inner.url.clone();
        tokio::task::spawn_blocking(move || {
            let mut types = HashMap::new();
            for (need, objects) in taken {
                let key = TypeKey::of(&need);
                if let std::collections::hash_map::Entry::Vacant(e) = types.entry(key) {
                    e.insert(index(&url, &need, objects, namespaces.as_ref())?);
                }
            }
            Ok(CacheView {
                url,
                types,
                namespaces,
            })
        })
        .await
        .map_err(|e| Error::Decode {
            url: self.inner.url.clone(),
            what: "the cache".into(),
            message: e.to_string(),
        })?
    }
}

/// Sorts `objects` (of `need`'s type) into namespaces (for a namespaced type; only those of
/// `only` when given), each by name, as JSON.
fn index(
    url: &str,
    need: &Need,
    objects: Vec<Arc<DynamicObject>>,
    only: Option<&HashSet<String>>,
) -> Result<Indexed, Error> {
    let by_name =
        |a: &Arc<DynamicObject>, b: &Arc<DynamicObject>| a.metadata.name.cmp(&b.metadata.name);
    let json = |list: Vec<Arc<DynamicObject>>| -> Result<Vec<Arc<Value>>, Error> {
        list.iter()
            .map(|o| listed_json(url, need, o).map(Arc::new))
            .collect()
    };
    if !need.namespaced {
        let mut all = objects;
        all.sort_by(by_name);
        return Ok(Indexed::Cluster(json(all)?));
    }
    let mut by_namespace: HashMap<String, Vec<Arc<DynamicObject>>> = HashMap::new();
    for o in objects {
        // A namespaced type's objects all have a namespace; one without is in none.
        if let Some(ns) = o.metadata.namespace.as_deref() {
            if only.is_some_and(|only| !only.contains(ns)) {
                continue;
            }
            match by_namespace.get_mut(ns) {
                Some(list) => list.push(o),
                None => {
                    by_namespace.insert(ns.to_string(), vec![o]);
                }
            }
        }
    }
    let mut indexed = HashMap::with_capacity(by_namespace.len());
    for (ns, mut list) in by_namespace {
        list.sort_by(by_name);
        indexed.insert(ns, json(list)?);
    }
    Ok(Indexed::Namespaced(indexed))
}

impl CacheView {
    /// What `needs` cover in `namespace` (cluster-scoped types: everything), as
    /// [`WatchCache::snapshot`] would have read it when the view was taken. A type the view was
    /// not taken with, or a namespace it left out, is [`Error::NotServed`] (a caller's mistake,
    /// not the cluster's).
    pub fn snapshot(&self, needs: &[Need], namespace: &str) -> Result<Snapshot, Error> {
        if !is_dns_label(namespace) {
            return Err(Error::BadNamespace {
                namespace: namespace.to_string(),
            });
        }
        if let Some(only) = &self.namespaces {
            if !only.contains(namespace) {
                return Err(Error::NotServed {
                    url: self.url.clone(),
                    what: format!("namespace {namespace}"),
                    message: "not in this view of the cache".into(),
                });
            }
        }
        let mut objects = Vec::new();
        for need in needs {
            let of_type: &[Arc<Value>] = match self.types.get(&TypeKey::of(need)) {
                Some(Indexed::Namespaced(by_ns)) => {
                    by_ns.get(namespace).map(Vec::as_slice).unwrap_or_default()
                }
                Some(Indexed::Cluster(all)) => all,
                None => {
                    return Err(Error::NotServed {
                        url: self.url.clone(),
                        what: format!("{} ({})", need.plural, need.api_version),
                        message: "not in this view of the cache".into(),
                    })
                }
            };
            objects.extend(of_type.iter().cloned());
        }
        Ok(Snapshot::shared(namespace, objects))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kube::api::ObjectMeta;

    fn object(namespace: Option<&str>, name: &str) -> Arc<DynamicObject> {
        Arc::new(DynamicObject {
            types: None,
            metadata: ObjectMeta {
                name: Some(name.into()),
                namespace: namespace.map(str::to_string),
                ..ObjectMeta::default()
            },
            data: serde_json::json!({ "spec": { "n": name } }),
        })
    }

    fn need(plural: &str, kind: &str, namespaced: bool) -> Need {
        Need {
            api_version: "v1".into(),
            kind: kind.into(),
            plural: plural.into(),
            namespaced,
        }
    }

    fn names(s: &Snapshot) -> Vec<String> {
        s.objects
            .iter()
            .map(|o| {
                format!(
                    "{}/{}/{}",
                    o["kind"].as_str().unwrap_or("?"),
                    o["metadata"]["namespace"].as_str().unwrap_or("-"),
                    o["metadata"]["name"].as_str().unwrap_or("?")
                )
            })
            .collect()
    }

    #[test]
    fn a_view_gives_each_namespace_its_own_objects_by_name_and_cluster_scoped_ones_to_all() {
        let (pods, nodes) = (need("pods", "Pod", true), need("nodes", "Node", false));
        let view = CacheView {
            url: "https://127.0.0.1:6443".into(),
            types: HashMap::from([
                (
                    TypeKey::of(&pods),
                    index(
                        "https://127.0.0.1:6443",
                        &pods,
                        vec![
                            object(Some("bob"), "b"),
                            object(Some("alice"), "z"),
                            object(Some("alice"), "a"),
                        ],
                        None,
                    )
                    .expect("index"),
                ),
                (
                    TypeKey::of(&nodes),
                    index(
                        "https://127.0.0.1:6443",
                        &nodes,
                        vec![object(None, "n2"), object(None, "n1")],
                        None,
                    )
                    .expect("index"),
                ),
            ]),
            namespaces: None,
        };
        let both = [pods.clone(), nodes.clone()];
        let alice = view.snapshot(&both, "alice").expect("alice");
        assert_eq!(
            names(&alice),
            ["Pod/alice/a", "Pod/alice/z", "Node/-/n1", "Node/-/n2"]
        );
        assert_eq!(alice.objects[0]["apiVersion"], "v1");
        assert_eq!(alice.objects[0]["spec"]["n"], "a");
        assert_eq!(
            names(&view.snapshot(&both, "bob").expect("bob")),
            ["Pod/bob/b", "Node/-/n1", "Node/-/n2"]
        );
        assert_eq!(
            names(&view.snapshot(&both, "carol").expect("carol")),
            ["Node/-/n1", "Node/-/n2"]
        );
        let err = view
            .snapshot(&[need("services", "Service", true)], "alice")
            .expect_err("services are not in the view");
        assert!(matches!(err, Error::NotServed { .. }), "{err:?}");
        let err = view.snapshot(&both, "Alice").expect_err("not a DNS label");
        assert!(matches!(err, Error::BadNamespace { .. }), "{err:?}");
    }

    #[test]
    fn a_view_of_some_namespaces_keeps_only_theirs_and_refuses_the_others() {
        let (pods, nodes) = (need("pods", "Pod", true), need("nodes", "Node", false));
        let only: HashSet<String> = HashSet::from(["alice".to_string()]);
        let url = "https://127.0.0.1:6443";
        let view = CacheView {
            url: url.into(),
            types: HashMap::from([
                (
                    TypeKey::of(&pods),
                    index(
                        url,
                        &pods,
                        vec![object(Some("bob"), "b"), object(Some("alice"), "a")],
                        Some(&only),
                    )
                    .expect("index"),
                ),
                (
                    TypeKey::of(&nodes),
                    index(url, &nodes, vec![object(None, "n1")], Some(&only)).expect("index"),
                ),
            ]),
            namespaces: Some(only),
        };
        let both = [pods.clone(), nodes.clone()];
        assert_eq!(
            names(&view.snapshot(&both, "alice").expect("alice")),
            ["Pod/alice/a", "Node/-/n1"]
        );
        match &view.types[&TypeKey::of(&pods)] {
            Indexed::Namespaced(by_ns) => assert_eq!(by_ns.len(), 1, "bob's Pods were kept"),
            Indexed::Cluster(_) => panic!("Pods are namespaced"),
        }
        let err = view
            .snapshot(&both, "bob")
            .expect_err("bob is not in the view");
        assert!(matches!(err, Error::NotServed { .. }), "{err:?}");
    }
}
