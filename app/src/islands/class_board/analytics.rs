//! Class analytics beside the board, recomputed whenever the board updates (and every 30 s, so
//! "not acted for N minutes" moves with the clock): pass rate per exercise, where learners are
//! stuck (each check named by its message in the page's language), time from first attempt to
//! first pass, and idle learners. The numbers come from one pure function,
//! `kubelab_wire::analytics::analytics`, the same the CSV export uses.
//!
//! Each chart is plain SVG (rendered on the server as well as in the browser; no chart library)
//! with `role="img"` and a summary in `aria-label`, and the same values in a `<table>` beside it.
//! Colours come from the stylesheet's variables, so the charts follow light and dark.

use kubelab_wire::analytics::{self, idle_minutes, percent, IDLE_MINUTES_MAX, IDLE_MINUTES_MIN};
use kubelab_wire::{Analytics, StuckCount, Text};
use leptos::either::Either;
use leptos::prelude::*;

use super::state::Ctx;
use crate::i18n::board::{self as bi, tb, B};
use crate::i18n::{self, t, Msg};
use crate::model::{display_name, Lang};

/// The charts' drawing width (SVG user units; the SVG scales to its box).
const WIDTH: u32 = 640;
/// Where the bars begin: labels are to their left.
const BAR_X: u32 = 260;
/// The bars' full length (100 %, or the largest count).
const BAR_W: u32 = 300;
const ROW_H: u32 = 24;
/// Labels longer than this are cut with `…` in the chart (the table has them whole).
const LABEL_CHARS: usize = 34;

#[component]
pub(super) fn ClassAnalytics(ctx: Ctx) -> impl IntoView {
    let lang = ctx.lang;
    let data = Memo::new(move |_| {
        let (now, idle) = (ctx.now.get(), ctx.idle.get());
        ctx.board
            .with(|b| b.as_ref().map(|b| analytics::analytics(b, now, idle)))
    });
    let bad_idle = RwSignal::new(false);
    // The threshold's input stays outside the parts redrawn on every board event, so typing in
    // it is never interrupted.
    let idle_input = view! {
        <label class="row-filter">
            <span>{tb(lang, B::IdleAfter)}</span>
            <input type="number" data-field="idle-minutes" min=IDLE_MINUTES_MIN max=IDLE_MINUTES_MAX
                step="1" inputmode="numeric" prop:value=move || ctx.idle.get().to_string()
                aria-invalid=move || bad_idle.get().to_string()
                on:change=move |ev| match idle_minutes(Some(&event_target_value(&ev))) {
                    Some(n) => {
                        bad_idle.set(false);
                        ctx.idle.set(n);
                    }
                    None => bad_idle.set(true),
                } />
        </label>
        {move || bad_idle.get().then(|| view! {
            <p class="alert" role="alert">{tb(lang, B::IdleOutOfRange)}</p>
        })}
    };
    view! {
        <section class="card analytics" aria-labelledby="analytics-h"
            data-learners=move || data.with(|a| a.as_ref().map(|a| a.learners))>
            <h2 id="analytics-h">{tb(lang, B::Analytics)}</h2>
            {move || data.with(|a| a.as_ref().map(|a| view! {
                {pass_rates(lang, a)}
                {stuck(lang, a)}
                {time_to_pass(lang, a)}
            }))}
            <h3 id="idle-h">{tb(lang, B::IdleHeading)}</h3>
            {idle_input}
            {move || data.with(|a| a.as_ref().map(|a| idle(lang, a)))}
        </section>
    }
}

/// A label cut to fit beside a bar.
fn short(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        label.to_string()
    } else {
        let cut: String = label.chars().take(LABEL_CHARS - 1).collect();
        format!("{cut}…")
    }
}

fn title_in(lang: Lang, title: &Text, id: &str) -> String {
    let s = title.get(lang.code());
    if s.is_empty() {
        id.to_string()
    } else {
        s.to_string()
    }
}

/// One horizontal bar of a chart: label, track, bar of `fraction` (0..=1 in thousandths) and
/// its value written after it.
fn bar(i: usize, label: String, thousandths: u32, value: String, key: String) -> impl IntoView {
    let y = u32::try_from(i).unwrap_or(0) * ROW_H;
    let w = BAR_W * thousandths.min(1000) / 1000;
    view! {
        <g class="chart-row" data-key=key>
            <text class="chart-label" x=BAR_X - 8 y=y + 16 text-anchor="end">{short(&label)}</text>
            <rect class="chart-track" x=BAR_X y=y + 4 width=BAR_W height=ROW_H - 8 rx="3" />
            <rect class="chart-bar" x=BAR_X y=y + 4 width=w height=ROW_H - 8 rx="3" />
            <text class="chart-value" x=BAR_X + BAR_W + 8 y=y + 16>{value}</text>
        </g>
    }
}

