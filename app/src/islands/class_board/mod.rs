//! The classroom board (`/:lang/teach/:id`): the learner × exercise [`matrix`], live over
//! server-sent events, with grading actions, a learner's attempt [`history`] and "where are they
//! [`stuck`]".

mod history;
mod matrix;
mod stuck;

use kubelab_wire::{paths, Attempt, Board, GradeSummary, RegradeSummary};
use leptos::prelude::*;

use crate::client::{self, ClientError, EventStream, StreamEvent};
use crate::i18n::{self, t, Msg};
use crate::islands::parts::{self, alert, Notice};
use crate::model::Lang;

use history::HistoryPanel;
use matrix::Matrix;
use stuck::Stuck;

/// How the board gets its data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Feed {
    Connecting,
    Live,
    Reconnecting,
    /// No event stream: the board is a snapshot, refreshed after every action.
    Snapshot,
}

impl Feed {
    /// For `data-feed` (tests wait for `live`).
    fn name(self) -> &'static str {
        match self {
            Feed::Connecting => "connecting",
            Feed::Live => "live",
            Feed::Reconnecting => "reconnecting",
            Feed::Snapshot => "snapshot",
        }
    }

    fn text(self, lang: Lang) -> &'static str {
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
struct Selected {
    learner_id: String,
    learner_name: String,
    exercise_id: String,
}

#[derive(Clone, Debug, PartialEq)]
enum History {
    Loading,
    Loaded(Vec<Attempt>),
    Failed(String),
}

/// The grading actions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Action {
    Grade,
    Regrade,
}

/// The island's state, shared by its parts.
#[derive(Clone, Copy)]
struct Ctx {
    lang: Lang,
    id: StoredValue<String>,
    board: RwSignal<Option<Board>>,
    feed: RwSignal<Feed>,
    /// Why the board could not be shown or updated.
    error: RwSignal<Option<String>>,
    /// The outcome of the last action.
    notice: RwSignal<Option<Notice>>,
    busy: RwSignal<bool>,
    selected: RwSignal<Option<Selected>>,
    history: RwSignal<History>,
    panel: NodeRef<leptos::html::Section>,
}

impl Ctx {
    /// A URL under the classroom's API (`""`, `"/events"`, `"/grade"`, …).
    fn url(self, tail: &str) -> String {
        format!("{}{tail}", paths::classroom(&self.id.get_value()))
    }

    fn show(self, board: Board) {
        self.error.set(None);
        self.board.set(Some(board));
    }

    /// The board once, by `GET`; its error reply also says why a stream was refused.
    fn load_snapshot(self) {
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
    fn connect(self) -> Option<EventStream> {
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

    fn snapshot(self) {
        self.feed.set(Feed::Snapshot);
        self.load_snapshot();
    }

    fn run(self, action: Action) {
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
    fn open(self, sel: Selected) {
        self.history.set(History::Loading);
        let url = self.url(&format!("/learners/{}/attempts", sel.learner_id));
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

/// The learner × exercise matrix, live over SSE, with actions and a learner's attempt history.
#[island]
pub fn ClassBoard(lang: Lang, id: String) -> impl IntoView {
    let ctx = Ctx {
        lang,
        id: StoredValue::new(id),
        board: RwSignal::new(None),
        feed: RwSignal::new(Feed::Connecting),
        error: RwSignal::new(None),
        notice: RwSignal::new(None),
        busy: RwSignal::new(false),
        selected: RwSignal::new(None),
        history: RwSignal::new(History::Loading),
        panel: NodeRef::new(),
    };
    // The stream lives as long as the island.
    let stream = StoredValue::new_local(None::<EventStream>);
    Effect::new(move |_| stream.set_value(ctx.connect()));
    view! {
        <div class="class-board" data-feed=move || ctx.feed.get().name()>
            {move || ctx.board.get().map(|b| head(lang, &b))}
            <p class="feed" role="status" aria-live="polite">{move || ctx.feed.get().text(lang)}</p>
            <Actions ctx=ctx />
            <div class="live-region" aria-live="polite" data-field="action-result">
                {move || ctx.notice.get().map(Notice::view)}
            </div>
            {move || ctx.error.get().map(alert)}
            <Matrix ctx=ctx />
            <HistoryPanel ctx=ctx />
            <Stuck ctx=ctx />
        </div>
    }
}

fn head(lang: Lang, b: &Board) -> impl IntoView {
    view! {
        <div class="board-head">
            <h2 data-field="classroom-name">{b.classroom.name.clone()}</h2>
            <p>
                {t(lang, Msg::JoinCode)}" "
                <code class="join-code" data-field="join-code">{b.classroom.code.clone()}</code>
                {b.classroom.archived_at.map(|at| i18n::archived_at(lang, at))}
            </p>
        </div>
    }
}

#[component]
fn Actions(ctx: Ctx) -> impl IntoView {
    let lang = ctx.lang;
    let busy = ctx.busy;
    view! {
        <div class="board-actions">
            <button type="button" class="button" data-action="grade" disabled=move || busy.get()
                on:click=move |_| ctx.run(Action::Grade)>{t(lang, Msg::GradeAll)}</button>
            <button type="button" class="button button-quiet" data-action="regrade"
                disabled=move || busy.get() on:click=move |_| ctx.run(Action::Regrade)>
                {t(lang, Msg::Regrade)}
            </button>
            <a class="button button-quiet" href=move || ctx.url("/export.csv") download="">
                {t(lang, Msg::ExportCsv)}
            </a>
        </div>
    }
}
