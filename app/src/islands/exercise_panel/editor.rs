//! The answer editor of text exercises (Dockerfile, command, manifest, and cluster exercises
//! that may be checked offline): a [`CodeArea`] whose text is pre-checked as the learner types
//! (debounced, in the browser, see [`super::precheck`]) and posted by "Check my answer".

use std::sync::Arc;

use kubelab_wire::{paths, ExerciseKind};
use leptos::prelude::*;

use super::code::{CodeArea, Jump};
use super::precheck::{shown, Precheck};
use super::state::{run, PanelState};
use crate::client::{self, Diagnostic};
use crate::i18n::{self, t, Msg};
use crate::model::Lang;

/// Typing pauses this long before the pre-check runs.
const PRECHECK_DELAY: std::time::Duration = std::time::Duration::from_millis(300);

fn rows(kind: ExerciseKind) -> u32 {
    match kind {
        ExerciseKind::Command => 3,
        ExerciseKind::Dockerfile => 12,
        _ => 16,
    }
}

/// The editor's highlighting for an exercise's input.
pub fn language(kind: ExerciseKind) -> &'static str {
    match kind {
        ExerciseKind::Command => "command",
        ExerciseKind::Dockerfile => "dockerfile",
        _ => "yaml",
    }
}

/// The exercise's rules (the JSON `/rules` serves, passed to the pre-check module as it came),
/// asked once when the learner first types, with the module.
#[derive(Clone, Debug, PartialEq)]
enum Rules {
    NotAsked,
    Asking,
    Got(Arc<str>),
    /// Not to be had (offline, an old server): no pre-check, the rest works.
    Unavailable,
}

#[component]
pub fn Editor(
    id: String,
    lang: Lang,
    kind: ExerciseKind,
    state: RwSignal<PanelState>,
    busy: Signal<bool>,
    /// The text, shared with "Apply" on cluster exercises.
    text: RwSignal<String>,
    /// Marks from elsewhere in the panel (the API server's refusals of an apply).
    more: Signal<Vec<Diagnostic>>,
    jump: Jump,
) -> impl IntoView {
    let help_id = format!("{id}-editor-help");
    let precheck_id = format!("{id}-precheck");
    let url = StoredValue::new(paths::exercise(&id, "submit"));
    let rules = RwSignal::new(Rules::NotAsked);
    let checked = RwSignal::new(Precheck::default());
    let timer = StoredValue::new_local(None::<TimeoutHandle>);
    let rules_url = StoredValue::new(paths::exercise(&id, "rules"));

    let run_precheck = move || {
        // Also called from a timer and a task, which may outlive the island.
        if let Some(Rules::Got(json)) = rules.try_get_untracked() {
            let outcome = text.try_with_untracked(|t| {
                if t.trim().is_empty() {
                    Precheck::default()
                } else {
                    shown(client::precheck(&json, t).as_ref(), lang)
                }
            });
            if let Some(outcome) = outcome {
                let _ = checked.try_set(outcome);
            }
        }
    };
    // Each edit (re)starts the delay; the first one also asks for the rules.
    Effect::new(move |_| {
        // Nothing to pre-check, and nothing fetched, until there is text (typed or a draft).
        if text.with(|t| t.trim().is_empty()) && rules.get_untracked() == Rules::NotAsked {
            return;
        }
        if rules.get_untracked() == Rules::NotAsked {
            rules.set(Rules::Asking);
            let url = rules_url.get_value();
            leptos::task::spawn_local(async move {
                let got = client::get_text(&url).await;
                let loaded = got.is_ok() && client::load_precheck().await;
                let _ = rules.try_set(match got {
                    Ok(json) if loaded => Rules::Got(json.into()),
                    _ => Rules::Unavailable,
                });
                run_precheck();
            });
            return;
        }
        if let Some(h) = timer.get_value() {
            h.clear();
        }
        timer.set_value(set_timeout_with_handle(run_precheck, PRECHECK_DELAY).ok());
    });
    on_cleanup(move || {
        if let Some(h) = timer.try_get_value().flatten() {
            h.clear();
        }
    });

    let diagnostics = Signal::derive(move || {
        let mut all = checked.with(|c| c.diagnostics.clone());
        all.extend(more.get());
        all
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let url = url.get_value();
        let body = text.get_untracked();
        run(
            state,
            lang,
            async move { client::post_text(&url, body).await },
        );
    };
    let label = format!("{} ({})", t(lang, Msg::EditorLabel), i18n::kind(lang, kind));
    view! {
        <form class="answer-form" on:submit=on_submit>
            <CodeArea id=format!("{id}-editor") label=label
                describedby=format!("{precheck_id} {help_id}")
                language=language(kind) rows=rows(kind) class="editor" draft=id.clone()
                text=text diagnostics=diagnostics jump=jump />
            <p class="precheck" id=precheck_id aria-live="polite" data-problems=move || checked.with(|c| c.problems)
                hidden=move || checked.with(|c| c.status.is_empty())>
                {move || checked.with(|c| c.status.clone())}
            </p>
            <p class="editor-help" id=help_id>{t(lang, Msg::EditorHelp)}</p>
            <button type="submit" class="check-btn" disabled=move || busy.get()>{t(lang, Msg::CheckAnswer)}</button>
        </form>
    }
}
