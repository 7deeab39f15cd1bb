//! Class analytics: what a [`Board`] says about the class at a glance — pass rate per exercise,
//! the assertions most learners are stuck on, how long learners take from their first attempt to
//! their first pass, and who has not acted for a while.
//!
//! One pure function, [`analytics`] (board + the time now + the idle threshold in, numbers out),
//! used by both sides: the board island recomputes it whenever the board updates (and as time
//! passes), the server for `GET /api/teach/classrooms/{id}/analytics.csv`. So the chart and the
//! export cannot disagree.

use serde::{Deserialize, Serialize};

use crate::progress::{Status, StuckCount};
use crate::teach::{Board, BoardLearner};
use kubelab_checks::Text;

/// "Not acted for N minutes": N's bounds and default.
pub const IDLE_MINUTES_MIN: u32 = 1;
pub const IDLE_MINUTES_MAX: u32 = 1440;
pub const IDLE_MINUTES_DEFAULT: u32 = 15;

/// How many of the most-failed assertions the analytics keep.
pub const TOP_STUCK: usize = 10;

/// Time from first attempt to first pass: the buckets' bounds in minutes. A bucket holds
/// `[previous bound, bound)`; the last one is open-ended.
pub const TIME_TO_PASS_BOUNDS: [u32; 5] = [5, 15, 30, 60, 120];

const MINUTE_MS: i64 = 60_000;

