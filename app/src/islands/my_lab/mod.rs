//! "My lab" (`/:lang/me`): everything on the learner's own page that depends on the session.
//! Signed out: three ways to begin ([`sign_in`]); signed in: who they are, their cluster and
//! their progress ([`lab`]).

mod lab;
mod sign_in;
mod state;

pub use state::ExerciseLink;
use state::{Form, Lab};

use kubelab_wire::Me;
use leptos::prelude::*;

use crate::client::{self};
use crate::islands::parts::{by_session, Session};
use crate::model::Lang;

use lab::SignedIn;
use sign_in::SignedOut;

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
