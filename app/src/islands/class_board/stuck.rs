//! "Where are they stuck": the assertions most learners of the classroom fail right now.

use leptos::either::Either;
use leptos::prelude::*;

use super::state::Ctx;
use crate::i18n::{self, t, Msg};
use crate::model::BoardView;

#[component]
pub(super) fn Stuck(ctx: Ctx) -> impl IntoView {
    let lang = ctx.lang;
    move || {
        let b = ctx.board.get()?;
        let list = b.stuck_sorted();
        let body = if list.is_empty() {
            Either::Left(view! { <p class="muted">{t(lang, Msg::NoFailingChecks)}</p> })
        } else {
            Either::Right(view! {
                <ol class="stuck-list">
                    {list.into_iter().map(|s| view! {
                        <li data-exercise=s.exercise_id.clone() data-assertion=s.assertion_id.clone()>
                            <span>{b.exercise_title(&s.exercise_id, lang)}</span>
                            " → "
                            {match s.message.as_ref() {
                                Some(m) => Either::Left(view! { <span class="stuck-what">{m.get(lang.code()).to_string()}</span> }),
                                None => Either::Right(view! { <code>{s.assertion_id.clone()}</code> }),
                            }}
                            " · "
                            <strong>{i18n::learners(lang, s.learners)}</strong>
                        </li>
                    }).collect_view()}
                </ol>
            })
        };
        Some(view! {
            <section class="card stuck" aria-labelledby="stuck-h">
                <h2 id="stuck-h">{t(lang, Msg::StuckHeading)}</h2>
                {body}
            </section>
        })
    }
}
