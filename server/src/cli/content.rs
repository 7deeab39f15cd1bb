//! `kubelab content check`.

use std::collections::HashSet;
use std::process::ExitCode;

use crate::config::ContentArgs;
use crate::service::catalog::load_catalog;

/// `kubelab content check`: chapters, diagrams and links, the exercise catalog, and that every
/// exercise a chapter names exists. Exit 1 on any problem.
pub fn check(args: &ContentArgs) -> ExitCode {
    let mut problems = 0usize;
    let course = match kubelab_app::content::load(&args.content) {
        Ok(course) => Some(course),
        Err(errors) => {
            eprintln!("{errors}");
            problems += errors.0.len();
            None
        }
    };
    let catalog = match load_catalog(&args.content) {
        Ok(catalog) => Some(catalog),
        Err(e) => {
            eprintln!("{e}");
            problems += 1;
            None
        }
    };
    if let (Some(course), Some(catalog)) = (&course, &catalog) {
        let known: HashSet<String> = catalog.iter().map(|e| e.id.clone()).collect();
        if let Err(errors) = kubelab_app::content::check_exercises(course, &known) {
            eprintln!("{errors}");
            problems += errors.0.len();
        }
    }
    match (course, catalog) {
        (Some(course), Some(catalog)) if problems == 0 => {
            println!(
                "content OK: {} chapters in zh and en, {} parts, {} exercises",
                course.order.len(),
                course.parts.len(),
                catalog.len()
            );
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("content check: {problems} problem(s)");
            ExitCode::FAILURE
        }
    }
}
