//! The copy buttons of a lesson's code blocks: one delegated listener around the whole lesson.

use leptos::prelude::*;

use crate::client;

/// Wraps server-rendered lesson HTML and handles every copy button inside it with one listener.
/// The code to copy is in the button's `data-copy` (for console blocks: the commands only).
#[island]
pub fn CopyCode(children: Children) -> impl IntoView {
    // Marks the scope once hydrated: tests wait on it, and the CSS could style buttons by it.
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));
    view! {
        <div class="copy-scope" data-ready=move || ready.get().then_some("")
            on:click=move |ev| client::copy_button_clicked(&ev)>
            {children()}
        </div>
    }
}
