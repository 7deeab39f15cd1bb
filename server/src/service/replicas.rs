//! Several `kubelab serve` processes on one PostgreSQL: a board open on one replica hears of an
//! attempt stored by another through the store's LISTEN/NOTIFY (`kubelab_store::Listener`).
//! Live verdicts need nothing of this: every replica watches the cluster itself. On SQLite
//! there is one process and nothing here runs.

use std::sync::Arc;
use std::time::Duration;

use kubelab_store::events::Received;
use tokio::sync::watch;

use super::Lab;

/// What a board listens for when it should look again whatever its classroom: events were lost.
pub const EVERY_CLASSROOM: &str = "*";

/// How long the relay waits before listening again after the database refused.
const RETRY: Duration = Duration::from_secs(2);

/// The payload that tells other replicas a classroom's board changed.
pub fn board_event(replica: &str, classroom: &str) -> String {
    format!("board {replica} {classroom}")
}

/// The classroom a payload names, unless this replica sent it (it told its boards already)
/// or it is not a board event (a newer replica's kind this one does not know).
pub fn classroom_of<'a>(payload: &'a str, replica: &str) -> Option<&'a str> {
    let mut parts = payload.splitn(3, ' ');
    match (parts.next(), parts.next(), parts.next()) {
        (Some("board"), Some(from), Some(classroom))
            if from != replica && !classroom.is_empty() =>
        {
            Some(classroom)
        }
        _ => None,
    }
}

impl Lab {
    /// Tells other replicas (on PostgreSQL) that `classroom`'s board changed; the store call runs
    /// in the background so an answer never waits for it.
    pub(super) fn publish_board(&self, classroom: &str) {
        if self.store.backend() != kubelab_store::Backend::Postgres {
            return;
        }
        let store = self.store.clone();
        let payload = board_event(&self.replica, classroom);
        tokio::spawn(async move {
            if let Err(e) = store.publish(&payload).await {
                tracing::warn!(error = %e, "other replicas were not told of a board change");
            }
        });
    }
}

/// Relays other replicas' board events to this process's boards until shutdown. Returns at once
/// on SQLite. After a lost connection every board refreshes (events in the gap are gone).
pub async fn relay(lab: Arc<Lab>, mut shutdown: watch::Receiver<bool>) {
    loop {
        let mut listener = match lab.store.listen().await {
            Ok(Some(l)) => l,
            Ok(None) => return,
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for other replicas' events; retrying");
                tokio::select! {
                    _ = tokio::time::sleep(RETRY) => continue,
                    _ = shutdown.wait_for(|d| *d) => return,
                }
            }
        };
        // Whatever happened before we listened is unknown: boards look again.
        let _ = lab.events.send(EVERY_CLASSROOM.to_string());
        loop {
            let received = tokio::select! {
                r = listener.recv() => r,
                _ = shutdown.wait_for(|d| *d) => return,
            };
            match received {
                Ok(Received::Event(payload)) => {
                    if let Some(classroom) = classroom_of(&payload, &lab.replica) {
                        let _ = lab.events.send(classroom.to_string());
                    }
                }
                Ok(Received::Reconnected) => {
                    let _ = lab.events.send(EVERY_CLASSROOM.to_string());
                }
                Err(e) => {
                    tracing::warn!(error = %e, "listening for other replicas' events failed; retrying");
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
