//! `/:lang/me`, "My lab": a static shell around the `MyLab` island, which shows the learner's
//! session from the API in the browser.

use leptos::prelude::*;

use super::frame::{course, lang_param, lesson_href, Frame};
use super::not_found::NotFound;
use super::terminal::TerminalDock;
use crate::i18n::Msg;
use crate::islands::{ExerciseLink, MyLab};
use crate::model::Lang;

/// Where each exercise is taught, so the island's progress list can link to it.
fn exercise_links(lang: Lang) -> Vec<ExerciseLink> {
    course()
        .lessons_in_order(lang)
        .flat_map(|l| {
            l.exercises.iter().map(|e| ExerciseLink {
                exercise_id: e.clone(),
                href: lesson_href(lang, &l.id),
                lesson: l.title.clone(),
            })
        })
        .collect()
}

#[component]
pub fn MePage() -> impl IntoView {
    let Some(lang) = lang_param() else {
        return view! { <NotFound /> }.into_any();
    };
    let links = exercise_links(lang);
    view! {
        <Frame lang=lang path_after_lang="/me".into() title=Msg::MyLab class="me-page">
            <MyLab lang=lang links=links />
        </Frame>
        <TerminalDock lang=lang />
    }
    .into_any()
}
