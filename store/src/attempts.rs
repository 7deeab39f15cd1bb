use std::collections::{BTreeMap, HashMap};

use kubelab_checks::{Text, Verdict};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::learners::learner_not_found;
use crate::{
    codes, is_foreign_key_violation, strip_evidence, Attempt, AttemptSource, ExerciseProgress,
    Learner, NewAttempt, Result, Status, Store, StoreError, StuckCount,
};

const COLUMNS: &str = "attempts.id AS id, attempts.learner_id AS learner_id, \
     attempts.exercise_id AS exercise_id, attempts.at AS at, attempts.source AS source, \
     attempts.verdict AS verdict, attempts.evidence AS evidence, attempts.input AS input, \
     attempts.regraded AS regraded";

/// Per learner and exercise: attempts, first passing time, first and last time. `passed` is 0/1 in
/// SQLite and a boolean in PostgreSQL; `CASE WHEN passed` reads both.
const PROGRESS: &str =
    "SELECT attempts.learner_id AS learner_id, attempts.exercise_id AS exercise_id, \
     COUNT(*) AS attempts, MIN(CASE WHEN COALESCE(attempts.regraded_passed, attempts.passed) THEN attempts.at END) AS first_pass_at, \
     MAX(attempts.at) AS last_at, MIN(attempts.at) AS first_at FROM attempts";

impl Store {
    /// Stores an attempt with its evidence stripped (`strip_evidence`). Committed when it
    /// returns `Ok`.
    pub async fn record_attempt(&self, a: NewAttempt<'_>) -> Result<Attempt> {
        let evidence = strip_evidence(a.evidence);
        let at = codes::now_ms();
        let inserted = insert(&a, at, &evidence)?.fetch_one(&self.pool).await;
        let row = match inserted {
            Ok(row) => row,
            Err(e) if is_foreign_key_violation(&e) => return Err(learner_not_found(a.learner_id)),
            Err(e) => return Err(e.into()),
        };
        Ok(Attempt {
            id: row.try_get("id")?,
            learner_id: a.learner_id.to_string(),
            exercise_id: a.exercise_id.to_string(),
            at,
            source: a.source,
            passed: a.verdict.passed,
            verdict: a.verdict.clone(),
            evidence,
            input: a.input.map(str::to_owned),
            regraded: None,
        })
    }

    /// Stores many attempts in one transaction (grading a class: one commit per batch, not per
    /// verdict): all of them or, on an error, none. Returns how many were stored.
    pub async fn record_attempts(&self, attempts: &[NewAttempt<'_>]) -> Result<usize> {
        let at = codes::now_ms();
        let mut tx = self.pool.begin().await?;
        for a in attempts {
            let evidence = strip_evidence(a.evidence);
            let inserted = insert(a, at, &evidence)?.execute(&mut *tx).await;
            match inserted {
                Ok(_) => {}
                Err(e) if is_foreign_key_violation(&e) => {
                    return Err(learner_not_found(a.learner_id))
                }
                Err(e) => return Err(e.into()),
            }
        }
        tx.commit().await?;
        Ok(attempts.len())
    }

    /// A learner's attempts, newest first, optionally of one exercise.
    pub async fn attempts(
        &self,
        learner_id: &str,
        exercise_id: Option<&str>,
        limit: u32,
    ) -> Result<Vec<Attempt>> {
        sqlx::query(&format!(
            "SELECT {COLUMNS} FROM attempts WHERE learner_id = $1 \
             AND ($2 IS NULL OR exercise_id = $2) ORDER BY id DESC LIMIT $3"
        ))
        .bind(learner_id)
        .bind(exercise_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(attempt_from_row)
        .collect()
    }

    pub async fn attempt(&self, id: i64) -> Result<Option<Attempt>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM attempts WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(attempt_from_row).transpose()
    }

    pub async fn count_attempts(&self) -> Result<u64> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM attempts")
            .fetch_one(&self.pool)
            .await?;
        Ok(u64::try_from(n).unwrap_or_default())
    }

