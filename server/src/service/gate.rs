//! Gated progress: with it on, a chapter's exercises open once every exercise of the chapters
//! before it has passed. An instructor turns it on for a classroom, a self-paced learner for
//! themselves. The lesson text always stays readable; only checks, submissions, live verdicts and
//! Start/Reset of a locked exercise are refused. Which exercises are locked is a pure function
//! of the course order and the learner's passes ([`locks`]).
//!
//! Also the other gate: a challenge's hints (`hints_after_failures`) stay closed until the
//! learner has failed that many checks ([`Lab::hints`], [`Lab::shown`]).

use std::collections::{BTreeMap, HashSet};

use kubelab_checks::{Exercise, Text, Verdict};
use kubelab_store::{Gating, Learner, Status};
use kubelab_wire::{GatingView, Hints, Locked};

use super::{Lab, Result, ServiceError};

/// One chapter's exercises, in course order (the web layer builds these from the course).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChapterExercises {
    pub id: String,
    pub title: Text,
    pub exercises: Vec<String>,
}

/// The exercises not open yet for a learner who has passed `passed`: everything after the first
/// chapter (in course order) with an exercise still to pass. That chapter and those before it
/// stay open. An exercise listed by two chapters belongs to the first.
pub fn locks(chapters: &[ChapterExercises], passed: &HashSet<&str>) -> BTreeMap<String, Locked> {
    let mut seen: HashSet<&str> = HashSet::new();
    let mut blocker: Option<Locked> = None;
    let mut out = BTreeMap::new();
    for chapter in chapters {
        let own: Vec<&str> = chapter
            .exercises
            .iter()
            .map(String::as_str)
            .filter(|id| seen.insert(id))
            .collect();
        match &blocker {
            Some(lock) => {
                for id in own {
                    out.insert(id.to_string(), lock.clone());
                }
            }
            None => {
                let missing: Vec<String> = own
                    .iter()
                    .filter(|id| !passed.contains(**id))
                    .map(|id| id.to_string())
                    .collect();
                if !missing.is_empty() {
                    blocker = Some(Locked {
                        chapter: chapter.id.clone(),
                        title: chapter.title.clone(),
                        missing,
                    });
                }
            }
        }
    }
    out
}

fn view(g: Gating) -> GatingView {
    GatingView {
        gated: g.gated,
        by_classroom: g.by_classroom,
    }
}

impl Lab {
    /// The gating in force for the learner and, when it is on, the exercises not open yet.
    pub async fn locks_for(
        &self,
        learner: &Learner,
        chapters: &[ChapterExercises],
    ) -> Result<(GatingView, BTreeMap<String, Locked>)> {
        let gating = self.store.gating(&learner.id).await?;
        if !gating.gated {
            return Ok((view(gating), BTreeMap::new()));
        }
        let progress = self.store.progress(&learner.id).await?;
        let passed: HashSet<&str> = progress
            .iter()
            .filter(|p| p.status == Status::Passed)
            .map(|p| p.exercise_id.as_str())
            .collect();
        Ok((view(gating), locks(chapters, &passed)))
    }

    /// Refuses work on an exercise that gated progress keeps closed for this learner. A visitor
    /// (no learner yet) has no gating.
    pub async fn require_open(
        &self,
        learner: Option<&Learner>,
        exercise: &str,
        chapters: &[ChapterExercises],
    ) -> Result<()> {
        let Some(learner) = learner else {
            return Ok(());
        };
        let (_, mut locked) = self.locks_for(learner, chapters).await?;
        match locked.remove(exercise) {
            Some(lock) => Err(ServiceError::Locked {
                exercise: exercise.to_string(),
                lock,
            }),
            None => Ok(()),
        }
    }

    /// Closed hints (`hints_after_failures`): how many more failed checks open them for this
    /// learner (`None`: open). A passed exercise's hints are open; a visitor's are closed.
    pub async fn hints_to_go(
        &self,
        ex: &Exercise,
        learner: Option<&Learner>,
    ) -> Result<Option<u32>> {
        if ex.hints_after_failures == 0 {
            return Ok(None);
        }
        let Some(learner) = learner else {
            return Ok(ex.hints_to_go(0));
        };
        let passed = self
            .store
            .progress(&learner.id)
            .await?
            .iter()
            .any(|p| p.exercise_id == ex.id && p.status == Status::Passed);
        if passed {
            return Ok(None);
        }
        let failures = self.store.failed_tries(&learner.id, &ex.id).await?;
        Ok(ex.hints_to_go(failures))
    }