fn chart(name: &'static str, rows: usize, label: String, bars: impl IntoView) -> impl IntoView {
    let h = u32::try_from(rows.max(1)).unwrap_or(1) * ROW_H;
    view! {
        <svg class="chart" data-chart=name viewBox=format!("0 0 {WIDTH} {h}") role="img"
            aria-label=label preserveAspectRatio="xMinYMin meet">
            {bars}
        </svg>
    }
}

fn pass_rates(lang: Lang, a: &Analytics) -> impl IntoView {
    let n = a.learners;
    let mean = if a.pass_rates.is_empty() {
        0
    } else {
        let sum: u32 = a.pass_rates.iter().map(|p| p.percent(n)).sum();
        percent(
            sum,
            u32::try_from(a.pass_rates.len()).unwrap_or(u32::MAX) * 100,
        )
    };
    let label = bi::pass_rate_summary(lang, a.pass_rates.len(), n, mean);
    let bars = a
        .pass_rates
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let thousandths = (p.passed * 1000).checked_div(n).unwrap_or(0);
            bar(
                i,
                title_in(lang, &p.title, &p.exercise_id),
                thousandths,
                bi::pct(p.percent(n)),
                p.exercise_id.clone(),
            )
        })
        .collect_view();
    let rows = a
        .pass_rates
        .iter()
        .map(|p| {
            view! {
                <tr data-exercise=p.exercise_id.clone()>
                    <th scope="row">{title_in(lang, &p.title, &p.exercise_id)}</th>
                    <td>{p.passed}</td>
                    <td>{p.tried}</td>
                    <td data-field="pass-rate">{bi::pct(p.percent(n))}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h3 id="pass-rate-h">{tb(lang, B::PassRateHeading)}</h3>
        {chart("pass-rate", a.pass_rates.len(), label, bars)}
        <details class="chart-table">
            <summary>{tb(lang, B::ShowTable)}</summary>
            <table class="data" data-table="pass-rate">
                <caption class="visually-hidden">{tb(lang, B::PassRateHeading)}</caption>
                <thead><tr>
                    <th scope="col">{tb(lang, B::Exercise)}</th>
                    <th scope="col">{tb(lang, B::Passed)}</th>
                    <th scope="col">{tb(lang, B::Tried)}</th>
                    <th scope="col">{tb(lang, B::PassRate)}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </details>
    }
}

/// What a stuck assertion checks, in the page's language; its id only if the catalog has no
/// message for it (an assertion since removed from the course).
fn stuck_what(lang: Lang, s: &StuckCount) -> String {
    s.message
        .as_ref()
        .map(|m| m.get(lang.code()).to_string())
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| s.assertion_id.clone())
}

fn stuck(lang: Lang, a: &Analytics) -> impl IntoView {
    let heading = view! { <h3 id="stuck-h">{t(lang, Msg::StuckHeading)}</h3> };
    if a.stuck.is_empty() {
        return Either::Left(view! {
            {heading}
            <p class="muted" data-field="nobody-stuck">{t(lang, Msg::NoFailingChecks)}</p>
        });
    }
    let title = |id: &str| {
        a.pass_rates
            .iter()
            .find(|p| p.exercise_id == id)
            .map(|p| title_in(lang, &p.title, id))
            .unwrap_or_else(|| id.to_string())
    };
    let most = a.stuck.first().map(|s| s.learners).unwrap_or(1).max(1);
    let label = bi::stuck_summary(
        lang,
        a.stuck
            .first()
            .map(|s| (stuck_what(lang, s), s.learners))
            .as_ref()
            .map(|(w, n)| (w.as_str(), *n)),
    );
    let bars = a
        .stuck
        .iter()
        .enumerate()
        .map(|(i, s)| {
            bar(
                i,
                stuck_what(lang, s),
                s.learners * 1000 / most,
                s.learners.to_string(),
                format!("{}/{}", s.exercise_id, s.assertion_id),
            )
        })
        .collect_view();
    let rows = a
        .stuck
        .iter()
        .map(|s| {
            view! {
                <tr data-exercise=s.exercise_id.clone() data-assertion=s.assertion_id.clone()>
                    <td>{title(&s.exercise_id)}</td>
                    <th scope="row" class="stuck-what">{stuck_what(lang, s)}</th>
                    <td>{i18n::learners(lang, s.learners)}</td>
                </tr>
            }
        })
        .collect_view();
    Either::Right(view! {
        {heading}
        {chart("stuck", a.stuck.len(), label, bars)}
        <details class="chart-table">
            <summary>{tb(lang, B::ShowTable)}</summary>
            <table class="data" data-table="stuck">
                <caption class="visually-hidden">{t(lang, Msg::StuckHeading)}</caption>
                <thead><tr>
                    <th scope="col">{tb(lang, B::Exercise)}</th>
                    <th scope="col">{tb(lang, B::Assertion)}</th>
                    <th scope="col">{tb(lang, B::LearnersStuck)}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </details>
    })
}

