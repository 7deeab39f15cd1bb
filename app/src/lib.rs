//! kubelab's web app. Pages render on the server; only islands (the copy buttons and the
//! exercise panels) hydrate in the browser, so a lesson costs little WASM.

#![recursion_limit = "256"]

pub mod account;
pub mod client;
pub mod exercise;
pub mod i18n;
pub mod islands;
pub mod model;
pub mod pages;
pub mod teach;

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
                <Route path=path!("/:lang/me") view=account::MePage />
                <Route path=path!("/:lang/teach") view=teach::TeachPage />
                <Route path=path!("/:lang/teach/:id") view=teach::BoardPage />
            </Routes>
        </Router>
    }
}
