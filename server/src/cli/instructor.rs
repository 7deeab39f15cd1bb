//! `kubelab instructor add <email>`: instructors are added by whoever runs the server, never
//! through the web.

use std::io::BufRead;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use crate::config::DatabaseArgs;

#[derive(Debug, Subcommand)]
pub enum InstructorCommand {
    /// Add an instructor (asks for the password twice), or set a new password with --reset.
    Add(AddArgs),
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The instructor's email; it is their login.
    email: String,
    /// Read the password from the first line of standard input instead of asking (scripts).
    #[arg(long)]
    password_stdin: bool,
    /// The instructor exists: set this new password.
    #[arg(long)]
    reset: bool,
    #[command(flatten)]
    database: DatabaseArgs,
}

/// Passwords shorter than this are refused.
pub const MIN_PASSWORD: usize = 10;

fn read_password(args: &AddArgs) -> Result<String, String> {
    let password = if args.password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| format!("cannot read the password from stdin: {e}"))?;
        line.trim_end_matches(['\r', '\n']).to_string()
    } else {
        let first = rpassword::prompt_password(format!("Password for {}: ", args.email))
            .map_err(|e| format!("cannot read the password: {e}"))?;
        let again = rpassword::prompt_password("Once more: ")
            .map_err(|e| format!("cannot read the password: {e}"))?;
        if first != again {
            return Err("the two passwords differ; nothing was changed".into());
        }
        first
    };
    if password.chars().count() < MIN_PASSWORD {
        return Err(format!(
            "the password is too short: use at least {MIN_PASSWORD} characters"
        ));
    }
    Ok(password)
}

pub fn run(cmd: InstructorCommand) -> ExitCode {
    let InstructorCommand::Add(args) = cmd;
    let email = args.email.trim().to_lowercase();
    if !email.contains('@') || email.len() > 254 || email.chars().any(char::is_whitespace) {
        eprintln!("kubelab: \"{}\" is not an email address", args.email);
        return ExitCode::from(2);
    }
    let password = match read_password(&args) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("kubelab: {e}");
            return ExitCode::from(2);
        }
    };
    let Some(runtime) = super::runtime(false) else {
        return ExitCode::from(2);
    };
    let result = runtime.block_on(async {
        let store = kubelab_store::Store::open(&args.database.url).await?;
        if args.reset {
            store.set_instructor_password(&email, &password).await
        } else {
            store.add_instructor(&email, &password).await.map(|_| ())
        }
    });
    match result {
        Ok(()) => {
            if args.reset {
                println!("password of instructor {email} changed");
            } else {
                println!("instructor {email} added; sign in at /zh/teach or /en/teach");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("kubelab: {}", e.text().en);
            ExitCode::from(2)
        }
    }
}
