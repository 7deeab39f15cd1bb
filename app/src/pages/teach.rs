//! `/:lang/teach`: a static shell around the `TeachHome` island (sign in, classrooms).

use leptos::prelude::*;

use super::frame::{lang_param, Frame};
use super::not_found::NotFound;
use crate::i18n::Msg;
use crate::islands::TeachHome;

#[component]
pub fn TeachPage() -> impl IntoView {
    let Some(lang) = lang_param() else {
        return view! { <NotFound /> }.into_any();
    };
    view! {
        <Frame lang=lang path_after_lang="/teach".into() title=Msg::Instructor class="teach-page">
            <TeachHome lang=lang />
        </Frame>
    }
    .into_any()
}
