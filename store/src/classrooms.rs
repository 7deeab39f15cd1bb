use kubelab_checks::Text;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::learners::classroom_not_found;
use crate::{
    codes, is_foreign_key_violation, is_unique_violation, Classroom, Result, Store, StoreError,
    INSERT_TRIES,
};

const COLUMNS: &str =
    "id, code, name, instructor_id, created_at, archived_at, gated, record_commands";
const MAX_NAME_CHARS: usize = 100;

impl Store {
    /// A new classroom with a fresh join code.
    pub async fn create_classroom(&self, instructor_id: &str, name: &str) -> Result<Classroom> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
            return Err(StoreError::Invalid(Text::new(
                format!("班级名称不能为空，最多 {MAX_NAME_CHARS} 个字符。"),
                format!("A classroom needs a name of 1 to {MAX_NAME_CHARS} characters."),
            )));
        }
        let mut tries = 0;
        loop {
            let classroom = Classroom {
                id: codes::new_id(),
                code: codes::new_code(),
                name: name.to_string(),
                instructor_id: instructor_id.to_string(),
                created_at: codes::now_ms(),
                archived_at: None,
                gated: false,
                record_commands: false,
            };
            let inserted = sqlx::query(
                "INSERT INTO classrooms (id, code, name, instructor_id, created_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(&classroom.id)
            .bind(&classroom.code)
            .bind(&classroom.name)
            .bind(&classroom.instructor_id)
            .bind(classroom.created_at)
            .execute(&self.pool)
            .await;
            match inserted {
                Ok(_) => {
                    return Ok(Classroom {
                        code: codes::display_code(&classroom.code),
                        ..classroom
                    })
                }
                Err(e) if is_unique_violation(&e) && tries + 1 < INSERT_TRIES => tries += 1,
                Err(e) if is_foreign_key_violation(&e) => {
                    return Err(StoreError::NotFound(Text::new(
                        format!("找不到教师 {instructor_id}。"),
                        format!("No instructor {instructor_id}."),
                    )))
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    pub async fn classroom(&self, id: &str) -> Result<Option<Classroom>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM classrooms WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(classroom_from_row).transpose()
    }

    /// The classroom with this join code, however it was typed; archived ones too (the caller
    /// decides what joining an archived classroom means).
    pub async fn classroom_by_code(&self, code: &str) -> Result<Option<Classroom>> {
        let Some(code) = codes::normalize_code(code) else {
            return Ok(None);
        };
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM classrooms WHERE code = $1"))
            .bind(code)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(classroom_from_row).transpose()
    }

    /// An instructor's classrooms, archived ones included, newest first.
    pub async fn classrooms_of(&self, instructor_id: &str) -> Result<Vec<Classroom>> {
        sqlx::query(&format!(
            "SELECT {COLUMNS} FROM classrooms WHERE instructor_id = $1 ORDER BY created_at DESC, id"
        ))
        .bind(instructor_id)
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(classroom_from_row)
        .collect()
    }

    /// Marks the classroom archived (once: archiving again keeps the first time).
    pub async fn archive_classroom(&self, id: &str) -> Result<()> {
        sqlx::query("UPDATE classrooms SET archived_at = $1 WHERE id = $2 AND archived_at IS NULL")
            .bind(codes::now_ms())
            .bind(id)
            .execute(&self.pool)
            .await?;
        match self.classroom(id).await? {
            Some(_) => Ok(()),
            None => Err(classroom_not_found(id)),
        }
    }
}

/// A classroom's on/off settings, each a 0/1 column.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Switch {
    Gated,
    RecordCommands,
}

impl Store {
    /// Turns gated progress on or off for the classroom's learners.
    pub async fn set_classroom_gated(&self, id: &str, gated: bool) -> Result<()> {
        self.set_classroom_switch(id, Switch::Gated, gated).await
    }

    pub(crate) async fn set_classroom_switch(
        &self,
        id: &str,
        switch: Switch,
        on: bool,
    ) -> Result<()> {
        let sql = match switch {
            Switch::Gated => "UPDATE classrooms SET gated = $1 WHERE id = $2",
            Switch::RecordCommands => "UPDATE classrooms SET record_commands = $1 WHERE id = $2",
        };
        let done = sqlx::query(sql)
            .bind(i64::from(on))
            .bind(id)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(classroom_not_found(id));
        }
        Ok(())
    }
}

fn classroom_from_row(row: &AnyRow) -> Result<Classroom> {
    let code: String = row.try_get("code")?;
    Ok(Classroom {
        id: row.try_get("id")?,
        code: codes::display_code(&code),
        name: row.try_get("name")?,
        instructor_id: row.try_get("instructor_id")?,
        created_at: row.try_get("created_at")?,
        archived_at: row.try_get("archived_at")?,
        gated: row.try_get::<i64, _>("gated")? != 0,
        record_commands: row.try_get::<i64, _>("record_commands")? != 0,
    })
}
