//! What every page shares: the site's header and footer, the frame of the account pages, and
//! the helpers that read a request's course, catalog and route parameters.

use std::sync::Arc;

use kubelab_checks::Catalog;
use leptos::prelude::*;
use leptos_meta::{Html, Meta, Title};
use leptos_router::hooks::use_params_map;

use crate::i18n::search::{ts, S};
use crate::i18n::{t, Msg};
use crate::islands::ChapterBar;
use crate::model::{Course, CourseHandle, Lang};

/// The course the server provides (an empty one in tests without it).
pub fn course() -> Arc<Course> {
    use_context::<CourseHandle>()
        .map(|h| h.current())
        .unwrap_or_default()
}

/// The exercise catalog the server provides; pages use only each exercise's public form.
pub fn catalog() -> Option<Arc<Catalog>> {
    use_context::<Arc<Catalog>>()
}

pub fn param(name: &str) -> Option<String> {
    use_params_map().with_untracked(|p| p.get(name))
}

/// The page's language from the route; `None` (→ 404) for anything but `zh` and `en`.
pub fn lang_param() -> Option<Lang> {
    param("lang").as_deref().and_then(Lang::parse)
}

/// Tells the HTTP layer that this render is a 404, so crawlers and tests see the truth.
pub fn set_not_found() {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(http::StatusCode::NOT_FOUND);
    }
}

pub fn lesson_href(lang: Lang, id: &str) -> String {
    format!("/{}/learn/{id}", lang.code())
}

/// The link that switches language keeps the learner on the same page.
fn switch_href(lang: Lang, path_after_lang: &str) -> String {
    format!(
        "/lang/{}?next=/{}{path_after_lang}",
        lang.other().code(),
        lang.other().code()
    )
}

#[component]
pub fn Header(lang: Lang, path_after_lang: String) -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">{t(lang, Msg::SkipToContent)}</a>
        <header class="site-header">
            <a class="brand" href=format!("/{}", lang.code())>
                <span class="brand-mark" aria-hidden="true">"⎈"</span>
                <span class="brand-name">{t(lang, Msg::SiteName)}</span>
            </a>
            <SearchForm lang class="header-search" id="header-search-q" />
            <nav class="header-nav">
                <a class="header-link" href=format!("/{}/me", lang.code())>{t(lang, Msg::MyLab)}</a>
                <a
                    class="lang-switch"
                    href=switch_href(lang, &path_after_lang)
                    hreflang=lang.other().code()
                    lang=lang.other().html_tag()
                    title=t(lang, Msg::SwitchLanguage)
                >
                    {t(lang, Msg::LanguageName)}
                </a>
            </nav>
        </header>
    }
}

/// The course search as a plain GET form: it works without JavaScript and adds nothing to the
/// WASM. The header's has no button (Enter searches); the search page's shows the query and one.
#[component]
pub fn SearchForm(
    lang: Lang,
    class: &'static str,
    id: &'static str,
    #[prop(optional)] query: Option<String>,
) -> impl IntoView {
    let button = query
        .is_some()
        .then(|| view! { <button type="submit" class="button">{ts(lang, S::Submit)}</button> });
    view! {
        <form class=class role="search" method="get" action=format!("/{}/search", lang.code())>
            <label class="visually-hidden" for=id>{ts(lang, S::SearchCourse)}</label>
            <input
                id=id
                type="search"
                name="q"
                value=query
                placeholder=ts(lang, S::Placeholder)
                maxlength=crate::model::MAX_SEARCH_CHARS.to_string()
                autocomplete="off"
                enterkeyhint="search"
            />
            {button}
        </form>
    }
}

#[component]
pub fn Footer(lang: Lang) -> impl IntoView {
    view! {
        <footer class="site-footer">
            <p>{t(lang, Msg::Footer)}</p>
        </footer>
    }
}

/// Header, `<main>` and footer around an account page: a static shell for one island. These
/// pages are per user: no indexing.
#[component]
pub fn Frame(
    lang: Lang,
    path_after_lang: String,
    title: Msg,
    class: &'static str,
    children: Children,
) -> impl IntoView {
    let title = t(lang, title);
    view! {
        <Html {..} lang=lang.html_tag() />
        <Title text=format!("{title} · kubelab") />
        <Meta name="robots" content="noindex" />
        <Header lang path_after_lang />
        <main id="main" class=format!("account-page {class}")>
            <h1>{title}</h1>
            {children()}
        </main>
        <Footer lang />
    }
}

/// A chapter's bar, filled in the browser from the learner's stored progress (pages are cached
/// and the same for everyone). Chapters without exercises get none.
#[component]
pub fn ProgressBar(lang: Lang, exercises: Vec<String>) -> impl IntoView {
    (!exercises.is_empty()).then(|| view! { <ChapterBar lang=lang exercises=exercises /> })
}
