//! `/:lang/search?q=…`: sections of the course that match, with the chapter, the heading and a
//! snippet, as an ordered list of links (Tab and Enter). Rendered on the server from the index
//! in `content::search`; a plain GET form, so it needs no WASM and works without JavaScript.

use leptos::prelude::*;
use leptos_meta::{Html, Meta, Title};
use leptos_router::hooks::use_query_map;

use super::frame::{lang_param, Footer, Header, SearchForm};
use super::not_found::NotFound;
use crate::i18n::search::{found, too_long, ts, S};
use crate::model::{Lang, SearchHit};

/// What the page shows for a query.
#[derive(Clone, Debug, PartialEq)]
// The browser build type-checks the page but never searches.
#[cfg_attr(not(feature = "ssr"), allow(dead_code))]
enum Outcome {
    /// No query: just the box and an example.
    Empty,
    Hits(Vec<SearchHit>),
    /// Over the bound (the input's `maxlength` keeps browsers below it; a typed URL may not).
    TooLong(usize),
    Unavailable,
}

#[cfg(feature = "ssr")]
fn set_status(status: http::StatusCode) {
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(status);
    }
}

#[cfg(feature = "ssr")]
fn search(lang: Lang, query: &str) -> Outcome {
    use crate::content::search::{SearchError, SearchHandle};
    if query.trim().is_empty() {
        return Outcome::Empty;
    }
    let Some(handle) = use_context::<SearchHandle>() else {
        return Outcome::Unavailable;
    };
    let course = super::frame::course();
    match handle
        .index_for(&course)
        .and_then(|index| index.search(lang, query))
    {
        Ok(hits) => Outcome::Hits(hits),
        Err(SearchError::QueryTooLong { max, .. }) => {
            set_status(http::StatusCode::BAD_REQUEST);
            Outcome::TooLong(max)
        }
        Err(e) => {
            tracing::error!("search failed: {e}");
            set_status(http::StatusCode::SERVICE_UNAVAILABLE);
            Outcome::Unavailable
        }
    }
}

#[cfg(not(feature = "ssr"))]
fn search(_lang: Lang, _query: &str) -> Outcome {
    Outcome::Empty
}

#[component]
fn Hit(hit: SearchHit, lang: Lang) -> impl IntoView {
    let href = hit.href(lang);
    let snippet = hit
        .snippet
        .into_iter()
        .map(|p| {
            if p.mark {
                view! { <mark>{p.text}</mark> }.into_any()
            } else {
                p.text.into_any()
            }
        })
        .collect_view();
    view! {
        <li class="search-hit">
            <a class="search-hit-link" href=href>
                <span class="search-hit-chapter">{hit.chapter_title}</span>
                <span class="search-hit-heading">{hit.heading}</span>
            </a>
            <p class="search-snippet">{snippet}</p>
        </li>
    }
}

#[component]
pub fn SearchPage() -> impl IntoView {
    let Some(lang) = lang_param() else {
        return view! { <NotFound /> }.into_any();
    };
    let query = use_query_map()
        .with_untracked(|q| q.get("q"))
        .unwrap_or_default();
    let outcome = search(lang, &query);
    // Never the query in <title>: leptos_meta writes title text unescaped, and `</title><script>`
    // would end it (see the route test).
    let title = ts(lang, S::PageTitle);
    let path_after_lang = if query.is_empty() {
        "/search".to_string()
    } else {
        // The language switch keeps the query: `next=` is decoded once by the switch, once more
        // by the browser following the redirect, so the query is encoded twice.
        format!("/search%3Fq%3D{}", encode(&encode(&query)))
    };
    let body = match outcome {
        Outcome::Empty => view! { <p class="search-hint">{ts(lang, S::EmptyHint)}</p> }.into_any(),
        Outcome::TooLong(max) => {
            view! { <p class="search-message" role="alert">{too_long(lang, max)}</p> }.into_any()
        }
        Outcome::Unavailable => {
            view! { <p class="search-message" role="alert">{ts(lang, S::Unavailable)}</p> }
                .into_any()
        }
        Outcome::Hits(hits) if hits.is_empty() => view! {
            <div class="search-message" role="status">
                <p>{ts(lang, S::NoResults)}</p>
                <p class="search-hint">{ts(lang, S::NoResultsHint)}</p>
            </div>
        }
        .into_any(),
        Outcome::Hits(hits) => view! {
            <h2 class="search-count" id="search-results">{found(lang, hits.len(), query.trim())}</h2>
            <ol class="search-results" aria-labelledby="search-results">
                {hits.into_iter().map(|hit| view! { <Hit hit lang /> }).collect_view()}
            </ol>
        }
        .into_any(),
    };
    view! {
        <Html {..} lang=lang.html_tag() />
        <Title text=format!("{title} · kubelab") />
        <Meta name="robots" content="noindex" />
        <Header lang path_after_lang />
        <main id="main" class="search-page">
            <h1>{ts(lang, S::PageTitle)}</h1>
            <SearchForm lang class="search-form" id="search-page-q" query=query.clone() />
            {body}
        </main>
        <Footer lang />
    }
    .into_any()
}

/// Percent-encodes everything but unreserved characters.
fn encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
