//! The instructor's view of a classroom, built purely from the catalog and the store's rows:
//! the learner × exercise matrix, where learners are stuck, and the CSV export.

use kubelab_checks::{Catalog, ExerciseKind, Text};
use kubelab_store::{Classroom, ExerciseProgress, Learner, Status, StuckCount};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Board {
    pub classroom: BoardClassroom,
    pub exercises: Vec<BoardExercise>,
    pub learners: Vec<BoardLearner>,
    pub stuck: Vec<StuckCount>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BoardClassroom {
    pub id: String,
    pub code: String,
    pub name: String,
    pub archived_at: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BoardExercise {
    pub id: String,
    pub kind: ExerciseKind,
    pub title: Text,
}

#[derive(Debug, Clone, Serialize)]
pub struct BoardLearner {
    pub id: String,
    pub display_name: Option<String>,
    pub namespace: String,
    /// One per exercise, in the order of `Board::exercises`.
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    pub exercise_id: String,
    pub status: Status,
    pub attempts: u32,
    pub first_pass_at: Option<i64>,
}

/// Every exercise of the catalog gets a column, including those nobody has tried; learners are
/// in the order the store gives (join order). `namespace_of` maps a learner to the namespace
/// their checks read.
pub fn build(
    catalog: &Catalog,
    classroom: &Classroom,
    matrix: Vec<(Learner, Vec<ExerciseProgress>)>,
    stuck: Vec<StuckCount>,
    namespace_of: impl Fn(&Learner) -> String,
) -> Board {
    let exercises: Vec<BoardExercise> = catalog
        .iter()
        .map(|ex| BoardExercise {
            id: ex.id.clone(),
            kind: ex.kind,
            title: ex.title.clone(),
        })
        .collect();
    let learners = matrix
        .into_iter()
        .map(|(learner, progress)| {
            let cells = exercises
                .iter()
                .map(
                    |ex| match progress.iter().find(|p| p.exercise_id == ex.id) {
                        Some(p) => Cell {
                            exercise_id: ex.id.clone(),
                            status: p.status,
                            attempts: p.attempts,
                            first_pass_at: p.first_pass_at,
                        },
                        None => Cell {
                            exercise_id: ex.id.clone(),
                            status: Status::NotStarted,
                            attempts: 0,
                            first_pass_at: None,
                        },
                    },
                )
                .collect();
            BoardLearner {
                namespace: namespace_of(&learner),
                id: learner.id,
                display_name: learner.display_name,
                cells,
            }
        })
        .collect();
    Board {
        classroom: BoardClassroom {
            id: classroom.id.clone(),
            code: classroom.code.clone(),
            name: classroom.name.clone(),
            archived_at: classroom.archived_at,
        },
        exercises,
        learners,
        stuck,
    }
}

fn status_word(s: &Status) -> &'static str {
    match s {
        Status::NotStarted => "not-started",
        Status::Failing => "failing",
        Status::Passed => "passed",
    }
}

/// `learner,namespace,exercise,status,first_pass_at,attempts`, one row per learner × exercise.
/// Spreadsheet formula injection is defused: a cell starting with `= + - @` gets a leading `'`.
pub fn csv(board: &Board) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut rows: Vec<[String; 6]> = vec![[
        "learner".into(),
        "namespace".into(),
        "exercise".into(),
        "status".into(),
        "first_pass_at".into(),
        "attempts".into(),
    ]];
    for l in &board.learners {
        let name = l.display_name.clone().unwrap_or_else(|| l.id.clone());
        for c in &l.cells {
            rows.push([
                defuse(&name),
                l.namespace.clone(),
                c.exercise_id.clone(),
                status_word(&c.status).to_string(),
                c.first_pass_at.map(iso8601).unwrap_or_default(),
                c.attempts.to_string(),
            ]);
        }
    }
    for row in rows {
        // Writing to a Vec cannot fail; a failure here would be a bug in csv, not input.
        if let Err(e) = w.write_record(&row) {
            tracing::error!("csv export: {e}");
        }
    }
    match w.into_inner() {
        Ok(bytes) => String::from_utf8(bytes).unwrap_or_default(),
        Err(e) => {
            tracing::error!("csv export: {e}");
            String::new()
        }
    }
}

fn defuse(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// Unix milliseconds → `2026-11-26T03:04:05Z` (UTC, seconds precision).
pub fn iso8601(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests;
