//! The learner's own page (`/:lang/me`, "My lab") and the pieces the instructor pages share with it:
//! the JSON API client, its tolerant types, the page frame and the bilingual helper.
//!
//! The pages are static shells; everything that depends on who is signed in lives in islands that
//! call the accounts API (see docs: the accounts API notes) from the browser.

use std::sync::Arc;

use leptos::either::{Either, EitherOf4};
use leptos::prelude::*;
use leptos_meta::{Html, Meta, Title};
use leptos_router::hooks::use_params_map;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::i18n::{t, Msg};
use crate::model::{CourseHandle, Lang};
use crate::pages::{Footer, Header};

/// A string in the page language. Strings of these pages stay next to the code that shows them.
pub fn tr(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

// ---------------------------------------------------------------------------------------------
// API types. Parsing is tolerant: unknown fields are ignored, optional ones default, ids may be
// numbers or strings. What cannot be read becomes an `ApiError::BadResponse`, never a panic.
// ---------------------------------------------------------------------------------------------

/// Accepts `"abc"`, `42` or `null` (→ empty) so the UI does not care how the store types its ids.
pub fn de_id<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => s,
        Value::Null => String::new(),
        other => other.to_string(),
    })
}

/// A bilingual text that may arrive incomplete; the missing language falls back to the other.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LooseText {
    pub zh: String,
    pub en: String,
}

impl LooseText {
    pub fn get(&self, lang: Lang) -> &str {
        let (first, second) = match lang {
            Lang::Zh => (&self.zh, &self.en),
            Lang::En => (&self.en, &self.zh),
        };
        if first.is_empty() {
            second
        } else {
            first
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    #[default]
    NotStarted,
    Failing,
    Passed,
    /// A status this page does not know yet: shown as "not started" rather than failing to load.
    #[serde(other)]
    Unknown,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Passed => "passed",
            Status::Failing => "failing",
            Status::NotStarted | Status::Unknown => "not-started",
        }
    }

