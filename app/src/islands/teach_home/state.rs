//! What the parts of this island share: its state and the requests that change it.

use crate::client;
use crate::islands::parts::{Notice, Session};
use crate::model::Lang;
use kubelab_wire::{ClassroomView, InstructorRef, InstructorView};
use leptos::prelude::*;

/// The island's state, shared by its parts.
#[derive(Clone, Copy)]
pub(super) struct Teach {
    pub(super) lang: Lang,
    pub(super) state: RwSignal<Session<InstructorRef>>,
    pub(super) classrooms: RwSignal<Vec<ClassroomView>>,
    pub(super) busy: RwSignal<bool>,
    pub(super) notice: RwSignal<Option<Notice>>,
}

impl Teach {
    pub(super) fn signed_in(self, me: InstructorView) {
        self.state.set(Session::SignedIn(me.instructor));
        leptos::task::spawn_local(async move {
            match client::get_json::<Vec<ClassroomView>>("/api/teach/classrooms").await {
                Ok(list) => self.classrooms.set(list),
                Err(e) => self.notice.set(Some(Notice::bad(e.text(self.lang)))),
            }
        });
    }
}
