//! Browser entry: only the islands (`kubelab_app::islands`: copy buttons, exercise panels, progress
//! bars, the account pages) hydrate; lesson text stays static HTML.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Keep the islands registered: referencing the crate makes the linker keep their hydrate functions.
    kubelab_app::islands_registered();
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}

/// The exercise panel's pre-check, for the end-to-end test that holds it to the server's verdict.
#[cfg(feature = "exercise")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn precheck(rules: &str, text: &str) -> String {
    kubelab_app::islands::exercise_panel::precheck_json(rules, text)
}
