//! The exercise panel: the one island on a lesson that talks to the exercise API.
//!
//! The page renders the static part (title, kind, instructions) on the server and hands this
//! island a [`PanelData`] built from the exercise's *public* form, so quiz answers and
//! explanations never reach the browser before a submission. The island posts the learner's
//! text or quiz answers to `/api/exercises/{id}/submit`, asks `/check` for cluster exercises,
//! follows `/live` over server-sent events, and shows the verdict assertion by assertion.

mod apply;
mod cluster;
mod code;
mod editor;
mod objects;
mod precheck;
mod quiz;
mod state;
mod verdict;

use kubelab_checks::PublicExercise;
use kubelab_wire::{ExerciseKind, Text, Verdict};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::i18n::{self, show_hint, t, Msg};
use crate::islands::summary::with_summary;
use crate::model::Lang;

use apply::ApplyBox;
use cluster::ClusterActions;
use code::Jump;
use editor::Editor;
use objects::ObjectView;
use quiz::Quiz;
use verdict::PanelStateView;

pub use state::{restore, PanelState, QuizQuestion};

/// Everything the panel island needs: small, serialisable, in one language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PanelData {
    pub id: String,
    pub lang: Lang,
    pub kind: ExerciseKind,
    /// The kind of text the learner may submit offline (also for a cluster exercise like `pod-yaml`).
    pub input: Option<ExerciseKind>,
    /// Tiered hints, gentle first, shown one at a time.
    pub hints: Vec<String>,
    /// A challenge: its hints come from the server after this many failed checks (0: open).
    #[serde(default)]
    pub hints_after: u32,
    pub questions: Vec<QuizQuestion>,
    /// What "Start" creates (`Deployment/api-dep`, …); empty unless the exercise has a setup.
    pub setup: Vec<String>,
    /// A verdict to show before the learner checks. Pages leave it empty: they are cached and the
    /// same for everyone, so the island fills the learner's stored verdict in the browser instead
    /// (see [`restore`]).
    pub last: Option<Verdict>,
}

impl PanelData {
    pub fn new(ex: &PublicExercise, lang: Lang, last: Option<Verdict>) -> Self {
        let text = |t: &Text| t.get(lang.code()).to_string();
        let input = match ex.kind {
            ExerciseKind::Cluster => ex.offline,
            k => Some(k),
        };
        PanelData {
            id: ex.id.clone(),
            lang,
            kind: ex.kind,
            input,
            hints: ex.hints.iter().map(text).collect(),
            hints_after: ex.hints_after_failures,
            questions: ex
                .questions
                .iter()
                .map(|q| QuizQuestion {
                    id: q.id.clone(),
                    prompt: text(&q.prompt),
                    multiple: q.multiple,
                    options: q
                        .options
                        .iter()
                        .map(|o| (o.id.clone(), text(&o.text)))
                        .collect(),
                })
                .collect(),
            setup: ex.setup.iter().map(ToString::to_string).collect(),
            last,
        }
    }
}

/// One exercise's interactive part: editor or quiz form, check buttons, live toggle, verdict, hints.
#[island]
pub fn ExercisePanel(data: PanelData) -> impl IntoView {
    let PanelData {
        id,
        lang,
        kind,
        input,
        hints,
        hints_after,
        questions,
        setup,
        last,
    } = data;
    let state = RwSignal::new(last.map(PanelState::Done).unwrap_or(PanelState::Idle));
    let ready = RwSignal::new(false);
    // Gated progress: why the exercise is not open yet (from the learner's summary).
    let locked = RwSignal::new(None::<String>);
    // Effects run only in the browser: until then the buttons stay disabled (no form posts the page).
    let exercise = id.clone();
    Effect::new(move |_| {
        ready.set(true);
        let exercise = exercise.clone();
        with_summary(move |summary| {
            let Some(summary) = summary else { return };
            let _ = state.try_update(|s| restore(s, &summary, &exercise));
            if let Some(lock) = summary.locked.get(&exercise) {
                let _ = locked.try_set(Some(i18n::locked_note(
                    lang,
                    lock.title.get(lang.code()),
                    &lock.missing,
                )));
            }
        });
    });
    let busy = Signal::derive(move || {
        !ready.get() || state.get() == PanelState::Busy || locked.with(Option::is_some)
    });

    // The panel's text (shared by the answer editor and Apply), the marks Apply's refusals put
    // in it, and where the result area asks the editor to move the cursor.
    let text = RwSignal::new(String::new());
    let marks = RwSignal::new(Vec::new());
    let jump = Jump(RwSignal::new(None));
    provide_context(jump);
    let text_input = input.filter(|k| *k != ExerciseKind::Quiz);
    let editor = text_input.map(|k| {
        view! {
            <Editor id=id.clone() lang=lang kind=k state=state busy=busy text=text
                more=Signal::from(marks) jump=jump />
        }
    });
    // Apply sends the answer editor's text when it is YAML.
    let shared = (text_input == Some(ExerciseKind::Manifest)).then_some(text);
    let quiz = (input == Some(ExerciseKind::Quiz)).then(
        || view! { <Quiz id=id.clone() lang=lang questions=questions state=state busy=busy /> },
    );
    let graph = RwSignal::new(None);
    let cluster = (kind == ExerciseKind::Cluster).then(|| {
        view! {
            <ClusterActions id=id.clone() lang=lang state=state busy=busy setup=setup graph=graph />
            <ApplyBox id=id.clone() lang=lang busy=busy shared=shared marks=marks jump=jump />
        }
    });
    let hints = if hints_after > 0 {
        Some(view! { <ClosedHints id=id.clone() lang=lang state=state ready=ready /> }.into_any())
    } else {
        (!hints.is_empty())
            .then(|| view! { <Hints id=id.clone() lang=lang hints=hints ready=ready /> }.into_any())
    };
    view! {
        <div class="panel" data-exercise=id.clone() data-ready=move || ready.get().then_some("")
            data-locked=move || locked.with(Option::is_some).then_some("")>
            {move || locked.get().map(|note| view! { <p class="locked-note" role="status">{note}</p> })}
            {editor}
            {quiz}
            {cluster}
            <div class="verdict-area" aria-live="polite">
                <PanelStateView state=state lang=lang />
            </div>
            {(kind == ExerciseKind::Cluster).then(|| view! { <ObjectView graph=graph lang=lang id=id.clone() /> })}
            {hints}
        </div>
    }
}

