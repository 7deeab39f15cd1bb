//! kubelab's web app. Pages render on the server; only islands (copy buttons, exercise panels,
//! progress bars, the account pages' interactive parts) hydrate in the browser, so a lesson
//! costs little WASM.
//!
//! Imports point one way:
//!
//! ```text
//! lib (shell, App, routes) → pages → islands → client, i18n, model → kubelab_wire, kubelab_checks
//! ```
//!
//! - `pages/`: server-rendered components, one page per file, plus the frame they share.
//! - `islands/`: the interactive parts; they never import `pages`.
//! - `client`: the only code that touches the browser (fetch, EventSource, clipboard, …).
//! - `i18n`: every user-visible string, zh and en. `model`: the course, and pure views of the
//!   API's data. `content/` (server only): loading and rendering the course.

#![recursion_limit = "256"]

pub mod client;
pub mod i18n;
pub mod islands;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod content;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags};
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};

/// Keeps the islands linked into the WASM binary; the frontend crate calls it.
pub fn islands_registered() {}

/// The HTML document around every page.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="stylesheet" href="/pkg/kubelab.css" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <HydrationScripts options=options islands=true />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Router>
            <Routes fallback=pages::NotFound>
                <Route path=path!("/:lang") view=pages::HomePage />
                <Route path=path!("/:lang/learn/:id") view=pages::LessonPage />
                <Route path=path!("/:lang/search") view=pages::SearchPage />
                <Route path=path!("/:lang/me") view=pages::MePage />
                <Route path=path!("/:lang/teach") view=pages::TeachPage />
                <Route path=path!("/:lang/teach/:id") view=pages::BoardPage />
            </Routes>
        </Router>
    }
}
