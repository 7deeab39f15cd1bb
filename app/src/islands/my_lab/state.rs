//! What the parts of this island share: its state and the requests that change it.

use crate::client::{self, ClientError};
use crate::i18n::{t, Msg};
use crate::islands::parts::{self, Notice, Session};
use crate::model::Lang;
use kubelab_wire::Me;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::future::Future;

/// Where an exercise is taught, so the progress list can link to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExerciseLink {
    pub exercise_id: String,
    pub href: String,
    pub lesson: String,
}

/// The part of the page an outcome belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Form {
    Start,
    Join,
    Resume,
    Account,
}

impl Form {
    /// For the form's `data-form` (tests find the forms by it).
    pub(super) fn name(self) -> &'static str {
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
pub(super) struct Lab {
    pub(super) lang: Lang,
    pub(super) state: RwSignal<Session<Me>>,
    pub(super) busy: RwSignal<bool>,
    /// The last outcome, shown next to the form it belongs to and announced by screen readers.
    pub(super) notice: RwSignal<Option<(Form, Notice)>>,
}

impl Lab {
    /// Runs one state-changing call: a `Me` answer signs in (and says `done`, if given); a 401
    /// on the account's own actions signs out.
    pub(super) fn act(
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
    pub(super) fn sign_in<B: Serialize + 'static>(self, form: Form, url: &'static str, body: B) {
        let request = async move { client::post_json::<Me, _>(url, &body).await };
        self.act(form, request, None);
    }

    pub(super) fn failed(self, form: Form, e: ClientError) {
        self.notice
            .set(Some((form, Notice::bad(e.text(self.lang)))));
    }

    pub(super) fn sign_out(self) {
        let request = client::post::<()>("/api/session/logout");
        parts::act(self.busy, request, move |reply| match reply {
            Ok(()) => {
                // A shared computer: the next person must not find this learner's answers.
                client::clear_drafts();
                self.notice.set(None);
                self.state.set(Session::SignedOut);
            }
            Err(e) => self.failed(Form::Account, e),
        });
    }

    /// The last outcome, if it belongs to `form`.
    pub(super) fn notice_of(self, form: Form) -> impl IntoView {
        move || {
            self.notice
                .get()
                .and_then(|(f, notice)| (f == form).then(|| notice.view()))
        }
    }
}
