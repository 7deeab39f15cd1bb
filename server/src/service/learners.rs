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
    /// Refuses while the client address is so far over its wrong codes that even a right one
    /// is not looked up.
    fn refuse_if_blocked(&self, keys: &[String]) -> Result<()> {
        match self.code_tries.blocked(keys) {
            Some(wait) => Err(ServiceError::RateLimited(wait)),
            None => Ok(()),
        }
    }

    /// Counts a wrong code: `refusal` while the address has tries left, "too many tries" after.
    fn wrong_code(&self, keys: &[String], refusal: ServiceError) -> ServiceError {
        match self.code_tries.record_failure(keys) {
            Some(wait) => ServiceError::RateLimited(wait),
            None => refusal,
        }
    }

    /// Refuses a learner whose classroom is archived: archiving revokes their sessions and
    /// resume code, and their namespace is gone for good.
    pub async fn refuse_if_archived(&self, learner: &Learner) -> Result<()> {
        let Some(id) = &learner.classroom_id else {
            return Ok(());
        };
        match self.store.classroom(id).await? {
            Some(c) if c.archived_at.is_none() => Ok(()),
            _ => Err(ServiceError::LearnerArchived),
        }
    }

    /// The learner a session names, if they still exist; `LearnerArchived` once their classroom
    /// is archived.
    pub async fn signed_in_learner(&self, id: &str) -> Result<Option<Learner>> {
        let Some(learner) = self.store.learner(id).await? else {
            return Ok(None);
        };
        self.refuse_if_archived(&learner).await?;
        self.touch(&learner).await;
        Ok(Some(learner))
    }

    /// Makes sure the learner's namespace exists (on demand: the first check, `/api/me`, a
    /// kubeconfig download). Returns the namespace. Never for a learner of an archived
    /// classroom (their namespace was removed; a restart must not bring it back).
    pub async fn ensure_namespace(&self, learner: &Learner) -> Result<String> {
        let ns = self.namespace_of(learner);
        if let Some(p) = &self.provisioner {
            if !self.is_ensured(&ns) {
                self.refuse_if_archived(learner).await?;
                p.ensure(&learner_ns(learner, &ns))
                    .await
                    .inspect_err(|e| super::metrics::provisioning_failed(e.code()))?;
                if self.limits.idle_namespace_ttl.is_some() {
                    self.store.set_namespace_removed(&learner.id, None).await?;
                }
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

    /// The learner with this resume code. Wrong codes count against `client_key`; the code of
    /// a learner whose classroom is archived is refused.
    pub async fn resume(&self, code: &str, client_key: String) -> Result<Learner> {
        let keys = [client_key];
        self.refuse_if_blocked(&keys)?;
        match self.store.learner_by_resume_code(code).await? {
            Some(learner) => {
                self.refuse_if_archived(&learner).await?;
                Ok(learner)
            }
            None => Err(self.wrong_code(&keys, ServiceError::UnknownResumeCode)),
        }
    }

    /// Joins the classroom with this code as `name`. `current` is the session's learner: joining
    /// the same classroom twice from one browser keeps them (and their namespace). Wrong codes
    /// count against the client address (never against the code: guesses from many addresses
    /// must not lock a classroom); a right code is accepted unless the address is far over.
    pub async fn join(
        &self,
        code: &str,
        name: &str,
        client_key: String,
        current: Option<Learner>,
    ) -> Result<Learner> {
        let keys = [client_key];
        self.refuse_if_blocked(&keys)?;
        let Some(classroom) = self.store.classroom_by_code(code).await? else {
            return Err(self.wrong_code(&keys, ServiceError::JoinFailed));
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
            idle_removal: self.idle_removal(learner).await?,
            gating: {
                let g = self.store.gating(&learner.id).await?;
                kubelab_wire::GatingView {
                    gated: g.gated,
                    by_classroom: g.by_classroom,
                }
            },
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
        // The reset removes the toolbox with everything else: its shells end with it.
        self.close_terminals(&learner.id);
        p.reset(&learner_ns(learner, &ns))
            .await
            .inspect_err(|e| super::metrics::provisioning_failed(e.code()))?;
        self.mark_ensured(&ns, true);
        tracing::info!(learner = %learner.id, namespace = %ns, "namespace reset");
        Ok(())
    }

    /// What lesson pages show of a learner: progress per exercise, the last verdict of each, and
    /// (with gated progress) the exercises not open yet. A visitor without a learner gets an
    /// empty summary.
    pub async fn summary(
        &self,
        learner: Option<&Learner>,
        chapters: &[super::gate::ChapterExercises],
    ) -> Result<Summary> {
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
                let verdict = self
                    .shown_stored(learner, &p.exercise_id, a.current_verdict().clone())
                    .await?;
                last.insert(p.exercise_id.clone(), LastVerdict { at: a.at, verdict });
            }
        }
        let (_, locked) = self.locks_for(learner, chapters).await?;
        Ok(Summary {
            signed_in: true,
            progress,
            last,
            locked,
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
        let mut attempts = self.store.attempts(&learner.id, exercise, limit).await?;
        for a in &mut attempts {
            a.verdict = self
                .shown_stored(learner, &a.exercise_id, a.verdict.clone())
                .await?;
            if let Some(r) = a.regraded.take() {
                a.regraded = Some(self.shown_stored(learner, &a.exercise_id, r).await?);
            }
        }
        Ok(attempts)
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
