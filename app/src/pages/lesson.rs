//! `/:lang/learn/:id`: a lesson — outline, the chapter's HTML (rendered once at load), its table
//! of contents, and "Check your work": one exercise panel per exercise the chapter lists.

use std::sync::Arc;

use kubelab_checks::{ExerciseKind, PublicExercise};
use leptos::prelude::*;
use leptos_meta::{Html, Meta, Title};

use super::frame::{catalog, course, lang_param, lesson_href, param, Footer, Header, ProgressBar};
use super::not_found::NotFound;
use super::terminal::TerminalDock;
use crate::i18n::{self, t, Msg};
use crate::islands::{CopyCode, ExercisePanel, PanelData};
use crate::model::{kind_slug, Course, Lang};

/// Exercise instructions are Markdown; the server renders them like lesson text.
#[cfg(feature = "ssr")]
fn markdown(text: &str, lang: Lang) -> String {
    crate::content::render::render(text, lang, &Default::default()).html
}

#[cfg(not(feature = "ssr"))]
fn markdown(_text: &str, _lang: Lang) -> String {
    String::new()
}

#[component]
fn Exercise(ex: PublicExercise, lang: Lang) -> impl IntoView {
    let heading = format!("exercise-{}-title", ex.id);
    let labelled_by = heading.clone();
    let badge = |kind: ExerciseKind| {
        view! { <span class=format!("kind-badge kind-{}", kind_slug(kind))>{i18n::kind(lang, kind)}</span> }
    };
    let offline = ex
        .offline
        .filter(|_| ex.kind == ExerciseKind::Cluster)
        .map(|_| {
            view! { <span class="kind-badge kind-offline">{t(lang, Msg::OfflineToo)}</span> }
        });
    view! {
        <article class="exercise" id=format!("exercise-{}", ex.id) aria-labelledby=labelled_by>
            <header class="exercise-head">
                <h3 id=heading>{ex.title.get(lang.code()).to_string()}</h3>
                <p class="badges">{badge(ex.kind)}{offline}</p>
            </header>
            <div class="prose exercise-instructions" inner_html=markdown(ex.instructions.get(lang.code()), lang)></div>
            <ExercisePanel data=PanelData::new(&ex, lang, None) />
        </article>
    }
}

/// One panel per exercise the lesson lists (the lesson's own "Exercises" section explains them;
/// this one is where they are checked), in its order; ids missing from the catalog are skipped
/// (`kubelab content check` reports them).
#[component]
fn Exercises(lang: Lang, ids: Vec<String>) -> impl IntoView {
    let catalog = catalog()?;
    let exercises: Vec<PublicExercise> = ids
        .iter()
        .filter_map(|id| catalog.get(id).map(|ex| ex.public()))
        .collect();
    (!exercises.is_empty()).then(|| {
        view! {
            <section class="exercises" aria-labelledby="exercise-panels">
                <h2 id="exercise-panels">{t(lang, Msg::CheckYourWork)}</h2>
                {exercises.into_iter().map(|ex| view! { <Exercise ex=ex lang=lang /> }).collect_view()}
            </section>
        }
    })
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
                        <li data-chapter=l.id.clone()>
                            <a href=lesson_href(lang, &l.id) aria-current=here.then_some("page")>
                                {l.title.clone()}
                            </a>
                            <ProgressBar lang=lang exercises=l.exercises.clone() />
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
        // Focusable: the outline scrolls on its own, and keyboard users must be able to scroll it.
        <nav class="sidebar" tabindex="0" aria-label=t(lang, Msg::Outline)>
            <details class="outline">
                <summary>{t(lang, Msg::Outline)}</summary>
                <ol class="outline-parts">{parts}</ol>
            </details>
        </nav>
    }
}

