use kubelab_checks::Text;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::{codes, is_unique_violation, password, Instructor, Result, Store, StoreError};

impl Store {
    /// A new instructor; an error if the email is taken (use `set_instructor_password`).
    pub async fn add_instructor(&self, email: &str, password: &str) -> Result<Instructor> {
        let email = normalize_email(email)?;
        password::check_strength(password)?;
        let instructor = Instructor {
            id: codes::new_id(),
            email,
            created_at: codes::now_ms(),
        };
        let hash = password::hash(password).await?;
        let inserted = sqlx::query(
            "INSERT INTO instructors (id, email, password_hash, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&instructor.id)
        .bind(&instructor.email)
        .bind(hash)
        .bind(instructor.created_at)
        .execute(&self.pool)
        .await;
        match inserted {
            Ok(_) => Ok(instructor),
            Err(e) if is_unique_violation(&e) => Err(StoreError::AlreadyExists(Text::new(
                format!("教师账号 {} 已经存在。", instructor.email),
                format!("An instructor {} already exists.", instructor.email),
            ))),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn set_instructor_password(&self, email: &str, password: &str) -> Result<()> {
        let email = normalize_email(email)?;
        password::check_strength(password)?;
        let hash = password::hash(password).await?;
        let done = sqlx::query("UPDATE instructors SET password_hash = $1 WHERE email = $2")
            .bind(hash)
            .bind(&email)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(Text::new(
                format!("没有教师账号 {email}。"),
                format!("No instructor {email}."),
            )));
        }
        Ok(())
    }

    /// The instructor when email and password match; `None` for a wrong password or an unknown
    /// email alike (both take one argon2 verification).
    pub async fn verify_instructor(
        &self,
        email: &str,
        password: &str,
    ) -> Result<Option<Instructor>> {
        let email = email.trim().to_lowercase();
        let row = sqlx::query(
            "SELECT id, email, created_at, password_hash FROM instructors WHERE email = $1",
        )
        .bind(&email)
        .fetch_optional(&self.pool)
        .await?;
        let stored = row
            .as_ref()
            .map(|r| r.try_get::<String, _>("password_hash"))
            .transpose()?;
        if !password::verify(password, stored).await? {
            return Ok(None);
        }
        row.as_ref().map(instructor_from_row).transpose()
    }

    pub async fn instructor(&self, id: &str) -> Result<Option<Instructor>> {
        let row = sqlx::query("SELECT id, email, created_at FROM instructors WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(instructor_from_row).transpose()
    }
}

fn normalize_email(email: &str) -> Result<String> {
    let email = email.trim().to_lowercase();
    let plausible = email.len() <= 254
        && !email.chars().any(char::is_whitespace)
        && email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && !domain.is_empty());
    if !plausible {
        return Err(StoreError::Invalid(Text::new(
            format!("“{email}” 不是有效的邮箱地址。"),
            format!("“{email}” is not a valid email address."),
        )));
    }
    Ok(email)
}

fn instructor_from_row(row: &AnyRow) -> Result<Instructor> {
    Ok(Instructor {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        created_at: row.try_get("created_at")?,
    })
}