fn time_to_pass(lang: Lang, a: &Analytics) -> impl IntoView {
    let passes: u32 = a.time_to_pass.iter().map(|b| b.count).sum();
    let most = a.time_to_pass.iter().map(|b| b.count).max().unwrap_or(0);
    let busiest = a
        .time_to_pass
        .iter()
        .filter(|b| b.count > 0)
        .max_by_key(|b| b.count)
        .map(|b| bi::bucket(lang, b));
    let label = bi::time_summary(lang, passes, busiest);
    let bars = a
        .time_to_pass
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let thousandths = (b.count * 1000).checked_div(most).unwrap_or(0);
            bar(
                i,
                bi::bucket(lang, b),
                thousandths,
                b.count.to_string(),
                b.from_minutes.to_string(),
            )
        })
        .collect_view();
    let rows = a
        .time_to_pass
        .iter()
        .map(|b| {
            view! {
                <tr data-from=b.from_minutes>
                    <th scope="row">{bi::bucket(lang, b)}</th>
                    <td>{b.count}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h3 id="time-h">{tb(lang, B::TimeToPassHeading)}</h3>
        {(passes == 0).then(|| view! { <p class="muted">{tb(lang, B::NoPassesYet)}</p> })}
        {chart("time-to-pass", a.time_to_pass.len(), label, bars)}
        <details class="chart-table">
            <summary>{tb(lang, B::ShowTable)}</summary>
            <table class="data" data-table="time-to-pass">
                <caption class="visually-hidden">{tb(lang, B::TimeToPassHeading)}</caption>
                <thead><tr>
                    <th scope="col">{tb(lang, B::TimeToPass)}</th>
                    <th scope="col">{tb(lang, B::Passes)}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </details>
    }
}

fn idle(lang: Lang, a: &Analytics) -> impl IntoView {
    if a.idle.is_empty() {
        return Either::Left(view! {
            <p class="muted" data-field="nobody-idle">{tb(lang, B::NobodyIdle)}</p>
        });
    }
    let rows = a
        .idle
        .iter()
        .map(|l| {
            let name = display_name(l.display_name.as_deref())
                .unwrap_or(t(lang, Msg::NoName))
                .to_string();
            view! {
                <tr data-learner=l.id.clone()>
                    <th scope="row">
                        <span class="learner-name">{name}</span>
                        <code class="learner-ns">{l.namespace.clone()}</code>
                    </th>
                    <td>
                        {bi::minutes(lang, l.idle_for_minutes)}
                        {(!l.acted).then(|| view! { <span class="muted">" · "{tb(lang, B::NeverTried)}</span> })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    Either::Right(view! {
        <p data-field="idle-count">{bi::idle_count(lang, a.idle.len(), a.idle_minutes)}</p>
        <div class="idle-scroll">
            <table class="data" data-table="idle" aria-labelledby="idle-h">
                <thead><tr>
                    <th scope="col">{tb(lang, B::Learner)}</th>
                    <th scope="col">{tb(lang, B::IdleFor)}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_labels_are_cut_with_an_ellipsis_short_ones_kept() {
        assert_eq!(short("Deployment"), "Deployment");
        let long = "一".repeat(50);
        let cut = short(&long);
        assert_eq!(cut.chars().count(), LABEL_CHARS);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn a_stuck_check_is_named_by_its_message_in_the_page_language() {
        let s = StuckCount {
            exercise_id: "daemonset-tolerations".into(),
            assertion_id: "ds-exists".into(),
            learners: 2,
            message: Some(Text::new("DaemonSet 存在", "The DaemonSet exists")),
        };
        assert_eq!(stuck_what(Lang::En, &s), "The DaemonSet exists");
        assert_eq!(stuck_what(Lang::Zh, &s), "DaemonSet 存在");
        let unknown = StuckCount { message: None, ..s };
        assert_eq!(stuck_what(Lang::En, &unknown), "ds-exists");
    }
}