    /// How many checks and submissions of the exercise the learner made that failed (not live
    /// verdicts, which follow every change, nor an instructor's grading runs).
    pub async fn failed_tries(&self, learner_id: &str, exercise_id: &str) -> Result<u32> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COALESCE(SUM(CASE WHEN COALESCE(regraded_passed, passed) THEN 0 ELSE 1 END), 0) \
             FROM attempts WHERE learner_id = $1 AND exercise_id = $2 \
             AND source IN ('check', 'submit')",
        )
        .bind(learner_id)
        .bind(exercise_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    /// Per exercise the learner attempted: status, attempts, first pass and last time.
    pub async fn progress(&self, learner_id: &str) -> Result<Vec<ExerciseProgress>> {
        let rows = sqlx::query(&format!(
            "{PROGRESS} WHERE attempts.learner_id = $1 \
             GROUP BY attempts.learner_id, attempts.exercise_id ORDER BY attempts.exercise_id"
        ))
        .bind(learner_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| Ok(progress_from_row(row)?.1))
            .collect()
    }

    /// Every learner of the classroom (oldest first) with their progress per attempted exercise.
    pub async fn matrix(
        &self,
        classroom_id: &str,
    ) -> Result<Vec<(Learner, Vec<ExerciseProgress>)>> {
        let learners = self.learners_in(classroom_id).await?;
        let rows = sqlx::query(&format!(
            "{PROGRESS} JOIN learners ON learners.id = attempts.learner_id \
             WHERE learners.classroom_id = $1 \
             GROUP BY attempts.learner_id, attempts.exercise_id ORDER BY attempts.exercise_id"
        ))
        .bind(classroom_id)
        .fetch_all(&self.pool)
        .await?;
        let mut by_learner: HashMap<String, Vec<ExerciseProgress>> = HashMap::new();
        for row in &rows {
            let (learner_id, progress) = progress_from_row(row)?;
            by_learner.entry(learner_id).or_default().push(progress);
        }
        Ok(learners
            .into_iter()
            .map(|l| {
                let progress = by_learner.remove(&l.id).unwrap_or_default();
                (l, progress)
            })
            .collect())
    }

    /// Per exercise and assertion, how many learners' latest attempt fails it (skipped
    /// assertions are not counted: their cause is counted). Sorted by exercise, then most
    /// learners first.
    pub async fn stuck(&self, classroom_id: &str) -> Result<Vec<StuckCount>> {
        let rows = sqlx::query(
            "SELECT attempts.exercise_id AS exercise_id, \
             COALESCE(attempts.regraded, attempts.verdict) AS verdict \
             FROM attempts JOIN learners ON learners.id = attempts.learner_id \
             WHERE learners.classroom_id = $1 AND attempts.id = (SELECT MAX(latest.id) \
               FROM attempts latest WHERE latest.learner_id = attempts.learner_id \
               AND latest.exercise_id = attempts.exercise_id)",
        )
        .bind(classroom_id)
        .fetch_all(&self.pool)
        .await?;
        let mut counts: BTreeMap<(String, String), u32> = BTreeMap::new();
        for row in &rows {
            let exercise_id: String = row.try_get("exercise_id")?;
            let verdict: Verdict = from_json(&row.try_get::<String, _>("verdict")?)?;
            for result in verdict.results.iter().filter(|r| !r.passed && !r.skipped) {
                *counts
                    .entry((exercise_id.clone(), result.id.clone()))
                    .or_default() += 1;
            }
        }
        let mut stuck: Vec<StuckCount> = counts
            .into_iter()
            .map(|((exercise_id, assertion_id), learners)| StuckCount {
                message: None,
                exercise_id,
                assertion_id,
                learners,
            })
            .collect();
        stuck.sort_by(|a, b| {
            (
                &a.exercise_id,
                std::cmp::Reverse(a.learners),
                &a.assertion_id,
            )
                .cmp(&(
                    &b.exercise_id,
                    std::cmp::Reverse(b.learners),
                    &b.assertion_id,
                ))
        });
        Ok(stuck)
    }

    /// One page of the classroom's learners' attempts, oldest first, with evidence: those with
    /// an id above `after_id`, at most `limit` — the input of a re-grading run, which pages
    /// through them (`after_id` = the last id of the page before) instead of holding every
    /// attempt and its evidence in memory.
    pub async fn attempts_in_classroom(
        &self,
        classroom_id: &str,
        after_id: i64,
        limit: u32,
    ) -> Result<Vec<Attempt>> {
        sqlx::query(&format!(
            "SELECT {COLUMNS} FROM attempts JOIN learners ON learners.id = attempts.learner_id \
             WHERE learners.classroom_id = $1 AND attempts.id > $2 ORDER BY attempts.id LIMIT $3"
        ))
        .bind(classroom_id)
        .bind(after_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(attempt_from_row)
        .collect()
    }

    /// Stores a re-graded verdict beside the original (replacing an earlier re-grading).
    pub async fn record_regrade(&self, attempt_id: i64, verdict: &Verdict) -> Result<()> {
        let done =
            sqlx::query("UPDATE attempts SET regraded = $1, regraded_passed = $2 WHERE id = $3")
                .bind(to_json(verdict)?)
                .bind(verdict.passed)
                .bind(attempt_id)
                .execute(&self.pool)
                .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(Text::new(
                format!("找不到提交记录 {attempt_id}。"),
                format!("No attempt {attempt_id}."),
            )));
        }
        Ok(())
    }
}

