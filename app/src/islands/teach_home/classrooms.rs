//! The signed-in instructor: sign out, create a classroom, and the list of classrooms with
//! their join codes, boards and archive buttons.

use kubelab_wire::{paths, time, ClassroomView, InstructorRef, NewClassroomBody};
use leptos::either::Either;
use leptos::prelude::*;

use super::state::Teach;
use crate::client::{self, ClientError};
use crate::i18n::{self, t, Msg};
use crate::islands::parts::{self, CopyValue, Notice, Session};
use crate::model::Lang;

/// The classroom's board page.
pub fn board_href(lang: Lang, id: &str) -> String {
    format!("/{}/teach/{id}", lang.code())
}

impl Teach {
    fn failed(self, e: ClientError) {
        self.notice.set(Some(Notice::bad(e.text(self.lang))));
    }

    fn create(self, name: String, done: impl FnOnce() + 'static) {
        let request = async move {
            let body = NewClassroomBody { name };
            client::post_json::<ClassroomView, _>("/api/teach/classrooms", &body).await
        };
        parts::act(self.busy, request, move |reply| match reply {
            Ok(c) => {
                done();
                let text = i18n::classroom_created(self.lang, &c.name, &c.code);
                self.notice.set(Some(Notice::ok(text)));
                self.classrooms.update(|list| list.insert(0, c));
            }
            Err(e) => self.failed(e),
        });
    }

    fn archive(self, c: ClassroomView) {
        if !client::confirm(&i18n::archive_question(self.lang, &c.name)) {
            return;
        }
        let url = format!("{}/archive", paths::classroom(&c.id));
        let request = async move { client::post::<ClassroomView>(&url).await };
        parts::act(self.busy, request, move |reply| match reply {
            Ok(updated) => {
                self.classrooms.update(|list| {
                    if let Some(slot) = list.iter_mut().find(|x| x.id == updated.id) {
                        *slot = updated;
                    }
                });
                let text = t(self.lang, Msg::ClassroomArchived);
                self.notice.set(Some(Notice::ok(text)));
            }
            Err(e) => self.failed(e),
        });
    }

    fn sign_out(self) {
        let request = client::post::<()>("/api/teach/logout");
        parts::act(self.busy, request, move |reply| match reply {
            Ok(()) => {
                self.classrooms.set(Vec::new());
                self.notice.set(None);
                self.state.set(Session::SignedOut);
            }
            Err(e) => self.failed(e),
        });
    }
}

#[component]
pub(super) fn SignedIn(teach: Teach, me: InstructorRef) -> impl IntoView {
    let lang = teach.lang;
    let busy = teach.busy;
    let new_name = RwSignal::new(String::new());
    let on_create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let name = new_name.get_untracked().trim().to_string();
        if name.is_empty() {
            return;
        }
        teach.create(name, move || new_name.set(String::new()));
    };
    view! {
        <p class="signed-in-as">
            {t(lang, Msg::SignedInAs)}<strong data-field="email">{me.email}</strong>" "
            <button type="button" class="button button-quiet" on:click=move |_| teach.sign_out()
                disabled=move || busy.get()>{t(lang, Msg::SignOut)}</button>
        </p>
        <form class="card new-classroom" data-form="new-classroom" on:submit=on_create>
            <h2>{t(lang, Msg::NewClassroom)}</h2>
            <label for="classroom-name">{t(lang, Msg::ClassroomName)}</label>
            <div class="inline-form">
                <input id="classroom-name" name="name" required maxlength="80" bind:value=new_name
                    placeholder=t(lang, Msg::ClassroomNamePlaceholder) />
                <button class="button" type="submit" disabled=move || busy.get()>
                    {t(lang, Msg::Create)}
                </button>
            </div>
        </form>
        <section aria-labelledby="classrooms-h">
            <h2 id="classrooms-h">{t(lang, Msg::MyClassrooms)}</h2>
            {move || {
                let list = teach.classrooms.get();
                if list.is_empty() {
                    return Either::Left(view! { <p class="muted">{t(lang, Msg::NoClassroomsYet)}</p> });
                }
                Either::Right(view! {
                    <ul class="classroom-list">
                        {list.into_iter().map(|c| classroom(teach, c)).collect_view()}
                    </ul>
                })
            }}
        </section>
    }
}

fn classroom(teach: Teach, c: ClassroomView) -> impl IntoView {
    let lang = teach.lang;
    let busy = teach.busy;
    let archived = c.archived_at.is_some();
    let href = board_href(lang, &c.id);
    let facts = format!(
        "{} · {}{}",
        i18n::learners(lang, c.learners),
        time::display(c.created_at),
        c.archived_at
            .map(|at| i18n::archived_at(lang, at))
            .unwrap_or_default()
    );
    let archive = (!archived).then(|| {
        let c = c.clone();
        view! {
            <button type="button" class="button button-danger" disabled=move || busy.get()
                on:click=move |_| teach.archive(c.clone())>
                {t(lang, Msg::Archive)}
            </button>
        }
    });
    view! {
        <li class="card classroom" data-classroom=c.id.clone() data-archived=archived.to_string()>
            <h3><a href=href.clone()>{c.name}</a></h3>
            <p class="join">
                <span class="join-label">{t(lang, Msg::JoinCode)}</span>
                <code class="join-code" data-field="join-code">{c.code.clone()}</code>
                <CopyValue lang=lang value=c.code.clone() label=t(lang, Msg::CopyJoinCode) />
            </p>
            <p class="muted">{facts}</p>
            <p class="actions">
                <a class="button" href=href>{t(lang, Msg::OpenBoard)}</a>
                {archive}
            </p>
        </li>
    }
}
