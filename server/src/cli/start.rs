//! `kubelab start <id> --namespace NS [--reset]`: creates a break-fix exercise's starting objects
//! (its `setup:`) in a namespace, as the "Start" button does for a learner — for somebody on
//! their own cluster, and for tests.

use std::process::ExitCode;

use clap::Args;
use kubelab_checks::ExerciseKind;

use super::exercises::{find, load_or_report, OutputArgs};
use super::{print_json, Problem, EXIT_ERROR};
use crate::config::{ClusterArgs, ContentArgs};
use crate::service::setup::start_in;
use crate::service::ServiceError;

#[derive(Debug, Args)]
pub struct StartArgs {
    /// The exercise id (see `kubelab exercises`); it must have a `setup:`.
    pub id: String,
    /// Delete the exercise's objects first (a fresh start).
    #[arg(long)]
    pub reset: bool,
    #[command(flatten)]
    pub cluster: ClusterArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub content: ContentArgs,
}

/// `kubelab start`: exit 0 when the objects are created, 2 otherwise.
pub fn run(args: &StartArgs) -> ExitCode {
    let catalog = match load_or_report(&args.content.content) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let ex = match find(&catalog, &args.id) {
        Ok(ex) => ex,
        Err(p) => return p.report(&args.output),
    };
    if ex.kind != ExerciseKind::Cluster || ex.setup.is_empty() {
        let e = ServiceError::NothingToStart(ex.id.clone());
        return Problem::error(e.code(), e.text()).report(&args.output);
    }
    let Some(runtime) = super::runtime(false) else {
        return ExitCode::from(EXIT_ERROR);
    };
    let logs = super::command_logs();
    let result = tracing::subscriber::with_default(logs, || {
        runtime.block_on(async {
            let cluster = crate::cluster::Cluster::connect(&args.cluster).await?;
            start_in(
                &cluster,
                &cluster.client(),
                ex,
                &args.cluster.namespace,
                args.reset,
            )
            .await
        })
    });
    match result {
        Ok(started) if args.output.json => print_json(&started),
        Ok(started) => {
            println!("{}", started.message.get(args.output.lang.code()));
            ExitCode::SUCCESS
        }
        Err(e) => Problem::error(e.code(), e.text()).report(&args.output),
    }
}