fn attempt_from_row(row: &AnyRow) -> Result<Attempt> {
    let source: String = row.try_get("source")?;
    let verdict: Verdict = from_json(&row.try_get::<String, _>("verdict")?)?;
    let regraded: Option<String> = row.try_get("regraded")?;
    Ok(Attempt {
        id: row.try_get("id")?,
        learner_id: row.try_get("learner_id")?,
        exercise_id: row.try_get("exercise_id")?,
        at: row.try_get("at")?,
        source: AttemptSource::parse(&source)
            .ok_or_else(|| StoreError::Corrupt(format!("unknown attempt source {source:?}")))?,
        passed: verdict.passed,
        verdict,
        evidence: from_json(&row.try_get::<String, _>("evidence")?)?,
        input: row.try_get("input")?,
        regraded: regraded.as_deref().map(from_json).transpose()?,
    })
}

fn progress_from_row(row: &AnyRow) -> Result<(String, ExerciseProgress)> {
    let attempts: i64 = row.try_get("attempts")?;
    let first_pass_at: Option<i64> = row.try_get("first_pass_at")?;
    Ok((
        row.try_get("learner_id")?,
        ExerciseProgress {
            exercise_id: row.try_get("exercise_id")?,
            status: if first_pass_at.is_some() {
                Status::Passed
            } else {
                Status::Failing
            },
            attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
            first_pass_at,
            last_at: row.try_get("last_at")?,
            first_at: row.try_get("first_at")?,
        },
    ))
}

/// The one INSERT of an attempt (`RETURNING id`), for `record_attempt` and `record_attempts`.
fn insert<'q>(
    a: &NewAttempt<'q>,
    at: i64,
    evidence: &[serde_json::Value],
) -> Result<sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>> {
    Ok(sqlx::query(
        "INSERT INTO attempts (learner_id, exercise_id, at, source, passed, verdict, evidence, input) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(a.learner_id)
    .bind(a.exercise_id)
    .bind(at)
    .bind(a.source.as_str())
    .bind(a.verdict.passed)
    .bind(to_json(a.verdict)?)
    .bind(to_json(evidence)?)
    .bind(a.input))
}

fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(e.to_string()))
}