    /// Status is never told by colour alone: every cell and row carries this symbol and a word.
    pub fn symbol(self) -> &'static str {
        match self {
            Status::Passed => "✓",
            Status::Failing => "✗",
            Status::NotStarted | Status::Unknown => "–",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Status::Passed => tr(lang, "已通过", "passed"),
            Status::Failing => tr(lang, "未通过", "failing"),
            Status::NotStarted | Status::Unknown => tr(lang, "未开始", "not started"),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct ClassroomRef {
    #[serde(deserialize_with = "de_id")]
    pub id: String,
    #[serde(default)]
    pub name: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct Learner {
    #[serde(deserialize_with = "de_id")]
    pub id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    pub namespace: String,
    #[serde(default)]
    pub resume_code: String,
    #[serde(default)]
    pub created_at: Option<i64>,
    #[serde(default)]
    pub classroom: Option<ClassroomRef>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct ClusterStatus {
    pub connected: bool,
    pub namespace_ready: bool,
    pub message: Option<LooseText>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct ExerciseProgress {
    pub exercise_id: String,
    #[serde(default)]
    pub status: Status,
    #[serde(default)]
    pub attempts: u32,
    #[serde(default)]
    pub first_pass_at: Option<i64>,
    #[serde(default)]
    pub last_at: Option<i64>,
}

/// `GET /api/me`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct Me {
    pub learner: Learner,
    #[serde(default)]
    pub cluster: ClusterStatus,
    #[serde(default)]
    pub progress: Vec<ExerciseProgress>,
}

/// One assertion's outcome as shown in a history; a subset of the check engine's verdict.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct AssertionOutcome {
    pub id: String,
    pub passed: bool,
    pub skipped: bool,
    pub title: LooseText,
    pub message: LooseText,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct VerdictView {
    pub passed: bool,
    pub results: Vec<AssertionOutcome>,
}

/// A recorded check or submission with its evidence.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct Attempt {
    #[serde(deserialize_with = "de_id")]
    pub id: String,
    #[serde(default)]
    pub exercise_id: String,
    #[serde(default)]
    pub at: i64,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub passed: bool,
    #[serde(default)]
    pub verdict: VerdictView,
    #[serde(default)]
    pub evidence: Vec<Value>,
    #[serde(default)]
    pub input: Option<String>,
    #[serde(default)]
    pub regraded: Option<VerdictView>,
}

impl Attempt {
    pub fn source_label(&self, lang: Lang) -> String {
        match self.source.as_str() {
            "check" => tr(lang, "检查", "check").into(),
            "submit" => tr(lang, "提交", "submit").into(),
            "live" => tr(lang, "实时", "live").into(),
            "grade" => tr(lang, "教师评分", "graded by instructor").into(),
            other => other.to_string(),
        }
    }

    /// The evidence as indented JSON for the collapsible view.
    pub fn evidence_json(&self) -> String {
        serde_json::to_string_pretty(&self.evidence).unwrap_or_default()
    }
}

// ---------------------------------------------------------------------------------------------
// Errors and the request helper.
// ---------------------------------------------------------------------------------------------

/// Why an API call did not give the page what it wanted, in words a learner can act on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("network error")]
    Network,
    #[error("unreadable response")]
    BadResponse,
    #[error("HTTP {status} {code}")]
    Status {
        status: u16,
        code: String,
        message: Option<LooseText>,
    },
}

impl ApiError {
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The message to show. Rate limiting always gets our wording; otherwise the server's message
    /// in the page language, or a fallback by status when the server gave none.
    pub fn text(&self, lang: Lang) -> String {
        match self {
            ApiError::Network => tr(
                lang,
                "无法连接服务器。请检查网络后再试。",
                "Could not reach the server. Check your connection and try again.",
            )
            .into(),
            ApiError::BadResponse => tr(
                lang,
                "服务器的回应无法读取。请刷新页面再试。",
                "The server's answer could not be read. Reload the page and try again.",
            )
            .into(),
            ApiError::Status { status: 429, .. } => tr(
                lang,
                "尝试次数太多，请等一分钟再试。",
                "Too many tries. Wait a minute, then try again.",
            )
            .into(),
            ApiError::Status {
                message: Some(m), ..
            } if !m.get(lang).is_empty() => m.get(lang).to_string(),
            ApiError::Status { status, code, .. } => {
                let base = match status {
                    401 => tr(lang, "你还没有登录。", "You are not signed in."),
                    403 => tr(
                        lang,
                        "你没有权限这样做。",
                        "You are not allowed to do that.",
                    ),
                    404 => tr(lang, "没有找到。", "Not found."),
                    503 => tr(
                        lang,
                        "现在没有连接 Kubernetes 集群。",
                        "No Kubernetes cluster is connected right now.",
                    ),
                    _ => tr(lang, "请求没有成功。", "The request did not succeed."),
                };
                if code.is_empty() {
                    format!("{base} (HTTP {status})")
                } else {
                    format!("{base} (HTTP {status}, {code})")
                }
            }
        }
    }
}

/// Turns a response into data or an `ApiError`. An empty body reads as JSON `null`, so a
/// `204 No Content` parses as `()`.
pub fn interpret<T: DeserializeOwned>(status: u16, body: &str) -> Result<T, ApiError> {
    let body = if body.trim().is_empty() { "null" } else { body };
    if (200..300).contains(&status) {
        return serde_json::from_str(body).map_err(|_| ApiError::BadResponse);
    }
    let error = serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v.get("error").cloned());
    let code = error
        .as_ref()
        .and_then(|e| e.get("code"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let message = error
        .and_then(|e| e.get("message").cloned())
        .and_then(|m| serde_json::from_value::<LooseText>(m).ok())
        .filter(|m| !m.zh.is_empty() || !m.en.is_empty());
    Err(ApiError::Status {
        status,
        code,
        message,
    })
}

/// `GET` a JSON resource with the session cookie.
pub async fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    request("GET", url, None).await
}

/// `POST` a JSON body; every state change goes through here.
pub async fn post_json<T: DeserializeOwned>(url: &str, body: Value) -> Result<T, ApiError> {
    request("POST", url, Some(body)).await
}

async fn request<T: DeserializeOwned>(
    method: &str,
    url: &str,
    body: Option<Value>,
) -> Result<T, ApiError> {
    #[cfg(feature = "hydrate")]
    {
        let (status, text) = browser::fetch(method, url, body).await?;
        interpret(status, &text)
    }
    // Islands only call the API from effects and event handlers, which never run on the server.
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (method, url, body);
        Err(ApiError::Network)
    }
}

/// Asks the user to confirm a destructive action. Outside a browser nothing is confirmed.
pub fn confirm(message: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        web_sys::window()
            .and_then(|w| w.confirm_with_message(message).ok())
            .unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = message;
        false
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use serde_json::Value;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{Headers, Request, RequestCredentials, RequestInit, Response};

    use super::ApiError;

    pub async fn fetch(
        method: &str,
        url: &str,
        body: Option<Value>,
    ) -> Result<(u16, String), ApiError> {
        let net = |_: JsValue| ApiError::Network;
        let window = web_sys::window().ok_or(ApiError::Network)?;
        let init = RequestInit::new();
        init.set_method(method);
        init.set_credentials(RequestCredentials::SameOrigin);
        let headers = Headers::new().map_err(net)?;
        headers.set("Accept", "application/json").map_err(net)?;
        if let Some(body) = body {
            headers
                .set("Content-Type", "application/json")
                .map_err(net)?;
            init.set_body(&JsValue::from_str(&body.to_string()));
        }
        init.set_headers(&headers);
        let request = Request::new_with_str_and_init(url, &init).map_err(net)?;
        let response: Response = JsFuture::from(window.fetch_with_request(&request))
            .await
            .map_err(net)?
            .dyn_into()
            .map_err(|_| ApiError::BadResponse)?;
        let text = JsFuture::from(response.text().map_err(net)?)
            .await
            .map_err(net)?
            .as_string()
            .unwrap_or_default();
        Ok((response.status(), text))
    }
}

// ---------------------------------------------------------------------------------------------
// Small pure helpers.
// ---------------------------------------------------------------------------------------------

/// `2026-11-26 02:03 UTC` from unix milliseconds. UTC in both languages: no locale guessing, and an
/// instructor comparing times with the CSV export sees the same values.
pub fn format_time(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's days-to-civil.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60
    )
}

