//! Instructors and their classrooms: sign-in, classrooms and join codes, archiving, the board
//! (and its live feed), attempt history, grade-all, re-grading and the CSV export. Another
//! instructor's classroom is `NotFound`, as if it did not exist.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures::Stream;
use kubelab_checks::Text;
use kubelab_store::{Attempt, AttemptSource, Classroom, Instructor, NewAttempt};
use kubelab_wire::{Board, ClassroomView, GradeSummary, RegradeSummary};

use kubelab_wire::analytics::{IDLE_MINUTES_MAX, IDLE_MINUTES_MIN};

use super::gate::ChapterExercises;
use super::grading::{self, regrade};
use super::{board, evidence, metrics, Lab, Result, ServiceError};

/// Boards refresh at least this often even without a local event, so a replica sees the
/// attempts other replicas stored.
pub const BOARD_REFRESH: Duration = Duration::from_secs(5);
/// Attempts a re-grading reads at a time.
pub const REGRADE_PAGE: u32 = 500;
/// Learners grade-all checks at a time.
pub const GRADE_BATCH: usize = 500;

impl Lab {
    /// The instructor with this email and password. Failures count against the client address
    /// and the address + email — never the email alone, or anybody could lock its owner out. A
    /// slot is reserved before the (argon2) check, so concurrent tries cannot all get through;
    /// a success gives it back.
    pub async fn login(
        &self,
        email: &str,
        password: &str,
        client_key: String,
    ) -> Result<Instructor> {
        let email_key = format!("{client_key}|email:{}", email.trim().to_lowercase());
        let keys = [client_key, email_key];
        let slot = self
            .limiter
            .reserve(&keys)
            .map_err(ServiceError::RateLimited)?;
        match self.store.verify_instructor(email, password).await {
            Ok(Some(instructor)) => {
                slot.succeeded();
                tracing::info!(instructor = %instructor.id, "instructor signed in");
                Ok(instructor)
            }
            Ok(None) => {
                drop(slot); // kept: a failure
                tracing::warn!("instructor sign-in failed");
                Err(ServiceError::LoginFailed)
            }
            Err(e) => {
                // Not the client's fault.
                slot.succeeded();
                Err(e.into())
            }
        }
    }

    /// The classroom if it is this instructor's; `NotFound` otherwise (another's is not revealed).
    pub async fn owned_classroom(&self, instructor: &Instructor, id: &str) -> Result<Classroom> {
        match self.store.classroom(id).await? {
            Some(c) if c.instructor_id == instructor.id => Ok(c),
            _ => Err(ServiceError::NotFound),
        }
    }

