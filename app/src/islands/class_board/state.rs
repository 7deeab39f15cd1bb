//! What the parts of this island share: its state and the requests that change it.

use crate::client::{self, ClientError, EventStream, StreamEvent};
use crate::i18n::board::{tb, B};
use crate::i18n::{self, t, Msg};
use crate::islands::parts::{self, Notice};
use crate::model::Lang;
use kubelab_wire::{
    paths, Attempt, Board, ClassroomView, GatedBody, GradeSummary, RecordingBody, RegradeSummary,
    TerminalCommand,
};
use leptos::prelude::*;

/// How the board gets its data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Feed {
    Connecting,
    Live,
    Reconnecting,
    /// No event stream: the board is a snapshot, refreshed after every action.
    Snapshot,
}

impl Feed {
    /// For `data-feed` (tests wait for `live`).
    pub(super) fn name(self) -> &'static str {
        match self {
            Feed::Connecting => "connecting",
            Feed::Live => "live",
            Feed::Reconnecting => "reconnecting",
            Feed::Snapshot => "snapshot",
        }
    }

    pub(super) fn text(self, lang: Lang) -> &'static str {
        t(
            lang,
            match self {
                Feed::Connecting => Msg::FeedConnecting,
                Feed::Live => Msg::FeedLive,
                Feed::Reconnecting => Msg::FeedReconnecting,
                Feed::Snapshot => Msg::FeedSnapshot,
            },
        )
    }
}

/// The cell whose history is open.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Selected {
    pub(super) learner_id: String,
    pub(super) learner_name: String,
    pub(super) exercise_id: String,
}

#[derive(Clone, Debug, PartialEq)]
pub(super) enum History {
    Loading,
    Loaded(Vec<Attempt>),
    Failed(String),
}

/// The board's actions: grading, and gated progress on or off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Action {
    Grade,
    Regrade,
    Gate(bool),
    Record(bool),
}

/// The island's state, shared by its parts.
#[derive(Clone, Copy)]
pub(super) struct Ctx {
    pub(super) lang: Lang,
    pub(super) id: StoredValue<String>,
    pub(super) board: RwSignal<Option<Board>>,
    pub(super) feed: RwSignal<Feed>,
    /// Why the board could not be shown or updated.
    pub(super) error: RwSignal<Option<String>>,
    /// The outcome of the last action.
    pub(super) notice: RwSignal<Option<Notice>>,
    pub(super) busy: RwSignal<bool>,
    pub(super) selected: RwSignal<Option<Selected>>,
    pub(super) history: RwSignal<History>,
    /// The selected learner's terminal commands (when their classroom records them); `None`
    /// while they load or when they could not be read.
    pub(super) commands: RwSignal<Option<Vec<TerminalCommand>>>,
    pub(super) panel: NodeRef<leptos::html::Section>,
    /// The learner filter and the page of rows shown (from 0).
    pub(super) filter: RwSignal<String>,
    pub(super) page: RwSignal<usize>,
    /// "Not acted for N minutes": N, and the clock the analytics read (ticks every 30 s).
    pub(super) idle: RwSignal<u32>,
    pub(super) now: RwSignal<i64>,
}

impl Ctx {
    /// A URL under the classroom's API (`""`, `"/events"`, `"/grade"`, …).
    pub(super) fn url(self, tail: &str) -> String {
        format!("{}{tail}", paths::classroom(&self.id.get_value()))
    }

    pub(super) fn show(self, board: Board) {
        self.error.set(None);
        self.board.set(Some(board));
    }

    /// The board once, by `GET`; its error reply also says why a stream was refused.
    pub(super) fn load_snapshot(self) {
        leptos::task::spawn_local(async move {
            match client::get_json::<Board>(&self.url("")).await {
                Ok(b) => self.show(b),
                Err(e) => self.error.set(Some(e.text(self.lang))),
            }
        });
    }

