//! The answer editor of text exercises (Dockerfile, command, manifest, and cluster exercises
//! that may be checked offline): a textarea whose text is posted as typed.

use kubelab_wire::{paths, ExerciseKind};
use leptos::prelude::*;

use super::state::{run, PanelState};
use crate::client;
use crate::i18n::{self, t, Msg};
use crate::model::Lang;

fn rows(kind: ExerciseKind) -> u32 {
    match kind {
        ExerciseKind::Command => 3,
        ExerciseKind::Dockerfile => 12,
        _ => 16,
    }
}

#[component]
pub fn Editor(
    id: String,
    lang: Lang,
    kind: ExerciseKind,
    state: RwSignal<PanelState>,
    busy: Signal<bool>,
) -> impl IntoView {
    let editor = NodeRef::<leptos::html::Textarea>::new();
    // Esc then Tab leaves the editor; any other key re-arms Tab-inserts-spaces.
    let escaped = RwSignal::new(false);
    let help_id = format!("{id}-editor-help");
    let url = StoredValue::new(paths::exercise(&id, "submit"));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = editor
            .get_untracked()
            .map(|el| el.value())
            .unwrap_or_default();
        let url = url.get_value();
        run(
            state,
            lang,
            async move { client::post_text(&url, text).await },
        );
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        escaped.set(client::editor_key(&ev, escaped.get_untracked()));
    };
    let label = format!("{} ({})", t(lang, Msg::EditorLabel), i18n::kind(lang, kind));
    view! {
        <form class="answer-form" on:submit=on_submit>
            <textarea class="editor" node_ref=editor rows=rows(kind) spellcheck="false"
                autocomplete="off" autocapitalize="off" wrap="off"
                aria-label=label aria-describedby=help_id.clone() on:keydown=on_keydown></textarea>
            <p class="editor-help" id=help_id>{t(lang, Msg::EditorHelp)}</p>
            <button type="submit" class="check-btn" disabled=move || busy.get()>{t(lang, Msg::CheckAnswer)}</button>
        </form>
    }
}
