//! The result area: busy, a readable failure, or the verdict assertion by assertion (a mark and
//! hidden text, never colour alone), with field, expected, found, position and hint for failures.

use kubelab_checks::AssertionResult;
use kubelab_wire::{Text, Verdict};
use leptos::prelude::*;

use super::code::Jump;
use super::state::PanelState;
use crate::i18n::workbench::go_to_line;
use crate::i18n::{self, last_checked, not_passed_summary, t, Msg};
use crate::islands::parts::{mark, outcome_word};
use crate::model::Lang;

#[component]
pub fn PanelStateView(state: RwSignal<PanelState>, lang: Lang) -> impl IntoView {
    move || {
        match state.get() {
        PanelState::Idle => ().into_any(),
        PanelState::Busy => view! { <p class="verdict-busy">{t(lang, Msg::Checking)}</p> }.into_any(),
        PanelState::Failed(message) => view! {
            <p class="verdict-error" role="alert"><span class="mark" aria-hidden="true">"!"</span>{message}</p>
        }
        .into_any(),
        PanelState::Done(v) => verdict_view(&v, lang).into_any(),
        PanelState::Stored(v, at) => view! {
            <p class="verdict-when">{last_checked(lang, at)}</p>
            {verdict_view(&v, lang)}
        }
        .into_any(),
    }
    }
}

/// For the result's class (`result pass`, …), which the tests and the CSS read.
fn outcome_state(r: &AssertionResult) -> &'static str {
    if r.passed {
        "pass"
    } else if r.skipped {
        "skipped"
    } else {
        "fail"
    }
}

fn verdict_view(v: &Verdict, lang: Lang) -> impl IntoView {
    let passed = v.results.iter().filter(|r| r.passed).count();
    let headline = if v.passed {
        t(lang, Msg::AllPassed).to_string()
    } else {
        not_passed_summary(lang, passed, v.results.len())
    };
    let results = v
        .results
        .iter()
        .map(|r| result_view(r, lang))
        .collect_view();
    view! {
        <div class="verdict" data-passed=v.passed.to_string()>
            <p class="verdict-summary">
                <span class="mark" aria-hidden="true">{if v.passed { "✓" } else { "✗" }}</span>
                {headline}
            </p>
            <ul class="results">{results}</ul>
        </div>
    }
}

fn result_view(r: &AssertionResult, lang: Lang) -> impl IntoView {
    let text = |t: &Text| t.get(lang.code()).to_string();
    let details = (!r.passed && !r.skipped).then(|| failure_details(r, lang));
    view! {
        <li class=format!("result {}", outcome_state(r)) data-assertion=r.id.clone()>
            <span class="mark" aria-hidden="true">{mark(r)}</span>
            <div class="result-body">
                <p class="result-title">
                    <span class="visually-hidden">{format!("{}: ", outcome_word(lang, r))}</span>
                    {text(&r.title)}
                </p>
                <p class="result-message">{text(&r.message)}</p>
                {details}
            </div>
        </li>
    }
}

fn failure_details(r: &AssertionResult, lang: Lang) -> impl IntoView {
    let detail = |label: Msg, value: Option<String>| {
        value.map(|v| {
            view! {
                <dt>{t(lang, label)}</dt>
                <dd><code>{v}</code></dd>
            }
        })
    };
    // A position in the learner's text: a button that puts the editor's cursor there.
    let jump = use_context::<Jump>();
    let at = r.location.map(|l| {
        let (line, column) = (l.line, l.column);
        view! {
            <dt>{t(lang, Msg::Line)}</dt>
            <dd>
                <button type="button" class="goto-btn" aria-label=go_to_line(lang, line, column)
                    on:click=move |_| if let Some(j) = jump { j.0.set(Some((line, column))) }>
                    <code>{format!("{line}:{column}")}</code>
                </button>
            </dd>
        }
    });
    view! {
        <dl class="result-details">
            {detail(Msg::Field, r.field.clone())}
            {detail(Msg::Expected, r.expected.clone())}
            {detail(Msg::Found, r.found.clone())}
            {at}
        </dl>
        {r.hint.as_ref().map(|h| view! {
            <p class="result-hint">
                <strong>{i18n::label(lang, Msg::HintLabel)}</strong>
                {h.get(lang.code()).to_string()}
            </p>
        })}
    }
}
