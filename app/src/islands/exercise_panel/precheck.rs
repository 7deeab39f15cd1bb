//! The pre-check: the learner's text checked in the browser, as they type, by the very
//! `kubelab_checks::validate` the server runs (in the pre-check's own WASM module, see
//! `client::precheck`), with the rules the server hands out (`GET /api/exercises/{id}/rules`). It
//! only informs: the server's check stays the verdict. This file turns its outcome into marks
//! and the line under the editor.

use kubelab_checks::{Prechecked, Verdict};

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

/// What to show for a pre-check's outcome (`None`: the module is not there; nothing to show).
/// The panel does not pre-check a blank text: nothing is wrong before the learner types.
pub fn shown(outcome: Option<&Prechecked>, lang: Lang) -> Precheck {
    match outcome {
        None => Precheck::default(),
        Some(Prechecked::Verdict(v)) => of_verdict(v, lang),
        Some(Prechecked::Refused { message, at }) => {
            let message = message.get(lang.code()).to_string();
            Precheck {
                diagnostics: at
                    .map(|at| Diagnostic {
                        line: at.line,
                        column: at.column,
                        message: message.clone(),
                    })
                    .into_iter()
                    .collect(),
                // The message names its line already.
                status: precheck_problems(lang, 1, &message, None),
                problems: 1,
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    use kubelab_checks::Exercise;

    /// As the panel does it: nothing for a blank text.
    fn precheck(rules: &Exercise, text: &str, lang: Lang) -> Precheck {
        if text.trim().is_empty() {
            return Precheck::default();
        }
        shown(Some(&Prechecked::run(rules, text)), lang)
    }

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
