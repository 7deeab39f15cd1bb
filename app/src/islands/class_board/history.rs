//! One learner's attempts at one exercise, newest first: verdict, re-grading, submitted text and
//! the evidence it was decided on.

use kubelab_checks::AssertionResult;
use kubelab_wire::{time, Attempt};
use leptos::either::{Either, EitherOf4};
use leptos::prelude::*;

use super::state::{Ctx, History};
use crate::i18n::board::{tb, B};
use crate::i18n::{self, t, Msg};
use crate::islands::parts::{alert, loading, mark, outcome_word};
use crate::model::{BoardView, Lang};

#[component]
pub(super) fn HistoryPanel(ctx: Ctx) -> impl IntoView {
    let lang = ctx.lang;
    move || {
        let sel = ctx.selected.get()?;
        let title = ctx
            .board
            .with(|b| b.as_ref().map(|b| b.exercise_title(&sel.exercise_id, lang)))
            .unwrap_or_else(|| sel.exercise_id.clone());
        Some(view! {
            <section class="card history" node_ref=ctx.panel tabindex="-1" aria-labelledby="history-h"
                data-learner=sel.learner_id.clone() data-exercise=sel.exercise_id.clone()>
                <div class="history-head">
                    <h2 id="history-h">{format!("{} · {title}", sel.learner_name)}</h2>
                    <button type="button" class="button button-quiet" on:click=move |_| ctx.selected.set(None)>
                        {t(lang, Msg::Close)}
                    </button>
                </div>
                {move || commands_view(lang, ctx)}
                {move || match ctx.history.get() {
                    History::Loading => EitherOf4::A(loading(lang)),
                    History::Failed(text) => EitherOf4::B(alert(text)),
                    History::Loaded(list) if list.is_empty() => EitherOf4::C(view! {
                        <p class="muted">{t(lang, Msg::NoAttemptsYet)}</p>
                    }),
                    History::Loaded(list) => EitherOf4::D(view! {
                        <ol class="attempts">
                            {list.into_iter().map(|a| attempt_view(lang, a)).collect_view()}
                        </ol>
                    }),
                }}
            </section>
        })
    }
}

/// The learner's terminal commands, when their classroom records them (or did).
fn commands_view(lang: Lang, ctx: Ctx) -> Option<impl IntoView> {
    let list = ctx.commands.get()?;
    let recording = ctx
        .board
        .with(|b| b.as_ref().is_some_and(|b| b.classroom.record_commands));
    if list.is_empty() && !recording {
        return None;
    }
    let count = list.len();
    Some(view! {
        <details class="commands" open=recording>
            <summary>{format!("{} · {count}", tb(lang, B::TerminalCommands))}</summary>
            {if list.is_empty() {
                Either::Left(view! { <p class="muted">{tb(lang, B::NoCommandsYet)}</p> })
            } else {
                Either::Right(view! {
                    <ol class="command-list">
                        {list.into_iter().map(|c| view! {
                            <li><span class="muted">{time::display(c.at)}</span>" "<code>{c.command}</code></li>
                        }).collect_view()}
                    </ol>
                })
            }}
        </details>
    })
}

fn passed_word(lang: Lang, passed: bool) -> String {
    if passed {
        format!("✓ {}", t(lang, Msg::Passed))
    } else {
        format!("✗ {}", t(lang, Msg::Failed))
    }
}

fn attempt_view(lang: Lang, a: Attempt) -> impl IntoView {
    let evidence = serde_json::to_string_pretty(&a.evidence).unwrap_or_default();
    view! {
        <li class="attempt" data-passed=a.passed.to_string()>
            <p class="attempt-head">
                <strong>{passed_word(lang, a.passed)}</strong>
                " · "{time::display(a.at)}" · "{i18n::source(lang, a.source)}
            </p>
            {results(lang, a.verdict.results)}
            {a.regraded.map(|v| view! {
                <p class="regraded">{t(lang, Msg::RegradedWith)}{passed_word(lang, v.passed)}</p>
                {results(lang, v.results)}
            })}
            {a.input.map(|input| view! {
                <details>
                    <summary>{t(lang, Msg::SubmittedText)}</summary>
                    <pre class="json"><code>{input}</code></pre>
                </details>
            })}
            <details>
                <summary>{i18n::evidence(lang, a.evidence.len())}</summary>
                <pre class="json"><code>{evidence}</code></pre>
            </details>
        </li>
    }
}

fn results(lang: Lang, results: Vec<AssertionResult>) -> impl IntoView {
    view! {
        <ul class="results">
            {results.into_iter().map(|r| {
                let message = r.message.get(lang.code()).to_string();
                view! {
                    <li class=if r.passed { "result-ok" } else { "result-bad" } data-assertion=r.id.clone()>
                        <span aria-hidden="true">{mark(&r)}</span>
                        <span class="visually-hidden">{outcome_word(lang, &r)}</span>" "
                        <code>{r.id.clone()}</code>" "
                        <span>{r.title.get(lang.code()).to_string()}</span>
                        {(!message.is_empty()).then(|| view! {
                            <span class="muted">{format!(" — {message}")}</span>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_attempt_with_evidence_and_a_regrade_reads() {
        let a: Vec<Attempt> = serde_json::from_str(
            r#"[{"id":1,"learner_id":"l1","exercise_id":"deployment","at":0,"source":"grade","passed":false,
                 "verdict":{"exercise":"deployment","mode":"cluster","passed":false,
                            "results":[{"id":"replicas","passed":false,"skipped":false,
                                        "title":{"zh":"副本数","en":"Replicas"},"message":{"zh":"2≠3","en":"2 != 3"}}]},
                 "evidence":[{"kind":"Deployment","metadata":{"name":"web"}}],"input":null,
                 "regraded":{"exercise":"deployment","mode":"cluster","passed":true,"results":[]}}]"#,
        )
        .unwrap();
        assert_eq!(i18n::source(Lang::En, a[0].source), "graded by instructor");
        assert_eq!(a[0].verdict.results[0].title.get("en"), "Replicas");
        assert!(a[0].regraded.as_ref().unwrap().passed);
        assert_eq!(passed_word(Lang::Zh, false), "✗ 未通过");
    }
}
