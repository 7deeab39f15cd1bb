//! Events between replicas on one PostgreSQL: LISTEN/NOTIFY on one channel. On SQLite there is
//! only one process, so publishing does nothing and there is nothing to listen to.

use sqlx::postgres::PgListener;

use crate::{Result, Store};

/// The one channel kubelab notifies on.
const CHANNEL: &str = "kubelab_events";

/// What a [`Listener`] hands over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    /// A payload another process (or this one) published.
    Event(String),
    /// The connection was lost and has been re-established: events published meanwhile are gone,
    /// so whatever depends on them should be refreshed.
    Reconnected,
}

/// Subscribed to [`CHANNEL`] on a connection of its own.
pub struct Listener(PgListener);

impl std::fmt::Debug for Listener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Listener")
    }
}

impl Listener {
    /// The next event; waits for it. After a lost connection it says [`Received::Reconnected`]
    /// once (sqlx reconnects on the following call).
    pub async fn recv(&mut self) -> Result<Received> {
        Ok(match self.0.try_recv().await? {
            Some(n) => Received::Event(n.payload().to_string()),
            None => Received::Reconnected,
        })
    }
}

impl Store {
    /// Tells every process listening on this database (itself included). A no-op on SQLite.
    /// Payloads are ids kubelab makes (PostgreSQL refuses more than 8000 bytes).
    /// Sent after the change it announces was committed, so a listener that reads on receipt
    /// sees it.
    pub async fn publish(&self, payload: &str) -> Result<()> {
        let Some(pg) = &self.pg else { return Ok(()) };
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(payload)
            .execute(pg)
            .await?;
        Ok(())
    }

    /// A listener for what [`Store::publish`] sends, or `None` on SQLite (one process: nothing
    /// to hear from others).
    pub async fn listen(&self) -> Result<Option<Listener>> {
        let Some(pg) = &self.pg else { return Ok(None) };
        let mut l = PgListener::connect_with(pg).await?;
        l.listen(CHANNEL).await?;
        Ok(Some(Listener(l)))
    }
}