#[component]
pub fn LessonPage() -> impl IntoView {
    let lang = lang_param();
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
    let exercises_toc = (exercise_count > 0 && catalog().is_some()).then(|| {
        view! { <li class="toc-l2"><a href="#exercise-panels">{t(lang, Msg::CheckYourWork)}</a></li> }
    });
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
                    <ProgressBar lang=lang exercises=lesson.exercises.clone() />
                </header>
                <CopyCode>
                    <article class="prose" inner_html=lesson.html.clone()></article>
                </CopyCode>
                <Exercises lang=lang ids=lesson.exercises.clone() />
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
                <ol>{toc}{exercises_toc}</ol>
            </aside>
        </div>
        <Footer lang=lang />
        <TerminalDock lang=lang />
    }
    .into_any()
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use kubelab_checks::Catalog;

    use super::*;

    /// The repository's own exercise specs are the fixtures: what a learner would see.
    fn catalog() -> Catalog {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/exercises");
        let sources = ["dockerfile", "image-tags", "pod-yaml", "deployment"].map(|id| {
            let path = dir.join(format!("{id}.yaml"));
            let text = std::fs::read_to_string(&path).unwrap();
            (path.display().to_string(), text)
        });
        Catalog::from_sources(sources).unwrap()
    }

    /// Renders a lesson's exercise section as the lesson page does. (The whole page needs the
    /// server's hydration context for the copy island; the e2e tests cover the page.)
    fn render(lang: Lang, ids: &[&str], catalog: Option<Catalog>) -> String {
        let ids: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
        Owner::new().with(|| {
            if let Some(c) = catalog {
                provide_context(Arc::new(c));
            }
            view! { <Exercises lang=lang ids=ids /> }.to_html()
        })
    }

    #[test]
    fn a_lesson_renders_one_panel_per_exercise_with_kind_instructions_and_island() {
        let html = render(
            Lang::En,
            &["dockerfile", "image-tags", "pod-yaml"],
            Some(catalog()),
        );
        assert!(html.contains(r#"id="exercise-panels""#), "{html}");
        for id in ["dockerfile", "image-tags", "pod-yaml"] {
            assert!(
                html.contains(&format!(r#"id="exercise-{id}""#)),
                "panel for {id}"
            );
            assert!(
                html.contains(&format!(r#"data-exercise="{id}""#)),
                "island for {id}"
            );
        }
        assert_eq!(html.matches("<leptos-island").count(), 3);
        // Static part: title, kind badges, instructions rendered from Markdown on the server.
        assert!(html.contains("Write an nginx-based Dockerfile"));
        assert!(html.contains(r#"class="kind-badge kind-dockerfile""#));
        assert!(html.contains(r#"class="kind-badge kind-quiz""#));
        assert!(html.contains(r#"class="kind-badge kind-cluster""#));
        assert!(
            html.contains("<code>nginx:1.25-alpine</code>"),
            "markdown rendered"
        );
        // Interactive part, server-rendered before hydration: editor, quiz form, cluster buttons.
        assert!(html.contains(r#"aria-label="Your answer (Dockerfile)""#));
        assert!(html.contains(r#"spellcheck="false""#));
        assert!(html.contains("Check my answer"));
        assert!(html.contains(r#"type="radio" name="image-tags--nginx-tag""#));
        assert!(html.contains("Check now") && html.contains(r#"class="live-toggle""#));
        assert!(html.contains(r#"aria-live="polite""#));
        // Buttons wait for hydration, so nothing submits the page as a plain form.
        let buttons: Vec<&str> = html
            .split("<button")
            .skip(1)
            .filter_map(|b| b.split('>').next())
            .filter(|b| b.contains("check-btn"))
            .collect();
        assert_eq!(buttons.len(), 4, "{buttons:?}");
        assert!(
            buttons.iter().all(|b| b.contains(" disabled")),
            "{buttons:?}"
        );
        // The first hint stays hidden until asked for.
        assert!(html.contains("Show a hint (1/3)"));
        assert!(!html.contains("<li>Every RUN and COPY adds an image layer"));
    }

    #[test]
    fn quiz_answers_and_explanations_never_reach_the_page() {
        let catalog = catalog();
        let quiz = catalog.get("image-tags").unwrap().clone();
        for lang in Lang::ALL {
            let html = render(lang, &["image-tags"], Some(catalog.clone()));
            assert!(
                html.contains("nginx:1.21.6-alpine"),
                "the questions are there"
            );
            for q in &quiz.questions {
                let explanation = q.explanation.as_ref().unwrap();
                // A long stretch: short ones also occur in the (public) options.
                let probe: String = explanation.get(lang.code()).chars().take(24).collect();
                assert!(
                    !html.contains(&probe),
                    "{lang:?}: explanation of {} leaked",
                    q.id
                );
            }
            assert!(!html.contains("answer&quot;") && !html.contains("\"answer\""));
        }
    }

    #[test]
    fn without_a_catalog_or_exercises_a_lesson_has_no_panels() {
        assert!(!render(Lang::En, &["dockerfile"], None).contains("exercise-panels"));
        assert!(!render(Lang::En, &[], Some(catalog())).contains("exercise-panels"));
        let html = render(
            Lang::Zh,
            &["no-such-exercise", "dockerfile"],
            Some(catalog()),
        );
        assert_eq!(
            html.matches("<leptos-island").count(),
            1,
            "unknown ids are skipped"
        );
        assert!(html.contains("检查我的答案"));
    }
}
