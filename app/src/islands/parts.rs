//! Pieces several islands are built from: not islands themselves (they hydrate as part of the
//! island that renders them).

use std::future::Future;

use kubelab_checks::AssertionResult;
use leptos::either::EitherOf4;
use leptos::prelude::*;

use crate::client::{self, ClientError};
use crate::i18n::{t, Msg};
use crate::model::Lang;

/// Where an account page is with its session: what `data-state` says (tests wait on it).
#[derive(Clone, Debug, PartialEq)]
pub enum Session<T> {
    Loading,
    SignedOut,
    SignedIn(T),
    /// A readable message: the page could not tell.
    Failed(String),
}

impl<T> Session<T> {
    /// The answer of "who am I": a 401 means signed out, anything else that failed is shown.
    pub fn from_reply(reply: Result<T, ClientError>, lang: Lang) -> Self {
        match reply {
            Ok(me) => Session::SignedIn(me),
            Err(e) if e.status() == Some(401) => Session::SignedOut,
            Err(e) => Session::Failed(e.text(lang)),
        }
    }

    /// For `data-state`.
    pub fn name(&self) -> &'static str {
        match self {
            Session::Loading => "loading",
            Session::SignedOut => "signed-out",
            Session::SignedIn(_) => "signed-in",
            Session::Failed(_) => "failed",
        }
    }
}

/// The body of an account page by session: loading, failed, or one of the two views.
pub fn by_session<T, A, B>(
    lang: Lang,
    state: RwSignal<Session<T>>,
    signed_out: impl Fn() -> A + Send + Sync + 'static,
    signed_in: impl Fn(T) -> B + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    A: IntoView + 'static,
    B: IntoView + 'static,
{
    move || match state.get() {
        Session::Loading => EitherOf4::A(loading(lang)),
        Session::Failed(text) => EitherOf4::B(alert(text)),
        Session::SignedOut => EitherOf4::C(signed_out()),
        Session::SignedIn(me) => EitherOf4::D(signed_in(me)),
    }
}

/// Runs one action of a form or button: `request`, then `then` with its reply, with `busy` set
/// meanwhile (it disables the page's buttons). Does nothing while another action runs.
pub fn act<T: 'static>(
    busy: RwSignal<bool>,
    request: impl Future<Output = T> + 'static,
    then: impl FnOnce(T) + 'static,
) {
    if busy.get_untracked() {
        return;
    }
    busy.set(true);
    leptos::task::spawn_local(async move {
        then(request.await);
        busy.set(false);
    });
}

/// The outcome of an action, beside the form it belongs to; never told by colour alone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub ok: bool,
    pub text: String,
}

impl Notice {
    pub fn ok(text: impl Into<String>) -> Self {
        Notice {
            ok: true,
            text: text.into(),
        }
    }

    pub fn bad(text: impl Into<String>) -> Self {
        Notice {
            ok: false,
            text: text.into(),
        }
    }

    /// An action's outcome: `done` on success, the error's text otherwise.
    pub fn of<T>(
        reply: &Result<T, ClientError>,
        lang: Lang,
        done: impl FnOnce(&T) -> String,
    ) -> Self {
        match reply {
            Ok(v) => Notice::ok(done(v)),
            Err(e) => Notice::bad(e.text(lang)),
        }
    }

    pub fn view(self) -> impl IntoView {
        view! {
            <p class=if self.ok { "notice notice-ok" } else { "notice notice-bad" }>
                {if self.ok { "✓ " } else { "✗ " }}{self.text}
            </p>
        }
    }
}

/// An assertion's outcome as a mark (beside a word: never told by colour alone).
pub fn mark(r: &AssertionResult) -> &'static str {
    if r.passed {
        "✓"
    } else if r.skipped {
        "–"
    } else {
        "✗"
    }
}

/// An assertion's outcome in words.
pub fn outcome_word(lang: Lang, r: &AssertionResult) -> &'static str {
    t(
        lang,
        if r.passed {
            Msg::Passed
        } else if r.skipped {
            Msg::Skipped
        } else {
            Msg::Failed
        },
    )
}

pub fn loading(lang: Lang) -> impl IntoView {
    view! { <p class="muted" role="status">{t(lang, Msg::Loading)}</p> }
}

/// A failure that replaces what should have been there.
pub fn alert(text: String) -> impl IntoView {
    view! { <p class="notice notice-bad" role="alert">{text}</p> }
}

/// A copy button for a short value (resume code, join code), with its own feedback.
#[component]
pub fn CopyValue(lang: Lang, value: String, label: &'static str) -> impl IntoView {
    let state = RwSignal::new(None::<bool>); // copied or not, for a moment
    let value = StoredValue::new(value);
    let on_click = move |_| {
        leptos::task::spawn_local(async move {
            let ok = client::copy_text(&value.get_value()).await;
            state.set(Some(ok));
            set_timeout(
                move || state.set(None),
                std::time::Duration::from_millis(2000),
            );
        });
    };
    view! {
        <button type="button" class="copy-value" on:click=on_click aria-label=label>
            {move || t(lang, match state.get() {
                Some(true) => Msg::Copied,
                Some(false) => Msg::CopyFailed,
                None => Msg::Copy,
            })}
        </button>
    }
}
