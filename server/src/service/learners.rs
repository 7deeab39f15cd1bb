//! Learners: starting on one's own, joining a classroom, resuming on another device, their
//! namespace (provisioned on demand), kubeconfig download, reset, their page data and progress.
//! Who the learner *is* comes from the session, which the web layer reads; here a learner is
//! a store record.

use std::collections::BTreeMap;

use kubelab_checks::Text;
use kubelab_store::{Attempt, Learner, NewLearner};
use kubelab_wire::{ClassroomRef, ClusterStatus, LastVerdict, Me, MeLearner, Summary};

use super::{Lab, Result, ServiceError};
use crate::cluster::provision::LearnerNs;

/// A display name: trimmed, 1–60 characters, no control characters.
pub fn clean_name(name: &str) -> Option<String> {
    let name = name.trim();
    let len = name.chars().count();
    ((1..=60).contains(&len) && !name.chars().any(char::is_control)).then(|| name.to_string())
}

fn learner_ns<'a>(learner: &'a Learner, ns: &'a str) -> LearnerNs<'a> {
    LearnerNs {
        namespace: ns,
        learner_id: &learner.id,
        classroom_id: learner.classroom_id.as_deref(),
    }
}

impl Lab {
    /// Refuses while any of `keys` has used up its failed tries.
    fn refuse_if_limited(&self, keys: &[String]) -> Result<()> {
        if self.limiter.is_limited(keys) {
            return Err(ServiceError::RateLimited);
        }
        Ok(())
    }

    /// Makes sure the learner's namespace exists (on demand: the first check, `/api/me`, a
    /// kubeconfig download). Returns the namespace.
    pub async fn ensure_namespace(&self, learner: &Learner) -> Result<String> {
        let ns = self.namespace_of(learner);
        if let Some(p) = &self.provisioner {
            if !self.is_ensured(&ns) {
                p.ensure(&learner_ns(learner, &ns)).await?;
                self.mark_ensured(&ns, true);
            }
        }
        Ok(ns)
    }

    /// A new self-paced learner (with an optional display name, already cleaned), if
    /// `client_key` may create one.
    pub async fn start_learner(
        &self,
        display_name: Option<&str>,
        client_key: &str,
    ) -> Result<Learner> {
        self.admit_new_learner(client_key).await?;
        let learner = self
            .store
            .create_learner(NewLearner {
                display_name,
                classroom_id: None,
                namespace_prefix: self.namespace_prefix(),
            })
            .await?;
        tracing::info!(learner = %learner.id, "self-paced learner started");
        Ok(learner)
    }

    /// A display name as typed on "start": empty is none, anything else must be a clean name.
    pub fn start_name(name: Option<&str>) -> Result<Option<String>> {
        match name.map(str::trim) {
            None | Some("") => Ok(None),
            Some(n) => clean_name(n).map(Some).ok_or_else(|| {
                ServiceError::BadInput(Text::new(
                    "名字用 1–60 个字符。",
                    "Use 1–60 characters for your name.",
                ))
            }),
        }
    }

    /// The learner with this resume code. Failures count against `client_key`.
    pub async fn resume(&self, code: &str, client_key: String) -> Result<Learner> {
        let keys = [client_key];
        self.refuse_if_limited(&keys)?;
        match self.store.learner_by_resume_code(code).await? {
            Some(learner) => Ok(learner),
            None => {
                self.limiter.record_failure(&keys);
                Err(ServiceError::UnknownResumeCode)
            }
        }
    }

    /// Joins the classroom with this code as `name`. `current` is the session's learner: joining
    /// the same classroom twice from one browser keeps them (and their namespace). Failures
    /// count against the client and the code.
    pub async fn join(
        &self,
        code: &str,
        name: &str,
        client_key: String,
        current: Option<Learner>,
    ) -> Result<Learner> {
        let code_key: String = code
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let keys = [client_key, format!("join:{code_key}")];
        self.refuse_if_limited(&keys)?;
        let Some(classroom) = self.store.classroom_by_code(code).await? else {
            self.limiter.record_failure(&keys);
            return Err(ServiceError::JoinFailed);
        };
        let Some(name) = clean_name(name) else {
            return Err(ServiceError::JoinFailed);
        };
        if classroom.archived_at.is_some() {
            return Err(ServiceError::ClassroomArchived);
        }
        if let Some(learner) = current {
            if learner.classroom_id.as_deref() == Some(classroom.id.as_str()) {
                return Ok(learner);
            }
        }
        self.admit_new_learner(&keys[0]).await?;
        let learner = self
            .store
            .create_learner(NewLearner {
                display_name: Some(&name),
                classroom_id: Some(&classroom.id),
                namespace_prefix: self.namespace_prefix(),
            })
            .await?;
        tracing::info!(learner = %learner.id, classroom = %classroom.id, "learner joined");
        self.announce(&classroom.id);
        Ok(learner)
    }

