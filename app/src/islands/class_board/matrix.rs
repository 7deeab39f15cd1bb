//! Learners × exercises: one row per learner, one cell per exercise (a mark, a word for screen
//! readers, the number of attempts); a cell opens that learner's history of the exercise.

use kubelab_wire::{BoardExercise, BoardLearner, Status};
use leptos::either::EitherOf3;
use leptos::prelude::*;

use super::state::{Ctx, Selected};
use crate::i18n::{self, t, Msg};
use crate::model::{display_name, row_fingerprint, Lang};

/// What a learner is called on the board.
fn learner_name(lang: Lang, learner: &BoardLearner) -> String {
    display_name(learner.display_name.as_deref())
        .unwrap_or(t(lang, Msg::NoName))
        .to_string()
}

#[component]
pub(super) fn Matrix(ctx: Ctx) -> impl IntoView {
    let lang = ctx.lang;
    let board = ctx.board;
    // The table's frame changes rarely (exercises, empty or not); rows update on every event.
    // Splitting them keeps unchanged rows, and the keyboard focus in them, across live updates.
    let shape = Memo::new(move |_| {
        board.with(|b| {
            b.as_ref().map(|b| {
                (
                    b.exercises.clone(),
                    b.learners.is_empty(),
                    b.classroom.code.clone(),
                )
            })
        })
    });
    move || {
        let Some((exercises, empty, code)) = shape.get() else {
            return EitherOf3::A(view! { <p class="muted">{t(lang, Msg::LoadingBoard)}</p> });
        };
        if empty {
            return EitherOf3::B(view! {
                <p class="muted" data-field="no-learners">{i18n::no_learners_yet(lang, &code)}</p>
            });
        }
        let head = exercises
            .iter()
            .map(|e| {
                let title = e.title.get(lang.code()).to_string();
                view! {
                    <th scope="col" title=e.id.clone() data-exercise=e.id.clone()>
                        <span class="ex-title">{if title.is_empty() { e.id.clone() } else { title }}</span>
                    </th>
                }
            })
            .collect_view();
        let learners =
            move || board.with(|b| b.as_ref().map(|b| b.learners.clone()).unwrap_or_default());
        EitherOf3::C(view! {
            <div class="matrix-scroll" role="region" tabindex="0"
                aria-label=t(lang, Msg::LearnersByExercises)>
                <table class="matrix">
                    <thead>
                        <tr>
                            <th scope="col" class="learner-col">{t(lang, Msg::Learner)}</th>
                            {head}
                        </tr>
                    </thead>
                    <tbody>
                        <For each=learners key=row_fingerprint let:learner>
                            {row(ctx, &exercises, learner)}
                        </For>
                    </tbody>
                </table>
            </div>
            <p class="legend muted">
                "✓ "{i18n::status(lang, Status::Passed)}" · ✗ "{i18n::status(lang, Status::Failing)}
                " · – "{i18n::status(lang, Status::NotStarted)}" · "{t(lang, Msg::BoardLegend)}
            </p>
        })
    }
}

fn row(ctx: Ctx, exercises: &[BoardExercise], learner: BoardLearner) -> impl IntoView {
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
            view! {
                <td class=format!("cell cell-{}", cell.status.code())
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
