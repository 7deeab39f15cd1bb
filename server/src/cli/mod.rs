//! The command line: one module per command; this one holds what they share — the runtime, the
//! logs, exit codes, the output language and how a problem is reported.

use std::process::ExitCode;

use kubelab_checks::Text;
use serde::Serialize;
use tracing_subscriber::EnvFilter;

pub mod content;
pub mod exercises;
pub mod grade;
pub mod instructor;
pub mod search;
pub mod start;

/// Exit code: everything passed.
pub const EXIT_PASS: u8 = 0;
/// Exit code: the submission or the cluster state does not pass.
pub const EXIT_FAIL: u8 = 1;
/// Exit code: the check could not run (unknown exercise, unreadable input, no cluster...).
pub const EXIT_ERROR: u8 = 2;

/// The async runtime of a command, or None after saying on stderr why there is none.
pub fn runtime(multi_thread: bool) -> Option<tokio::runtime::Runtime> {
    let mut builder = if multi_thread {
        tokio::runtime::Builder::new_multi_thread()
    } else {
        tokio::runtime::Builder::new_current_thread()
    };
    match builder.enable_all().build() {
        Ok(rt) => Some(rt),
        Err(e) => {
            eprintln!("kubelab: cannot start the async runtime: {e}");
            None
        }
    }
}

/// Logs of a one-shot command: to stderr (stdout is the result, possibly JSON) and off unless
/// KUBELAB_LOG asks — the result already says what went wrong. Use it on a current-thread
/// runtime, so a scoped subscriber sees every event.
pub fn command_logs() -> impl tracing::Subscriber + Send + Sync {
    let filter = EnvFilter::try_from_env("KUBELAB_LOG").unwrap_or_else(|_| EnvFilter::new("off"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .finish()
}

/// The language of human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum OutLang {
    #[default]
    Zh,
    En,
}

impl OutLang {
    pub fn code(self) -> &'static str {
        match self {
            OutLang::Zh => "zh",
            OutLang::En => "en",
        }
    }

    fn pick(self, zh: &'static str, en: &'static str) -> &'static str {
        match self {
            OutLang::Zh => zh,
            OutLang::En => en,
        }
    }
}

pub fn print_json<T: Serialize>(value: &T) -> ExitCode {
    match serde_json::to_string_pretty(value) {
        Ok(s) => {
            println!("{s}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("kubelab: cannot write JSON: {e}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// A problem the command line reports: a code (as in the HTTP API), a bilingual message and the
/// exit code.
pub struct Problem {
    pub code: &'static str,
    pub message: Text,
    pub exit: u8,
}

impl Problem {
    pub fn error(code: &'static str, message: Text) -> Self {
        Problem {
            code,
            message,
            exit: EXIT_ERROR,
        }
    }

    /// Prints the problem (JSON `{ "error": { code, message } }` with `--json`) and gives the exit code.
    pub fn report(&self, output: &exercises::OutputArgs) -> ExitCode {
        if output.json {
            let body =
                serde_json::json!({ "error": { "code": self.code, "message": self.message } });
            println!("{body}");
        } else {
            eprintln!("kubelab: {}", self.message.get(output.lang.code()));
        }
        ExitCode::from(self.exit)
    }
}
