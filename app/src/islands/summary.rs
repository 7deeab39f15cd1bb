//! The learner's stored progress on lesson pages. Pages are cached and the same for everyone, so
//! islands ask `GET /api/me/summary` in the browser; every island on a page shares one request,
//! across bundles too (`client::get_json_shared`).

use std::cell::RefCell;
use std::sync::Arc;

use crate::client;

/// What this bundle reads of the summary: the exercise panel needs the last verdicts; a bundle
/// with only chapter bars reads the progress, and so does not carry the verdicts' parser.
#[cfg(feature = "island-exercise")]
pub type Summary = kubelab_wire::Summary;
#[cfg(not(feature = "island-exercise"))]
pub type Summary = kubelab_wire::SummaryProgress;

type Waiter = Box<dyn FnOnce(Option<Arc<Summary>>)>;

enum State {
    Idle,
    Asking(Vec<Waiter>),
    Done(Option<Arc<Summary>>),
}

thread_local! {
    static STATE: RefCell<State> = const { RefCell::new(State::Idle) };
}

/// Calls `then` with the summary once it is here (at once if it already is); `None` if it
/// could not be read. Only the first call sends the request. Call it from effects: they run
/// only in the browser.
pub fn with_summary(then: impl FnOnce(Option<Arc<Summary>>) + 'static) {
    let ready = STATE.with_borrow_mut(|state| match state {
        State::Done(s) => Some((then, s.clone())),
        State::Asking(waiters) => {
            waiters.push(Box::new(then));
            None
        }
        State::Idle => {
            *state = State::Asking(vec![Box::new(then)]);
            leptos::task::spawn_local(async {
                let got = client::get_json_shared::<Summary>("/api/me/summary")
                    .await
                    .ok()
                    .map(Arc::new);
                let waiters = STATE.with_borrow_mut(|state| {
                    match std::mem::replace(state, State::Done(got.clone())) {
                        State::Asking(w) => w,
                        _ => Vec::new(),
                    }
                });
                // Outside the borrow: a waiter may ask again and must find `Done`.
                for w in waiters {
                    w(got.clone());
                }
            });
            None
        }
    });
    if let Some((then, s)) = ready {
        then(s);
    }
}
