//! `/:lang/teach/:id`: a static shell around the `ClassBoard` island of one classroom.

use leptos::prelude::*;

use super::frame::{lang_param, param, Frame};
use super::not_found::NotFound;
use crate::i18n::{t, Msg};
use crate::islands::ClassBoard;

#[component]
pub fn BoardPage() -> impl IntoView {
    let Some(lang) = lang_param() else {
        return view! { <NotFound /> }.into_any();
    };
    let id = param("id").unwrap_or_default();
    view! {
        <Frame lang=lang path_after_lang=format!("/teach/{id}") title=Msg::ClassroomBoard
            class="board-page">
            <p><a href=format!("/{}/teach", lang.code())>{t(lang, Msg::AllClassrooms)}</a></p>
            <ClassBoard lang=lang id=id />
        </Frame>
    }
    .into_any()
}
