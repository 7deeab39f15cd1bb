//! The exercise panel: the one island on a lesson that talks to the exercise API.
//!
//! The page renders the static part (title, kind, instructions) on the server and hands this
//! island a [`PanelData`] built from the exercise's *public* form, so quiz answers and
//! explanations never reach the browser before a submission. The island posts the learner's
//! text or quiz answers to `/api/exercises/{id}/submit`, asks `/check` for cluster exercises,
//! follows `/live` over server-sent events, and shows the verdict assertion by assertion.

use std::collections::BTreeMap;

use kubelab_checks::{AssertionResult, ExerciseKind, PublicExercise, Text, Verdict};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::account::format_time;
use crate::i18n::{not_passed_summary, t, Msg};
use crate::islands::Summary;
use crate::model::Lang;

/// A quiz question in the page's language, without its answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuizQuestion {
    pub id: String,
    pub prompt: String,
    pub multiple: bool,
    /// (option id, option text)
    pub options: Vec<(String, String)>,
}

/// Everything the panel island needs: small, serialisable, in one language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PanelData {
    pub id: String,
    pub lang: Lang,
    pub kind: ExerciseKind,
    /// The kind of text the learner may submit offline (also for a cluster exercise like `pod-yaml`).
    pub input: Option<ExerciseKind>,
    /// Tiered hints, gentle first, shown one at a time.
    pub hints: Vec<String>,
    pub questions: Vec<QuizQuestion>,
    /// A verdict to show before the learner checks. Pages leave it empty: they are cached and the
    /// same for everyone, so the island fills the learner's stored verdict in the browser instead
    /// (see [`restore`]).
    pub last: Option<Verdict>,
}

impl PanelData {
    pub fn new(ex: &PublicExercise, lang: Lang, last: Option<Verdict>) -> Self {
        let text = |t: &Text| t.get(lang.code()).to_string();
        let input = match ex.kind {
            ExerciseKind::Cluster => ex.offline,
            k => Some(k),
        };
        PanelData {
            id: ex.id.clone(),
            lang,
            kind: ex.kind,
            input,
            hints: ex.hints.iter().map(text).collect(),
            questions: ex
                .questions
                .iter()
                .map(|q| QuizQuestion {
                    id: q.id.clone(),
                    prompt: text(&q.prompt),
                    multiple: q.multiple,
                    options: q
                        .options
                        .iter()
                        .map(|o| (o.id.clone(), text(&o.text)))
                        .collect(),
                })
                .collect(),
            last,
        }
    }
}

/// The label of an exercise kind, for badges and the editor.
pub fn kind_label(lang: Lang, kind: ExerciseKind) -> &'static str {
    t(
        lang,
        match kind {
            ExerciseKind::Dockerfile => Msg::KindDockerfile,
            ExerciseKind::Command => Msg::KindCommand,
            ExerciseKind::Manifest => Msg::KindManifest,
            ExerciseKind::Quiz => Msg::KindQuiz,
            ExerciseKind::Cluster => Msg::KindCluster,
        },
    )
}

/// The CSS/stable name of a kind (`kind-dockerfile`, ...).
pub fn kind_slug(kind: ExerciseKind) -> &'static str {
    match kind {
        ExerciseKind::Dockerfile => "dockerfile",
        ExerciseKind::Command => "command",
        ExerciseKind::Manifest => "manifest",
        ExerciseKind::Quiz => "quiz",
        ExerciseKind::Cluster => "cluster",
    }
}

/// What the result area shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Status {
    Idle,
    Busy,
    Done(Verdict),
    /// The verdict of the learner's last check in an earlier visit, with its time (unix ms);
    /// any new check replaces it.
    Stored(Verdict, i64),
    /// A readable message (already in the page's language), never a raw reply.
    Failed(String),
}

#[derive(Deserialize)]
struct ErrorReply {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    message: Text,
}

/// Turns an API reply into a verdict or a message a learner can read.
pub fn read_reply(status: u16, body: &str, lang: Lang) -> Result<Verdict, String> {
    if (200..300).contains(&status) {
        return serde_json::from_str(body).map_err(|_| t(lang, Msg::BadReply).to_string());
    }
    match serde_json::from_str::<ErrorReply>(body) {
        Ok(reply) => Err(reply.error.message.get(lang.code()).to_string()),
        Err(_) => Err(format!("{} {status}", t(lang, Msg::ServerError))),
    }
}