    /// Opens the board's event stream. The browser reconnects by itself after a network blip;
    /// when the stream cannot be opened at all (or is closed for good) the board falls back to
    /// a snapshot.
    pub(super) fn connect(self) -> Option<EventStream> {
        let lang = self.lang;
        let stream = client::open_stream(
            &self.url("/events"),
            "board",
            move |event: StreamEvent<Board>| match event {
                StreamEvent::Open => {}
                StreamEvent::Message(b) => {
                    self.feed.set(Feed::Live);
                    self.show(b);
                }
                StreamEvent::Error(ClientError::Unreadable) => self
                    .error
                    .set(Some(t(lang, Msg::BoardUnreadable).to_string())),
                StreamEvent::Error(e) => self.error.set(Some(e.text(lang))),
                StreamEvent::Reconnecting => self.feed.set(Feed::Reconnecting),
                StreamEvent::Closed => self.snapshot(),
            },
        );
        if stream.is_none() {
            self.snapshot();
        }
        stream
    }

    pub(super) fn snapshot(self) {
        self.feed.set(Feed::Snapshot);
        self.load_snapshot();
    }

    pub(super) fn run(self, action: Action) {
        if self.busy.get_untracked() {
            return;
        }
        let lang = self.lang;
        self.notice.set(Some(Notice::ok(t(lang, Msg::Working))));
        let request = async move {
            match action {
                Action::Grade => {
                    let reply = client::post::<GradeSummary>(&self.url("/grade")).await;
                    Notice::of(&reply, lang, |r| i18n::grade_summary(lang, *r))
                }
                Action::Regrade => {
                    let reply = client::post::<RegradeSummary>(&self.url("/regrade")).await;
                    Notice::of(&reply, lang, |r| i18n::regrade_summary(lang, *r))
                }
                Action::Gate(gated) => {
                    let body = GatedBody { gated };
                    let reply =
                        client::put_json::<ClassroomView, _>(&self.url("/gated"), &body).await;
                    Notice::of(&reply, lang, |c| {
                        t(
                            lang,
                            if c.gated {
                                Msg::GatedNowOn
                            } else {
                                Msg::GatedNowOff
                            },
                        )
                        .to_string()
                    })
                }
                Action::Record(record_commands) => {
                    let body = RecordingBody { record_commands };
                    let reply =
                        client::put_json::<ClassroomView, _>(&self.url("/recording"), &body).await;
                    Notice::of(&reply, lang, |c| {
                        tb(
                            lang,
                            if c.record_commands {
                                B::RecordingNowOn
                            } else {
                                B::RecordingNowOff
                            },
                        )
                        .to_string()
                    })
                }
            }
        };
        parts::act(self.busy, request, move |notice| {
            self.notice.set(Some(notice));
            // Without a live feed nothing else would show the new results.
            if self.feed.get_untracked() != Feed::Live {
                self.load_snapshot();
            }
        });
    }

    /// Opens a learner's attempts at one exercise beside the board.
    pub(super) fn open(self, sel: Selected) {
        self.history.set(History::Loading);
        let url = self.url(&format!("/learners/{}/attempts", sel.learner_id));
        let commands = self.url(&format!("/learners/{}/commands", sel.learner_id));
        self.commands.set(None);
        let exercise = sel.exercise_id.clone();
        self.selected.set(Some(sel));
        // Move focus to the history so keyboard and screen-reader users land on what they opened.
        let panel = self.panel;
        request_animation_frame(move || {
            if let Some(el) = panel.get_untracked() {
                let _ = el.focus();
            }
        });
        leptos::task::spawn_local(async move {
            // Kept only where the classroom records them; none to show is no error.
            if let Ok(list) = client::get_json::<Vec<TerminalCommand>>(&commands).await {
                // Unless another learner was opened meanwhile.
                let still = self.selected.with_untracked(|s| {
                    s.as_ref()
                        .is_some_and(|s| commands.contains(&format!("/learners/{}/", s.learner_id)))
                });
                if still {
                    self.commands.set(Some(list));
                }
            }
        });
        leptos::task::spawn_local(async move {
            self.history
                .set(match client::get_json::<Vec<Attempt>>(&url).await {
                    Ok(all) => History::Loaded(
                        all.into_iter()
                            .filter(|a| a.exercise_id == exercise)
                            .collect(),
                    ),
                    Err(e) => History::Failed(e.text(self.lang)),
                });
        });
    }
}
