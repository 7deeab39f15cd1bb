//! The browser pre-checks a learner's text with `Exercise::rules()` (what `/rules` serves) and the
//! same `validate` the server runs: on every answer of the corpus both must reach the same verdict
//! (or the same refusal). Chromium repeats this against the server through the WASM build.
mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;

use common::*;
use kubelab_checks::{validate, ExerciseKind};

/// (exercise id, file name, text) of `fixtures/answers/*.txt` and `fixtures/*/manifest.yaml`.
fn corpus() -> Vec<(String, String, String)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(root.join("answers")).expect("answers") {
        let path = entry.expect("entry").path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let Some(stem) = name.strip_suffix(".txt") else {
            continue;
        };
        let (id, _) = stem.split_once("--").expect("<exercise>--<case>.txt");
        out.push((
            id.to_string(),
            name.clone(),
            std::fs::read_to_string(&path).unwrap(),
        ));
    }
    for entry in std::fs::read_dir(&root).expect("fixtures") {
        let path = entry.expect("entry").path().join("manifest.yaml");
        if path.is_file() {
            let id = path
                .parent()
                .unwrap()
                .file_name()
                .unwrap()
                .to_string_lossy();
            out.push((
                id.to_string(),
                "manifest.yaml".into(),
                std::fs::read_to_string(&path).unwrap(),
            ));
        }
    }
    out.sort();
    out
}

#[test]
fn the_rules_the_browser_gets_reach_the_servers_verdict_on_every_answer() {
    let corpus = corpus();
    assert!(corpus.len() >= 15, "{} answers", corpus.len());
    let (mut passed, mut failed, mut refused) = (0, 0, 0);
    for (id, name, text) in &corpus {
        let ex = exercise(id);
        let rules = ex.rules().unwrap_or_else(|| panic!("{id} has rules"));
        // As the browser gets them: through JSON.
        let rules: kubelab_checks::Exercise =
            serde_json::from_value(serde_json::to_value(&rules).unwrap()).expect("rules read back");
        let on_server = validate(&ex, text);
        let in_browser = validate(&rules, text);
        assert_eq!(in_browser, on_server, "{id}/{name}");
        match on_server {
            Ok(v) if v.passed => passed += 1,
            Ok(_) => failed += 1,
            Err(_) => refused += 1,
        }
    }
    // The corpus shows all three outcomes, so the comparison is not of empty verdicts.
    assert!(
        passed >= 4 && failed >= 6 && refused >= 2,
        "{passed} {failed} {refused}"
    );
}

#[test]
fn every_text_exercise_has_answers_in_the_corpus_and_no_quiz_has_rules() {
    let covered: BTreeSet<String> = corpus().into_iter().map(|(id, ..)| id).collect();
    for ex in catalog().iter() {
        match ex.offline_kind() {
            Some(ExerciseKind::Quiz) => {
                assert!(
                    ex.rules().is_none(),
                    "{}: quiz answers stay on the server",
                    ex.id
                )
            }
            Some(_) => assert!(
                covered.contains(&ex.id),
                "no answer of {} in the corpus",
                ex.id
            ),
            None => assert!(
                ex.rules().is_none(),
                "{}: checked only in the cluster",
                ex.id
            ),
        }
    }
}

#[test]
fn rules_carry_no_instructions_setup_or_a_challenges_hints() {
    for ex in catalog().iter() {
        let Some(rules) = ex.rules() else { continue };
        assert!(
            rules.instructions.en.is_empty() && rules.hints.is_empty() && rules.setup.is_empty()
        );
        assert!(rules.questions.is_empty());
        if ex.hints_after_failures > 0 {
            assert!(
                rules.assertions.iter().all(|a| a.hint.en.is_empty()),
                "{}",
                ex.id
            );
        }
    }
}

#[test]
fn a_challenges_rules_carry_no_hints_but_reach_the_same_failures() {
    let mut ex = exercise("dockerfile");
    ex.hints_after_failures = 2;
    let rules = ex.rules().expect("rules");
    assert!(rules
        .assertions
        .iter()
        .all(|a| a.hint.en.is_empty() && a.hint.zh.is_empty()));
    let text = "FROM nginx:latest\nEXPOSE 80\n";
    let on_server = validate(&ex, text).expect("checked").without_hints();
    let in_browser = validate(&rules, text).expect("checked").without_hints();
    assert!(!on_server.passed);
    assert_eq!(in_browser, on_server);
}

#[test]
fn a_byte_order_mark_is_not_part_of_the_answer_on_either_side() {
    let ex = exercise("dockerfile");
    let text = "\u{feff}FROM nginx:latest\nEXPOSE 80\n";
    let with = validate(&ex, text).expect("checked");
    assert_eq!(with, validate(&ex, &text[3..]).expect("checked"));
    assert_eq!(
        with,
        kubelab_checks::validate_bytes(&ex, text.as_bytes()).expect("checked")
    );
}
