//! The interactive parts of a page. Each island hydrates on its own; everything else is static HTML.

use std::collections::BTreeMap;
use std::sync::Arc;

use leptos::prelude::*;
use serde::Deserialize;

use crate::account::{ExerciseProgress, Status};
use crate::i18n::{progress_text, t, Msg};
use crate::model::{ChapterProgress, Lang};

/// Wraps server-rendered lesson HTML and handles every copy button inside it with one listener.
/// The code to copy is in the button's `data-copy` (for console blocks: the commands only).
#[island]
pub fn CopyCode(children: Children) -> impl IntoView {
    let on_click = move |ev: leptos::ev::MouseEvent| {
        #[cfg(feature = "hydrate")]
        copy::on_click(ev);
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    let scope = NodeRef::<leptos::html::Div>::new();
    // Marks the scope once hydrated: tests wait on it, and the CSS could style buttons by it.
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        if let Some(el) = scope.get() {
            let _ = el.set_attribute("data-ready", "");
        }
    });
    view! {
        <div class="copy-scope" node_ref=scope on:click=on_click>
            {children()}
        </div>
    }
}

#[cfg(feature = "hydrate")]
mod copy {
    use wasm_bindgen::JsCast;
    use web_sys::Element;

    const RESET_AFTER: std::time::Duration = std::time::Duration::from_millis(2000);

    pub fn on_click(ev: leptos::ev::MouseEvent) {
        let Some(button) = ev
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|el| el.closest(".copy-btn").ok().flatten())
        else {
            return;
        };
        let text = button.get_attribute("data-copy").unwrap_or_default();
        let Some(window) = web_sys::window() else {
            return;
        };
        let promise = window.navigator().clipboard().write_text(&text);
        leptos::task::spawn_local(async move {
            let ok = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
            show(&button, if ok { "data-done" } else { "data-failed" });
        });
    }

    fn show(button: &Element, attr: &str) {
        let label = button.text_content().unwrap_or_default();
        // A second click while the feedback shows must not make "Copied" the permanent label.
        let original = button.get_attribute("data-label").unwrap_or(label);
        let _ = button.set_attribute("data-label", &original);
        button.set_text_content(button.get_attribute(attr).as_deref());
        let _ = button.class_list().add_1("copied");
        let button = button.clone();
        leptos::prelude::set_timeout(
            move || {
                button.set_text_content(Some(&original));
                let _ = button.class_list().remove_1("copied");
            },
            RESET_AFTER,
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The learner's stored progress. Lesson pages are cached and the same for everyone, so islands
// ask `/api/me/summary` in the browser; every island on a page shares one request.
// ---------------------------------------------------------------------------------------------

/// The last answered attempt of one exercise: when, and its (possibly re-graded) verdict.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct LastVerdict {
    pub at: i64,
    pub verdict: kubelab_checks::Verdict,
}

/// `GET /api/me/summary`: empty for a visitor without a session.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct Summary {
    pub signed_in: bool,
    pub progress: Vec<ExerciseProgress>,
    pub last: BTreeMap<String, LastVerdict>,
}

impl Summary {
    /// Passed out of a chapter's exercises; `None` for a visitor or a chapter without exercises,
    /// so nothing is drawn rather than a bar that means nothing.
    pub fn chapter(&self, exercises: &[String]) -> Option<ChapterProgress> {
        if !self.signed_in || exercises.is_empty() {
            return None;
        }
        let passed = exercises
            .iter()
            .filter(|id| {
                self.progress
                    .iter()
                    .any(|p| &p.exercise_id == *id && p.status == Status::Passed)
            })
            .count();
        Some(ChapterProgress {
            passed: u32::try_from(passed).unwrap_or(u32::MAX),
            total: u32::try_from(exercises.len()).unwrap_or(u32::MAX),
        })
    }
}

/// Calls `then` with the summary once it is here (at once if it already is); `None` if it
/// could not be read. Only the first call sends the request. Outside a browser it never calls.
pub fn with_summary(then: impl FnOnce(Option<Arc<Summary>>) + 'static) {
    #[cfg(feature = "hydrate")]
    shared::with_summary(Box::new(then));
    #[cfg(not(feature = "hydrate"))]
    let _ = then;
}

#[cfg(feature = "hydrate")]
mod shared {
    use std::cell::RefCell;
    use std::sync::Arc;

    use super::Summary;

    type Waiter = Box<dyn FnOnce(Option<Arc<Summary>>)>;

    enum State {
        Idle,
        Asking(Vec<Waiter>),
        Done(Option<Arc<Summary>>),
    }

    thread_local! {
        static STATE: RefCell<State> = const { RefCell::new(State::Idle) };
    }

    pub fn with_summary(then: Waiter) {
        let ready = STATE.with_borrow_mut(|state| match state {
            State::Done(s) => Some((then, s.clone())),
            State::Asking(waiters) => {
                waiters.push(then);
                None
            }
            State::Idle => {
                *state = State::Asking(vec![then]);
                leptos::task::spawn_local(async {
                    let got = crate::account::get_json::<Summary>("/api/me/summary")
                        .await
                        .ok()
                        .map(Arc::new);
                    let waiters = STATE.with_borrow_mut(|state| {
                        match std::mem::replace(state, State::Done(got.clone())) {
                            State::Asking(w) => w,
                            _ => Vec::new(),
                        }
                    });
                    // Outside the borrow: a waiter may ask again and must find `Done`.
                    for w in waiters {
                        w(got.clone());
                    }
                });
                None
            }
        });
        if let Some((then, s)) = ready {
            then(s);
        }
    }
}

/// A chapter's progress bar for the learner in this browser: nothing until the summary is here,
/// nothing for a visitor. Passed/total as a bar and as text, never by colour alone.
#[island]
pub fn ChapterBar(lang: Lang, exercises: Vec<String>) -> impl IntoView {
    let progress = RwSignal::new(None::<ChapterProgress>);
    Effect::new(move |_| {
        let exercises = exercises.clone();
        with_summary(move |s| {
            let _ = progress.try_set(s.and_then(|s| s.chapter(&exercises)));
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

#[cfg(test)]
mod tests {
    use super::*;

    const SUMMARY: &str = r#"{"signed_in":true,
        "progress":[{"exercise_id":"a","status":"passed","attempts":2,"first_pass_at":5,"last_at":6},
                    {"exercise_id":"b","status":"failing","attempts":1,"first_pass_at":null,"last_at":4},
                    {"exercise_id":"z","status":"passed","attempts":1,"first_pass_at":1,"last_at":1}],
        "last":{"a":{"at":6,"verdict":{"exercise":"a","mode":"offline","passed":true,"results":[]}}}}"#;

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_chapter_counts_only_its_own_passed_exercises() {
        let s: Summary = serde_json::from_str(SUMMARY).unwrap();
        assert_eq!(
            s.chapter(&ids(&["a", "b", "c"])),
            Some(ChapterProgress {
                passed: 1,
                total: 3
            })
        );
        assert_eq!(s.chapter(&[]), None);
        assert_eq!(s.last["a"].at, 6);
    }

    #[test]
    fn a_visitor_sees_no_bar() {
        let s: Summary =
            serde_json::from_str(r#"{"signed_in":false,"progress":[],"last":{}}"#).unwrap();
        assert_eq!(s.chapter(&ids(&["a"])), None);
    }
}
