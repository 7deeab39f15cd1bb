//! The interactive parts of a page. Each island hydrates on its own; everything else is static HTML.

use leptos::prelude::*;

/// Wraps server-rendered lesson HTML and handles every copy button inside it with one listener.
/// The code to copy is in the button's `data-copy` (for console blocks: the commands only).
#[island]
pub fn CopyCode(children: Children) -> impl IntoView {
    let on_click = move |ev: leptos::ev::MouseEvent| {
        #[cfg(feature = "hydrate")]
        copy::on_click(ev);
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let scope = NodeRef::<leptos::html::Div>::new();
    // Marks the scope once hydrated: tests wait on it, and the CSS could style buttons by it.
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(el) = scope.get() {
            let _ = el.set_attribute("data-ready", "");
        }
    });
    view! {
        <div class="copy-scope" node_ref=scope on:click=on_click>
            {children()}
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod copy {
    use wasm_bindgen::JsCast;
    use web_sys::Element;

    const RESET_AFTER: std::time::Duration = std::time::Duration::from_millis(2000);

    pub fn on_click(ev: leptos::ev::MouseEvent) {
        let Some(button) = ev
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|el| el.closest(".copy-btn").ok().flatten())
        else {
            return;
        };
        let text = button.get_attribute("data-copy").unwrap_or_default();
        let Some(window) = web_sys::window() else {
            return;
        };
        let promise = window.navigator().clipboard().write_text(&text);
        leptos::task::spawn_local(async move {
            let ok = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
            show(&button, if ok { "data-done" } else { "data-failed" });
        });
    }

    fn show(button: &Element, attr: &str) {
        let label = button.text_content().unwrap_or_default();
        // A second click while the feedback shows must not make "Copied" the permanent label.
        let original = button.get_attribute("data-label").unwrap_or(label);
        let _ = button.set_attribute("data-label", &original);
        button.set_text_content(button.get_attribute(attr).as_deref());
        let _ = button.class_list().add_1("copied");
        let button = button.clone();
        leptos::prelude::set_timeout(
            move || {
                button.set_text_content(Some(&original));
                let _ = button.class_list().remove_1("copied");
            },
            RESET_AFTER,
        );
    }
}
