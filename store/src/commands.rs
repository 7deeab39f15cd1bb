//! The commands a classroom's learners run in the in-page terminal, kept when its instructor
//! turned recording on (`classrooms.record_commands`). Bounded: a command is cut at
//! [`MAX_COMMAND_CHARS`], and a learner keeps their newest [`KEPT_COMMANDS`]. Not removed when a
//! classroom is archived (like its attempts); a secret typed on a command line is kept as typed.

use kubelab_wire::TerminalCommand;
use sqlx::Row;

use crate::classrooms::Switch;
use crate::{Result, Store};

/// A longer command is kept cut to this many characters (a pasted manifest is not a command).
pub const MAX_COMMAND_CHARS: usize = 1000;
/// The newest this many commands of a learner are kept; older ones go as new ones come.
pub const KEPT_COMMANDS: i64 = 500;
/// A command's mark (the shell's id for it) is cut to this many characters.
pub const MAX_MARK_CHARS: usize = 64;

impl Store {
    /// Turns the recording of terminal commands on or off for the classroom's learners. What
    /// was kept stays.
    pub async fn set_classroom_recording(&self, id: &str, on: bool) -> Result<()> {
        self.set_classroom_switch(id, Switch::RecordCommands, on)
            .await
    }

    /// Whether the commands `learner_id` runs are to be kept: their classroom records them.
    /// A self-paced learner's never are.
    pub async fn records_commands(&self, learner_id: &str) -> Result<bool> {
        let row = sqlx::query(
            "SELECT c.record_commands FROM learners l JOIN classrooms c ON c.id = l.classroom_id \
             WHERE l.id = $1",
        )
        .bind(learner_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            Some(row) => row.try_get::<i64, _>("record_commands")? != 0,
            None => false,
        })
    }

    /// Keeps the commands `learner_id` ran, in order, each `(mark, command)` at `at` (unix ms),
    /// cut to [`MAX_COMMAND_CHARS`], if their classroom records commands now (checked in the
    /// insert: switching recording off takes effect at once, on every replica). A mark already
    /// kept (the same shell seen from two tabs) is kept once. Lets the oldest go beyond
    /// [`KEPT_COMMANDS`]. Returns how many were kept.
    pub async fn add_terminal_commands(
        &self,
        learner_id: &str,
        at: i64,
        commands: &[(String, String)],
    ) -> Result<u64> {
        let mut kept = 0;
        let mut tx = self.pool.begin().await?;
        for (mark, command) in commands {
            let command: String = command.chars().take(MAX_COMMAND_CHARS).collect();
            let mark: String = mark.chars().take(MAX_MARK_CHARS).collect();
            kept += sqlx::query(
                "INSERT INTO terminal_commands (learner_id, mark, at, command) \
                 SELECT $1, $2, $3, $4 WHERE EXISTS (\
                   SELECT 1 FROM learners l JOIN classrooms c ON c.id = l.classroom_id \
                   WHERE l.id = $1 AND c.record_commands <> 0) \
                 ON CONFLICT (learner_id, mark) DO NOTHING",
            )
            .bind(learner_id)
            .bind(&mark)
            .bind(at)
            .bind(&command)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        }
        if kept > 0 {
            sqlx::query(
                "DELETE FROM terminal_commands WHERE learner_id = $1 AND id <= (\
                   SELECT id FROM terminal_commands WHERE learner_id = $1 \
                   ORDER BY id DESC LIMIT 1 OFFSET $2)",
            )
            .bind(learner_id)
            .bind(KEPT_COMMANDS)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(kept)
    }

    /// `learner_id`'s kept commands, newest first, at most `limit`.
    pub async fn terminal_commands(
        &self,
        learner_id: &str,
        limit: u32,
    ) -> Result<Vec<TerminalCommand>> {
        let rows = sqlx::query(
            "SELECT at, command FROM terminal_commands WHERE learner_id = $1 \
             ORDER BY id DESC LIMIT $2",
        )
        .bind(learner_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(TerminalCommand {
                    at: r.try_get("at")?,
                    command: r.try_get("command")?,
                })
            })
            .collect()
    }
}