    /// The learner's page data. Provisions the namespace if it is not there yet; a cluster that
    /// is down is reported in `cluster`, not as an error: the rest of the page still works.
    pub async fn me(&self, learner: &Learner) -> Result<Me> {
        let classroom = match &learner.classroom_id {
            Some(id) => self.store.classroom(id).await?.map(|c| ClassroomRef {
                id: c.id,
                name: c.name,
            }),
            None => None,
        };
        let cluster = match &self.cluster {
            Err(e) => ClusterStatus {
                connected: false,
                namespace_ready: false,
                message: Some(e.text()),
            },
            Ok(_) => match self.ensure_namespace(learner).await {
                Ok(_) => ClusterStatus {
                    connected: true,
                    namespace_ready: true,
                    message: None,
                },
                Err(e) => ClusterStatus {
                    connected: true,
                    namespace_ready: false,
                    message: Some(e.text()),
                },
            },
        };
        Ok(Me {
            learner: MeLearner {
                id: learner.id.clone(),
                display_name: learner.display_name.clone(),
                namespace: self.namespace_of(learner),
                resume_code: learner.resume_code.clone(),
                created_at: learner.created_at,
                classroom,
            },
            cluster,
            progress: self.store.progress(&learner.id).await?,
        })
    }

    /// A kubeconfig for the learner's namespace: its file name and text.
    pub async fn kubeconfig(&self, learner: &Learner) -> Result<(String, String)> {
        self.cluster()?;
        let Some(p) = &self.provisioner else {
            return Err(ServiceError::NotProvisioned);
        };
        let ns = self.ensure_namespace(learner).await?;
        let yaml = p.kubeconfig(&ns, self.kubeconfig_ttl).await?;
        Ok((format!("kubelab-{ns}.yaml"), yaml))
    }

    /// Deletes and recreates the learner's namespace.
    pub async fn reset(&self, learner: &Learner) -> Result<()> {
        self.cluster()?;
        let Some(p) = &self.provisioner else {
            return Err(ServiceError::NotProvisioned);
        };
        let ns = self.namespace_of(learner);
        self.mark_ensured(&ns, false);
        p.reset(&learner_ns(learner, &ns)).await?;
        self.mark_ensured(&ns, true);
        tracing::info!(learner = %learner.id, namespace = %ns, "namespace reset");
        Ok(())
    }

    /// What lesson pages show of a learner: progress per exercise and the last verdict of each.
    /// A visitor without a learner gets an empty summary.
    pub async fn summary(&self, learner: Option<&Learner>) -> Result<Summary> {
        let Some(learner) = learner else {
            return Ok(Summary::default());
        };
        let progress = self.store.progress(&learner.id).await?;
        let mut last = BTreeMap::new();
        for p in &progress {
            if let Some(a) = self
                .store
                .attempts(&learner.id, Some(&p.exercise_id), 1)
                .await?
                .into_iter()
                .next()
            {
                // A re-grading is the verdict that counts now.
                let verdict = a.current_verdict().clone();
                last.insert(p.exercise_id.clone(), LastVerdict { at: a.at, verdict });
            }
        }
        Ok(Summary {
            signed_in: true,
            progress,
            last,
        })
    }

    /// The learner's latest attempts (of one exercise, if given), newest first; 1–200 of them.
    pub async fn attempts(
        &self,
        learner: &Learner,
        exercise: Option<&str>,
        limit: Option<u32>,
    ) -> Result<Vec<Attempt>> {
        let limit = limit.unwrap_or(20).clamp(1, 200);
        Ok(self.store.attempts(&learner.id, exercise, limit).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(clean_name("  Ada  ").as_deref(), Some("Ada"));
        assert_eq!(clean_name("李雷").as_deref(), Some("李雷"));
        assert_eq!(clean_name("   "), None);
        assert_eq!(clean_name(&"x".repeat(61)), None);
        assert!(clean_name(&"好".repeat(60)).is_some());
        assert_eq!(clean_name("a\u{0}b"), None);
        assert_eq!(clean_name("a\nb"), None);
    }
}