/// The file name the server gives the kubeconfig download.
pub fn kubeconfig_file(namespace: &str) -> String {
    format!("kubelab-{namespace}.yaml")
}

/// The commands under "Download kubeconfig".
pub fn kubeconfig_howto(namespace: &str) -> String {
    format!(
        "export KUBECONFIG=~/Downloads/{}\nkubectl get pods",
        kubeconfig_file(namespace)
    )
}

/// `null` for an empty field, so "no display name" is what the API receives.
pub fn optional(text: &str) -> Value {
    let text = text.trim();
    if text.is_empty() {
        Value::Null
    } else {
        Value::String(text.to_string())
    }
}

// ---------------------------------------------------------------------------------------------
// The page frame: the site's header and footer around an account page.
// ---------------------------------------------------------------------------------------------

pub(crate) fn lang_param() -> Option<Lang> {
    use_params_map()
        .with_untracked(|p| p.get("lang"))
        .as_deref()
        .and_then(Lang::parse)
}

/// Header, `<main>` and footer around an account page. These pages are per user: no indexing.
#[component]
pub(crate) fn Frame(
    lang: Lang,
    path_after_lang: String,
    title: String,
    class: &'static str,
    children: Children,
) -> impl IntoView {
    view! {
        <Html {..} lang=lang.html_tag() />
        <Title text=format!("{title} · kubelab") />
        <Meta name="robots" content="noindex" />
        <Header lang path_after_lang />
        <main id="main" class=format!("account-page {class}")>
            <h1>{title}</h1>
            {children()}
        </main>
        <Footer lang />
    }
}

