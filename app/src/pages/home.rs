//! `/:lang`: the course outline as cards, part by part.

use leptos::prelude::*;
use leptos_meta::{Html, Meta, Title};

use super::frame::{course, lang_param, lesson_href, Footer, Header, ProgressBar};
use super::not_found::NotFound;
use crate::i18n::{t, Msg};
use crate::model::{Lang, Lesson};

fn chapter_card(lang: Lang, l: Lesson) -> impl IntoView {
    let exercises = l.exercises.len();
    view! {
        <li class="chapter-card">
            <a href=lesson_href(lang, &l.id)>
                <span class="chapter-num">{format!("{:02}", l.order)}</span>
                <span class="chapter-title">{l.title.clone()}</span>
            </a>
            <p class="chapter-summary">{l.summary.clone()}</p>
            <p class="chapter-meta">
                <span>{format!("{} {}", l.minutes, t(lang, Msg::Minutes))}</span>
                {(exercises > 0).then(|| view! {
                    <span>{format!("{exercises} {}", t(lang, Msg::Exercises))}</span>
                })}
            </p>
            <ProgressBar lang=lang exercises=l.exercises.clone() />
        </li>
    }
}

#[component]
pub fn HomePage() -> impl IntoView {
    let Some(lang) = lang_param() else {
        return view! { <NotFound /> }.into_any();
    };
    let course = course();
    let first = course
        .lessons_in_order(lang)
        .next()
        .map(|l| lesson_href(lang, &l.id));
    let parts = course
        .parts
        .iter()
        .filter_map(|part| {
            let lessons: Vec<Lesson> = course.lessons_of_part(lang, &part.id).cloned().collect();
            if lessons.is_empty() {
                return None;
            }
            let items = lessons
                .into_iter()
                .map(|l| chapter_card(lang, l))
                .collect_view();
            Some(view! {
                <section class="part" aria-labelledby=format!("part-{}", part.id)>
                    <h2 id=format!("part-{}", part.id)>{part.title.get(lang).to_string()}</h2>
                    <ol class="chapter-list">{items}</ol>
                </section>
            })
        })
        .collect_view();
    let title = course.title.get(lang).to_string();
    view! {
        <Html {..} lang=lang.html_tag() />
        <Title text=format!("{title} · kubelab") />
        <Meta name="description" content=t(lang, Msg::Tagline) />
        <Header lang=lang path_after_lang=String::new() />
        <main id="main" class="home">
            <section class="hero">
                <h1>{title}</h1>
                <p class="tagline">{t(lang, Msg::Tagline)}</p>
                <p class="intro">{t(lang, Msg::HomeIntro)}</p>
                {first.map(|href| view! { <a class="button" href=href>{t(lang, Msg::StartCourse)}</a> })}
            </section>
            {parts}
        </main>
        <Footer lang=lang />
    }
    .into_any()
}