/// The message of a live `error` event (`{"code", "message": {zh, en}}`).
pub fn read_live_error(data: &str, lang: Lang) -> String {
    serde_json::from_str::<ErrorDetail>(data)
        .map(|d| d.message.get(lang.code()).to_string())
        .unwrap_or_else(|_| t(lang, Msg::BadReply).to_string())
}

/// The submission body the quiz grader reads: `{"question": ["option", ...]}`.
pub fn quiz_body(answers: &BTreeMap<String, Vec<String>>) -> String {
    serde_json::to_string(answers).unwrap_or_else(|_| "{}".to_string())
}

/// Chooses (or, for a multiple-choice question, toggles) one option.
pub fn choose(
    answers: &mut BTreeMap<String, Vec<String>>,
    question: &str,
    option: &str,
    multiple: bool,
    on: bool,
) {
    let chosen = answers.entry(question.to_string()).or_default();
    if !multiple {
        chosen.clear();
    }
    chosen.retain(|o| o != option);
    if on {
        chosen.push(option.to_string());
    }
}

/// Shows the learner's stored last verdict, unless they already checked in this page view.
pub fn restore(status: &mut Status, summary: &Summary, exercise: &str) {
    if *status != Status::Idle {
        return;
    }
    if let Some(last) = summary.last.get(exercise) {
        *status = Status::Stored(last.verdict.clone(), last.at);
    }
}

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
}

fn editor_rows(kind: ExerciseKind) -> u32 {
    match kind {
        ExerciseKind::Command => 3,
        ExerciseKind::Dockerfile => 12,
        _ => 16,
    }
}

fn api_url(id: &str, action: &str) -> String {
    format!("/api/exercises/{id}/{action}")
}

/// Posts to the API and puts the outcome into `status`.
fn send(url: String, body: Option<String>, lang: Lang, status: RwSignal<Status>) {
    status.set(Status::Busy);
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        let outcome = match browser::post(&url, body.as_deref()).await {
            Ok((code, text)) => match read_reply(code, &text, lang) {
                Ok(v) => Status::Done(v),
                Err(m) => Status::Failed(m),
            },
            Err(()) => Status::Failed(t(lang, Msg::NetworkError).to_string()),
        };
        status.set(outcome);
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (url, body, lang);
}

/// One exercise's interactive part: editor or quiz form, check buttons, live toggle, verdict, hints.
#[island]
pub fn ExercisePanel(data: PanelData) -> impl IntoView {
    let PanelData {
        id,
        lang,
        kind,
        input,
        hints,
        questions,
        last,
    } = data;
    let status = RwSignal::new(last.map(Status::Done).unwrap_or(Status::Idle));
    let ready = RwSignal::new(false);
    // Effects run only in the browser: until then the buttons stay disabled (no form posts the page).
    let exercise = id.clone();
    Effect::new(move |_| {
        ready.set(true);
        let exercise = exercise.clone();
        crate::islands::with_summary(move |summary| {
            let Some(summary) = summary else { return };
            let _ = status.try_update(|s| restore(s, &summary, &exercise));
        });
    });
    let busy = move || !ready.get() || status.get() == Status::Busy;

    let editor = input
        .filter(|k| *k != ExerciseKind::Quiz)
        .map(|k| editor_view(&id, lang, k, status, busy));
    let quiz =
        (input == Some(ExerciseKind::Quiz)).then(|| quiz_view(&id, lang, questions, status, busy));
    let cluster = (kind == ExerciseKind::Cluster).then(|| cluster_view(&id, lang, status, busy));
    let hint_count = hints.len();
    let shown = RwSignal::new(0usize);
    let hints_view = (hint_count > 0).then(|| {
        let hints_id = format!("{id}-hints");
        let list = hints.clone();
        let all_shown = move || shown.get() >= hint_count;
        view! {
            <div class="hints">
                <button type="button" class="hint-btn" aria-controls=hints_id.clone()
                    disabled=move || !ready.get() || all_shown()
                    on:click=move |_| shown.update(|n| *n = (*n + 1).min(hint_count))>
                    {move || if all_shown() {
                        t(lang, Msg::NoMoreHints).to_string()
                    } else {
                        format!("{} ({}/{hint_count})", t(lang, Msg::ShowHint), shown.get() + 1)
                    }}
                </button>
                <ol class="hint-list" id=hints_id aria-label=t(lang, Msg::Hints) aria-live="polite">
                    {move || list.iter().take(shown.get()).map(|h| view! { <li>{h.clone()}</li> }).collect_view()}
                </ol>
            </div>
        }
    });
    view! {
        <div class="panel" data-exercise=id.clone() data-ready=move || ready.get().then_some("")>
            {editor}
            {quiz}
            {cluster}
            <div class="verdict-area" aria-live="polite">
                {move || status_view(&status.get(), lang)}
            </div>
            {hints_view}
        </div>
    }
}

