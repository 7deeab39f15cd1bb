//! What the panel's parts share: the state of its result area, the quiz question of a panel, and
//! how one request is run.

use std::future::Future;

use kubelab_wire::{Summary, Verdict};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::client::ClientError;
use crate::model::Lang;

/// A quiz question in the page's language, without its answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuizQuestion {
    pub id: String,
    pub prompt: String,
    pub multiple: bool,
    /// (option id, option text)
    pub options: Vec<(String, String)>,
}

/// What the result area shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PanelState {
    Idle,
    Busy,
    Done(Verdict),
    /// The verdict of the learner's last check in an earlier visit, with its time (unix ms);
    /// any new check replaces it.
    Stored(Verdict, i64),
    /// A readable message (already in the page's language), never a raw reply.
    Failed(String),
}

impl PanelState {
    pub(super) fn of(reply: Result<Verdict, ClientError>, lang: Lang) -> Self {
        match reply {
            Ok(v) => PanelState::Done(v),
            Err(e) => PanelState::Failed(e.text(lang)),
        }
    }
}

/// Shows the learner's stored last verdict, unless they already checked in this page view.
pub fn restore(state: &mut PanelState, summary: &Summary, exercise: &str) {
    if *state != PanelState::Idle {
        return;
    }
    if let Some(last) = summary.last.get(exercise) {
        *state = PanelState::Stored(last.verdict.clone(), last.at);
    }
}

/// Sends one check or submission and shows its outcome.
pub(super) fn run(
    state: RwSignal<PanelState>,
    lang: Lang,
    request: impl Future<Output = Result<Verdict, ClientError>> + 'static,
) {
    state.set(PanelState::Busy);
    leptos::task::spawn_local(async move {
        state.set(PanelState::of(request.await, lang));
    });
}