    /// The classroom as stored now (after a change), as its instructor sees it.
    async fn view_of(&self, id: &str) -> Result<ClassroomView> {
        let c = self
            .store
            .classroom(id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.classroom_view(c).await
    }

    async fn classroom_view(&self, c: Classroom) -> Result<ClassroomView> {
        let learners = self.store.learners_in(&c.id).await?.len();
        Ok(ClassroomView {
            id: c.id,
            code: c.code,
            name: c.name,
            created_at: c.created_at,
            archived_at: c.archived_at,
            learners: u32::try_from(learners).unwrap_or(u32::MAX),
            gated: c.gated,
            record_commands: c.record_commands,
        })
    }

    pub async fn classrooms(&self, instructor: &Instructor) -> Result<Vec<ClassroomView>> {
        let mut out = Vec::new();
        for c in self.store.classrooms_of(&instructor.id).await? {
            out.push(self.classroom_view(c).await?);
        }
        Ok(out)
    }

    pub async fn create_classroom(
        &self,
        instructor: &Instructor,
        name: &str,
    ) -> Result<ClassroomView> {
        let name = name.trim();
        let len = name.chars().count();
        if !(1..=80).contains(&len) || name.chars().any(char::is_control) {
            return Err(ServiceError::BadInput(Text::new(
                "班级名称用 1–80 个字符。",
                "Use 1–80 characters for the classroom name.",
            )));
        }
        let c = self.store.create_classroom(&instructor.id, name).await?;
        tracing::info!(classroom = %c.id, "classroom created");
        self.classroom_view(c).await
    }

    /// Archives the classroom and removes its learners' namespaces. From then on their
    /// sessions and resume codes are refused (`LearnerArchived`), and nothing provisions their
    /// namespaces again.
    pub async fn archive(&self, c: &Classroom) -> Result<ClassroomView> {
        self.store.archive_classroom(&c.id).await?;
        let learners = self.store.learners_in(&c.id).await?;
        for learner in &learners {
            self.mark_ensured(&self.namespace_of(learner), false);
            self.close_terminals(&learner.id);
        }
        if let Some(p) = &self.provisioner {
            for learner in &learners {
                let ns = self.namespace_of(learner);
                // One namespace failing to go must not keep the others.
                if let Err(e) = p.remove(&ns).await {
                    tracing::warn!(namespace = %ns, error = %e, "could not remove a learner namespace");
                }
            }
        }
        self.announce(&c.id);
        self.view_of(&c.id).await
    }

    /// Turns gated progress on or off for the classroom's learners; their boards hear of it.
    pub async fn set_classroom_gating(&self, c: &Classroom, gated: bool) -> Result<ClassroomView> {
        self.store.set_classroom_gated(&c.id, gated).await?;
        self.announce(&c.id);
        self.view_of(&c.id).await
    }

    /// Turns the recording of terminal commands on or off for the classroom's learners. Their
    /// open terminals pick it up within [`crate::web`]'s re-check (20 s) and say so.
    pub async fn set_classroom_recording(&self, c: &Classroom, on: bool) -> Result<ClassroomView> {
        self.store.set_classroom_recording(&c.id, on).await?;
        self.announce(&c.id);
        self.view_of(&c.id).await
    }

    /// The board, its columns in the order of `chapters` (the course's, from the web layer).
    pub async fn board(&self, c: &Classroom, chapters: &[ChapterExercises]) -> Result<Board> {
        let matrix = self.store.matrix(&c.id).await?;
        let stuck = self.store.stuck(&c.id).await?;
        Ok(board::build(
            &self.catalog,
            chapters,
            c,
            matrix,
            stuck,
            |l| self.namespace_of(l),
        ))
    }

    /// The board now, then again whenever a learner of the classroom records an attempt (or
    /// every [`BOARD_REFRESH`], for attempts stored by other replicas); only boards that changed
    /// are yielded. `chapters` is asked for the course order each time (content may reload).
    pub async fn board_feed(
        self: std::sync::Arc<Self>,
        c: Classroom,
        chapters: impl Fn() -> Vec<ChapterExercises> + Send + Sync + 'static,
    ) -> Result<impl Stream<Item = Result<Board>> + Send + 'static> {
        let first = self.board(&c, &chapters()).await?;
        let events = self.events.subscribe();
        let last = serde_json::to_string(&first).unwrap_or_default();
        let initial = futures::stream::once(futures::future::ready(Ok(first)));
        let updates = futures::stream::unfold(
            (self, c, events, last, chapters),
            |(lab, mut c, mut events, mut last, chapters)| async move {
                loop {
                    let changed = tokio::select! {
                        e = events.recv() => match e {
                            Ok(classroom) => {
                                classroom == c.id || classroom == super::replicas::EVERY_CLASSROOM
                            }
                            // Missed some: refresh to be safe.
                            Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => true,
                            Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                        },
                        _ = tokio::time::sleep(BOARD_REFRESH) => true,
                    };
                    if !changed {
                        continue;
                    }
                    // The classroom itself may have changed (gating, recording, archive).
                    if let Ok(Some(now)) = lab.store.classroom(&c.id).await {
                        c = now;
                    }
                    match lab.board(&c, &chapters()).await {
                        Ok(board) => {
                            let json = serde_json::to_string(&board).unwrap_or_default();
                            if json != last {
                                last = json;
                                return Some((Ok(board), (lab, c, events, last, chapters)));
                            }
                        }
                        Err(e) => return Some((Err(e), (lab, c, events, last, chapters))),
                    }
                }
            },
        );
        Ok(futures::StreamExt::chain(initial, updates))
    }

    /// A learner's attempts, if the learner is in this classroom.
    pub async fn learner_attempts(&self, c: &Classroom, learner_id: &str) -> Result<Vec<Attempt>> {
        match self.store.learner(learner_id).await? {
            Some(l) if l.classroom_id.as_deref() == Some(c.id.as_str()) => {
                Ok(self.store.attempts(&l.id, None, 200).await?)
            }
            _ => Err(ServiceError::NotFound),
        }
    }

    /// The terminal commands kept of one learner of the classroom, newest first (200 at most).
    pub async fn learner_commands(
        &self,
        c: &Classroom,
        learner_id: &str,
    ) -> Result<Vec<kubelab_wire::TerminalCommand>> {
        match self.store.learner(learner_id).await? {
            Some(l) if l.classroom_id.as_deref() == Some(c.id.as_str()) => {
                Ok(self.store.terminal_commands(&l.id, 200).await?)
            }
            _ => Err(ServiceError::NotFound),
        }
    }

