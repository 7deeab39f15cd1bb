//! The in-page terminal's WebSocket (`GET /api/me/terminal`): binary frames carry the shell's
//! bytes both ways; a text frame is a control from the browser ([`TerminalControl`]) or, from
//! the server, where opening the shell stands ([`TerminalStatus`]) or why it failed
//! ([`crate::ErrorBody`], the same body as an HTTP error's).

use serde::{Deserialize, Serialize};

/// A text frame from the server before the shell's bytes: `{"status":"starting"}` while the
/// learner's toolbox is made ready (the first open can take a minute), `{"status":"ready"}` once
/// the shell is attached. `recording` says whether the learner's instructor keeps the commands
/// they run (the page says so while it is true); sent again with `ready` when that changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TerminalStatus {
    pub status: TerminalPhase,
    #[serde(default)]
    pub recording: bool,
}

/// A command a learner ran in the in-page terminal, kept when their classroom records them
/// (`GET /api/teach/classrooms/{id}/learners/{learner}/commands`, newest first). `at` is unix ms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TerminalCommand {
    pub at: i64,
    pub command: String,
}

/// `PUT /api/teach/classrooms/{id}/recording`: keep the commands its learners run in the
/// in-page terminal, or stop (what was kept stays).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordingBody {
    pub record_commands: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TerminalPhase {
    Starting,
    Ready,
}

/// A control message from the browser, as a JSON text frame: `{"resize":{"cols":120,"rows":30}}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum TerminalControl {
    Resize { cols: u16, rows: u16 },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resize_reads_and_anything_else_is_not_a_control() {
        let r: TerminalControl =
            serde_json::from_str(r#"{"resize":{"cols":120,"rows":30}}"#).unwrap();
        assert_eq!(
            r,
            TerminalControl::Resize {
                cols: 120,
                rows: 30
            }
        );
        assert!(serde_json::from_str::<TerminalControl>("ls -l").is_err());
        assert_eq!(
            serde_json::to_string(&TerminalStatus {
                status: TerminalPhase::Starting,
                recording: false,
            })
            .unwrap(),
            r#"{"status":"starting","recording":false}"#
        );
        assert!(
            serde_json::from_str::<TerminalControl>(r#"{"resize":{"cols":-1,"rows":3}}"#).is_err()
        );
    }
}
