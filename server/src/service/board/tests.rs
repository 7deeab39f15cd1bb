use super::*;
use kubelab_checks::Text;
use kubelab_store::Status;
use std::path::Path;

fn catalog() -> Catalog {
    crate::service::catalog::load_catalog(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../content"))
        .expect("the real catalog loads")
}

/// The real course's chapters, as the web layer hands them to the board.
fn chapters() -> Vec<ChapterExercises> {
    use kubelab_app::model::Lang;
    let course =
        kubelab_app::content::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../content"))
            .expect("the real course loads");
    course
        .order
        .iter()
        .filter_map(|id| {
            let zh = course.lesson(Lang::Zh, id)?;
            let en = course.lesson(Lang::En, id)?;
            Some(ChapterExercises {
                id: id.clone(),
                title: Text::new(zh.title.clone(), en.title.clone()),
                exercises: zh.exercises.clone(),
            })
        })
        .collect()
}

fn learner(id: &str, name: Option<&str>) -> Learner {
    Learner {
        id: id.to_string(),
        display_name: name.map(str::to_string),
        namespace: format!("kl-{id}"),
        classroom_id: Some("c1".to_string()),
        resume_code: "AAAA-BBBB".to_string(),
        created_at: 0,
    }
}

fn classroom() -> Classroom {
    Classroom {
        id: "c1".to_string(),
        code: "K7QF-2M9P".to_string(),
        name: "Workshop".to_string(),
        instructor_id: "i1".to_string(),
        created_at: 0,
        archived_at: None,
        gated: false,
        record_commands: false,
    }
}

fn progress(ex: &str, status: Status, attempts: u32, first: Option<i64>) -> ExerciseProgress {
    ExerciseProgress {
        exercise_id: ex.to_string(),
        status,
        attempts,
        first_pass_at: first,
        last_at: Some(1),
        first_at: Some(0),
    }
}

#[test]
fn every_learner_has_a_cell_for_every_exercise_in_course_order() {
    let catalog = catalog();
    let matrix = vec![
        (
            learner("a", Some("Ada")),
            vec![progress(
                "deployment",
                Status::Passed,
                3,
                Some(1_764_126_245_000),
            )],
        ),
        (learner("b", None), vec![]),
    ];
    let board = build(&catalog, &chapters(), &classroom(), matrix, vec![], |l| {
        l.namespace.clone()
    });
    let ids: Vec<&str> = board.exercises.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(board.exercises.len(), catalog.len());
    for l in &board.learners {
        let cell_ids: Vec<&str> = l.cells.iter().map(|c| c.exercise_id.as_str()).collect();
        assert_eq!(cell_ids, ids);
    }
    let a = &board.learners[0];
    let dep = a
        .cells
        .iter()
        .find(|c| c.exercise_id == "deployment")
        .unwrap();
    assert!(matches!(dep.status, Status::Passed));
    assert_eq!(dep.attempts, 3);
    let other = a.cells.iter().find(|c| c.exercise_id == "ingress").unwrap();
    assert!(matches!(other.status, Status::NotStarted));
    assert_eq!(other.attempts, 0);
    assert!(board.learners[1]
        .cells
        .iter()
        .all(|c| matches!(c.status, Status::NotStarted)));
}

#[test]
fn csv_has_a_row_per_learner_and_exercise_with_the_pass_time() {
    let catalog = catalog();
    let matrix = vec![(
        learner("a", Some("Ada")),
        vec![
            progress("deployment", Status::Passed, 2, Some(1_764_126_245_000)),
            progress("ingress", Status::Failing, 5, None),
        ],
    )];
    let board = build(&catalog, &chapters(), &classroom(), matrix, vec![], |l| {
        l.namespace.clone()
    });
    let text = csv(&board);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "learner,namespace,exercise,status,first_pass_at,attempts"
    );
    assert_eq!(lines.len(), 1 + catalog.len());
    assert!(lines.contains(&"Ada,kl-a,deployment,passed,2025-11-26T03:04:05Z,2"));
    assert!(lines.contains(&"Ada,kl-a,ingress,failing,,5"));
    assert!(lines.contains(&"Ada,kl-a,dockerfile,not-started,,0"));
}

#[test]
fn csv_defuses_formulas_and_quotes_commas() {
    let catalog = catalog();
    let matrix = vec![(learner("a", Some("=HYPERLINK(\"x\"), hi")), vec![])];
    let board = build(&catalog, &chapters(), &classroom(), matrix, vec![], |l| {
        l.namespace.clone()
    });
    let text = csv(&board);
    let row = text.lines().nth(1).unwrap();
    assert!(
        row.starts_with("\"'=HYPERLINK(\"\"x\"\"), hi\",kl-a,"),
        "row: {row}"
    );
}

#[test]
fn where_they_are_stuck_names_each_assertion_by_what_it_checks() {
    let catalog = catalog();
    let stuck = |exercise: &str, assertion: &str| StuckCount {
        exercise_id: exercise.into(),
        assertion_id: assertion.into(),
        learners: 2,
        message: None,
    };
    let board = build(
        &catalog,
        &chapters(),
        &classroom(),
        vec![],
        vec![
            stuck("deployment", "deploy-exists"),
            stuck("deployment", "gone-since"),
        ],
        |l| l.namespace.clone(),
    );
    let want = &catalog.get("deployment").unwrap().assertions[0];
    assert_eq!(want.id, "deploy-exists");
    assert_eq!(board.stuck[0].message.as_ref(), Some(&want.message));
    // An assertion the catalog no longer has keeps its id only.
    assert_eq!(board.stuck[1].message, None);
}

#[test]
fn columns_follow_the_course_chapter_by_chapter_not_the_alphabet() {
    let catalog = catalog();
    let board = build(&catalog, &chapters(), &classroom(), vec![], vec![], |l| {
        l.namespace.clone()
    });
    let pos = |id: &str| board.exercises.iter().position(|e| e.id == id).unwrap();
    assert!(pos("deployment") < pos("daemonset-tolerations"));
    // The chapters cover the columns exactly, in order, each exercise once.
    let flat: Vec<&str> = board
        .chapters
        .iter()
        .flat_map(|c| c.exercises.iter().map(String::as_str))
        .collect();
    let ids: Vec<&str> = board.exercises.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(flat, ids);
    assert!(board.chapters.iter().all(|c| !c.exercises.is_empty()));
    assert!(!board.chapters[0].title.en.is_empty());
}

#[test]
fn exercises_no_chapter_lists_come_last_in_an_unnamed_chapter() {
    let catalog = catalog();
    let chapters = vec![ChapterExercises {
        id: "workloads".into(),
        title: Text::new("工作负载", "Workloads"),
        // An exercise listed twice counts once; an unknown one is left out.
        exercises: vec![
            "ingress".into(),
            "deployment".into(),
            "ingress".into(),
            "nope".into(),
        ],
    }];
    let board = build(&catalog, &chapters, &classroom(), vec![], vec![], |l| {
        l.namespace.clone()
    });
    assert_eq!(board.chapters.len(), 2);
    assert_eq!(board.chapters[0].exercises, vec!["ingress", "deployment"]);
    assert_eq!(board.chapters[1].id, "");
    assert_eq!(board.chapters[1].exercises.len(), catalog.len() - 2);
    assert_eq!(board.exercises[0].id, "ingress");
    assert_eq!(board.exercises.len(), catalog.len());
}