fn editor_view(
    id: &str,
    lang: Lang,
    kind: ExerciseKind,
    status: RwSignal<Status>,
    busy: impl Fn() -> bool + Send + Sync + 'static,
) -> impl IntoView {
    let editor = NodeRef::<leptos::html::Textarea>::new();
    // Esc then Tab leaves the editor; any other key re-arms Tab-inserts-spaces.
    let escaped = RwSignal::new(false);
    let help_id = format!("{id}-editor-help");
    let url = api_url(id, "submit");
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = editor
            .get_untracked()
            .map(|el| el.value())
            .unwrap_or_default();
        send(url.clone(), Some(text), lang, status);
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        #[cfg(feature = "hydrate")]
        browser::editor_key(&ev, escaped);
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, escaped);
    };
    view! {
        <form class="answer-form" on:submit=on_submit>
            <textarea class="editor" node_ref=editor rows=editor_rows(kind) spellcheck="false"
                autocomplete="off" autocapitalize="off" wrap="off"
                aria-label=format!("{} ({})", t(lang, Msg::EditorLabel), kind_label(lang, kind))
                aria-describedby=help_id.clone() on:keydown=on_keydown></textarea>
            <p class="editor-help" id=help_id>{t(lang, Msg::EditorHelp)}</p>
            <button type="submit" class="check-btn" disabled=busy>{t(lang, Msg::CheckAnswer)}</button>
        </form>
    }
}

fn quiz_view(
    id: &str,
    lang: Lang,
    questions: Vec<QuizQuestion>,
    status: RwSignal<Status>,
    busy: impl Fn() -> bool + Send + Sync + 'static,
) -> impl IntoView {
    let answers = RwSignal::new(BTreeMap::<String, Vec<String>>::new());
    let url = api_url(id, "submit");
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = answers.with_untracked(quiz_body);
        send(url.clone(), Some(body), lang, status);
    };
    let fields = questions
        .into_iter()
        .enumerate()
        .map(|(n, q)| {
            let name = format!("{id}--{}", q.id);
            let multiple = q.multiple;
            let options = q
                .options
                .into_iter()
                .map(|(opt, text)| {
                    let qid = q.id.clone();
                    let value = opt.clone();
                    let on_change = move |ev: leptos::ev::Event| {
                        let on = event_target_checked(&ev);
                        answers.update(|a| choose(a, &qid, &opt, multiple, on));
                    };
                    view! {
                        <label class="quiz-option">
                            <input type=if multiple { "checkbox" } else { "radio" } name=name.clone()
                                value=value on:change=on_change />
                            <span>{text}</span>
                        </label>
                    }
                })
                .collect_view();
            view! {
                <fieldset class="quiz-question" data-question=q.id.clone()>
                    <legend>
                        <span class="quiz-num">{format!("{}. ", n + 1)}</span>{q.prompt}
                        {multiple.then(|| view! { <span class="quiz-multi">{t(lang, Msg::ChooseAll)}</span> })}
                    </legend>
                    {options}
                </fieldset>
            }
        })
        .collect_view();
    view! {
        <form class="quiz-form" on:submit=on_submit>
            {fields}
            <button type="submit" class="check-btn" disabled=busy>{t(lang, Msg::SubmitAnswers)}</button>
        </form>
    }
}

