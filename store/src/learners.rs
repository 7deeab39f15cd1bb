use kubelab_checks::Text;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::codes::{self, SHORT_ID_LEN};
use crate::{
    is_foreign_key_violation, is_unique_violation, Gating, Learner, NewLearner, Result, Store,
    StoreError, INSERT_TRIES,
};

/// Qualified, for joins; aliased, so every backend names them alike.
pub(crate) const LEARNER_COLUMNS: &str =
    "learners.id AS id, learners.display_name AS display_name, learners.namespace AS namespace, \
     learners.classroom_id AS classroom_id, learners.resume_code AS resume_code, \
     learners.created_at AS created_at";

const MAX_NAME_CHARS: usize = 64;

impl Store {
    /// A new learner with a random id, resume code and namespace (`<prefix><8 alnum>`).
    pub async fn create_learner(&self, new: NewLearner<'_>) -> Result<Learner> {
        if !codes::valid_namespace_prefix(new.namespace_prefix) {
            return Err(StoreError::Invalid(Text::new(
                format!("命名空间前缀 “{}” 无效：只能用小写字母、数字和 -，并以字母开头。", new.namespace_prefix),
                format!("Invalid namespace prefix “{}”: use lowercase letters, digits and -, starting with a letter.", new.namespace_prefix),
            )));
        }
        let display_name = match new.display_name {
            Some(name) => display_name(name)?,
            None => None,
        };
        let mut tries = 0;
        loop {
            let id = codes::new_id();
            let learner = Learner {
                namespace: format!("{}{}", new.namespace_prefix, &id[..SHORT_ID_LEN]),
                id,
                display_name: display_name.clone(),
                classroom_id: new.classroom_id.map(str::to_owned),
                resume_code: codes::new_code(),
                created_at: codes::now_ms(),
            };
            let inserted = sqlx::query(
                "INSERT INTO learners (id, display_name, namespace, classroom_id, resume_code, created_at, last_active_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $6)",
            )
            .bind(&learner.id)
            .bind(&learner.display_name)
            .bind(&learner.namespace)
            .bind(&learner.classroom_id)
            .bind(&learner.resume_code)
            .bind(learner.created_at)
            .execute(&self.pool)
            .await;
            match inserted {
                Ok(_) => {
                    return Ok(Learner {
                        resume_code: codes::display_code(&learner.resume_code),
                        ..learner
                    })
                }
                Err(e) if is_unique_violation(&e) && tries + 1 < INSERT_TRIES => tries += 1,
                Err(e) if is_foreign_key_violation(&e) => {
                    return Err(classroom_not_found(new.classroom_id.unwrap_or_default()))
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    pub async fn learner(&self, id: &str) -> Result<Option<Learner>> {
        let row = sqlx::query(&format!(
            "SELECT {LEARNER_COLUMNS} FROM learners WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(learner_from_row).transpose()
    }

    /// The learner whose resume code this is, however it was typed (case, spaces, dashes).
    pub async fn learner_by_resume_code(&self, code: &str) -> Result<Option<Learner>> {
        let Some(code) = codes::normalize_code(code) else {
            return Ok(None);
        };
        let row = sqlx::query(&format!(
            "SELECT {LEARNER_COLUMNS} FROM learners WHERE resume_code = $1"
        ))
        .bind(code)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(learner_from_row).transpose()
    }

    /// Sets (or, with a blank name, clears) the name shown to the instructor.
    pub async fn set_display_name(&self, id: &str, name: &str) -> Result<()> {
        let name = display_name(name)?;
        let done = sqlx::query("UPDATE learners SET display_name = $1 WHERE id = $2")
            .bind(name)
            .bind(id)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(learner_not_found(id));
        }
        Ok(())
    }

    /// How many learners there are (for the server's `--max-learners`).
    pub async fn count_learners(&self) -> Result<u64> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM learners")
            .fetch_one(&self.pool)
            .await?;
        Ok(u64::try_from(n).unwrap_or_default())
    }

    /// A classroom's learners, oldest first.
    pub async fn learners_in(&self, classroom_id: &str) -> Result<Vec<Learner>> {
        sqlx::query(&format!(
            "SELECT {LEARNER_COLUMNS} FROM learners WHERE classroom_id = $1 ORDER BY created_at, id"
        ))
        .bind(classroom_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(learner_from_row)
        .collect()
    }

    /// Notes that the learner used kubelab at `at` (unix ms). Callers throttle it.
    pub async fn touch_learner(&self, id: &str, at: i64) -> Result<()> {
        sqlx::query(
            "UPDATE learners SET last_active_at = $1 WHERE id = $2 AND last_active_at < $1",
        )
        .bind(at)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// When the learner last used kubelab (unix ms), as far as `touch_learner` was told.
    pub async fn last_active(&self, id: &str) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar::<_, i64>(
            "SELECT COALESCE(last_active_at, created_at) FROM learners WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Self-paced learners (no classroom: an instructor ends a class by archiving it) whose
    /// namespace has not been removed and who have not used kubelab since `before`, the longest
    /// idle first, at most `limit`.
    pub async fn idle_learners(&self, before: i64, limit: u32) -> Result<Vec<Learner>> {
        sqlx::query(&format!(
            "SELECT {LEARNER_COLUMNS} FROM learners \
             WHERE classroom_id IS NULL AND namespace_removed_at IS NULL AND last_active_at < $1 \
             ORDER BY last_active_at, id LIMIT $2"
        ))
        .bind(before)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(learner_from_row)
        .collect()
    }

    /// Records that the learner's namespace was removed at `at` (`Some`), or made again (`None`).
    pub async fn set_namespace_removed(&self, id: &str, at: Option<i64>) -> Result<()> {
        sqlx::query("UPDATE learners SET namespace_removed_at = $1 WHERE id = $2")
            .bind(at)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

impl Store {
    /// Turns gated progress on or off for a learner themselves (counts while self-paced).
    pub async fn set_learner_gated(&self, id: &str, gated: bool) -> Result<()> {
        sqlx::query("UPDATE learners SET gated = $1 WHERE id = $2")
            .bind(i64::from(gated))
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The gating in force for a learner: their classroom's setting, else their own.
    pub async fn gating(&self, learner_id: &str) -> Result<Gating> {
        let row = sqlx::query(
            "SELECT learners.gated AS own, classrooms.gated AS class FROM learners \
             LEFT JOIN classrooms ON classrooms.id = learners.classroom_id WHERE learners.id = $1",
        )
        .bind(learner_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(Gating::default());
        };
        let own: i64 = row.try_get("own")?;
        let class: Option<i64> = row.try_get("class")?;
        Ok(match class {
            Some(class) => Gating {
                gated: class != 0,
                by_classroom: true,
            },
            None => Gating {
                gated: own != 0,
                by_classroom: false,
            },
        })
    }
}

fn display_name(name: &str) -> Result<Option<String>> {
    let name = name.trim();
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(StoreError::Invalid(Text::new(
            format!("名字太长了：最多 {MAX_NAME_CHARS} 个字符。"),
            format!("The name is too long: at most {MAX_NAME_CHARS} characters."),
        )));
    }
    Ok((!name.is_empty()).then(|| name.to_string()))
}

pub(crate) fn learner_from_row(row: &AnyRow) -> Result<Learner> {
    let code: String = row.try_get("resume_code")?;
    Ok(Learner {
        id: row.try_get("id")?,
        display_name: row.try_get("display_name")?,
        namespace: row.try_get("namespace")?,
        classroom_id: row.try_get("classroom_id")?,
        resume_code: codes::display_code(&code),
        created_at: row.try_get("created_at")?,
    })
}

pub(crate) fn learner_not_found(id: &str) -> StoreError {
    StoreError::NotFound(Text::new(
        format!("找不到学员 {id}。"),
        format!("No learner {id}."),
    ))
}

pub(crate) fn classroom_not_found(id: &str) -> StoreError {
    StoreError::NotFound(Text::new(
        format!("找不到班级 {id}。"),
        format!("No classroom {id}."),
    ))
}
