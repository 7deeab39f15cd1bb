//! A chapter's progress bar, filled in the browser (pages are cached and the same for everyone).

use leptos::prelude::*;

use crate::i18n::{progress_text, t, Msg};
use crate::islands::summary::with_summary;
use crate::model::{ChapterProgress, Lang};

/// A chapter's progress bar for the learner in this browser: nothing until the summary is here,
/// nothing for a visitor. Passed/total as a bar and as text, never by colour alone.
#[island]
pub fn ChapterBar(lang: Lang, exercises: Vec<String>) -> impl IntoView {
    let progress = RwSignal::new(None::<ChapterProgress>);
    Effect::new(move |_| {
        let exercises = exercises.clone();
        with_summary(move |s| {
            let _ = progress
                .try_set(s.and_then(|s| ChapterProgress::of(s.signed_in, &s.progress, &exercises)));
        });
    });
    move || {
        progress.get().map(|p| {
            let pct = (p.passed * 100).checked_div(p.total).unwrap_or(0);
            let text = progress_text(lang, p.passed, p.total);
            view! {
                <div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax=p.total
                    aria-valuenow=p.passed aria-valuetext=text aria-label=t(lang, Msg::Progress)
                    data-passed=p.passed data-total=p.total>
                    <span class="progress-track" aria-hidden="true">
                        <span class="progress-fill" style=format!("width:{pct}%")></span>
                    </span>
                    <span class="progress-text" aria-hidden="true">{text.clone()}</span>
                </div>
            }
        })
    }
}