fn cluster_view(
    id: &str,
    lang: Lang,
    status: RwSignal<Status>,
    busy: impl Fn() -> bool + Send + Sync + 'static,
) -> impl IntoView {
    let live = RwSignal::new(false);
    let note = RwSignal::new(LiveNote::Off);
    let url = api_url(id, "check");
    let check = move |_| send(url.clone(), None, lang, status);
    #[cfg(feature = "hydrate")]
    browser::follow_live(
        api_url(id, "live"),
        api_url(id, "check"),
        lang,
        live,
        note,
        status,
    );
    let note_text = move || match note.get() {
        LiveNote::Off => None,
        LiveNote::Connecting => Some(t(lang, Msg::LiveConnecting)),
        LiveNote::Watching => Some(t(lang, Msg::LiveWatching)),
        LiveNote::Reconnecting => Some(t(lang, Msg::LiveReconnecting)),
        LiveNote::Paused => Some(t(lang, Msg::LivePaused)),
    };
    view! {
        <div class="cluster-actions">
            <button type="button" class="check-btn" disabled=busy on:click=check>{t(lang, Msg::CheckNow)}</button>
            <button type="button" class="live-toggle" aria-pressed=move || live.get().to_string()
                on:click=move |_| live.update(|on| *on = !*on)>
                <span class="live-dot" aria-hidden="true"></span>{t(lang, Msg::Live)}
            </button>
            <p class="live-note" data-state=move || note.get().name()>{note_text}</p>
        </div>
    }
}

fn status_view(status: &Status, lang: Lang) -> AnyView {
    match status {
        Status::Idle => ().into_any(),
        Status::Busy => view! { <p class="verdict-busy">{t(lang, Msg::Checking)}</p> }.into_any(),
        Status::Failed(message) => view! {
            <p class="verdict-error" role="alert"><span class="mark" aria-hidden="true">"!"</span>{message.clone()}</p>
        }
        .into_any(),
        Status::Done(v) => verdict_view(v, lang).into_any(),
        Status::Stored(v, at) => view! {
            <p class="verdict-when">{format!("{}{}", t(lang, Msg::LastChecked), format_time(*at))}</p>
            {verdict_view(v, lang)}
        }
        .into_any(),
    }
}

fn verdict_view(v: &Verdict, lang: Lang) -> impl IntoView {
    let passed = v.results.iter().filter(|r| r.passed).count();
    let headline = if v.passed {
        t(lang, Msg::AllPassed).to_string()
    } else {
        not_passed_summary(lang, passed, v.results.len())
    };
    let results = v
        .results
        .iter()
        .map(|r| result_view(r, lang))
        .collect_view();
    view! {
        <div class="verdict" data-passed=v.passed.to_string()>
            <p class="verdict-summary">
                <span class="mark" aria-hidden="true">{if v.passed { "✓" } else { "✗" }}</span>
                {headline}
            </p>
            <ul class="results">{results}</ul>
        </div>
    }
}

