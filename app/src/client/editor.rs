//! The exercise panel's code editor, a page service like the others here: CodeMirror, in its own
//! ES module (`/pkg/editor.js`, built from `editor/` by esbuild), mounted over a `<textarea>` that
//! stays the field of record. The chunk is imported on the first mount, so no page's first load
//! carries it; where it cannot load (no JavaScript, a failed fetch) the textarea is the editor.
//!
//! Drafts are kept per exercise in `localStorage`, so a reload loses no typing. The pre-check's
//! check engine is a WASM module of its own, loaded the same way on the first keystroke.

use serde::Serialize;

/// A mark in the editor: 1-based line and column (in characters) and what to say there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// A mounted editor. Not `Send` (a browser object): islands keep it in a local `StoredValue`.
#[derive(Clone)]
pub struct CodeEditor {
    #[cfg(feature = "hydrate")]
    inner: browser::CmEditor,
}

/// Mounts the editor over `area` (its text, `aria-label` and `aria-describedby` carry over) and
/// hands it to `mounted`; on failure the textarea stays and `mounted` is not called.
pub fn mount_editor(
    area: leptos::web_sys::HtmlTextAreaElement,
    language: &'static str,
    mounted: impl FnOnce(CodeEditor) + 'static,
) {
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        if let Some(inner) = browser::mount(&area, language).await {
            mounted(CodeEditor { inner });
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (area, language, mounted);
}

impl CodeEditor {
    pub fn set_diagnostics(&self, list: &[Diagnostic]) {
        #[cfg(feature = "hydrate")]
        browser::set_diagnostics(
            &self.inner,
            &serde_json::to_string(list).unwrap_or_else(|_| "[]".into()),
        );
        #[cfg(not(feature = "hydrate"))]
        let _ = list;
    }

    /// Puts the cursor at `line:column` and focuses the editor.
    pub fn go_to(&self, line: u32, column: u32) {
        #[cfg(feature = "hydrate")]
        self.inner.go_to(line, column);
        #[cfg(not(feature = "hydrate"))]
        let _ = (line, column);
    }

    pub fn set_disabled(&self, disabled: bool) {
        #[cfg(feature = "hydrate")]
        self.inner.set_disabled(disabled);
        #[cfg(not(feature = "hydrate"))]
        let _ = disabled;
    }
}

/// Fetches the pre-check's WASM module (the check engine, `/pkg/kubelab-precheck.js`) once per
/// page; `false` when it cannot load (the panel then simply shows no pre-check).
pub async fn load_precheck() -> bool {
    #[cfg(feature = "hydrate")]
    {
        browser::load_precheck().await.is_ok()
    }
    #[cfg(not(feature = "hydrate"))]
    false
}

/// The pre-check of `text` with `rules` (the JSON `/rules` served), once the module has loaded.
pub fn precheck(rules: &str, text: &str) -> Option<kubelab_checks::Prechecked> {
    #[cfg(feature = "hydrate")]
    {
        serde_json::from_str(&browser::precheck(rules, text)?).ok()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (rules, text);
        None
    }
}

/// Without the editor: selects `line:column` in the plain textarea.
pub fn textarea_go_to(area: &leptos::web_sys::HtmlTextAreaElement, line: u32, column: u32) {
    #[cfg(feature = "hydrate")]
    {
        let text = area.value();
        let at = offset(&text, line, column);
        let _ = area.focus();
        let _ = area.set_selection_range(at, at);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (area, line, column);
}

/// The UTF-16 offset (what a textarea counts) of a 1-based line and column, clamped to the text.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn offset(text: &str, line: u32, column: u32) -> u32 {
    let mut at = 0usize;
    for (n, l) in text.split('\n').enumerate() {
        if n + 1 == line as usize {
            let col: usize = l
                .chars()
                .take(column.saturating_sub(1) as usize)
                .map(char::len_utf16)
                .sum();
            return u32::try_from(at + col).unwrap_or(u32::MAX);
        }
        at += l.encode_utf16().count() + 1;
    }
    u32::try_from(at.saturating_sub(1)).unwrap_or(u32::MAX)
}

const DRAFT_PREFIX: &str = "kubelab.draft.";

fn draft_key(exercise: &str) -> String {
    format!("{DRAFT_PREFIX}{exercise}")
}

/// The learner's draft of an exercise's text, kept by this browser.
pub fn load_draft(exercise: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        browser::storage()?
            .get_item(&draft_key(exercise))
            .ok()
            .flatten()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = draft_key(exercise);
        None
    }
}