/// A copy button for a short value (resume code, join code), with its own feedback.
#[component]
pub(crate) fn CopyValue(lang: Lang, value: String, label: &'static str) -> impl IntoView {
    let state = RwSignal::new(0u8); // 0 idle, 1 copied, 2 failed
    let on_click = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let Some(window) = web_sys::window() else {
                return;
            };
            let promise = window.navigator().clipboard().write_text(&value);
            leptos::task::spawn_local(async move {
                let ok = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
                state.set(if ok { 1 } else { 2 });
                set_timeout(move || state.set(0), std::time::Duration::from_millis(2000));
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &value;
    };
    view! {
        <button type="button" class="copy-value" on:click=on_click aria-label=label>
            {move || match state.get() {
                1 => t(lang, Msg::Copied),
                2 => t(lang, Msg::CopyFailed),
                _ => t(lang, Msg::Copy),
            }}
        </button>
    }
}

// ---------------------------------------------------------------------------------------------
// /:lang/me
// ---------------------------------------------------------------------------------------------

/// Where an exercise is taught, so the progress list can link to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExerciseLink {
    pub exercise_id: String,
    pub href: String,
    pub lesson: String,
}

fn exercise_links(lang: Lang) -> Vec<ExerciseLink> {
    let course = use_context::<CourseHandle>()
        .map(|h| h.current())
        .unwrap_or_else(|| Arc::new(Default::default()));
    course
        .lessons_in_order(lang)
        .flat_map(|l| {
            l.exercises.iter().map(|e| ExerciseLink {
                exercise_id: e.clone(),
                href: format!("/{}/learn/{}", lang.code(), l.id),
                lesson: l.title.clone(),
            })
        })
        .collect()
}

#[component]
pub fn MePage() -> impl IntoView {
    let Some(lang) = lang_param() else {
        return view! { <crate::pages::NotFound /> }.into_any();
    };
    let links = exercise_links(lang);
    view! {
        <Frame lang=lang path_after_lang="/me".into() title=tr(lang, "我的实验", "My lab").into()
            class="me-page">
            <MyLab lang=lang links=links />
        </Frame>
    }
    .into_any()
}

