//! Every type that crosses kubelab's HTTP API, defined once: the server serialises these and the
//! browser islands deserialise the same structs, so the two sides cannot drift apart.
//!
//! Serde only (plus the check engine's `Verdict`, `Text` and `ExerciseKind`, which are wire types
//! too): no I/O, builds for wasm32. Server-side logic (stores, handlers) and browser-side logic
//! (views) stay in their crates; what is here is data and a few pure helpers on it.

pub mod analytics;
pub mod apply;
pub mod error;
pub mod learner;
pub mod ops;
pub mod paths;
pub mod progress;
pub mod setup;
pub mod teach;
pub mod terminal;
pub mod time;

pub use analytics::{Analytics, IdleLearner, PassRate, TimeBucket};
pub use apply::{AppliedObject, ApplyBody, ApplyOutcome, ApplyProblem, ApplyReport};
pub use error::{ErrorBody, ErrorDetail};
pub use kubelab_checks::{
    BrokenLink, ExerciseKind, GraphEdge, GraphNode, NodeStatus, ObjectGraph, SetupObject, Text,
    Verdict,
};
pub use learner::{
    ClassroomRef, ClusterStatus, IdleRemoval, JoinBody, LastVerdict, Me, MeLearner, ResumeBody,
    StartBody, Summary, SummaryProgress,
};
pub use ops::{Reachable, Readiness};
pub use progress::{
    Attempt, AttemptSource, ExerciseProgress, GatedBody, GatingView, Hints, Locked, Status,
    StuckCount,
};
pub use setup::Started;
pub use teach::{
    Board, BoardChapter, BoardClassroom, BoardExercise, BoardLearner, Cell, ClassroomView,
    GradeSummary, InstructorRef, InstructorView, LoginBody, NewClassroomBody, RegradeSummary,
};
pub use terminal::{
    RecordingBody, TerminalCommand, TerminalControl, TerminalPhase, TerminalStatus,
};

/// The header that carries the id of the attempt a check or submission stored: an answer that is
/// 2xx has been stored.
pub const ATTEMPT_HEADER: &str = "x-kubelab-attempt";
