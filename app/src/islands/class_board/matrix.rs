//! Learners × exercises: one row per learner, one cell per exercise (a mark, a word for screen
//! readers, the number of attempts); a cell opens that learner's history of the exercise.
//! Columns in course order under their chapters; rows filtered by name and paged, so the table
//! stays readable with 200 learners; it scrolls inside its own box, header and names sticky.

use kubelab_wire::{BoardChapter, BoardExercise, BoardLearner, Status};
use leptos::either::EitherOf3;
use leptos::prelude::*;

use super::state::{Ctx, Selected};
use crate::i18n::board::{self as board_i18n, tb, B};
use crate::i18n::{self, t, Msg};
use crate::model::{
    display_name, page_rows, row_fingerprint, Lang, RowPage, BOARD_PAGE_SIZE, MAX_FILTER_CHARS,
};

/// What a learner is called on the board.
fn learner_name(lang: Lang, learner: &BoardLearner) -> String {
    display_name(learner.display_name.as_deref())
        .unwrap_or(t(lang, Msg::NoName))
        .to_string()
}

/// The table's frame: columns in course order with their chapters; changes rarely.
type Shape = (Vec<BoardExercise>, Vec<BoardChapter>, bool, String);

#[component]
pub(super) fn Matrix(ctx: Ctx) -> impl IntoView {
    let lang = ctx.lang;
    let board = ctx.board;
    // The table's frame changes rarely (exercises, empty or not); rows update on every event.
    // Splitting them keeps unchanged rows, and the keyboard focus in them, across live updates.
    let shape = Memo::new(move |_| {
        board.with(|b| {
            b.as_ref().map(|b| -> Shape {
                (
                    b.exercises.clone(),
                    b.chapters.clone(),
                    b.learners.is_empty(),
                    b.classroom.code.clone(),
                )
            })
        })
    });
    // The page of rows shown: filtered by name, 25 at a time.
    let rows = Memo::new(move |_| {
        let filter = ctx.filter.get();
        let page = ctx.page.get();
        board.with(|b| {
            let learners = b
                .as_ref()
                .map(|b| b.learners.as_slice())
                .unwrap_or_default();
            page_rows(learners, &filter, page, BOARD_PAGE_SIZE)
        })
    });
    move || {
        let Some((exercises, chapters, empty, code)) = shape.get() else {
            return EitherOf3::A(view! { <p class="muted">{t(lang, Msg::LoadingBoard)}</p> });
        };
        if empty {
            return EitherOf3::B(view! {
                <p class="muted" data-field="no-learners">{i18n::no_learners_yet(lang, &code)}</p>
            });
        }
        let starts: Vec<String> = chapters
            .iter()
            .filter_map(|c| c.exercises.first().cloned())
            .collect();
        let chapter_head = chapters
            .iter()
            .map(|c| {
                let title = c.title.get(lang.code()).to_string();
                let title = if c.id.is_empty() || title.is_empty() {
                    tb(lang, B::OtherExercises).to_string()
                } else {
                    title
                };
                view! {
                    <th scope="colgroup" colspan=c.exercises.len() class="chapter-h chapter-start"
                        data-chapter=c.id.clone()>
                        {title}
                    </th>
                }
            })
            .collect_view();
        let head = exercises
            .iter()
            .map(|e| {
                let title = e.title.get(lang.code()).to_string();
                let class = if starts.contains(&e.id) { "ex-h chapter-start" } else { "ex-h" };
                view! {
                    <th scope="col" class=class title=e.id.clone() data-exercise=e.id.clone()>
                        <span class="ex-title">{if title.is_empty() { e.id.clone() } else { title }}</span>
                    </th>
                }
            })
            .collect_view();
        let exercises = StoredValue::new(exercises);
        let starts = StoredValue::new(starts);
        let learners = move || rows.with(|p| p.rows.clone());
        EitherOf3::C(view! {
            <RowControls ctx=ctx rows=rows />
            <div class="matrix-scroll" role="region" tabindex="0"
                aria-label=t(lang, Msg::LearnersByExercises)>
                <table class="matrix">
                    <thead>
                        <tr class="chapters">
                            <th scope="col" rowspan="2" class="learner-col">{t(lang, Msg::Learner)}</th>
                            {chapter_head}
                        </tr>
                        <tr class="exercises">{head}</tr>
                    </thead>
                    <tbody>
                        <For each=learners key=row_fingerprint let:learner>
                            {row(ctx, &exercises.read_value(), &starts.read_value(), learner)}
                        </For>
                    </tbody>
                </table>
            </div>
            {move || (rows.with(|p| p.matched) == 0).then(|| view! {
                <p class="muted" data-field="no-match">{tb(lang, B::NoLearnerMatches)}</p>
            })}
            <p class="legend muted">
                "✓ "{i18n::status(lang, Status::Passed)}" · ✗ "{i18n::status(lang, Status::Failing)}
                " · – "{i18n::status(lang, Status::NotStarted)}" · "{t(lang, Msg::BoardLegend)}
            </p>
        })
    }
}

