//! The pre-check: the learner's text checked in the browser, as they type, by the very
//! `kubelab_checks::validate` the server runs, with the rules the server hands out
//! (`GET /api/exercises/{id}/rules`). It only informs: the server's check stays the verdict.

use kubelab_checks::{Exercise, InputError, Verdict};

use crate::client::Diagnostic;
use crate::i18n::workbench::{precheck_problems, tw, W};
use crate::model::Lang;

/// What the pre-check says about one text.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Precheck {
    pub diagnostics: Vec<Diagnostic>,
    /// The line under the editor; empty for an empty text.
    pub status: String,
    pub problems: usize,
}

/// Checks `text` with `rules`: each failed assertion (and a refusal of the text) at its line.
pub fn precheck(rules: &Exercise, text: &str, lang: Lang) -> Precheck {
    if text.trim().is_empty() {
        return Precheck::default();
    }
    match kubelab_checks::validate(rules, text) {
        Ok(v) => of_verdict(&v, lang),
        Err(e) => of_error(&e, lang),
    }
}

/// Marks for a verdict's failures that point into the text (an offline verdict's do).
pub fn verdict_diagnostics(v: &Verdict, lang: Lang) -> Vec<Diagnostic> {
    v.results
        .iter()
        .filter(|r| !r.passed && !r.skipped)
        .filter_map(|r| {
            let at = r.location?;
            Some(Diagnostic {
                line: at.line,
                column: at.column,
                message: format!(
                    "{}: {}",
                    r.title.get(lang.code()),
                    r.message.get(lang.code())
                ),
            })
        })
        .collect()
}

/// The pre-check's raw outcome as JSON: the verdict, or `{"error":{"message":{zh,en}}}` for a
/// refused text (the shape of the server's error body). The exercise bundle exports it so that
/// Chromium can compare the browser's verdict with the server's on every answer of the corpus.
pub fn precheck_json(rules: &str, text: &str) -> String {
    let rules: Exercise = match serde_json::from_str(rules) {
        Ok(r) => r,
        Err(e) => return serde_json::json!({ "error": { "rules": e.to_string() } }).to_string(),
    };
    match kubelab_checks::validate(&rules, text) {
        Ok(v) => serde_json::to_string(&v).unwrap_or_default(),
        Err(e) => serde_json::json!({ "error": { "message": e.text() } }).to_string(),
    }
}

fn of_verdict(v: &Verdict, lang: Lang) -> Precheck {
    let failed: Vec<_> = v
        .results
        .iter()
        .filter(|r| !r.passed && !r.skipped)
        .collect();
    let Some(first) = failed.first() else {
        return Precheck {
            status: tw(lang, W::PrecheckClean).to_string(),
            ..Precheck::default()
        };
    };
    Precheck {
        diagnostics: verdict_diagnostics(v, lang),
        status: precheck_problems(
            lang,
            failed.len(),
            first.message.get(lang.code()),
            first.location.map(|l| l.line),
        ),
        problems: failed.len(),
    }
}

fn of_error(e: &InputError, lang: Lang) -> Precheck {
    let (line, column) = match e {
        InputError::Syntax { line, column, .. }
        | InputError::TooComplex { line, column, .. }
        | InputError::NotUtf8 { line, column }
        | InputError::Binary { line, column, .. } => (Some(*line), *column),
        _ => (None, 1),
    };
    let message = e.text().get(lang.code()).to_string();
    Precheck {
        diagnostics: line
            .map(|line| Diagnostic {
                line,
                column,
                message: message.clone(),
            })
            .into_iter()
            .collect(),
        // The message names its line already.
        status: precheck_problems(lang, 1, &message, None),
        problems: 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(id: &str) -> Exercise {
        let text = match id {
            "deployment" => include_str!("../../../../content/exercises/deployment.yaml"),
            _ => include_str!("../../../../content/exercises/dockerfile.yaml"),
        };
        kubelab_checks::parse_exercise(&format!("{id}.yaml"), text)
            .expect("spec")
            .rules()
            .expect("rules")
    }

    #[test]
    fn a_selector_typo_is_marked_at_its_line_before_any_request() {
        let text =
            include_str!("../../../../checks/tests/fixtures/answers/deployment--selector-typo.txt");
        let p = precheck(&rules("deployment"), text, Lang::En);
        assert!(p.problems >= 1, "{p:?}");
        // `app: ngx-dep-typo` is on line 9 of the answer.
        assert!(p.diagnostics.iter().any(|d| d.line == 9), "{p:?}");
        assert!(p.status.starts_with("Pre-check: "), "{}", p.status);
    }

    #[test]
    fn a_yaml_error_is_one_mark_with_its_position_and_the_servers_wording() {
        let text =
            include_str!("../../../../checks/tests/fixtures/answers/deployment--bad-indent.txt");
        let p = precheck(&rules("deployment"), text, Lang::Zh);
        assert_eq!(p.problems, 1);
        assert_eq!(p.diagnostics.len(), 1);
        assert!(p.diagnostics[0].message.contains("行"), "{p:?}");
    }

    #[test]
    fn a_good_answer_and_an_empty_text_show_no_marks() {
        let good = include_str!("../../../../checks/tests/fixtures/deployment/manifest.yaml");
        let p = precheck(&rules("deployment"), good, Lang::En);
        assert_eq!((p.problems, p.diagnostics.len()), (0, 0));
        assert!(p.status.contains("no problem"));
        assert_eq!(
            precheck(&rules("dockerfile"), "  \n", Lang::En),
            Precheck::default()
        );
    }
}