    /// Re-checks every learner × cluster exercise now, from one view of the shared caches (the
    /// cluster as it was when grading began; one pass over the cache), and records the verdicts
    /// (source `grade`). Learners are graded [`GRADE_BATCH`] at a time, each batch's verdicts
    /// stored in one transaction, so a large classroom's verdicts and evidence are never all in
    /// memory at once; the board is told once per batch.
    pub async fn grade_classroom(&self, c: &Classroom) -> Result<GradeSummary> {
        let cluster = self.cluster()?;
        let learners = self.store.learners_in(&c.id).await?;
        grading::sync(&self.catalog, cluster.cache()).await?;
        let all: Vec<String> = learners.iter().map(|l| self.namespace_of(l)).collect();
        let view = Arc::new(grading::view(&self.catalog, cluster.cache(), &all).await?);
        let mut summary = GradeSummary::default();
        for batch in learners.chunks(GRADE_BATCH) {
            let namespaces: Vec<String> = batch.iter().map(|l| self.namespace_of(l)).collect();
            let rows = grading::grade_in(&self.catalog, &view, &namespaces).await?;
            let evidence: Vec<Vec<serde_json::Value>> = rows
                .iter()
                .map(|r| evidence::for_storage(&r.evidence, self.limits.max_evidence_bytes))
                .collect();
            let learner_of: HashMap<&str, &str> = namespaces
                .iter()
                .zip(batch)
                .map(|(ns, l)| (ns.as_str(), l.id.as_str()))
                .collect();
            let attempts: Vec<NewAttempt> = rows
                .iter()
                .zip(&evidence)
                .filter_map(|(row, evidence)| {
                    Some(NewAttempt {
                        learner_id: learner_of.get(row.namespace.as_str())?,
                        exercise_id: &row.exercise,
                        source: AttemptSource::Grade,
                        verdict: &row.verdict,
                        evidence,
                        input: None,
                    })
                })
                .collect();
            metrics::store_op("record_attempts", self.store.record_attempts(&attempts)).await?;
            summary.checked += u32::try_from(attempts.len()).unwrap_or(u32::MAX);
            summary.passed += u32::try_from(attempts.iter().filter(|a| a.verdict.passed).count())
                .unwrap_or(u32::MAX);
            self.announce(&c.id);
        }
        tracing::info!(classroom = %c.id, checked = summary.checked, passed = summary.passed, "graded");
        Ok(summary)
    }

    /// Re-evaluates every stored attempt of the classroom with the current rules; the new
    /// verdicts are stored beside the originals. Attempts are read [`REGRADE_PAGE`] at a time.
    pub async fn regrade_classroom(&self, c: &Classroom) -> Result<RegradeSummary> {
        self.regrade_in_pages(c, REGRADE_PAGE).await
    }

    async fn regrade_in_pages(&self, c: &Classroom, page: u32) -> Result<RegradeSummary> {
        let namespaces: HashMap<String, String> = self
            .store
            .learners_in(&c.id)
            .await?
            .iter()
            .map(|l| (l.id.clone(), self.namespace_of(l)))
            .collect();
        let mut summary = RegradeSummary::default();
        let mut after = 0;
        loop {
            let attempts = self.store.attempts_in_classroom(&c.id, after, page).await?;
            let Some(last) = attempts.last() else {
                break;
            };
            after = last.id;
            for attempt in &attempts {
                let Some(ex) = self.catalog.get(&attempt.exercise_id) else {
                    continue;
                };
                let ns = namespaces
                    .get(&attempt.learner_id)
                    .map(String::as_str)
                    .unwrap_or_default();
                let Some(verdict) = regrade(ex, attempt, ns) else {
                    continue;
                };
                summary.attempts += 1;
                if verdict.passed != attempt.verdict.passed
                    || verdict.results != attempt.verdict.results
                {
                    summary.changed += 1;
                }
                self.store.record_regrade(attempt.id, &verdict).await?;
            }
            if attempts.len() < page as usize {
                break;
            }
        }
        self.announce(&c.id);
        Ok(summary)
    }

    /// The board as CSV: its file name and text.
    pub async fn export_csv(
        &self,
        c: &Classroom,
        chapters: &[ChapterExercises],
    ) -> Result<(String, String)> {
        let board = self.board(c, chapters).await?;
        let safe_code: String = c.code.chars().filter(char::is_ascii_alphanumeric).collect();
        Ok((format!("kubelab-{safe_code}.csv"), board::csv(&board)))
    }

    /// The class analytics as CSV: its file name and text. `idle` is the "not acted for N
    /// minutes" threshold as the query gave it (absent: the default; outside 1..=1440: refused).
    pub async fn export_analytics_csv(
        &self,
        c: &Classroom,
        chapters: &[ChapterExercises],
        idle: Option<&str>,
    ) -> Result<(String, String)> {
        let idle = kubelab_wire::analytics::idle_minutes(idle).ok_or_else(|| {
            ServiceError::BadInput(Text::new(
                format!(
                    "idle 须是 {IDLE_MINUTES_MIN} 到 {IDLE_MINUTES_MAX} 之间的整数（分钟）。"
                ),
                format!(
                    "idle must be a whole number of minutes from {IDLE_MINUTES_MIN} to {IDLE_MINUTES_MAX}."
                ),
            ))
        })?;
        let board = self.board(c, chapters).await?;
        let analytics = kubelab_wire::analytics::analytics(&board, super::idle::now_ms(), idle);
        let safe_code: String = c.code.chars().filter(char::is_ascii_alphanumeric).collect();
        Ok((
            format!("kubelab-{safe_code}-analytics.csv"),
            board::analytics_csv(&analytics),
        ))
    }
}

#[cfg(test)]
mod tests;
