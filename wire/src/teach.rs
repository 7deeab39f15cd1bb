//! The instructor's API: sign-in, classrooms, the board, grading.

use kubelab_checks::{ExerciseKind, Text};
use serde::{Deserialize, Serialize};

use crate::progress::{Status, StuckCount};

/// `POST /api/teach/login`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginBody {
    pub email: String,
    pub password: String,
}

/// `GET /api/teach/me` and the answer of login.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstructorView {
    pub instructor: InstructorRef,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstructorRef {
    pub id: String,
    pub email: String,
}

/// `POST /api/teach/classrooms`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewClassroomBody {
    pub name: String,
}

/// A classroom in the instructor's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassroomView {
    pub id: String,
    /// The join code, `XXXX-XXXX`.
    pub code: String,
    pub name: String,
    pub created_at: i64,
    pub archived_at: Option<i64>,
    pub learners: u32,
    /// Gated progress for its learners.
    #[serde(default)]
    pub gated: bool,
    /// The commands its learners run in the in-page terminal are kept (off unless turned on).
    #[serde(default)]
    pub record_commands: bool,
}

/// `GET /api/teach/classrooms/{id}` and each `board` event: learner × exercise.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Board {
    pub classroom: BoardClassroom,
    /// Every exercise of the catalog, tried or not, in course order: chapter by chapter as the
    /// lessons list them, then any exercise no chapter lists.
    pub exercises: Vec<BoardExercise>,
    /// The chapters over `exercises`, in course order; each names its exercises, which are
    /// consecutive in `exercises`. Exercises no chapter lists come last, under a chapter with an
    /// empty id.
    #[serde(default)]
    pub chapters: Vec<BoardChapter>,
    /// In join order.
    pub learners: Vec<BoardLearner>,
    pub stuck: Vec<StuckCount>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardClassroom {
    pub id: String,
    pub code: String,
    pub name: String,
    pub archived_at: Option<i64>,
    /// Gated progress for its learners.
    #[serde(default)]
    pub gated: bool,
    /// The commands its learners run in the in-page terminal are kept (off unless turned on).
    #[serde(default)]
    pub record_commands: bool,
}

/// A chapter heading over its exercises' columns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardChapter {
    /// The lesson id; empty for the exercises no chapter lists.
    pub id: String,
    pub title: Text,
    pub exercises: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardExercise {
    pub id: String,
    pub kind: ExerciseKind,
    pub title: Text,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardLearner {
    pub id: String,
    pub display_name: Option<String>,
    pub namespace: String,
    /// When the learner joined (unix ms): their last action if they never tried anything.
    #[serde(default)]
    pub joined_at: i64,
    /// One per exercise, in the order of `Board::exercises`.
    pub cells: Vec<Cell>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    pub exercise_id: String,
    pub status: Status,
    pub attempts: u32,
    pub first_pass_at: Option<i64>,
    /// The first and the latest attempt (unix ms).
    #[serde(default)]
    pub first_at: Option<i64>,
    #[serde(default)]
    pub last_at: Option<i64>,
}

impl Cell {
    /// The cell of an exercise nobody has tried.
    pub fn not_started(exercise_id: &str) -> Cell {
        Cell {
            exercise_id: exercise_id.to_string(),
            status: Status::NotStarted,
            attempts: 0,
            first_pass_at: None,
            first_at: None,
            last_at: None,
        }
    }
}

impl BoardLearner {
    /// The cell for an exercise, found by id (the order of `cells` is a promise, not something a
    /// reader should depend on for correctness).
    pub fn cell(&self, exercise_id: &str) -> Cell {
        self.cells
            .iter()
            .find(|c| c.exercise_id == exercise_id)
            .cloned()
            .unwrap_or_else(|| Cell::not_started(exercise_id))
    }
}

/// The answer of "grade all": learner × cluster exercise verdicts recorded.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradeSummary {
    pub checked: u32,
    pub passed: u32,
}

/// The answer of "re-grade": stored attempts re-evaluated, and how many verdicts changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegradeSummary {
    pub attempts: u32,
    pub changed: u32,
}
