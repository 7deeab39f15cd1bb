//! A cluster exercise's actions: "Check now", and "Live", which follows `/live` over
//! server-sent events while the toggle is on and the page is visible (its verdicts, and the
//! learner's objects for the object view); for a break-fix exercise
//! also "Start" and "Reset this exercise", which create its objects in the learner's namespace.

use kubelab_wire::{paths, Me, ObjectGraph, StartBody, Started, Verdict};
use leptos::prelude::*;

use super::state::{run, PanelState};
use crate::client::{self, EventStream, StreamEvent};
use crate::i18n::{t, Msg};
use crate::model::Lang;

/// Whether the live connection is up; shown next to the toggle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LiveNote {
    Off,
    Connecting,
    Watching,
    Reconnecting,
    Paused,
}

impl LiveNote {
    /// For `data-state` (tests and CSS).
    fn name(self) -> &'static str {
        match self {
            LiveNote::Off => "off",
            LiveNote::Connecting => "connecting",
            LiveNote::Watching => "watching",
            LiveNote::Reconnecting => "reconnecting",
            LiveNote::Paused => "paused",
        }
    }

    fn text(self, lang: Lang) -> Option<&'static str> {
        let msg = match self {
            LiveNote::Off => return None,
            LiveNote::Connecting => Msg::LiveConnecting,
            LiveNote::Watching => Msg::LiveWatching,
            LiveNote::Reconnecting => Msg::LiveReconnecting,
            LiveNote::Paused => Msg::LivePaused,
        };
        Some(t(lang, msg))
    }
}

/// The signals one live connection drives.
#[derive(Clone, Copy)]
struct Live {
    lang: Lang,
    on: RwSignal<bool>,
    note: RwSignal<LiveNote>,
    state: RwSignal<PanelState>,
    graph: RwSignal<Option<ObjectGraph>>,
}

impl Live {
    /// Asks `/check` once; its reply (or error message) goes to the result area.
    fn check(self, id: &str) {
        let url = paths::exercise(id, "check");
        run(self.state, self.lang, async move {
            client::post::<Verdict>(&url).await
        });
    }

    fn open(self, id: String) -> Option<EventStream> {
        let url = paths::exercise(&id, "live");
        let stream = client::open_stream(&url, "verdict", move |event: StreamEvent<Verdict>| {
            match event {
                StreamEvent::Open => self.note.set(LiveNote::Watching),
                StreamEvent::Message(v) => {
                    self.note.set(LiveNote::Watching);
                    self.state.set(PanelState::Done(v));
                }
                // A check failed (or a message was unreadable); the stream goes on.
                StreamEvent::Error(e) => self.state.set(PanelState::Failed(e.text(self.lang))),
                StreamEvent::Reconnecting => self.note.set(LiveNote::Reconnecting),
                // Refused (e.g. no cluster): the stream's body is not readable, so ask once by
                // POST, whose reply says why, and leave live mode.
                StreamEvent::Closed => {
                    self.on.set(false);
                    self.check(&id);
                }
            }
        });
        if stream.is_some() {
            self.note.set(LiveNote::Connecting);
        }
        let graph = self.graph;
        stream.map(|s| s.also("objects", move |g: ObjectGraph| graph.set(Some(g))))
    }

    /// Turns live mode on or off. A stream is only for a learner who exists (the server creates
    /// nobody on a GET), so turning it on first makes sure there is one: `start` keeps the
    /// session's learner, or starts a self-paced one, as a first check would.
    fn toggle(self) {
        if self.on.get_untracked() {
            self.on.set(false);
            return;
        }
        self.note.set(LiveNote::Connecting);
        leptos::task::spawn_local(async move {
            match client::post_json::<Me, _>("/api/session/start", &StartBody::default()).await {
                Ok(_) => self.on.set(true),
                Err(e) => {
                    self.note.set(LiveNote::Off);
                    self.state.set(PanelState::Failed(e.text(self.lang)));
                }
            }
        });
    }