/// The learner filter and the pager (buttons, so the keyboard reaches them; the page number
/// is announced).
#[component]
fn RowControls(ctx: Ctx, rows: Memo<RowPage>) -> impl IntoView {
    let lang = ctx.lang;
    let page = move || rows.with(|p| p.page);
    let pages = move || rows.with(|p| p.pages);
    view! {
        <div class="row-controls">
            <label class="row-filter">
                <span>{tb(lang, B::FilterLearners)}</span>
                <input type="search" data-field="learner-filter" maxlength=MAX_FILTER_CHARS
                    placeholder=tb(lang, B::FilterPlaceholder)
                    prop:value=move || ctx.filter.get()
                    on:input=move |ev| {
                        ctx.filter.set(event_target_value(&ev));
                        ctx.page.set(0);
                    } />
            </label>
            <nav class="pager" aria-label=tb(lang, B::Pager)>
                <button type="button" class="button button-quiet" data-action="prev-page"
                    disabled=move || page() == 0
                    on:click=move |_| ctx.page.set(page().saturating_sub(1))>
                    "← "{tb(lang, B::PreviousPage)}
                </button>
                <span role="status" data-field="page">
                    {move || board_i18n::page_of(lang, page() + 1, pages(), rows.with(|p| p.matched))}
                </span>
                <button type="button" class="button button-quiet" data-action="next-page"
                    disabled=move || { page() + 1 >= pages() }
                    on:click=move |_| ctx.page.set(page() + 1)>
                    {tb(lang, B::NextPage)}" →"
                </button>
            </nav>
        </div>
    }
}

fn row(
    ctx: Ctx,
    exercises: &[BoardExercise],
    starts: &[String],
    learner: BoardLearner,
) -> impl IntoView {
    let lang = ctx.lang;
    let name = learner_name(lang, &learner);
    let cells = exercises
        .iter()
        .map(|e| {
            let cell = learner.cell(&e.id);
            let sel = Selected {
                learner_id: learner.id.clone(),
                learner_name: name.clone(),
                exercise_id: e.id.clone(),
            };
            let label = i18n::cell_label(
                lang,
                &name,
                e.title.get(lang.code()),
                cell.status,
                cell.attempts,
            );
            let start = if starts.contains(&e.id) {
                " chapter-start"
            } else {
                ""
            };
            view! {
                <td class=format!("cell cell-{}{start}", cell.status.code())
                    data-learner=learner.id.clone() data-exercise=e.id.clone()
                    data-status=cell.status.code()>
                    <button type="button" aria-label=label on:click=move |_| ctx.open(sel.clone())>
                        <span class="cell-mark" aria-hidden="true">{cell.status.symbol()}</span>
                        {(cell.attempts > 0).then(|| view! {
                            <span class="cell-count" aria-hidden="true">{cell.attempts}</span>
                        })}
                    </button>
                </td>
            }
        })
        .collect_view();
    view! {
        <tr data-learner=learner.id.clone()>
            <th scope="row" class="learner-col">
                <span class="learner-name">{name.clone()}</span>
                <code class="learner-ns">{learner.namespace.clone()}</code>
            </th>
            {cells}
        </tr>
    }
}
