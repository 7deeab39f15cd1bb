use super::*;
use crate::teach::{BoardClassroom, BoardExercise, Cell};
use kubelab_checks::ExerciseKind;

const NOW: i64 = 1_764_000_000_000;
const MIN: i64 = 60_000;

fn exercise(id: &str) -> BoardExercise {
    BoardExercise {
        id: id.into(),
        kind: ExerciseKind::Cluster,
        title: Text::new(format!("{id}（中）"), id.to_uppercase()),
    }
}

/// A cell first tried `first` minutes before NOW, passed `pass` minutes before NOW (if it did),
/// last tried `last` minutes before NOW.
fn cell(ex: &str, first: i64, pass: Option<i64>, last: i64) -> Cell {
    Cell {
        exercise_id: ex.into(),
        status: if pass.is_some() {
            Status::Passed
        } else {
            Status::Failing
        },
        attempts: 2,
        first_pass_at: pass.map(|m| NOW - m * MIN),
        first_at: Some(NOW - first * MIN),
        last_at: Some(NOW - last * MIN),
    }
}

fn learner(id: &str, joined: i64, cells: Vec<Cell>) -> BoardLearner {
    BoardLearner {
        id: id.into(),
        display_name: Some(id.to_uppercase()),
        namespace: format!("kl-{id}"),
        joined_at: NOW - joined * MIN,
        cells,
    }
}

fn stuck(ex: &str, assertion: &str, learners: u32) -> StuckCount {
    StuckCount {
        exercise_id: ex.into(),
        assertion_id: assertion.into(),
        learners,
        message: Some(Text::new("中文", assertion.to_uppercase())),
    }
}

/// Four learners; `deployment` (column 1) and `daemonset` (column 2).
fn board() -> Board {
    Board {
        classroom: BoardClassroom {
            id: "c1".into(),
            code: "K7QF-2M9P".into(),
            name: "Workshop".into(),
            archived_at: None,
            gated: false,
            record_commands: false,
        },
        exercises: vec![exercise("deployment"), exercise("daemonset")],
        chapters: vec![],
        learners: vec![
            // Passed deployment 3 minutes after the first try; acted 2 minutes ago.
            learner("ada", 90, vec![cell("deployment", 10, Some(7), 2)]),
            // Passed both: deployment after 20 minutes, daemonset at once; last acted 40 min ago.
            learner(
                "bo",
                90,
                vec![
                    cell("deployment", 80, Some(60), 60),
                    cell("daemonset", 40, Some(40), 40),
                ],
            ),
            // Failing deployment, last try 16 minutes ago.
            learner("cy", 90, vec![cell("deployment", 30, None, 16)]),
            // Joined 5 minutes ago, tried nothing.
            learner("di", 5, vec![]),
        ],
        stuck: vec![
            stuck("daemonset", "ds-exists", 1),
            stuck("deployment", "replicas", 1),
            stuck("deployment", "image", 3),
            stuck("deployment", "nobody", 0),
        ],
    }
}

#[test]
fn pass_rate_counts_learners_who_passed_of_all_learners_in_column_order() {
    let a = analytics(&board(), NOW, 15);
    assert_eq!(a.learners, 4);
    let ids: Vec<&str> = a
        .pass_rates
        .iter()
        .map(|p| p.exercise_id.as_str())
        .collect();
    assert_eq!(ids, ["deployment", "daemonset"]);
    assert_eq!((a.pass_rates[0].passed, a.pass_rates[0].tried), (2, 3));
    assert_eq!(a.pass_rates[0].percent(a.learners), 50);
    assert_eq!((a.pass_rates[1].passed, a.pass_rates[1].tried), (1, 1));
    assert_eq!(a.pass_rates[1].percent(a.learners), 25);
    assert_eq!(a.pass_rates[1].title.en, "DAEMONSET");
}

#[test]
fn percent_rounds_half_up_and_is_zero_for_an_empty_class() {
    assert_eq!(percent(1, 3), 33);
    assert_eq!(percent(2, 3), 67);
    assert_eq!(percent(1, 8), 13);
    assert_eq!(percent(0, 0), 0);
    assert_eq!(percent(5, 5), 100);
}

