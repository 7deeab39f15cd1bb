//! Applies (or deletes) what the learner wrote in the page, as the learner: server-side apply
//! with the client the service hands in (impersonating the learner's ServiceAccount on a shared
//! cluster), one object after another. Which objects, and in which namespace, the check
//! engine's `apply::plan` decided; the API server decides whether they may be.

use std::time::Duration;

use kube::api::{DeleteParams, Patch, PatchParams};
use kubelab_checks::apply::Planned;
use kubelab_checks::Need;

use super::error::{classify_write, timeout_error};
use super::resource::api_for;
use super::{Cluster, Error};

/// The field manager of objects applied from the page (`kubectl` would be `kubectl`).
pub const PAGE_FIELD_MANAGER: &str = "kubelab-page";

/// How long one object's apply or delete may take.
const EACH: Duration = Duration::from_secs(10);

fn need_of(p: &Planned) -> Need {
    Need {
        api_version: p.api_version.clone(),
        kind: p.kind.clone(),
        plural: p.plural.to_string(),
        namespaced: p.namespaced,
    }
}

fn namespace_of(p: &Planned) -> Option<&str> {
    p.body
        .pointer("/metadata/namespace")
        .and_then(serde_json::Value::as_str)
}

impl Cluster {
    /// Server-side applies each object (forced: the page's text wins over fields another
    /// manager set, as `kubectl apply --server-side --force-conflicts` would), or only asks the
    /// API server to validate and admit it (`dry_run`). One result per object, in order; an
    /// object refused does not stop the next.
    #[tracing::instrument(skip_all, fields(objects = objects.len(), dry_run))]
    pub async fn apply_planned(
        &self,
        client: &kube::Client,
        objects: &[Planned],
        dry_run: bool,
    ) -> Vec<Result<(), Error>> {
        let mut params = PatchParams::apply(PAGE_FIELD_MANAGER).force();
        params.dry_run = dry_run;
        let mut out = Vec::with_capacity(objects.len());
        for p in objects {
            let (api, _) = api_for(client, &need_of(p), namespace_of(p));
            let patch = Patch::Apply(&p.body);
            let call = api.patch(&p.name, &params, &patch);
            out.push(match tokio::time::timeout(EACH, call).await {
                Ok(Ok(_)) => Ok(()),
                Ok(Err(e)) => Err(classify_write(&self.url, e, &p.display())),
                Err(_) => Err(timeout_error(&self.url)),
            });
        }
        out
    }

    /// Deletes each object; `Ok(false)` when it was not there.
    #[tracing::instrument(skip_all, fields(objects = objects.len()))]
    pub async fn delete_planned(
        &self,
        client: &kube::Client,
        objects: &[Planned],
    ) -> Vec<Result<bool, Error>> {
        let params = DeleteParams::background();
        let mut out = Vec::with_capacity(objects.len());
        for p in objects {
            let (api, _) = api_for(client, &need_of(p), namespace_of(p));
            let call = api.delete(&p.name, &params);
            out.push(match tokio::time::timeout(EACH, call).await {
                Ok(Ok(_)) => Ok(true),
                Ok(Err(kube::Error::Api(s))) if s.code == 404 => Ok(false),
                Ok(Err(e)) => Err(classify_write(&self.url, e, &p.display())),
                Err(_) => Err(timeout_error(&self.url)),
            });
        }
        out
    }
}