/// Keeps (or, for an empty text, forgets) the draft. A full or refused storage loses only the draft.
pub fn save_draft(exercise: &str, text: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(s) = browser::storage() {
        let key = draft_key(exercise);
        let _ = if text.trim().is_empty() {
            s.remove_item(&key)
        } else if text.len() <= MAX_DRAFT_BYTES {
            s.set_item(&key, text)
        } else {
            Ok(())
        };
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (exercise, text);
}

/// Forgets every exercise draft kept by this browser and the terminal dock's state, and tells
/// the page's terminal (at sign-out: the next person at a shared computer must find neither the
/// answers nor the shell).
pub fn clear_drafts() {
    #[cfg(feature = "hydrate")]
    if let Some(s) = browser::storage() {
        let keys: Vec<String> = (0..s.length().unwrap_or(0))
            .filter_map(|i| s.key(i).ok().flatten())
            .filter(|k| k.starts_with(DRAFT_PREFIX) || k == TERMINAL_KEY)
            .collect();
        for k in keys {
            let _ = s.remove_item(&k);
        }
    }
    #[cfg(feature = "hydrate")]
    if let (Some(w), Ok(ev)) = (web_sys::window(), web_sys::Event::new(SIGNED_OUT_EVENT)) {
        let _ = w.dispatch_event(&ev);
    }
}

/// The terminal dock's `localStorage` key (`editor/src/terminal.js`)…
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const TERMINAL_KEY: &str = "kubelab.terminal";
/// …and the event it closes and clears its screen on.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const SIGNED_OUT_EVENT: &str = "kubelab-signed-out";

/// Drafts beyond the submission limit could never be sent: not kept.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
const MAX_DRAFT_BYTES: usize = kubelab_checks::MAX_INPUT_BYTES;

#[cfg(feature = "hydrate")]
mod browser {
    use wasm_bindgen::prelude::wasm_bindgen;
    use wasm_bindgen::{JsCast, JsValue};

    #[wasm_bindgen(module = "/src/client/editor.js")]
    extern "C" {
        #[wasm_bindgen(catch, js_name = mountEditor)]
        async fn mount_editor(
            textarea: &web_sys::HtmlTextAreaElement,
            kind: &str,
        ) -> Result<JsValue, JsValue>;
        #[wasm_bindgen(js_name = setDiagnostics)]
        pub fn set_diagnostics(editor: &CmEditor, json: &str);
        #[wasm_bindgen(catch, js_name = loadPrecheck)]
        pub async fn load_precheck() -> Result<(), JsValue>;
        #[wasm_bindgen(js_name = precheck)]
        pub fn precheck(rules: &str, text: &str) -> Option<String>;
    }

    #[wasm_bindgen]
    extern "C" {
        #[derive(Clone)]
        pub type CmEditor;
        #[wasm_bindgen(method, js_name = goTo)]
        pub fn go_to(this: &CmEditor, line: u32, column: u32);
        #[wasm_bindgen(method, js_name = setDisabled)]
        pub fn set_disabled(this: &CmEditor, disabled: bool);
    }

    pub async fn mount(area: &web_sys::HtmlTextAreaElement, kind: &str) -> Option<CmEditor> {
        match mount_editor(area, kind).await {
            Ok(editor) => Some(editor.unchecked_into()),
            Err(e) => {
                web_sys::console::warn_2(&"kubelab: the code editor did not load".into(), &e);
                None
            }
        }
    }

    pub fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::offset;

    #[test]
    fn a_line_and_column_count_utf16_units_like_a_textarea() {
        let text = "ab\n中文x\n😀z";
        assert_eq!(offset(text, 1, 1), 0);
        assert_eq!(offset(text, 2, 3), 5);
        assert_eq!(offset(text, 3, 2), 9);
        // Past the end of a line or of the text: clamped, never a panic.
        assert_eq!(offset(text, 2, 99), 6);
        assert_eq!(offset(text, 9, 1), 10);
    }
}
