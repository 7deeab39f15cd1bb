//! The classroom board (`/:lang/teach/:id`): the learner × exercise [`matrix`], live over
//! server-sent events, with grading actions, a learner's attempt [`history`] and the class
//! [`analytics`] (with "where are they stuck").

mod analytics;
mod history;
mod matrix;
mod state;

use kubelab_wire::Board;
use leptos::prelude::*;
use state::{Action, Ctx, Feed, History};

use crate::client::EventStream;
use crate::i18n::board::{tb, B};
use crate::i18n::{self, t, Msg};
use crate::islands::parts::{alert, Notice};
use crate::model::Lang;

use analytics::ClassAnalytics;
use history::HistoryPanel;
use matrix::Matrix;

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
        commands: RwSignal::new(None),
        panel: NodeRef::new(),
        filter: RwSignal::new(String::new()),
        page: RwSignal::new(0),
        idle: RwSignal::new(kubelab_wire::analytics::IDLE_MINUTES_DEFAULT),
        now: RwSignal::new(0),
    };
    // The stream lives as long as the island.
    let stream = StoredValue::new_local(None::<EventStream>);
    Effect::new(move |_| stream.set_value(ctx.connect()));
    // The analytics' clock: "not acted for N minutes" moves on without a board event.
    Effect::new(move |_| {
        ctx.now.set(crate::client::now_ms());
        let tick = set_interval_with_handle(
            move || ctx.now.set(crate::client::now_ms()),
            std::time::Duration::from_secs(30),
        );
        on_cleanup(move || {
            if let Ok(tick) = tick {
                tick.clear();
            }
        });
    });
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
            <ClassAnalytics ctx=ctx />
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
            <a class="button button-quiet" data-action="analytics-csv" download=""
                href=move || ctx.url(&format!("/analytics.csv?idle={}", ctx.idle.get()))>
                {tb(lang, B::ExportAnalyticsCsv)}
            </a>
            <label class="switch">
                <input type="checkbox" data-action="gate"
                    prop:checked=move || ctx.board.with(|b| b.as_ref().is_some_and(|b| b.classroom.gated))
                    disabled=move || busy.get() || ctx.board.with(Option::is_none)
                    on:change=move |ev| ctx.run(Action::Gate(event_target_checked(&ev))) />
                " "{t(lang, Msg::GatedClassroomSwitch)}
            </label>
            <label class="switch">
                <input type="checkbox" data-action="record"
                    prop:checked=move || ctx.board.with(|b| b.as_ref().is_some_and(|b| b.classroom.record_commands))
                    disabled=move || busy.get() || ctx.board.with(Option::is_none)
                    on:change=move |ev| ctx.run(Action::Record(event_target_checked(&ev))) />
                " "{tb(lang, B::RecordSwitch)}
            </label>
        </div>
    }
}