    /// Keeps one stream open while the toggle is on and the page is visible.
    fn follow(self, id: String) {
        let visible = RwSignal::new(client::page_visible());
        client::on_visibility_change(move |v| visible.set(v));
        let conn = StoredValue::new_local(None::<EventStream>);
        Effect::new(move |_| {
            let (on, shown) = (self.on.get(), visible.get());
            conn.update_value(|c| {
                if on && shown {
                    if c.is_none() {
                        *c = self.open(id.clone());
                    }
                } else {
                    *c = None;
                    // The drawing followed the stream; without it, it would go stale.
                    self.graph.set(None);
                    self.note
                        .set(if on { LiveNote::Paused } else { LiveNote::Off });
                }
            });
        });
        on_cleanup(move || conn.update_value(|c| *c = None));
    }
}

/// What the setup line says: what Start will create, then what it did (or why not).
#[derive(Clone, Debug, PartialEq, Eq)]
enum SetupNote {
    Before,
    Working,
    Done(String),
    Failed(String),
}

/// Start (or reset) the exercise: make sure there is a learner (the objects go into their
/// namespace), then ask the server to apply the setup; the reply lists what was created.
fn set_up(id: String, lang: Lang, reset: bool, note: RwSignal<SetupNote>) {
    note.set(SetupNote::Working);
    leptos::task::spawn_local(async move {
        let reply = async {
            client::post_json::<Me, _>("/api/session/start", &StartBody::default()).await?;
            let action = if reset { "reset" } else { "start" };
            client::post::<Started>(&paths::exercise(&id, action)).await
        };
        note.set(match reply.await {
            Ok(started) => SetupNote::Done(started.message.get(lang.code()).to_string()),
            Err(e) => SetupNote::Failed(e.text(lang)),
        });
    });
}

#[component]
fn SetupActions(id: String, lang: Lang, setup: Vec<String>, busy: Signal<bool>) -> impl IntoView {
    let note = RwSignal::new(SetupNote::Before);
    let working = move || busy.get() || note.get() == SetupNote::Working;
    let list = setup.join(", ");
    let (start_id, reset_id) = (id.clone(), id);
    view! {
        <div class="setup-actions">
            <button type="button" class="start-btn" disabled=working
                on:click=move |_| set_up(start_id.clone(), lang, false, note)>{t(lang, Msg::StartExercise)}</button>
            <button type="button" class="reset-btn" disabled=working
                on:click=move |_| set_up(reset_id.clone(), lang, true, note)>{t(lang, Msg::ResetExercise)}</button>
            <p class="setup-note" aria-live="polite" data-state=move || match note.get() {
                SetupNote::Before => "before",
                SetupNote::Working => "working",
                SetupNote::Done(_) => "done",
                SetupNote::Failed(_) => "failed",
            }>{move || match note.get() {
                SetupNote::Before => format!("{} {list}", t(lang, Msg::SetupWillCreate)),
                SetupNote::Working => t(lang, Msg::SettingUp).to_string(),
                SetupNote::Done(text) | SetupNote::Failed(text) => text,
            }}</p>
        </div>
    }
}

#[component]
pub fn ClusterActions(
    id: String,
    lang: Lang,
    state: RwSignal<PanelState>,
    busy: Signal<bool>,
    setup: Vec<String>,
    /// The learner's objects, as the live stream draws them.
    graph: RwSignal<Option<ObjectGraph>>,
) -> impl IntoView {
    let setup = (!setup.is_empty())
        .then(|| view! { <SetupActions id=id.clone() lang=lang setup=setup busy=busy /> });
    let live = Live {
        lang,
        on: RwSignal::new(false),
        note: RwSignal::new(LiveNote::Off),
        state,
        graph,
    };
    live.follow(id.clone());
    let note = live.note;
    view! {
        {setup}
        <div class="cluster-actions">
            <button type="button" class="check-btn" disabled=move || busy.get()
                on:click=move |_| live.check(&id)>{t(lang, Msg::CheckNow)}</button>
            // Live can always be switched off; switched on only when a check could run (not on a
            // locked exercise, whose stream the server would refuse).
            <button type="button" class="live-toggle" aria-pressed=move || live.on.get().to_string()
                disabled=move || busy.get() && !live.on.get()
                on:click=move |_| live.toggle()>
                <span class="live-dot" aria-hidden="true"></span>{t(lang, Msg::Live)}
            </button>
            <p class="live-note" data-state=move || note.get().name()>{move || note.get().text(lang)}</p>
        </div>
    }
}
