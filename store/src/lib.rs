//! kubelab's durable state: learners, instructors, classrooms, attempts with their evidence, and
//! browser sessions. One SQLite file by default, PostgreSQL for bigger classes; the queries are
//! the same for both (sqlx's `any` driver), the migrations are per backend (`migrations/`).
//! See docs/ARCHITECTURE.md, "Store".

mod attempts;
mod classrooms;
mod codes;
pub mod commands;
mod error;
pub mod events;
mod evidence;
mod instructors;
mod learners;
mod model;
mod password;
mod sessions;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::AnyPoolOptions;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{AnyPool, Executor};

pub use error::{Result, StoreError};
pub use evidence::strip_evidence;
pub use model::{
    Attempt, AttemptSource, Backend, Classroom, ExerciseProgress, Gating, Instructor, Learner,
    NewAttempt, NewLearner, Status, StuckCount,
};
pub use sessions::SessionStore;

/// How long a query waits for a connection, and SQLite for a write lock, before giving up with
/// an "unavailable" error.
const WAIT: Duration = Duration::from_secs(5);

/// The handle to the database. Cheap to clone (pools inside).
#[derive(Clone, Debug)]
pub struct Store {
    /// All of kubelab's own queries.
    pool: AnyPool,
    backend: Backend,
    /// tower-sessions-sqlx-store needs a typed pool: a second, small pool on the same database.
    sessions: SessionStore,
    /// On PostgreSQL, the typed pool again: LISTEN/NOTIFY between replicas (`events`).
    pg: Option<sqlx::PgPool>,
}

impl Store {
    /// Opens `sqlite://data/kubelab.db` (creating the directory and the file; WAL, foreign keys,
    /// busy timeout, full sync) or `postgres://…`, and migrates it. Errors name the URL without
    /// its password.
    pub async fn open(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl {
                url: error::redact_url(url),
            });
        };
        let (pool, sessions, pg) = match backend {
            Backend::Sqlite => {
                let (pool, sessions) = open_sqlite(url).await?;
                (pool, sessions, None)
            }
            Backend::Postgres => {
                let (pool, sessions, pg) = open_postgres(url).await?;
                (pool, sessions, Some(pg))
            }
        };
        password::warm_up();
        tracing::info!(url = %error::redact_url(url), ?backend, "store open");
        Ok(Store {
            pool,
            backend,
            sessions,
            pg,
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Sessions on the same database; its table was created by `open`. Also implements
    /// `ExpiredDeletion`, for `continuously_delete_expired`.
    pub fn session_store(&self) -> SessionStore {
        self.sessions.clone()
    }

    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}

async fn open_sqlite(url: &str) -> Result<(AnyPool, SessionStore)> {
    if url.contains(":memory:") || url.contains("mode=memory") {
        return Err(StoreError::UnsupportedUrl {
            url: error::redact_url(url),
        });
    }
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|e| StoreError::open(url, e))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // WAL with NORMAL: a commit survives the process being killed (BENCHMARKS.md: durability),
        // without an fsync per attempt on the check path; a power cut may lose the last commits.
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(WAIT);
    if let Some(dir) = options.get_filename().parent() {
        if !dir.as_os_str().is_empty() {
            tokio::fs::create_dir_all(dir)
                .await
                .map_err(|e| StoreError::open(url, sqlx::Error::Io(e)))?;
        }
    }
    let typed = SqlitePoolOptions::new()
        .max_connections(2)
        .acquire_timeout(WAIT)
        .connect_with(options)
        .await
        .map_err(|e| StoreError::open(url, e))?;
    sqlx::migrate!("migrations/sqlite")
        .run(&typed)
        .await
        .map_err(|e| StoreError::migrate(url, e))?;
    let sessions = SessionStore::sqlite(typed)
        .await
        .map_err(|e| StoreError::open(url, e))?;
    // The any driver only takes a URL: set per connection what the URL cannot say
    // (journal mode WAL is a property of the file, already set above).
    let pool = AnyPoolOptions::new()
        .acquire_timeout(WAIT)
        .max_connections(8)
        .after_connect(|conn, _| {
            Box::pin(async move {
                for pragma in [
                    "PRAGMA foreign_keys = ON",
                    "PRAGMA busy_timeout = 5000", // WAIT
                    "PRAGMA synchronous = NORMAL",
                ] {
                    conn.execute(pragma).await?;
                }
                Ok(())
            })
        })
        .connect(url)
        .await
        .map_err(|e| StoreError::open(url, e))?;
    Ok((pool, sessions))
}

async fn open_postgres(url: &str) -> Result<(AnyPool, SessionStore, sqlx::PgPool)> {
    let options = PgConnectOptions::from_str(url).map_err(|e| StoreError::open(url, e))?;
    // Sessions, publishing, and the one listener connection that events.rs keeps.
    let typed = PgPoolOptions::new()
        .max_connections(4)
        .acquire_timeout(WAIT)
        .connect_with(options)
        .await
        .map_err(|e| StoreError::open(url, e))?;
    sqlx::migrate!("migrations/postgres")
        .run(&typed)
        .await
        .map_err(|e| StoreError::migrate(url, e))?;
    let sessions = SessionStore::postgres(typed.clone())
        .await
        .map_err(|e| StoreError::open(url, e))?;
    let pool = AnyPoolOptions::new()
        .acquire_timeout(WAIT)
        .max_connections(10)
        .connect(url)
        .await
        .map_err(|e| StoreError::open(url, e))?;
    Ok((pool, sessions, typed))
}

/// A unique constraint was violated (a random id or code collided, or an email exists).
fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}

fn is_foreign_key_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_foreign_key_violation())
}

/// How often an insert is retried when a random id or code collides.
const INSERT_TRIES: usize = 5;
