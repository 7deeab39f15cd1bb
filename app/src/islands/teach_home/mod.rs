//! The instructor's home (`/:lang/teach`): sign in ([`login`]), then their classrooms
//! ([`classrooms`]: create, list, archive).

mod classrooms;
mod login;

use kubelab_wire::{ClassroomView, InstructorRef, InstructorView};
use leptos::prelude::*;

use crate::client;
use crate::islands::parts::{by_session, Notice, Session};
use crate::model::Lang;

use classrooms::SignedIn;
use login::LoginForm;

/// The island's state, shared by its parts.
#[derive(Clone, Copy)]
struct Teach {
    lang: Lang,
    state: RwSignal<Session<InstructorRef>>,
    classrooms: RwSignal<Vec<ClassroomView>>,
    busy: RwSignal<bool>,
    notice: RwSignal<Option<Notice>>,
}

impl Teach {
    fn signed_in(self, me: InstructorView) {
        self.state.set(Session::SignedIn(me.instructor));
        leptos::task::spawn_local(async move {
            match client::get_json::<Vec<ClassroomView>>("/api/teach/classrooms").await {
                Ok(list) => self.classrooms.set(list),
                Err(e) => self.notice.set(Some(Notice::bad(e.text(self.lang)))),
            }
        });
    }
}

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