fn result_view(r: &AssertionResult, lang: Lang) -> impl IntoView {
    let (state, mark, said) = if r.passed {
        ("pass", "✓", Msg::Passed)
    } else if r.skipped {
        ("skipped", "–", Msg::Skipped)
    } else {
        ("fail", "✗", Msg::Failed)
    };
    let text = |t: &Text| t.get(lang.code()).to_string();
    let detail = |label: Msg, value: &Option<String>| {
        value.clone().map(|v| {
            view! {
                <dt>{t(lang, label)}</dt>
                <dd><code>{v}</code></dd>
            }
        })
    };
    let details = (!r.passed && !r.skipped).then(|| {
        let at = r
            .location
            .as_ref()
            .map(|l| format!("{}:{}", l.line, l.column));
        view! {
            <dl class="result-details">
                {detail(Msg::Field, &r.field)}
                {detail(Msg::Expected, &r.expected)}
                {detail(Msg::Found, &r.found)}
                {detail(Msg::Line, &at)}
            </dl>
            {r.hint.as_ref().map(|h| view! {
                <p class="result-hint">
                    <strong>{t(lang, Msg::HintLabel)}{if lang == Lang::Zh { "：" } else { ": " }}</strong>
                    {text(h)}
                </p>
            })}
        }
    });
    view! {
        <li class=format!("result {state}") data-assertion=r.id.clone()>
            <span class="mark" aria-hidden="true">{mark}</span>
            <div class="result-body">
                <p class="result-title">
                    <span class="visually-hidden">{format!("{}: ", t(lang, said))}</span>
                    {text(&r.title)}
                </p>
                <p class="result-message">{text(&r.message)}</p>
                {details}
            </div>
        </li>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use leptos::prelude::*;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{EventSource, HtmlTextAreaElement, MessageEvent};

    use super::{read_live_error, send, LiveNote, Status};
    use crate::model::Lang;

    /// POSTs `body` (plain text) and returns the status and the reply text; `Err` on network failure.
    pub async fn post(url: &str, body: Option<&str>) -> Result<(u16, String), ()> {
        let window = web_sys::window().ok_or(())?;
        let init = web_sys::RequestInit::new();
        init.set_method("POST");
        if let Some(body) = body {
            init.set_body(&JsValue::from_str(body));
            let headers = web_sys::Headers::new().map_err(|_| ())?;
            headers
                .set("content-type", "text/plain; charset=utf-8")
                .map_err(|_| ())?;
            init.set_headers(&headers);
        }
        let resp: web_sys::Response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
            .await
            .map_err(|_| ())?
            .dyn_into()
            .map_err(|_| ())?;
        let text = JsFuture::from(resp.text().map_err(|_| ())?)
            .await
            .map_err(|_| ())?
            .as_string()
            .unwrap_or_default();
        Ok((resp.status(), text))
    }

    /// Tab inserts two spaces at the cursor, unless Esc came just before (then focus moves on).
    pub fn editor_key(ev: &leptos::ev::KeyboardEvent, escaped: RwSignal<bool>) {
        let key = ev.key();
        if key == "Escape" {
            escaped.set(true);
            return;
        }
        let plain = !(ev.shift_key() || ev.ctrl_key() || ev.alt_key() || ev.meta_key());
        if key == "Tab" && plain && !escaped.get_untracked() {
            let Some(area) = ev
                .target()
                .and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok())
            else {
                return;
            };
            ev.prevent_default();
            let start = area.selection_start().ok().flatten().unwrap_or(0);
            let end = area.selection_end().ok().flatten().unwrap_or(start);
            let _ = area.set_range_text_with_start_and_end_and_mode("  ", start, end, "end");
        }
        escaped.set(false);
    }

    /// An open live connection; dropping it closes the stream.
    struct Live {
        source: EventSource,
        _listeners: Vec<Closure<dyn FnMut(web_sys::Event)>>,
    }

    impl Drop for Live {
        fn drop(&mut self) {
            self.source.close();
        }
    }

    fn open(
        url: &str,
        check_url: String,
        lang: Lang,
        live: RwSignal<bool>,
        note: RwSignal<LiveNote>,
        status: RwSignal<Status>,
    ) -> Option<Live> {
        let source = EventSource::new(url).ok()?;
        note.set(LiveNote::Connecting);
        let on_open = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
            note.set(LiveNote::Watching);
        });
        let on_verdict = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
            let data = ev
                .dyn_ref::<MessageEvent>()
                .and_then(|m| m.data().as_string())
                .unwrap_or_default();
            note.set(LiveNote::Watching);
            status.set(match super::read_reply(200, &data, lang) {
                Ok(v) => Status::Done(v),
                Err(m) => Status::Failed(m),
            });
        });
        let src = source.clone();
        let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
            if let Some(data) = ev
                .dyn_ref::<MessageEvent>()
                .and_then(|m| m.data().as_string())
            {
                // The server's own `error` event: the check failed, the stream goes on.
                status.set(Status::Failed(read_live_error(&data, lang)));
            } else if src.ready_state() == EventSource::CLOSED {
                // Refused (e.g. no cluster): the stream's body is not readable, so ask once by
                // POST, whose reply says why, and leave live mode.
                live.set(false);
                send(check_url.clone(), None, lang, status);
            } else {
                note.set(LiveNote::Reconnecting);
            }
        });
        let listen = |name: &str, f: &Closure<dyn FnMut(web_sys::Event)>| {
            let _ = source.add_event_listener_with_callback(name, f.as_ref().unchecked_ref());
        };
        listen("open", &on_open);
        listen("verdict", &on_verdict);
        listen("error", &on_error);
        Some(Live {
            source,
            _listeners: vec![on_open, on_verdict, on_error],
        })
    }

    /// Keeps one EventSource open while the toggle is on and the page is visible.
    pub fn follow_live(
        url: String,
        check_url: String,
        lang: Lang,
        live: RwSignal<bool>,
        note: RwSignal<LiveNote>,
        status: RwSignal<Status>,
    ) {
        let hidden = || {
            web_sys::window()
                .and_then(|w| w.document())
                .is_some_and(|d| d.hidden())
        };
        let visible = RwSignal::new(!hidden());
        let handle = window_event_listener_untyped("visibilitychange", move |_| {
            visible.set(!hidden());
        });
        let conn = StoredValue::new_local(None::<Live>);
        Effect::new(move |_| {
            let (on, shown) = (live.get(), visible.get());
            conn.update_value(|c| {
                if on && shown {
                    if c.is_none() {
                        *c = open(&url, check_url.clone(), lang, live, note, status);
                    }
                } else {
                    *c = None;
                    note.set(if on { LiveNote::Paused } else { LiveNote::Off });
                }
            });
        });
        on_cleanup(move || {
            handle.remove();
            conn.update_value(|c| *c = None);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_api_error_shows_its_message_in_the_page_language_not_json() {
        let body = r#"{"error":{"code":"no-cluster","message":{"zh":"没有连接集群。","en":"No cluster is connected."}}}"#;
        assert_eq!(
            read_reply(503, body, Lang::En),
            Err("No cluster is connected.".into())
        );
        assert_eq!(
            read_reply(503, body, Lang::Zh),
            Err("没有连接集群。".into())
        );
        let odd = read_reply(502, "<html>bad gateway</html>", Lang::En).unwrap_err();
        assert!(odd.ends_with("502") && !odd.contains("html"), "{odd}");
        let garbled = read_reply(200, "{not json", Lang::En).unwrap_err();
        assert_eq!(garbled, t(Lang::En, Msg::BadReply));
    }

    #[test]
    fn a_verdict_reply_parses() {
        let body = r#"{"exercise":"x","mode":"offline","passed":true,"results":[{"id":"a","passed":true,"title":{"zh":"甲","en":"A"},"message":{"zh":"好","en":"ok"}}]}"#;
        let v = read_reply(200, body, Lang::En).expect("verdict");
        assert!(v.passed);
        assert_eq!(v.results[0].id, "a");
    }

    #[test]
    fn quiz_answers_are_sent_as_the_json_the_grader_reads() {
        let mut a = BTreeMap::new();
        choose(&mut a, "q1", "a", false, true);
        choose(&mut a, "q1", "b", false, true);
        choose(&mut a, "q2", "a", true, true);
        choose(&mut a, "q2", "c", true, true);
        choose(&mut a, "q2", "a", true, false);
        assert_eq!(quiz_body(&a), r#"{"q1":["b"],"q2":["c"]}"#);
        let parsed = kubelab_checks::quiz::parse_answers(&quiz_body(&a)).expect("grader reads it");
        assert_eq!(parsed["q1"], vec!["b".to_string()]);
    }

    #[test]
    fn a_live_error_event_is_read_in_the_page_language() {
        let data = r#"{"code":"cluster-unreachable","message":{"zh":"集群连不上","en":"The cluster is unreachable"}}"#;
        assert_eq!(
            read_live_error(data, Lang::En),
            "The cluster is unreachable"
        );
    }

    #[test]
    fn the_stored_verdict_shows_only_until_the_learner_checks() {
        let summary: Summary = serde_json::from_str(
            r#"{"signed_in":true,"progress":[],"last":{"a":{"at":7,"verdict":{"exercise":"a","mode":"cluster","passed":true,"results":[]}}}}"#,
        )
        .unwrap();
        let mut status = Status::Idle;
        restore(&mut status, &summary, "a");
        assert!(matches!(&status, Status::Stored(v, 7) if v.passed && v.exercise == "a"));
        let mut other = Status::Idle;
        restore(&mut other, &summary, "b");
        assert_eq!(other, Status::Idle);
        // Checked already in this page view: the newer verdict stays.
        let mut busy = Status::Busy;
        restore(&mut busy, &summary, "a");
        assert_eq!(busy, Status::Busy);
    }
}