/// A challenge's hints: asked from the server when the panel opens and after each verdict; until
/// enough checks have failed it says how many to go, then it works like [`Hints`].
#[component]
fn ClosedHints(
    id: String,
    lang: Lang,
    state: RwSignal<PanelState>,
    ready: RwSignal<bool>,
) -> impl IntoView {
    let got = RwSignal::new(None::<kubelab_wire::Hints>);
    let url = kubelab_wire::paths::exercise(&id, "hints");
    Effect::new(move |_| {
        // Again after each verdict (not while one is on its way): a failed check may have
        // opened them.
        if state.with(|s| *s == PanelState::Busy) {
            return;
        }
        let url = url.clone();
        leptos::task::spawn_local(async move {
            if let Ok(h) = crate::client::get_json::<kubelab_wire::Hints>(&url).await {
                let _ = got.try_set(Some(h));
            }
        });
    });
    view! {
        {move || match got.get() {
            Some(h) if h.to_go.is_none() && !h.hints.is_empty() => {
                let hints = h.hints.iter().map(|t| t.get(lang.code()).to_string()).collect();
                view! { <Hints id=id.clone() lang=lang hints=hints ready=ready /> }.into_any()
            }
            Some(h) => view! {
                <p class="hints hints-closed" data-to-go=h.to_go.unwrap_or(0)>
                    {i18n::hints_to_go(lang, h.to_go.unwrap_or(0))}
                </p>
            }.into_any(),
            None => ().into_any(),
        }}
    }
}

/// "Show a hint" reveals the exercise's tiered hints one by one.
#[component]
fn Hints(id: String, lang: Lang, hints: Vec<String>, ready: RwSignal<bool>) -> impl IntoView {
    let count = hints.len();
    let shown = RwSignal::new(0usize);
    let hints_id = format!("{id}-hints");
    let all_shown = move || shown.get() >= count;
    view! {
        <div class="hints">
            <button type="button" class="hint-btn" aria-controls=hints_id.clone()
                disabled=move || !ready.get() || all_shown()
                on:click=move |_| shown.update(|n| *n = (*n + 1).min(count))>
                {move || if all_shown() {
                    t(lang, Msg::NoMoreHints).to_string()
                } else {
                    show_hint(lang, shown.get() + 1, count)
                }}
            </button>
            <ol class="hint-list" id=hints_id aria-label=t(lang, Msg::Hints) aria-live="polite">
                {move || hints.iter().take(shown.get()).map(|h| view! { <li>{h.clone()}</li> }).collect_view()}
            </ol>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::ClientError;
    use kubelab_wire::Summary;

    #[test]
    fn the_stored_verdict_shows_only_until_the_learner_checks() {
        let summary: Summary = serde_json::from_str(
            r#"{"signed_in":true,"progress":[],"last":{"a":{"at":7,"verdict":{"exercise":"a","mode":"cluster","passed":true,"results":[]}}}}"#,
        )
        .unwrap();
        let mut state = PanelState::Idle;
        restore(&mut state, &summary, "a");
        assert!(matches!(&state, PanelState::Stored(v, 7) if v.passed && v.exercise == "a"));
        let mut other = PanelState::Idle;
        restore(&mut other, &summary, "b");
        assert_eq!(other, PanelState::Idle);
        // Checked already in this page view: the newer verdict stays.
        let mut busy = PanelState::Busy;
        restore(&mut busy, &summary, "a");
        assert_eq!(busy, PanelState::Busy);
    }

    #[test]
    fn a_failed_request_shows_its_text_not_the_reply() {
        let state = PanelState::of(Err(ClientError::Network), Lang::En);
        assert_eq!(
            state,
            PanelState::Failed(t(Lang::En, Msg::NetworkError).to_string())
        );
    }
}