    /// The exercise's hints for this learner: all, or none yet and how many failed checks to go.
    pub async fn hints(&self, ex: &Exercise, learner: Option<&Learner>) -> Result<Hints> {
        Ok(match self.hints_to_go(ex, learner).await? {
            None => Hints {
                hints: ex.hints.clone(),
                to_go: None,
            },
            Some(n) => Hints {
                hints: Vec::new(),
                to_go: Some(n),
            },
        })
    }

    /// A verdict as this learner may see it: without per-result hints while they are closed.
    pub async fn shown(
        &self,
        ex: &Exercise,
        learner: Option<&Learner>,
        v: Verdict,
    ) -> Result<Verdict> {
        Ok(if self.hints_to_go(ex, learner).await?.is_some() {
            v.without_hints()
        } else {
            v
        })
    }

    /// Stored verdicts as this learner may see them again (their summary, their attempts):
    /// closed hints stay closed.
    pub async fn shown_stored(
        &self,
        learner: &Learner,
        exercise: &str,
        v: Verdict,
    ) -> Result<Verdict> {
        match self.catalog.get(exercise) {
            Some(ex) if ex.hints_after_failures > 0 => self.shown(ex, Some(learner), v).await,
            _ => Ok(v),
        }
    }

    /// A self-paced learner turns gated progress on or off for themselves; in a classroom the
    /// instructor decides.
    pub async fn set_own_gating(&self, learner: &Learner, gated: bool) -> Result<GatingView> {
        if learner.classroom_id.is_some() {
            return Err(ServiceError::GatedByClassroom);
        }
        self.store.set_learner_gated(&learner.id, gated).await?;
        Ok(view(self.store.gating(&learner.id).await?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chapter(id: &str, exercises: &[&str]) -> ChapterExercises {
        ChapterExercises {
            id: id.into(),
            title: Text::new(format!("{id}（中）"), id.to_string()),
            exercises: exercises.iter().map(|e| e.to_string()).collect(),
        }
    }

    fn course() -> Vec<ChapterExercises> {
        vec![
            chapter("intro", &[]),
            chapter("docker", &["dockerfile", "docker-run"]),
            chapter("yaml", &["pod-yaml"]),
            chapter("deployment", &["deployment", "deployment-scale"]),
            chapter("review", &["final-quiz", "pod-yaml"]),
        ]
    }

    fn passed<'a>(ids: &[&'a str]) -> HashSet<&'a str> {
        ids.iter().copied().collect()
    }

    #[test]
    fn nothing_passed_opens_only_the_first_chapter_with_exercises() {
        let locked = locks(&course(), &passed(&[]));
        assert!(!locked.contains_key("dockerfile"));
        assert!(!locked.contains_key("docker-run"));
        let lock = &locked["pod-yaml"];
        assert_eq!(lock.chapter, "docker");
        assert_eq!(lock.title.en, "docker");
        assert_eq!(lock.missing, vec!["dockerfile", "docker-run"]);
        for id in ["deployment", "deployment-scale", "final-quiz"] {
            assert_eq!(locked[id].chapter, "docker", "{id}");
        }
    }

    #[test]
    fn a_chapter_opens_when_every_exercise_before_it_has_passed() {
        let locked = locks(&course(), &passed(&["dockerfile"]));
        assert_eq!(locked["pod-yaml"].missing, vec!["docker-run"]);

        let locked = locks(&course(), &passed(&["dockerfile", "docker-run"]));
        assert!(!locked.contains_key("pod-yaml"));
        assert_eq!(locked["deployment"].chapter, "yaml");

        // The review chapter lists pod-yaml again: it stays the yaml chapter's.
        let locked = locks(
            &course(),
            &passed(&[
                "dockerfile",
                "docker-run",
                "pod-yaml",
                "deployment",
                "deployment-scale",
            ]),
        );
        assert!(locked.is_empty(), "{locked:?}");
    }

    #[test]
    fn a_later_pass_does_not_open_its_chapter_early() {
        // Passed before gating was turned on: still locked behind the earlier chapter.
        let locked = locks(&course(), &passed(&["deployment", "deployment-scale"]));
        assert_eq!(locked["final-quiz"].chapter, "docker");
        assert_eq!(locked["deployment"].chapter, "docker");
    }
}
