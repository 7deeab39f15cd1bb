//! "My lab" (`/:lang/me`): everything on the learner's own page that depends on the session.
//! Signed out: three ways to begin ([`sign_in`]); signed in: who they are, their cluster and
//! their progress ([`lab`]).

mod lab;
mod sign_in;

use std::future::Future;

use kubelab_wire::Me;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::client::{self, ClientError};
use crate::i18n::{t, Msg};
use crate::islands::parts::{self, by_session, Notice, Session};
use crate::model::Lang;

use lab::SignedIn;
use sign_in::SignedOut;

/// Where an exercise is taught, so the progress list can link to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExerciseLink {
    pub exercise_id: String,
    pub href: String,
    pub lesson: String,
}

/// The part of the page an outcome belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Form {
    Start,
    Join,
    Resume,
    Account,
}

impl Form {
    /// For the form's `data-form` (tests find the forms by it).
    fn name(self) -> &'static str {
        match self {
            Form::Start => "start",
            Form::Join => "join",
            Form::Resume => "resume",
            Form::Account => "account",
        }
    }
}

/// The island's state, shared by its parts.
#[derive(Clone, Copy)]
struct Lab {
    lang: Lang,
    state: RwSignal<Session<Me>>,
    busy: RwSignal<bool>,
    /// The last outcome, shown next to the form it belongs to and announced by screen readers.
    notice: RwSignal<Option<(Form, Notice)>>,
}

impl Lab {
    /// Runs one state-changing call: a `Me` answer signs in (and says `done`, if given); a 401
    /// on the account's own actions signs out.
    fn act(
        self,
        form: Form,
        request: impl Future<Output = Result<Me, ClientError>> + 'static,
        done: Option<Msg>,
    ) {
        self.notice.set(None);
        parts::act(self.busy, request, move |reply| match reply {
            Ok(me) => {
                self.state.set(Session::SignedIn(me));
                if let Some(done) = done {
                    let text = t(self.lang, done);
                    self.notice.set(Some((Form::Account, Notice::ok(text))));
                }
            }
            Err(e) if form == Form::Account && e.status() == Some(401) => {
                self.state.set(Session::SignedOut)
            }
            Err(e) => self.failed(form, e),
        });
    }

    /// Starts, joins or resumes a session.
    fn sign_in<B: Serialize + 'static>(self, form: Form, url: &'static str, body: B) {
        let request = async move { client::post_json::<Me, _>(url, &body).await };
        self.act(form, request, None);
    }

    fn failed(self, form: Form, e: ClientError) {
        self.notice
            .set(Some((form, Notice::bad(e.text(self.lang)))));
    }

    fn sign_out(self) {
        let request = client::post::<()>("/api/session/logout");
        parts::act(self.busy, request, move |reply| match reply {
            Ok(()) => {
                self.notice.set(None);
                self.state.set(Session::SignedOut);
            }
            Err(e) => self.failed(Form::Account, e),
        });
    }

    /// The last outcome, if it belongs to `form`.
    fn notice_of(self, form: Form) -> impl IntoView {
        move || {
            self.notice
                .get()
                .and_then(|(f, notice)| (f == form).then(|| notice.view()))
        }
    }
}

/// Everything on "My lab" that depends on the session.
#[island]
pub fn MyLab(lang: Lang, links: Vec<ExerciseLink>) -> impl IntoView {
    let lab = Lab {
        lang,
        state: RwSignal::new(Session::Loading),
        busy: RwSignal::new(false),
        notice: RwSignal::new(None),
    };
    let links = StoredValue::new(links);
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            let me = client::get_json::<Me>("/api/me").await;
            lab.state.set(Session::from_reply(me, lang));
        });
    });
    view! {
        <div class="my-lab" data-state=move || lab.state.with(Session::name)>
            <div class="live-region" aria-live="polite">{lab.notice_of(Form::Account)}</div>
            {by_session(
                lang,
                lab.state,
                move || view! { <SignedOut lab=lab /> },
                move |me| view! { <SignedIn lab=lab me=me links=links /> },
            )}
        </div>
    }
}
