//! The instructor's view of a classroom, built purely from the catalog and the store's rows:
//! the learner × exercise matrix in course order, where learners are stuck, and the CSV exports
//! (the board, and the class analytics `kubelab_wire::analytics` computes from it).

use std::collections::HashSet;

use kubelab_checks::{Catalog, Text};
use kubelab_store::{Classroom, ExerciseProgress, Learner, StuckCount};
use kubelab_wire::analytics::percent;
use kubelab_wire::time::iso8601;
use kubelab_wire::{
    Analytics, Board, BoardChapter, BoardClassroom, BoardExercise, BoardLearner, Cell,
};

use super::gate::ChapterExercises;

/// Every exercise of the catalog gets a column, including those nobody has tried, in course
/// order: chapter by chapter as `chapters` lists them (an exercise two chapters list belongs to
/// the first), then the rest in catalog order under a chapter with an empty id. Learners are in
/// the order the store gives (join order). `namespace_of` maps a learner to the namespace their
/// checks read.
pub fn build(
    catalog: &Catalog,
    chapters: &[ChapterExercises],
    classroom: &Classroom,
    matrix: Vec<(Learner, Vec<ExerciseProgress>)>,
    stuck: Vec<StuckCount>,
    namespace_of: impl Fn(&Learner) -> String,
) -> Board {
    // Named by what they check, not by their ids.
    let stuck = stuck
        .into_iter()
        .map(|mut s| {
            s.message = catalog
                .get(&s.exercise_id)
                .and_then(|ex| ex.assertions.iter().find(|a| a.id == s.assertion_id))
                .map(|a| a.message.clone());
            s
        })
        .collect();
    let chapters = course_order(catalog, chapters);
    let exercises: Vec<BoardExercise> = chapters
        .iter()
        .flat_map(|c| &c.exercises)
        .filter_map(|id| catalog.get(id))
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
                            first_at: p.first_at,
                            last_at: p.last_at,
                        },
                        None => Cell::not_started(&ex.id),
                    },
                )
                .collect();
            BoardLearner {
                namespace: namespace_of(&learner),
                joined_at: learner.created_at,
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
            gated: classroom.gated,
            record_commands: classroom.record_commands,
        },
        exercises,
        chapters,
        learners,
        stuck,
    }
}

/// The board's chapters: each chapter with the catalog's exercises it lists first, chapters
/// with none left out, then the exercises no chapter lists (catalog order, empty id).
fn course_order(catalog: &Catalog, chapters: &[ChapterExercises]) -> Vec<BoardChapter> {
    let mut seen: HashSet<&str> = HashSet::new();
    let mut out: Vec<BoardChapter> = chapters
        .iter()
        .map(|c| BoardChapter {
            id: c.id.clone(),
            title: c.title.clone(),
            exercises: c
                .exercises
                .iter()
                .filter(|id| catalog.get(id).is_some() && seen.insert(id.as_str()))
                .cloned()
                .collect(),
        })
        .filter(|c| !c.exercises.is_empty())
        .collect();
    let rest: Vec<String> = catalog
        .iter()
        .filter(|ex| !seen.contains(ex.id.as_str()))
        .map(|ex| ex.id.clone())
        .collect();
    if !rest.is_empty() {
        out.push(BoardChapter {
            id: String::new(),
            title: Text::default(),
            exercises: rest,
        });
    }
    out
}

/// `learner,namespace,exercise,status,first_pass_at,attempts`, one row per learner × exercise.
/// Spreadsheet formula injection is defused: a cell starting with `= + - @` gets a leading `'`.
pub fn csv(board: &Board) -> String {
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
                c.status.code().to_string(),
                c.first_pass_at.map(iso8601).unwrap_or_default(),
                c.attempts.to_string(),
            ]);
        }
    }
    write_csv(rows)
}

/// The class analytics, one row per value:
/// `metric,subject,label_zh,label_en,count,total,percent` where metric is
/// - `pass_rate`: subject the exercise, labels its title, count who passed of total learners;
/// - `stuck`: subject `exercise/assertion`, labels what it checks, count learners failing it;
/// - `time_to_pass`: subject the bucket in minutes (`0-5`, `120-`), count first passes in it of
///   total first passes;
/// - `idle`: subject the learner's namespace, labels their name, count minutes since their last
///   action, total the threshold N.
pub fn analytics_csv(a: &Analytics) -> String {
    let mut rows: Vec<[String; 7]> = vec![[
        "metric", "subject", "label_zh", "label_en", "count", "total", "percent",
    ]
    .map(String::from)];
    for p in &a.pass_rates {
        rows.push([
            "pass_rate".into(),
            p.exercise_id.clone(),
            defuse(&p.title.zh),
            defuse(&p.title.en),
            p.passed.to_string(),
            a.learners.to_string(),
            p.percent(a.learners).to_string(),
        ]);
    }
    for s in &a.stuck {
        let what = s
            .message
            .clone()
            .unwrap_or_else(|| Text::new(s.assertion_id.clone(), s.assertion_id.clone()));
        rows.push([
            "stuck".into(),
            format!("{}/{}", s.exercise_id, s.assertion_id),
            defuse(&what.zh),
            defuse(&what.en),
            s.learners.to_string(),
            a.learners.to_string(),
            percent(s.learners, a.learners).to_string(),
        ]);
    }
    let passes: u32 = a.time_to_pass.iter().map(|b| b.count).sum();
    for b in &a.time_to_pass {
        let to = b.to_minutes.map(|m| m.to_string()).unwrap_or_default();
        let (zh, en) = match b.to_minutes {
            Some(to) => (
                format!("{}–{to} 分钟", b.from_minutes),
                format!("{}–{to} min", b.from_minutes),
            ),
            None => (
                format!("≥ {} 分钟", b.from_minutes),
                format!("≥ {} min", b.from_minutes),
            ),
        };
        rows.push([
            "time_to_pass".into(),
            format!("{}-{to}", b.from_minutes),
            zh,
            en,
            b.count.to_string(),
            passes.to_string(),
            percent(b.count, passes).to_string(),
        ]);
    }
    for l in &a.idle {
        let name = defuse(l.display_name.as_deref().unwrap_or(&l.id));
        rows.push([
            "idle".into(),
            l.namespace.clone(),
            name.clone(),
            name,
            l.idle_for_minutes.to_string(),
            a.idle_minutes.to_string(),
            String::new(),
        ]);
    }
    write_csv(rows)
}

fn write_csv<const N: usize>(rows: Vec<[String; N]>) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
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

#[cfg(test)]
mod tests;
