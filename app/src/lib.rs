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
// A browser bundle holds one page kind's islands; the others' helpers go unused there.
#![cfg_attr(
    not(all(
        feature = "island-reader",
        feature = "island-exercise",
        feature = "island-account",
        feature = "island-teach"
    )),
    allow(dead_code, unused_imports)
)]

pub mod bundle;
pub mod client;
pub mod i18n;
pub mod islands;
pub mod model;
#[cfg(feature = "ssr")]
pub mod pages;

#[cfg(feature = "ssr")]
pub mod content;

#[cfg(feature = "ssr")]
use leptos::prelude::*;
#[cfg(feature = "ssr")]
use leptos_meta::{provide_meta_context, MetaTags};
#[cfg(feature = "ssr")]
use leptos_router::{
    components::{Route, Router, Routes},
    location::RequestUrl,
    path,
};

/// Keeps the islands linked into the WASM binary; the frontend crate calls it.
pub fn islands_registered() {}

/// The HTML document around every page.
#[cfg(feature = "ssr")]
pub fn shell(_options: LeptosOptions) -> impl IntoView {
    let path = use_context::<RequestUrl>()
        .and_then(|url| url.parse().ok())
        .map(|url| url.path().to_owned())
        .unwrap_or_default();
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="stylesheet" href="/pkg/kubelab.css" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <bundle::BundleScripts path=path />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[cfg(feature = "ssr")]
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
