//! Browser entry: only the islands (`kubelab_app::islands`: copy buttons, exercise panels, progress
//! bars, the account pages) hydrate; lesson text stays static HTML.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Keep the islands registered: referencing the crate makes the linker keep their hydrate functions.
    kubelab_app::islands_registered();
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
