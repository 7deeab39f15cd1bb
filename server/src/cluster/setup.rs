//! Writes an exercise's setup into a namespace (server-side apply, as the learner on a shared
//! cluster) and takes it away
//! again. Thin: which objects and what they hold is decided by the check engine
//! (`Exercise::setup_manifests`), when to do it by `service::setup`.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use kube::api::{DeleteParams, ListParams, Patch, PatchParams};
use kubelab_checks::setup::EXERCISE_LABEL;
use kubelab_checks::{Need, SetupManifest};

use super::error::{classify, classify_write, timeout_error};
use super::provision::FIELD_MANAGER;
use super::resource::api_for;
use super::{is_dns_label, Cluster, Error};

/// How long applying a whole setup may take.
pub const APPLY_DEADLINE: Duration = Duration::from_secs(20);
/// How long a reset waits for the exercise's old objects to be gone (a Pod's grace period, a
/// claim's protection finalizer) before it applies them again.
pub const DELETE_DEADLINE: Duration = Duration::from_secs(90);

fn need_of(m: &SetupManifest) -> Need {
    Need {
        api_version: m.api_version.clone(),
        kind: m.kind.clone(),
        plural: m.plural.to_string(),
        namespaced: true,
    }
}

fn check_namespace(namespace: &str) -> Result<(), Error> {
    if is_dns_label(namespace) {
        Ok(())
    } else {
        Err(Error::BadNamespace {
            namespace: namespace.to_string(),
        })
    }
}

impl Cluster {
    /// Server-side applies each manifest in `namespace`, in order, with `client` (the learner's,
    /// impersonated, on a shared cluster; field manager `kubelab`, forced: a second Start puts
    /// back the fields the setup sets).
    #[tracing::instrument(skip_all, fields(namespace = %namespace, objects = manifests.len()))]
    pub async fn apply_setup(
        &self,
        client: &kube::Client,
        namespace: &str,
        manifests: &[SetupManifest],
    ) -> Result<(), Error> {
        check_namespace(namespace)?;
        let apply = async {
            let params = PatchParams::apply(FIELD_MANAGER).force();
            for m in manifests {
                let (api, _) = api_for(client, &need_of(m), Some(namespace));
                let what = format!("{} {}", m.kind, m.name);
                api.patch(&m.name, &params, &Patch::Apply(&m.body))
                    .await
                    .map_err(|e| classify_write(&self.url, e, &what))?;
                tracing::debug!(object = %what, "applied");
            }
            Ok(())
        };
        tokio::time::timeout(APPLY_DEADLINE, apply)
            .await
            .map_err(|_| timeout_error(&self.url))?
    }

    /// Deletes the setup's objects from `namespace` — by name, and whatever else carries the
    /// exercise's label — and waits until they are gone. Returns how many were deleted.
    #[tracing::instrument(skip_all, fields(namespace = %namespace, exercise = %exercise))]
    pub async fn delete_setup(
        &self,
        client: &kube::Client,
        namespace: &str,
        exercise: &str,
        manifests: &[SetupManifest],
    ) -> Result<usize, Error> {
        check_namespace(namespace)?;
        let selector = format!("{EXERCISE_LABEL}={exercise}");
        let mut types: Vec<Need> = Vec::new();
        for m in manifests {
            let n = need_of(m);
            if !types.contains(&n) {
                types.push(n);
            }
        }
        let delete = async {
            let mut deleted = 0usize;
            let params = DeleteParams::background();
            for m in manifests {
                let (api, _) = api_for(client, &need_of(m), Some(namespace));
                let what = format!("{} {}", m.kind, m.name);
                match api.delete(&m.name, &params).await {
                    Ok(_) => deleted += 1,
                    Err(kube::Error::Api(s)) if s.code == 404 => {}
                    Err(e) => return Err(classify_write(&self.url, e, &what)),
                }
            }
            for n in &types {
                let (api, what) = api_for(client, n, Some(namespace));
                let lp = ListParams::default().labels(&selector);
                let gone = api
                    .delete_collection(&params, &lp)
                    .await
                    .map_err(|e| classify_write(&self.url, e, &what))?;
                if let Some(list) = gone.left() {
                    deleted += list.items.len();
                }
            }
            // Wait until neither the named objects nor labelled ones are left.
            let names: BTreeSet<(String, String)> = manifests
                .iter()
                .map(|m| (m.kind.clone(), m.name.clone()))
                .collect();
            let started = Instant::now();
            let mut delay = Duration::from_millis(50);
            loop {
                let mut left = Vec::new();
                for n in &types {
                    let (api, what) = api_for(client, n, Some(namespace));
                    let list = api
                        .list_metadata(&ListParams::default())
                        .await
                        .map_err(|e| classify(&self.url, e, &what))?;
                    for o in list.items {
                        let name = o.metadata.name.clone().unwrap_or_default();
                        let labelled = o
                            .metadata
                            .labels
                            .as_ref()
                            .and_then(|l| l.get(EXERCISE_LABEL))
                            .is_some_and(|v| v == exercise);
                        if labelled || names.contains(&(n.kind.clone(), name.clone())) {
                            left.push(format!("{} {name}", n.kind));
                        }
                    }
                }
                if left.is_empty() {
                    return Ok(deleted);
                }
                tracing::debug!(left = ?left, "waiting for the exercise's objects to go");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_millis(500));
                if started.elapsed() > DELETE_DEADLINE {
                    return Err(Error::Refused {
                        url: self.url.clone(),
                        what: left.join(", "),
                        code: 409,
                        message: format!(
                            "still being deleted after {} s",
                            DELETE_DEADLINE.as_secs()
                        ),
                    });
                }
            }
        };
        // The loop above has its own deadline; this one bounds a hanging API server too.
        tokio::time::timeout(DELETE_DEADLINE + APPLY_DEADLINE, delete)
            .await
            .map_err(|_| timeout_error(&self.url))?
    }
}
