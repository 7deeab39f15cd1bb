//! Browser entry: only the islands (`kubelab_app::islands`: copy buttons, exercise panels, progress
//! bars, the account pages) hydrate; lesson text stays static HTML.

#[cfg(any(
    feature = "reader",
    feature = "exercise",
    feature = "account",
    feature = "teach"
))]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Keep the islands registered: referencing the crate makes the linker keep their hydrate functions.
    kubelab_app::islands_registered();
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}

/// The pre-check of the exercise panel, a bundle of its own (`kubelab-precheck`): the check
/// engine's parsers are fetched when a learner first types, not with the panel. Rules (the JSON of
/// `GET /api/exercises/{id}/rules`) and text in, a `Prechecked` as JSON out; `None` when the
/// rules are unreadable (an older or newer server): then there is simply no pre-check.
#[cfg(feature = "precheck")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn precheck(rules: &str, text: &str) -> Option<String> {
    use kubelab_checks::{Exercise, Prechecked};
    let rules = serde_json::from_str::<Exercise>(rules).ok()?;
    serde_json::to_string(&Prechecked::run(&rules, text)).ok()
}