#[test]
fn most_stuck_first_then_column_order_and_nobody_stuck_has_no_row() {
    let a = analytics(&board(), NOW, 15);
    let ids: Vec<(&str, &str)> = a
        .stuck
        .iter()
        .map(|s| (s.exercise_id.as_str(), s.assertion_id.as_str()))
        .collect();
    assert_eq!(
        ids,
        [
            ("deployment", "image"),
            ("deployment", "replicas"),
            ("daemonset", "ds-exists")
        ]
    );
    assert_eq!(a.stuck[0].message.as_ref().unwrap().en, "IMAGE");
}

#[test]
fn stuck_keeps_the_top_ten() {
    let mut b = board();
    b.stuck = (0..25)
        .map(|i| stuck("deployment", &format!("a{i:02}"), i + 1))
        .collect();
    let a = analytics(&b, NOW, 15);
    assert_eq!(a.stuck.len(), TOP_STUCK);
    assert_eq!(a.stuck[0].learners, 25);
    assert_eq!(a.stuck[9].learners, 16);
}

#[test]
fn time_to_first_pass_falls_in_half_open_minute_buckets() {
    let a = analytics(&board(), NOW, 15);
    let counts: Vec<(u32, Option<u32>, u32)> = a
        .time_to_pass
        .iter()
        .map(|b| (b.from_minutes, b.to_minutes, b.count))
        .collect();
    // ada 3 min and bo's daemonset 0 min → [0,5); bo's deployment 20 min → [15,30).
    assert_eq!(
        counts,
        [
            (0, Some(5), 2),
            (5, Some(15), 0),
            (15, Some(30), 1),
            (30, Some(60), 0),
            (60, Some(120), 0),
            (120, None, 0)
        ]
    );
    let mut b = board();
    // Exactly 5 minutes is the second bucket; a clock that went backwards counts as 0.
    b.learners[0].cells = vec![
        cell("deployment", 10, Some(5), 1),
        cell("daemonset", 1, Some(3), 1),
    ];
    b.learners[1].cells = vec![cell("deployment", 500, Some(1), 1)];
    let a = analytics(&b, NOW, 15);
    let counts: Vec<u32> = a.time_to_pass.iter().map(|b| b.count).collect();
    assert_eq!(counts, [1, 1, 0, 0, 0, 1]);
}

#[test]
fn idle_learners_are_those_without_an_action_for_n_minutes_longest_first() {
    let a = analytics(&board(), NOW, 15);
    let idle: Vec<(&str, u32, bool)> = a
        .idle
        .iter()
        .map(|l| (l.id.as_str(), l.idle_for_minutes, l.acted))
        .collect();
    assert_eq!(idle, [("bo", 40, true), ("cy", 16, true)]);
    // With N = 1 the newcomer who never tried anything is idle since joining; ada is too.
    let a = analytics(&board(), NOW, 1);
    let ids: Vec<&str> = a.idle.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["bo", "cy", "di", "ada"]);
    assert!(!a.idle[2].acted);
    // N is clamped to its bounds.
    assert_eq!(analytics(&board(), NOW, 0).idle_minutes, IDLE_MINUTES_MIN);
    assert_eq!(
        analytics(&board(), NOW, 99_999).idle_minutes,
        IDLE_MINUTES_MAX
    );
    assert!(analytics(&board(), NOW, 41).idle.is_empty());
}

#[test]
fn an_empty_class_has_zero_rates_and_empty_buckets() {
    let mut b = board();
    b.learners.clear();
    b.stuck.clear();
    let a = analytics(&b, NOW, 15);
    assert_eq!(a.learners, 0);
    assert!(a
        .pass_rates
        .iter()
        .all(|p| p.passed == 0 && p.percent(0) == 0));
    assert!(a.time_to_pass.iter().all(|b| b.count == 0));
    assert!(a.stuck.is_empty() && a.idle.is_empty());
}

#[test]
fn idle_minutes_accepts_whole_minutes_in_bounds_and_defaults_when_absent() {
    assert_eq!(idle_minutes(None), Some(IDLE_MINUTES_DEFAULT));
    assert_eq!(idle_minutes(Some("")), Some(IDLE_MINUTES_DEFAULT));
    assert_eq!(idle_minutes(Some(" 30 ")), Some(30));
    assert_eq!(idle_minutes(Some("1")), Some(1));
    assert_eq!(idle_minutes(Some("1440")), Some(1440));
    for bad in [
        "0",
        "1441",
        "-5",
        "abc",
        "1.5",
        "99999999999999999999",
        "1e3",
    ] {
        assert_eq!(idle_minutes(Some(bad)), None, "{bad}");
    }
}
