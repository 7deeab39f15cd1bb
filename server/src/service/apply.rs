//! "Apply" from the page: the learner's YAML, planned by the check engine (types a learner
//! manages, placed in their namespace), then applied or deleted **as the learner** — on a shared
//! cluster through the learner's impersonated ServiceAccount, so RBAC, quota and admission
//! decide exactly as for their own kubectl. kubelab gains no right by it.

use kubelab_checks::apply::{self, Planned, Problem};
use kubelab_checks::Text;
use kubelab_store::Learner;
use kubelab_wire::{AppliedObject, ApplyOutcome, ApplyProblem, ApplyReport};

use super::{Lab, Result};
use crate::cluster::Error as ClusterError;

/// Apply or delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplyAction {
    Apply { dry_run: bool },
    Delete,
}

impl Lab {
    /// Plans `yaml` for the learner's namespace and, if the plan holds, applies or deletes it
    /// as the learner. Problems of the plan come back in the report (nothing sent); refusals of
    /// the API server per object, at the line of the field they name.
    pub async fn apply_yaml(
        &self,
        learner: &Learner,
        yaml: &str,
        action: ApplyAction,
    ) -> Result<ApplyReport> {
        let cluster = self.cluster()?;
        let namespace = self.ensure_namespace(learner).await?;
        let dry_run = matches!(action, ApplyAction::Apply { dry_run: true });
        let planned = match apply::plan(yaml, &namespace) {
            Ok(p) => p,
            Err(problems) => {
                return Ok(ApplyReport {
                    ok: false,
                    dry_run,
                    namespace,
                    objects: Vec::new(),
                    problems: problems.into_iter().map(problem).collect(),
                })
            }
        };
        let client = match &self.provisioner {
            Some(p) => p.learner_client(&namespace)?,
            None => cluster.client(),
        };
        let objects: Vec<AppliedObject> = match action {
            ApplyAction::Apply { dry_run } => cluster
                .apply_planned(&client, &planned, dry_run)
                .await
                .into_iter()
                .zip(&planned)
                .map(|(r, p)| match r {
                    Ok(()) if dry_run => done(p, ApplyOutcome::WouldApply),
                    Ok(()) => done(p, ApplyOutcome::Applied),
                    Err(e) => refused(p, &e),
                })
                .collect(),
            ApplyAction::Delete => cluster
                .delete_planned(&client, &planned)
                .await
                .into_iter()
                .zip(&planned)
                .map(|(r, p)| match r {
                    Ok(true) => done(p, ApplyOutcome::Deleted),
                    Ok(false) => done(p, ApplyOutcome::Absent),
                    Err(e) => refused(p, &e),
                })
                .collect(),
        };
        let ok = objects.iter().all(|o| o.outcome != ApplyOutcome::Refused);
        tracing::info!(namespace = %namespace, objects = objects.len(), ok, ?action, "applied from the page");
        Ok(ApplyReport {
            ok,
            dry_run,
            namespace,
            objects,
            problems: Vec::new(),
        })
    }
}

fn problem(p: Problem) -> ApplyProblem {
    ApplyProblem {
        document: u32::try_from(p.document).unwrap_or(u32::MAX),
        line: p.location.map(|l| l.line),
        column: p.location.map(|l| l.column),
        message: p.text,
    }
}

fn done(p: &Planned, outcome: ApplyOutcome) -> AppliedObject {
    AppliedObject {
        kind: p.kind.clone(),
        name: p.name.clone(),
        document: u32::try_from(p.document).unwrap_or(u32::MAX),
        outcome,
        message: None,
        line: None,
        column: None,
    }
}

/// The API server's refusal, at the line of the field it names (or the document's start).
fn refused(p: &Planned, e: &ClusterError) -> AppliedObject {
    let (message, field) = match e {
        ClusterError::Refused { code, message, .. } => (
            Text::new(
                format!("API 服务器拒绝了 {}（{code}）：{message}", p.display()),
                format!("The API server refused {} ({code}): {message}", p.display()),
            ),
            apply::field_of_api_message(message).unwrap_or(""),
        ),
        other => (other.text(), ""),
    };
    let at = p.locate(field);
    AppliedObject {
        message: Some(message),
        line: Some(at.line),
        column: Some(at.column),
        ..done(p, ApplyOutcome::Refused)
    }
}