#[derive(Clone, Debug, PartialEq)]
enum MeState {
    Loading,
    SignedOut,
    SignedIn(Box<Me>),
    Failed(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Form {
    Start,
    Join,
    Resume,
    Account,
}

/// Everything on "My lab" that depends on the session.
#[island]
pub fn MyLab(lang: Lang, links: Vec<ExerciseLink>) -> impl IntoView {
    let state = RwSignal::new(MeState::Loading);
    let busy = RwSignal::new(false);
    // The last outcome, shown next to the form it belongs to and announced by screen readers.
    let notice = RwSignal::new(None::<(Form, bool, String)>);
    let links = StoredValue::new(links);

    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            state.set(match get_json::<Me>("/api/me").await {
                Ok(me) => MeState::SignedIn(Box::new(me)),
                Err(e) if e.status() == Some(401) => MeState::SignedOut,
                Err(e) => MeState::Failed(e.text(lang)),
            });
        });
    });

    // Runs one state-changing call; a `Me` answer signs in, a 401 signs out.
    let act = move |form: Form, url: &'static str, body: Value, done: &'static str| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        notice.set(None);
        leptos::task::spawn_local(async move {
            match post_json::<Me>(url, body).await {
                Ok(me) => {
                    state.set(MeState::SignedIn(Box::new(me)));
                    if !done.is_empty() {
                        notice.set(Some((Form::Account, true, done.to_string())));
                    }
                }
                Err(e) if form == Form::Account && e.status() == Some(401) => {
                    state.set(MeState::SignedOut)
                }
                Err(e) => notice.set(Some((form, false, e.text(lang)))),
            }
            busy.set(false);
        });
    };

    let notice_for = move |form: Form| {
        move || {
            notice.get().and_then(|(f, ok, text)| {
                (f == form).then(|| {
                    view! {
                        <p class=if ok { "notice notice-ok" } else { "notice notice-bad" }>
                            {if ok { "✓ " } else { "✗ " }}{text}
                        </p>
                    }
                })
            })
        }
    };

    let signed_out = move || {
        let name = RwSignal::new(String::new());
        let join_code = RwSignal::new(String::new());
        let join_name = RwSignal::new(String::new());
        let resume = RwSignal::new(String::new());
        view! {
            <p class="lead">
                {tr(lang,
                    "选一种方式开始。你会得到自己的 Kubernetes 命名空间，进度会被保存。",
                    "Pick one way to begin. You get your own Kubernetes namespace, and your progress is saved.")}
            </p>
            <div class="choice-grid">
                <form class="card choice" data-form="start" on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    act(Form::Start, "/api/session/start",
                        serde_json::json!({ "display_name": optional(&name.get_untracked()) }), "");
                }>
                    <h2>{tr(lang, "自己学", "Start on your own")}</h2>
                    <p>{tr(lang, "按自己的节奏学习。名字可以不填。", "Learn at your own pace. The name is optional.")}</p>
                    <label for="start-name">{tr(lang, "显示名（可选）", "Display name (optional)")}</label>
                    <input id="start-name" name="display_name" autocomplete="nickname" maxlength="60"
                        bind:value=name />
                    <button class="button" type="submit" disabled=move || busy.get()>
                        {tr(lang, "开始", "Start")}
                    </button>
                    <div aria-live="polite">{notice_for(Form::Start)}</div>
                </form>
                <form class="card choice" data-form="join" on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    act(Form::Join, "/api/session/join", serde_json::json!({
                        "code": join_code.get_untracked().trim(),
                        "name": join_name.get_untracked().trim(),
                    }), "");
                }>
                    <h2>{tr(lang, "加入课堂", "Join a classroom")}</h2>
                    <p>{tr(lang, "输入老师给你的加入码和你的名字。", "Enter the join code your instructor gave you, and your name.")}</p>
                    <label for="join-code">{tr(lang, "加入码", "Join code")}</label>
                    <input id="join-code" name="code" required autocomplete="off" autocapitalize="characters"
                        spellcheck="false" placeholder="ABCD-EFGH" bind:value=join_code />
                    <label for="join-name">{tr(lang, "你的名字", "Your name")}</label>
                    <input id="join-name" name="name" required autocomplete="name" maxlength="60"
                        bind:value=join_name />
                    <button class="button" type="submit" disabled=move || busy.get()>
                        {tr(lang, "加入", "Join")}
                    </button>
                    <div aria-live="polite">{notice_for(Form::Join)}</div>
                </form>
                <form class="card choice" data-form="resume" on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    act(Form::Resume, "/api/session/resume",
                        serde_json::json!({ "code": resume.get_untracked().trim() }), "");
                }>
                    <h2>{tr(lang, "在另一台设备上继续", "Continue on another device")}</h2>
                    <p>{tr(lang, "输入“我的实验”页上显示的恢复码。", "Enter the resume code shown on your “My lab” page.")}</p>
                    <label for="resume-code">{tr(lang, "恢复码", "Resume code")}</label>
                    <input id="resume-code" name="code" required autocomplete="off" autocapitalize="characters"
                        spellcheck="false" placeholder="K7QF-2M9P" bind:value=resume />
                    <button class="button" type="submit" disabled=move || busy.get()>
                        {tr(lang, "继续", "Continue")}
                    </button>
                    <div aria-live="polite">{notice_for(Form::Resume)}</div>
                </form>
            </div>
        }
    };

    let signed_in = move |me: Me| {
        let ns = me.learner.namespace.clone();
        let name = me
            .learner
            .display_name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| tr(lang, "匿名学员", "Anonymous learner").into());
        let cluster = me.cluster.clone();
        let cluster_line = match (cluster.connected, cluster.namespace_ready) {
            (false, _) => ("bad", tr(lang, "✗ 没有连接集群", "✗ No cluster connected")),
            (true, false) => (
                "warn",
                tr(
                    lang,
                    "… 已连接，命名空间准备中",
                    "… Connected, namespace not ready yet",
                ),
            ),
            (true, true) => (
                "ok",
                tr(
                    lang,
                    "✓ 已连接，命名空间就绪",
                    "✓ Connected, namespace ready",
                ),
            ),
        };
        let progress = me.progress.clone();
        let passed = progress
            .iter()
            .filter(|p| p.status == Status::Passed)
            .count();
        let total = progress.len();
        let rows = progress
            .into_iter()
            .map(|p| {
                let link = links.with_value(|l| l.iter().find(|l| l.exercise_id == p.exercise_id).cloned());
                view! {
                    <tr data-exercise=p.exercise_id.clone() data-status=p.status.code()>
                        <th scope="row">
                            {match link {
                                Some(l) => Either::Left(view! {
                                    <a href=l.href><code>{p.exercise_id.clone()}</code></a>
                                    <span class="muted">{format!(" · {}", l.lesson)}</span>
                                }),
                                None => Either::Right(view! { <code>{p.exercise_id.clone()}</code> }),
                            }}
                        </th>
                        <td class=format!("status status-{}", p.status.code())>
                            <span aria-hidden="true">{p.status.symbol()}</span>" "{p.status.label(lang)}
                        </td>
                        <td class="num">{p.attempts}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <section class="card account-summary" aria-labelledby="who">
                <h2 id="who">{name}</h2>
                <dl class="facts">
                    <dt>{tr(lang, "命名空间", "Namespace")}</dt>
                    <dd><code data-field="namespace">{ns.clone()}</code></dd>
                    <dt>{tr(lang, "恢复码", "Resume code")}</dt>
                    <dd>
                        <code class="resume-code" data-field="resume-code">{me.learner.resume_code.clone()}</code>
                        " "
                        <CopyValue lang=lang value=me.learner.resume_code.clone()
                            label=tr(lang, "复制恢复码", "Copy the resume code") />
                        <span class="hint">{tr(lang, "在另一台设备上用它继续。请勿分享。", "Use it to continue on another device. Keep it to yourself.")}</span>
                    </dd>
                    {me.learner.classroom.clone().map(|c| view! {
                        <dt>{tr(lang, "课堂", "Classroom")}</dt>
                        <dd data-field="classroom">{c.name}</dd>
                    })}
                </dl>
            </section>
            <section class="card" aria-labelledby="cluster-h">
                <h2 id="cluster-h">{tr(lang, "集群", "Cluster")}</h2>
                <p class=format!("cluster-status cluster-{}", cluster_line.0) data-field="cluster">{cluster_line.1}</p>
                {cluster.message.clone().map(|m| view! { <p class="muted">{m.get(lang).to_string()}</p> })}
                {if cluster.connected {
                    Either::Left(view! {
                        <a class="button" href="/api/me/kubeconfig" download=kubeconfig_file(&ns)>
                            {tr(lang, "下载 kubeconfig", "Download kubeconfig")}
                        </a>
                        <p>{tr(lang, "下载后在终端里运行：", "After downloading, run in a terminal:")}</p>
                        <pre class="howto"><code>{kubeconfig_howto(&ns)}</code></pre>
                    })
                } else {
                    Either::Right(view! {
                        <p class="muted">{tr(lang,
                            "连接集群后才能下载 kubeconfig。",
                            "The kubeconfig can be downloaded once a cluster is connected.")}</p>
                    })
                }}
                <button type="button" class="button button-danger" disabled=move || busy.get()
                    on:click=move |_| {
                        if confirm(tr(lang,
                            "重置会删除你命名空间里的所有对象，然后重新创建一个空的命名空间。继续吗？",
                            "Reset deletes every object in your namespace and creates it again, empty. Continue?")) {
                            act(Form::Account, "/api/me/reset", serde_json::json!({}),
                                tr(lang, "命名空间已重置。", "Your namespace was reset."));
                        }
                    }>
                    {tr(lang, "重置我的命名空间", "Reset my namespace")}
                </button>
            </section>
            <section class="card" aria-labelledby="progress-h">
                <h2 id="progress-h">{tr(lang, "进度", "Progress")}</h2>
                {if total == 0 {
                    Either::Left(view! { <p class="muted">{tr(lang, "还没有练习记录。", "No exercises yet.")}</p> })
                } else {
                    Either::Right(view! {
                        <p>{match lang {
                            Lang::Zh => format!("已通过 {passed} / {total}"),
                            Lang::En => format!("{passed} of {total} passed"),
                        }}</p>
                        <div class="table-scroll">
                            <table class="progress-table">
                                <thead><tr>
                                    <th scope="col">{tr(lang, "练习", "Exercise")}</th>
                                    <th scope="col">{tr(lang, "状态", "Status")}</th>
                                    <th scope="col">{tr(lang, "尝试次数", "Attempts")}</th>
                                </tr></thead>
                                <tbody>{rows}</tbody>
                            </table>
                        </div>
                    })
                }}
            </section>
            <p>
                <button type="button" class="button button-quiet" disabled=move || busy.get()
                    on:click=move |_| {
                        busy.set(true);
                        leptos::task::spawn_local(async move {
                            match post_json::<()>("/api/session/logout", serde_json::json!({})).await {
                                Ok(()) => { notice.set(None); state.set(MeState::SignedOut) }
                                Err(e) => notice.set(Some((Form::Account, false, e.text(lang)))),
                            }
                            busy.set(false);
                        });
                    }>
                    {tr(lang, "退出", "Sign out")}
                </button>
            </p>
        }
    };

    view! {
        <div class="my-lab" data-state=move || match state.get() {
            MeState::Loading => "loading",
            MeState::SignedOut => "signed-out",
            MeState::SignedIn(_) => "signed-in",
            MeState::Failed(_) => "failed",
        }>
            <div class="live-region" aria-live="polite">{notice_for(Form::Account)}</div>
            {move || match state.get() {
                MeState::Loading => EitherOf4::A(view! {
                    <p class="muted" role="status">{tr(lang, "正在加载……", "Loading…")}</p>
                }),
                MeState::Failed(text) => EitherOf4::B(view! {
                    <p class="notice notice-bad" role="alert">{text}</p>
                }),
                MeState::SignedOut => EitherOf4::C(signed_out()),
                MeState::SignedIn(me) => EitherOf4::D(signed_in(*me)),
            }}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn me_parses_with_unknown_fields_numeric_ids_and_unknown_status() {
        let me: Me = interpret(
            200,
            r#"{"learner":{"id":7,"display_name":null,"namespace":"kl-ab12","resume_code":"K7QF-2M9P",
                "created_at":1,"classroom":{"id":"c1","name":"Mon"},"extra":true},
               "cluster":{"connected":true,"namespace_ready":false,"message":{"zh":"准备中"}},
               "progress":[{"exercise_id":"deployment","status":"passed","attempts":3,"first_pass_at":5,"last_at":6},
                           {"exercise_id":"svc","status":"brand-new","attempts":0}]}"#,
        )
        .unwrap();
        assert_eq!(me.learner.id, "7");
        assert_eq!(me.learner.classroom.unwrap().name, "Mon");
        assert_eq!(
            me.cluster.message.unwrap().get(Lang::En),
            "准备中",
            "a missing language falls back to the other"
        );
        assert_eq!(me.progress[0].status, Status::Passed);
        assert_eq!(me.progress[1].status.code(), "not-started");
    }

    #[test]
    fn malformed_success_body_is_an_error_not_a_panic() {
        assert_eq!(
            interpret::<Me>(200, r#"{"learner": 3}"#),
            Err(ApiError::BadResponse)
        );
        assert_eq!(interpret::<Me>(200, "<html>"), Err(ApiError::BadResponse));
    }

    #[test]
    fn empty_204_reads_as_unit() {
        assert_eq!(interpret::<()>(204, ""), Ok(()));
    }

    #[test]
    fn api_error_shows_server_message_in_page_language() {
        let e = interpret::<Me>(
            400,
            r#"{"error":{"code":"join-failed","message":{"zh":"加入码或名字不对","en":"Join code or name not accepted"}}}"#,
        )
        .unwrap_err();
        assert_eq!(e.status(), Some(400));
        assert_eq!(e.text(Lang::Zh), "加入码或名字不对");
        assert_eq!(e.text(Lang::En), "Join code or name not accepted");
    }

    #[test]
    fn rate_limit_always_says_wait_a_minute() {
        let e = interpret::<Me>(
            429,
            r#"{"error":{"code":"rate-limited","message":{"zh":"x","en":"x"}}}"#,
        )
        .unwrap_err();
        assert!(
            e.text(Lang::En).contains("Wait a minute"),
            "{}",
            e.text(Lang::En)
        );
        assert!(e.text(Lang::Zh).contains("一分钟"));
    }

    #[test]
    fn error_without_json_body_falls_back_by_status() {
        let e = interpret::<Me>(503, "Service Unavailable").unwrap_err();
        assert_eq!(
            e.text(Lang::En),
            "No Kubernetes cluster is connected right now. (HTTP 503)"
        );
        let e = interpret::<Me>(401, r#"{"error":{"code":"not-signed-in"}}"#).unwrap_err();
        assert_eq!(
            e.text(Lang::En),
            "You are not signed in. (HTTP 401, not-signed-in)"
        );
    }

    #[test]
    fn times_are_utc_calendar_dates() {
        assert_eq!(format_time(0), "1970-01-01 00:00 UTC");
        // 2024-02-29 12:34:56 UTC: a leap day.
        assert_eq!(format_time(1_709_210_096_000), "2024-02-29 12:34 UTC");
        assert_eq!(format_time(1_795_651_200_000), "2026-11-26 00:00 UTC");
    }

    #[test]
    fn kubeconfig_howto_names_the_downloaded_file() {
        let howto = kubeconfig_howto("kl-ab12");
        assert_eq!(
            howto,
            "export KUBECONFIG=~/Downloads/kubelab-kl-ab12.yaml\nkubectl get pods"
        );
    }

    #[test]
    fn empty_display_name_is_sent_as_null() {
        assert_eq!(optional("  "), Value::Null);
        assert_eq!(optional(" Ada "), Value::String("Ada".into()));
    }
}

/// The three account routes render their shell and island on the server, with no data.
#[cfg(all(test, feature = "ssr"))]
mod ssr_tests {
    use leptos::prelude::*;
    use leptos_router::location::RequestUrl;

    fn render(path: &str) -> String {
        let owner = Owner::new();
        owner.with(|| {
            provide_context(RequestUrl::new(path));
            view! { <crate::App /> }.to_html()
        })
    }

    fn island_count(html: &str, name: &str) -> usize {
        html.matches("<leptos-island")
            .count()
            .min(html.matches(name).count())
    }

    #[test]
    fn me_page_renders_shell_and_my_lab_island() {
        let html = render("/en/me");
        assert!(html.contains("<h1>My lab</h1>"), "{html}");
        assert!(html.contains("class=\"site-header\""));
        assert_eq!(island_count(&html, "MyLab"), 1, "{html}");
        assert!(html.contains("data-state=\"loading\""));
        let zh = render("/zh/me");
        assert!(zh.contains("<h1>我的实验</h1>"), "{zh}");
    }

    #[test]
    fn teach_page_renders_shell_and_teach_home_island() {
        let html = render("/zh/teach");
        assert!(html.contains("<h1>教师</h1>"), "{html}");
        assert_eq!(island_count(&html, "TeachHome"), 1, "{html}");
    }

    #[test]
    fn board_page_renders_shell_and_board_island_with_classroom_id() {
        let html = render("/en/teach/c42");
        assert!(html.contains("<h1>Classroom board</h1>"), "{html}");
        assert_eq!(island_count(&html, "ClassBoard"), 1, "{html}");
        assert!(
            html.contains("c42"),
            "the island gets the classroom id: {html}"
        );
        assert!(html.contains("data-action=\"grade\""));
    }

    #[test]
    fn unknown_language_is_not_found() {
        let html = render("/fr/me");
        assert!(html.contains("404"), "{html}");
        assert!(!html.contains("<leptos-island"), "{html}");
    }
}
