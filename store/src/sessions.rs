//! Browser sessions in the same database, through tower-sessions-sqlx-store. One type for both
//! backends so the server's session layer does not depend on which database it runs on.

use async_trait::async_trait;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

/// An advisory lock key of our own ("kubelabS" in ASCII), distinct from sqlx's migration lock.
const SESSIONS_MIGRATION_LOCK: i64 = 0x6b75_6265_6c61_6253;

#[derive(Clone, Debug)]
pub struct SessionStore(Inner);

#[derive(Clone, Debug)]
enum Inner {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl SessionStore {
    pub(crate) async fn sqlite(pool: sqlx::SqlitePool) -> sqlx::Result<Self> {
        let store = SqliteStore::new(pool);
        store.migrate().await?;
        Ok(SessionStore(Inner::Sqlite(store)))
    }

    /// Replicas starting together create the sessions table one at a time: its migration has no
    /// lock of its own (sqlx's migrator, for our tables, takes one), so take an advisory lock
    /// around it, held by a connection of this pool and released when that connection ends.
    pub(crate) async fn postgres(pool: sqlx::PgPool) -> sqlx::Result<Self> {
        let store = PostgresStore::new(pool.clone());
        let mut lock = pool.acquire().await?;
        sqlx::query("SELECT pg_advisory_lock($1)")
            .bind(SESSIONS_MIGRATION_LOCK)
            .execute(&mut *lock)
            .await?;
        let migrated = store.migrate().await;
        sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(SESSIONS_MIGRATION_LOCK)
            .execute(&mut *lock)
            .await?;
        migrated?;
        Ok(SessionStore(Inner::Postgres(store)))
    }
}

#[async_trait]
impl tower_sessions::SessionStore for SessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match &self.0 {
            Inner::Sqlite(s) => s.create(record).await,
            Inner::Postgres(s) => s.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match &self.0 {
            Inner::Sqlite(s) => s.save(record).await,
            Inner::Postgres(s) => s.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match &self.0 {
            Inner::Sqlite(s) => s.load(id).await,
            Inner::Postgres(s) => s.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match &self.0 {
            Inner::Sqlite(s) => s.delete(id).await,
            Inner::Postgres(s) => s.delete(id).await,
        }
    }
}

#[async_trait]
impl ExpiredDeletion for SessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        match &self.0 {
            Inner::Sqlite(s) => s.delete_expired().await,
            Inner::Postgres(s) => s.delete_expired().await,
        }
    }
}
