//! Server-rendered pages: the course outline, a lesson, and the 404 page.

use std::sync::Arc;

use leptos::prelude::*;
use leptos_meta::{Html, Meta, Title};
use leptos_router::hooks::use_params_map;

use crate::i18n::{t, Msg};
use crate::islands::CopyCode;
use crate::model::{Course, CourseHandle, Lang, Lesson, Progress};

fn course() -> Arc<Course> {
    use_context::<CourseHandle>()
        .map(|h| h.current())
        .unwrap_or_default()
}

fn progress() -> Progress {
    use_context::<Progress>().unwrap_or_default()
}

fn param(name: &str) -> Option<String> {
    use_params_map().with_untracked(|p| p.get(name))
}

/// Tells the HTTP layer that this render is a 404, so crawlers and tests see the truth.
fn set_not_found() {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(http::StatusCode::NOT_FOUND);
    }
}

fn lesson_href(lang: Lang, id: &str) -> String {
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
fn Header(lang: Lang, path_after_lang: String) -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">{t(lang, Msg::SkipToContent)}</a>
        <header class="site-header">
            <a class="brand" href=format!("/{}", lang.code())>
                <span class="brand-mark" aria-hidden="true">"⎈"</span>
                <span class="brand-name">{t(lang, Msg::SiteName)}</span>
            </a>
            <nav class="header-nav">
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

#[component]
fn Footer(lang: Lang) -> impl IntoView {
    view! {
        <footer class="site-footer">
            <p>{t(lang, Msg::Footer)}</p>
        </footer>
    }
}

#[component]
fn ProgressBar(lang: Lang, chapter: String, exercises: Vec<String>) -> impl IntoView {
    progress().0.chapter(&chapter, &exercises).map(|p| {
        let pct = (p.passed * 100).checked_div(p.total).unwrap_or(0);
        view! {
            <div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax=p.total
                aria-valuenow=p.passed aria-label=t(lang, Msg::Progress)>
                <span class="progress-fill" style=format!("width:{pct}%")></span>
            </div>
        }
    })
}

#[component]
pub fn HomePage() -> impl IntoView {
    let Some(lang) = param("lang").as_deref().and_then(Lang::parse) else {
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
                .map(|l| {
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
                            <ProgressBar lang=lang chapter=l.id.clone() exercises=l.exercises.clone() />
                        </li>
                    }
                })
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

#[component]
fn Outline(lang: Lang, course: Arc<Course>, current: String) -> impl IntoView {
    let parts = course
        .parts
        .iter()
        .filter_map(|part| {
            let items = course
                .lessons_of_part(lang, &part.id)
                .map(|l| {
                    let here = l.id == current;
                    view! {
                        <li>
                            <a href=lesson_href(lang, &l.id) aria-current=here.then_some("page")>
                                {l.title.clone()}
                            </a>
                        </li>
                    }
                })
                .collect::<Vec<_>>();
            (!items.is_empty()).then(|| {
                view! {
                    <li class="outline-part">
                        <span class="outline-part-title">{part.title.get(lang).to_string()}</span>
                        <ol>{items}</ol>
                    </li>
                }
            })
        })
        .collect_view();
    view! {
        <nav class="sidebar" aria-label=t(lang, Msg::Outline)>
            <details class="outline">
                <summary>{t(lang, Msg::Outline)}</summary>
                <ol class="outline-parts">{parts}</ol>
            </details>
        </nav>
    }
}

#[component]
pub fn LessonPage() -> impl IntoView {
    let lang = param("lang").as_deref().and_then(Lang::parse);
    let id = param("id").unwrap_or_default();
    let course = course();
    let Some((lang, lesson)) =
        lang.and_then(|lang| Some((lang, course.lesson(lang, &id)?.clone())))
    else {
        return view! { <NotFound /> }.into_any();
    };
    let (prev, next) = course.neighbours(lang, &id);
    let (prev, next) = (prev.cloned(), next.cloned());
    let part_title = course
        .parts
        .iter()
        .find(|p| p.id == lesson.part)
        .map(|p| p.title.get(lang).to_string())
        .unwrap_or_default();
    let toc = lesson
        .toc
        .iter()
        .map(|e| {
            view! {
                <li class=format!("toc-l{}", e.level)>
                    <a href=format!("#{}", e.anchor)>{e.title.clone()}</a>
                </li>
            }
        })
        .collect_view();
    let exercise_count = lesson.exercises.len();
    view! {
        <Html {..} lang=lang.html_tag() />
        <Title text=format!("{} · kubelab", lesson.title) />
        <Meta name="description" content=lesson.summary.clone() />
        <Header lang=lang path_after_lang=format!("/learn/{}", lesson.id) />
        <div class="layout">
            <Outline lang=lang course=course.clone() current=lesson.id.clone() />
            <main id="main" class="lesson">
                <header class="lesson-head">
                    <p class="crumb">{part_title}</p>
                    <h1>{lesson.title.clone()}</h1>
                    <p class="lesson-meta">
                        <span class="minutes">{format!("{} {}", lesson.minutes, t(lang, Msg::Minutes))}</span>
                        {(exercise_count > 0).then(|| view! {
                            <span class="exercise-count">{format!("{exercise_count} {}", t(lang, Msg::Exercises))}</span>
                        })}
                    </p>
                    <ProgressBar lang=lang chapter=lesson.id.clone() exercises=lesson.exercises.clone() />
                </header>
                <CopyCode>
                    <article class="prose" inner_html=lesson.html.clone()></article>
                </CopyCode>
                <nav class="pager" aria-label=format!("{} / {}", t(lang, Msg::Previous), t(lang, Msg::Next))>
                    {prev.map(|p| view! {
                        <a class="pager-prev" rel="prev" href=lesson_href(lang, &p.id)>
                            <span class="pager-label">{t(lang, Msg::Previous)}</span>
                            <span class="pager-title">{p.title.clone()}</span>
                        </a>
                    })}
                    {next.map(|n| view! {
                        <a class="pager-next" rel="next" href=lesson_href(lang, &n.id)>
                            <span class="pager-label">{t(lang, Msg::Next)}</span>
                            <span class="pager-title">{n.title.clone()}</span>
                        </a>
                    })}
                </nav>
            </main>
            <aside class="toc" aria-label=t(lang, Msg::OnThisPage)>
                <p class="toc-title">{t(lang, Msg::OnThisPage)}</p>
                <ol>{toc}</ol>
            </aside>
        </div>
        <Footer lang=lang />
    }
    .into_any()
}

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
