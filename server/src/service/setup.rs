//! Starting and resetting an exercise: its `setup:` objects (a break-fix exercise's broken
//! Deployment, Service, …) applied into the learner's namespace (as the learner, impersonated, on a shared cluster); a reset deletes them
//! first. The web routes (`POST /api/exercises/{id}/start`, `/reset`) and `kubelab start` come
//! through [`start_in`].

use kubelab_checks::{Exercise, SetupObject, Text};
use kubelab_store::Learner;
use kubelab_wire::Started;

use super::{Lab, Result, ServiceError};
use crate::cluster::{Cluster, Error};

/// Applies `ex`'s setup in `namespace` (after deleting its objects when `reset`), and says what
/// was created.
#[tracing::instrument(name = "start", skip_all, fields(exercise = %ex.id, namespace = %namespace, reset))]
pub async fn start_in(
    cluster: &Cluster,
    client: &kube::Client,
    ex: &Exercise,
    namespace: &str,
    reset: bool,
) -> Result<Started, Error> {
    let manifests = ex.setup_manifests(namespace);
    if reset {
        let deleted = cluster
            .delete_setup(client, namespace, &ex.id, &manifests)
            .await?;
        tracing::info!(deleted, "exercise objects deleted");
    }
    cluster.apply_setup(client, namespace, &manifests).await?;
    let created: Vec<SetupObject> = manifests.iter().map(|m| m.object()).collect();
    tracing::info!(objects = created.len(), "exercise set up");
    Ok(Started {
        exercise: ex.id.clone(),
        namespace: namespace.to_string(),
        reset,
        message: started_text(namespace, &created, reset),
        created,
    })
}

/// "Created in kl-alice: Deployment/sel-dep, Service/sel-svc." in both languages.
pub fn started_text(namespace: &str, created: &[SetupObject], reset: bool) -> Text {
    let list = created
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    if reset {
        Text::new(
            format!("已重置：删除了这个练习的对象，并在命名空间 {namespace} 里重新创建了 {list}。"),
            format!("Reset: the exercise's objects were deleted and created again in namespace {namespace}: {list}."),
        )
    } else {
        Text::new(
            format!("已在命名空间 {namespace} 里创建：{list}。"),
            format!("Created in namespace {namespace}: {list}."),
        )
    }
}

impl Lab {
    /// The exercise with this id, if it has a setup to start.
    pub fn startable_exercise(&self, id: &str) -> Result<&Exercise> {
        let ex = self.cluster_exercise(id)?;
        if ex.setup.is_empty() {
            return Err(ServiceError::NothingToStart(ex.id.clone()));
        }
        Ok(ex)
    }

    /// Starts (or, with `reset`, resets) `ex` in the learner's namespace (provisioned on demand
    /// in per-learner mode; the shared namespace otherwise).
    pub async fn start(&self, ex: &Exercise, learner: &Learner, reset: bool) -> Result<Started> {
        let cluster = self.cluster()?;
        let namespace = self.ensure_namespace(learner).await?;
        // On a shared cluster the objects are written as the learner: kubelab holds no write
        // rights on workloads, and the learner's policies apply to what a setup creates.
        let client = match &self.provisioner {
            Some(p) => p.learner_client(&namespace)?,
            None => cluster.client(),
        };
        Ok(start_in(cluster, &client, ex, &namespace, reset).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_lists_every_object_in_both_languages() {
        let created = vec![
            SetupObject {
                kind: "Deployment".into(),
                name: "sel-dep".into(),
            },
            SetupObject {
                kind: "Service".into(),
                name: "sel-svc".into(),
            },
        ];
        let t = started_text("kl-alice", &created, false);
        assert_eq!(
            t.en,
            "Created in namespace kl-alice: Deployment/sel-dep, Service/sel-svc."
        );
        assert!(
            t.zh.contains("Deployment/sel-dep, Service/sel-svc"),
            "{}",
            t.zh
        );
        let t = started_text("kl-alice", &created, true);
        assert!(t.en.starts_with("Reset:"), "{}", t.en);
        assert!(t.zh.starts_with("已重置"), "{}", t.zh);
    }
}
