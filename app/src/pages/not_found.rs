//! The 404 page, for unknown languages, chapters and paths.

use leptos::prelude::*;
use leptos_meta::{Html, Title};

use super::frame::{set_not_found, Footer, Header};
use crate::i18n::{t, Msg};
use crate::model::Lang;

#[component]
pub fn NotFound() -> impl IntoView {
    set_not_found();
    // The fallback runs outside any matched route, so the language comes from the path itself.
    let lang = leptos_router::hooks::use_location()
        .pathname
        .get_untracked()
        .trim_start_matches('/')
        .split('/')
        .next()
        .and_then(Lang::parse)
        .unwrap_or_default();
    view! {
        <Html {..} lang=lang.html_tag() />
        <Title text=format!("404 · {}", t(lang, Msg::NotFoundTitle)) />
        <Header lang=lang path_after_lang=String::new() />
        <main id="main" class="not-found">
            <p class="code">"404"</p>
            <h1>{t(lang, Msg::NotFoundTitle)}</h1>
            <p>{t(lang, Msg::NotFoundBody)}</p>
            <a class="button" href=format!("/{}", lang.code())>{t(lang, Msg::BackHome)}</a>
        </main>
        <Footer lang=lang />
    }
}
