//! A code field of the panel: the `<textarea>` the server renders (it works without JavaScript),
//! turned into the CodeMirror editor once the exercise bundle runs (`client::mount_editor`).
//! The textarea stays the field of record; the editor writes each edit back to it. The draft is
//! kept per exercise in this browser; findings show as marks at their line and column; a
//! [`Jump`] asked by the result area moves the cursor to one.

use leptos::prelude::*;

use crate::client::{self, CodeEditor, Diagnostic};

/// A draft up to this size is written on each edit; a larger one when typing pauses this long.
const DRAFT_AT_ONCE_BYTES: usize = 16 * 1024;
const DRAFT_DELAY: std::time::Duration = std::time::Duration::from_millis(500);

/// Where the panel's result area asks the editor to put the cursor (line, column).
#[derive(Clone, Copy)]
pub struct Jump(pub RwSignal<Option<(u32, u32)>>);

#[component]
pub fn CodeArea(
    /// The textarea's id (labels point at it).
    id: String,
    label: String,
    #[prop(optional)] describedby: Option<String>,
    /// The visible label's id, when there is one (the editor is named by it).
    #[prop(optional)]
    labelledby: Option<String>,
    /// `yaml`, `dockerfile` or `command`: the editor's highlighting.
    language: &'static str,
    rows: u32,
    class: &'static str,
    /// Whose draft this is (`<exercise>` or `<exercise>.apply`).
    draft: String,
    text: RwSignal<String>,
    diagnostics: Signal<Vec<Diagnostic>>,
    jump: Jump,
) -> impl IntoView {
    let area = NodeRef::<leptos::html::Textarea>::new();
    let editor = StoredValue::new_local(None::<CodeEditor>);
    // Esc then Tab leaves the plain textarea; any other key re-arms Tab-inserts-spaces.
    let escaped = RwSignal::new(false);
    let draft = StoredValue::new(draft);
    Effect::new(move |mounted: Option<bool>| {
        if mounted == Some(true) {
            return true;
        }
        let Some(el) = area.get() else { return false };
        // A draft from an earlier visit, unless the learner has typed already.
        if el.value().is_empty() {
            if let Some(saved) = client::load_draft(&draft.get_value()) {
                el.set_value(&saved);
            }
        }
        let value = el.value();
        if text.with_untracked(|t| *t != value) {
            text.set(value);
        }
        client::mount_editor(el, language, move |ed| {
            ed.set_diagnostics(&diagnostics.get_untracked());
            editor.set_value(Some(ed));
        });
        true
    });
    Effect::new(move |_| {
        diagnostics.with(|d| {
            editor.with_value(|e| {
                if let Some(e) = e {
                    e.set_diagnostics(d);
                }
            })
        })
    });
    Effect::new(move |_| {
        let Some((line, column)) = jump.0.get() else {
            return;
        };
        jump.0.update_untracked(|j| *j = None);
        let moved = editor.with_value(|e| e.as_ref().map(|e| e.go_to(line, column)).is_some());
        if !moved {
            if let Some(el) = area.get_untracked() {
                client::textarea_go_to(&el, line, column);
            }
        }
    });
    // The draft is written at once while it is small (a reload right after typing loses
    // nothing); a large one when typing pauses, not on every key.
    let saving = StoredValue::new_local(None::<TimeoutHandle>);
    let on_input = move |ev: leptos::ev::Event| {
        text.set(event_target_value(&ev));
        if let Some(h) = saving.get_value() {
            h.clear();
        }
        let save = move || {
            if let (Some(key), Some(t)) = (draft.try_get_value(), text.try_get_untracked()) {
                client::save_draft(&key, &t);
            }
        };
        if text.with_untracked(String::len) <= DRAFT_AT_ONCE_BYTES {
            save();
        } else {
            saving.set_value(set_timeout_with_handle(save, DRAFT_DELAY).ok());
        }
    };
    on_cleanup(move || {
        if let Some(h) = saving.try_get_value().flatten() {
            h.clear();
        }
    });
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        escaped.set(client::editor_key(&ev, escaped.get_untracked()));
    };
    view! {
        <textarea id=id class=class node_ref=area rows=rows spellcheck="false" autocomplete="off"
            autocapitalize="off" wrap="off" aria-label=label aria-describedby=describedby
            aria-labelledby=labelledby
            data-language=language on:input=on_input on:keydown=on_keydown></textarea>
    }
}