/// The idle threshold from a query or an input box: nothing (or blank) is the default; anything
/// but a whole number of minutes in `IDLE_MINUTES_MIN..=IDLE_MINUTES_MAX` is `None`.
pub fn idle_minutes(raw: Option<&str>) -> Option<u32> {
    let raw = raw.map(str::trim).unwrap_or_default();
    if raw.is_empty() {
        return Some(IDLE_MINUTES_DEFAULT);
    }
    if raw.len() > 4 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    raw.parse::<u32>()
        .ok()
        .filter(|n| (IDLE_MINUTES_MIN..=IDLE_MINUTES_MAX).contains(n))
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Analytics {
    /// Learners on the board: every rate's denominator.
    pub learners: u32,
    /// The idle threshold `idle` was computed with.
    pub idle_minutes: u32,
    /// One per exercise, in the board's (course) order.
    pub pass_rates: Vec<PassRate>,
    /// The assertions most learners fail in their latest attempt, most first (at most
    /// [`TOP_STUCK`]); each carries its message when the catalog has it.
    pub stuck: Vec<StuckCount>,
    /// One per bucket of [`TIME_TO_PASS_BOUNDS`], shortest first.
    pub time_to_pass: Vec<TimeBucket>,
    /// Learners whose last action (or joining, if they never tried anything) is at least
    /// `idle_minutes` ago, longest idle first.
    pub idle: Vec<IdleLearner>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PassRate {
    pub exercise_id: String,
    pub title: Text,
    /// Learners who passed it.
    pub passed: u32,
    /// Learners who tried it (passed or not).
    pub tried: u32,
}

impl PassRate {
    /// `passed` of `learners` in whole percent, rounded half up; 0 with nobody.
    pub fn percent(&self, learners: u32) -> u32 {
        percent(self.passed, learners)
    }
}

/// `part` of `whole` in whole percent, rounded half up; 0 when `whole` is 0.
pub fn percent(part: u32, whole: u32) -> u32 {
    if whole == 0 {
        return 0;
    }
    let p = (u64::from(part) * 200 + u64::from(whole)) / (2 * u64::from(whole));
    u32::try_from(p).unwrap_or(u32::MAX)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeBucket {
    pub from_minutes: u32,
    /// Exclusive; `None` for the last, open bucket.
    pub to_minutes: Option<u32>,
    /// Passes (learner × exercise) whose first pass came this long after the first attempt.
    pub count: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdleLearner {
    pub id: String,
    pub display_name: Option<String>,
    pub namespace: String,
    /// Their last attempt, or when they joined (unix ms).
    pub last_at: i64,
    /// Whole minutes since `last_at`.
    pub idle_for_minutes: u32,
    /// Whether they ever tried an exercise.
    pub acted: bool,
}

/// The analytics of `board` at `now_ms` (unix ms) with learners idle after `idle_minutes`
/// (clamped to its bounds).
pub fn analytics(board: &Board, now_ms: i64, idle_minutes: u32) -> Analytics {
    let idle_minutes = idle_minutes.clamp(IDLE_MINUTES_MIN, IDLE_MINUTES_MAX);
    let learners = u32::try_from(board.learners.len()).unwrap_or(u32::MAX);
    let pass_rates = board
        .exercises
        .iter()
        .map(|e| {
            let cells = board.learners.iter().map(|l| l.cell(&e.id));
            let (mut passed, mut tried) = (0, 0);
            for c in cells {
                passed += u32::from(c.status == Status::Passed);
                tried += u32::from(c.status != Status::NotStarted);
            }
            PassRate {
                exercise_id: e.id.clone(),
                title: e.title.clone(),
                passed,
                tried,
            }
        })
        .collect();
    let mut stuck = stuck_sorted(board);
    stuck.truncate(TOP_STUCK);
    Analytics {
        learners,
        idle_minutes,
        pass_rates,
        stuck,
        time_to_pass: time_to_pass(board),
        idle: idle(board, now_ms, idle_minutes),
    }
}

/// "Where are they stuck": most learners first, then in the board's column order, then by
/// assertion id; an assertion nobody fails has no row.
pub fn stuck_sorted(board: &Board) -> Vec<StuckCount> {
    let pos = |id: &str| board.exercises.iter().position(|e| e.id == id);
    let mut stuck: Vec<StuckCount> = board
        .stuck
        .iter()
        .filter(|s| s.learners > 0)
        .cloned()
        .collect();
    stuck.sort_by(|a, b| {
        b.learners
            .cmp(&a.learners)
            .then(pos(&a.exercise_id).cmp(&pos(&b.exercise_id)))
            .then(a.assertion_id.cmp(&b.assertion_id))
    });
    stuck
}

fn time_to_pass(board: &Board) -> Vec<TimeBucket> {
    let mut buckets: Vec<TimeBucket> = std::iter::once(0)
        .chain(TIME_TO_PASS_BOUNDS)
        .zip(TIME_TO_PASS_BOUNDS.map(Some).into_iter().chain([None]))
        .map(|(from_minutes, to_minutes)| TimeBucket {
            from_minutes,
            to_minutes,
            count: 0,
        })
        .collect();
    let passes = board
        .learners
        .iter()
        .flat_map(|l| &l.cells)
        .filter_map(|c| Some((c.first_at?, c.first_pass_at?)));
    for (first, pass) in passes {
        let minutes = (pass - first).max(0) / MINUTE_MS;
        let i = TIME_TO_PASS_BOUNDS
            .iter()
            .position(|&bound| minutes < i64::from(bound))
            .unwrap_or(TIME_TO_PASS_BOUNDS.len());
        buckets[i].count += 1;
    }
    buckets
}

/// A learner's last action: their latest attempt, or when they joined.
fn last_action(l: &BoardLearner) -> (i64, bool) {
    match l.cells.iter().filter_map(|c| c.last_at).max() {
        Some(at) => (at.max(l.joined_at), true),
        None => (l.joined_at, false),
    }
}

fn idle(board: &Board, now_ms: i64, idle_minutes: u32) -> Vec<IdleLearner> {
    let mut idle: Vec<IdleLearner> = board
        .learners
        .iter()
        .filter_map(|l| {
            let (last_at, acted) = last_action(l);
            let minutes = (now_ms - last_at).max(0) / MINUTE_MS;
            (minutes >= i64::from(idle_minutes)).then(|| IdleLearner {
                id: l.id.clone(),
                display_name: l.display_name.clone(),
                namespace: l.namespace.clone(),
                last_at,
                idle_for_minutes: u32::try_from(minutes).unwrap_or(u32::MAX),
                acted,
            })
        })
        .collect();
    idle.sort_by(|a, b| a.last_at.cmp(&b.last_at).then(a.id.cmp(&b.id)));
    idle
}

#[cfg(test)]
mod tests;
