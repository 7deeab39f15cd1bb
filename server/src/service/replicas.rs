//! Several `kubelab serve` processes on one PostgreSQL: a board open on one replica hears of an
//! attempt stored by another, and a terminal open on one closes when its learner signs out on
//! another, through the store's LISTEN/NOTIFY (`kubelab_store::Listener`).
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

/// The payload that tells other replicas to close a learner's terminals (they signed out, reset
/// or were archived where this replica answered).
pub fn terminals_event(replica: &str, learner: &str) -> String {
    format!("terminals {replica} {learner}")
}

/// What another replica's payload asks of this one.
#[derive(Debug, PartialEq, Eq)]
pub enum Event<'a> {
    /// A classroom's board changed.
    Board(&'a str),
    /// A learner's terminals must close.
    CloseTerminals(&'a str),
}

/// What a payload asks, unless this replica sent it (it acted already) or it is of a kind or
/// shape this one does not know (a newer replica's).
pub fn event_of<'a>(payload: &'a str, replica: &str) -> Option<Event<'a>> {
    let mut parts = payload.splitn(3, ' ');
    let (kind, from, id) = (parts.next()?, parts.next()?, parts.next()?);
    if from == replica || id.is_empty() {
        return None;
    }
    match kind {
        "board" => Some(Event::Board(id)),
        "terminals" => Some(Event::CloseTerminals(id)),
        _ => None,
    }
}

impl Lab {
    /// Tells other replicas (on PostgreSQL) that `classroom`'s board changed; the store call runs
    /// in the background so an answer never waits for it.
    pub(super) fn publish_board(&self, classroom: &str) {
        self.publish(board_event(&self.replica, classroom));
    }

    /// Tells other replicas (on PostgreSQL) to close `learner`'s terminals.
    pub(super) fn publish_close_terminals(&self, learner: &str) {
        self.publish(terminals_event(&self.replica, learner));
    }

    fn publish(&self, payload: String) {
        if self.store.backend() != kubelab_store::Backend::Postgres {
            return;
        }
        let store = self.store.clone();
        tokio::spawn(async move {
            if let Err(e) = store.publish(&payload).await {
                tracing::warn!(error = %e, payload, "other replicas were not told");
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
                Ok(Received::Event(payload)) => match event_of(&payload, &lab.replica) {
                    Some(Event::Board(classroom)) => {
                        let _ = lab.events.send(classroom.to_string());
                    }
                    Some(Event::CloseTerminals(learner)) => {
                        let _ = lab.terminal_closes.send(learner.to_string());
                    }
                    None => {}
                },
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
