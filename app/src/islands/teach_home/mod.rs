//! The instructor's home (`/:lang/teach`): sign in ([`login`]), then their classrooms
//! ([`classrooms`]: create, list, archive).

mod classrooms;
mod login;
mod state;

use kubelab_wire::InstructorView;
use leptos::prelude::*;
use state::Teach;

use crate::client;
use crate::islands::parts::{by_session, Notice, Session};
use crate::model::Lang;

use classrooms::SignedIn;
use login::LoginForm;

/// Sign in, then the instructor's classrooms.
#[island]
pub fn TeachHome(lang: Lang) -> impl IntoView {
    let teach = Teach {
        lang,
        state: RwSignal::new(Session::Loading),
        classrooms: RwSignal::new(Vec::new()),
        busy: RwSignal::new(false),
        notice: RwSignal::new(None),
    };
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            match client::get_json::<InstructorView>("/api/teach/me").await {
                Ok(me) => teach.signed_in(me),
                Err(e) => teach.state.set(Session::from_reply(Err(e), lang)),
            }
        });
    });
    view! {
        <div class="teach-home" data-state=move || teach.state.with(Session::name)>
            <div class="live-region" aria-live="polite">
                {move || teach.notice.get().map(Notice::view)}
            </div>
            {by_session(
                lang,
                teach.state,
                move || view! { <LoginForm teach=teach /> },
                move |me| view! { <SignedIn teach=teach me=me /> },
            )}
        </div>
    }
}
