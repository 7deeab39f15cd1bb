//! The app's one door to the browser: requests to kubelab's JSON API, its live streams, and the
//! few page services the islands need (confirm, clipboard, visibility, the editor's Tab key).
//!
//! Everything that touches `web_sys` lives here, behind the `hydrate` feature; islands call the
//! plain functions below and carry no `cfg` of their own. Outside a browser (the server renders
//! islands too, but never runs their effects or handlers) requests fail with
//! [`ClientError::Network`] and streams do not open.
//!
//! Replies are read into the wire types (`kubelab_wire`), the same structs the server writes.
//! An answer that is not what was asked for becomes a [`ClientError`], and [`ClientError::text`]
//! is the one place that decides what a person reads about it: the server's own message in the
//! page's language, or a sentence of ours, never a raw reply.

use kubelab_wire::{ErrorBody, ErrorDetail};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::i18n::{t, Msg};
use crate::model::Lang;

mod editor;
pub use editor::{
    clear_drafts, load_draft, load_precheck, mount_editor, precheck, save_draft, textarea_go_to,
    CodeEditor, Diagnostic,
};

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// Why a request (or a stream) did not give the page what it wanted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    /// The server could not be reached.
    #[error("network error")]
    Network,
    /// A reply (or a stream's message) that is not what was asked for.
    #[error("unreadable reply")]
    Unreadable,
    /// An error status; `detail` when the body was the API's error shape.
    #[error("HTTP {status}")]
    Status {
        status: u16,
        detail: Option<ErrorDetail>,
    },
    /// The server's `error` event on an open stream (the stream goes on).
    #[error("stream error {}", .0.code)]
    Event(ErrorDetail),
}

impl ClientError {
    pub fn status(&self) -> Option<u16> {
        match self {
            ClientError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// What to tell the person. Rate limiting always gets our wording (wait, then retry);
    /// otherwise the server's message in the page's language, or a sentence by status when the
    /// reply was not ours (a proxy's error page, an empty body).
    pub fn text(&self, lang: Lang) -> String {
        match self {
            ClientError::Network => t(lang, Msg::NetworkError).to_string(),
            ClientError::Unreadable => t(lang, Msg::BadReply).to_string(),
            ClientError::Status { status: 429, .. } => t(lang, Msg::RateLimited).to_string(),
            ClientError::Status {
                detail: Some(d), ..
            }
            | ClientError::Event(d)
                if !d.message.get(lang.code()).is_empty() =>
            {
                d.message.get(lang.code()).to_string()
            }
            ClientError::Event(_) => t(lang, Msg::BadReply).to_string(),
            ClientError::Status { status, detail } => {
                let base = t(
                    lang,
                    match status {
                        401 => Msg::NotSignedIn,
                        403 => Msg::NotAllowed,
                        404 => Msg::NothingFound,
                        503 => Msg::NoClusterNow,
                        500..=599 => Msg::ServerError,
                        _ => Msg::RequestFailed,
                    },
                );
                match detail {
                    Some(d) if !d.code.is_empty() => format!("{base} (HTTP {status}, {})", d.code),
                    _ => format!("{base} (HTTP {status})"),
                }
            }
        }
    }
}

/// Reads a reply into `T` or a [`ClientError`]. An empty body reads as JSON `null`, so a
/// `204 No Content` is `()`.
pub fn read_reply<T: DeserializeOwned>(status: u16, body: &str) -> Result<T, ClientError> {
    let body = if body.trim().is_empty() { "null" } else { body };
    if (200..300).contains(&status) {
        return serde_json::from_str(body).map_err(|_| ClientError::Unreadable);
    }
    let detail = serde_json::from_str::<ErrorBody>(body)
        .ok()
        .map(|b| b.error);
    Err(ClientError::Status { status, detail })
}

/// Reads a stream message's data.
pub fn read_event<T: DeserializeOwned>(data: &str) -> Result<T, ClientError> {
    serde_json::from_str(data).map_err(|_| ClientError::Unreadable)
}

/// Reads the data of a stream's `error` event (an [`ErrorDetail`]).
pub fn read_error_event(data: &str) -> ClientError {
    serde_json::from_str(data)
        .map(ClientError::Event)
        .unwrap_or(ClientError::Unreadable)
}

// ---------------------------------------------------------------------------------------------
// Requests. Same-origin, with the session cookie; every state change is a POST.
// ---------------------------------------------------------------------------------------------

/// What a request sends.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Body {
    None,
    Json(String),
    /// A learner's submission, as typed.
    Text(String),
}

/// `GET` a JSON resource.
pub async fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, ClientError> {
    send("GET", url, Body::None).await
}

/// `GET` once per page: every island asking for `url`, in this bundle or another one on the same
/// page (each bundle is its own WASM instance), reads the one reply.
pub async fn get_json_shared<T: DeserializeOwned>(url: &str) -> Result<T, ClientError> {
    #[cfg(feature = "hydrate")]
    {
        let (status, text) = browser::fetch_shared(url).await?;
        read_reply(status, &text)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = url;
        Err(ClientError::Network)
    }
}

/// `GET` a body as text, for a reply passed on unread (the pre-check's rules).
pub async fn get_text(url: &str) -> Result<String, ClientError> {
    #[cfg(feature = "hydrate")]
    {
        let (status, text) = browser::fetch("GET", url, Body::None).await?;
        if (200..300).contains(&status) {
            return Ok(text);
        }
        Err(read_reply::<()>(status, &text)
            .err()
            .unwrap_or(ClientError::Unreadable))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = url;
        Err(ClientError::Network)
    }
}

/// `POST` a typed JSON body.
pub async fn post_json<T: DeserializeOwned, B: Serialize + ?Sized>(
    url: &str,
    body: &B,
) -> Result<T, ClientError> {
    let json = serde_json::to_string(body).map_err(|_| ClientError::Unreadable)?;
    send("POST", url, Body::Json(json)).await
}

/// `PUT` a typed JSON body (a setting: the same request twice does the same).
pub async fn put_json<T: DeserializeOwned, B: Serialize + ?Sized>(
    url: &str,
    body: &B,
) -> Result<T, ClientError> {
    let json = serde_json::to_string(body).map_err(|_| ClientError::Unreadable)?;
    send("PUT", url, Body::Json(json)).await
}

/// `POST` raw text (an exercise submission: the grader reads the bytes as typed).
pub async fn post_text<T: DeserializeOwned>(url: &str, text: String) -> Result<T, ClientError> {
    send("POST", url, Body::Text(text)).await
}

/// `POST` without a body (actions whose URL says everything: check, reset, sign out, grade).
pub async fn post<T: DeserializeOwned>(url: &str) -> Result<T, ClientError> {
    send("POST", url, Body::None).await
}

async fn send<T: DeserializeOwned>(method: &str, url: &str, body: Body) -> Result<T, ClientError> {
    #[cfg(feature = "hydrate")]
    {
        let (status, text) = browser::fetch(method, url, body).await?;
        read_reply(status, &text)
    }
    // Islands call the API only from effects and handlers, which never run on the server.
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (method, url, body);
        Err(ClientError::Network)
    }
}

// ---------------------------------------------------------------------------------------------
// Live streams (server-sent events)
// ---------------------------------------------------------------------------------------------

/// What an open stream tells its owner.
#[derive(Clone, Debug, PartialEq)]
pub enum StreamEvent<T> {
    /// Connected (again).
    Open,
    /// A message of the stream's event name, read.
    Message(T),
    /// A message that could not be read, or the server's own `error` event; the stream goes on.
    Error(ClientError),
    /// The connection dropped; the browser reconnects by itself.
    Reconnecting,
    /// Refused or closed for good (e.g. 401, 503): the browser gives up. A stream's error body
    /// cannot be read, so the owner asks once by plain request to learn why.
    Closed,
}

/// An open stream; dropping it closes the connection.
pub struct EventStream {
    #[cfg(feature = "hydrate")]
    inner: browser::Stream,
}

impl EventStream {
    /// Also calls `on` for the stream's `event` messages read as `U` (an unreadable one is
    /// skipped: the main event's handler hears about the connection).
    #[cfg_attr(not(feature = "hydrate"), allow(unused_mut))]
    pub fn also<U: DeserializeOwned + 'static>(
        mut self,
        event: &str,
        on: impl FnMut(U) + 'static,
    ) -> Self {
        #[cfg(feature = "hydrate")]
        self.inner.listen(event, on);
        #[cfg(not(feature = "hydrate"))]
        let _ = (event, on);
        self
    }
}

/// Opens a stream and calls `on` for its `event` messages (read as `T`), its `error` events and
/// its connection changes. `None` when it cannot be opened at all (and always outside a browser).
pub fn open_stream<T: DeserializeOwned + 'static>(
    url: &str,
    event: &str,
    on: impl FnMut(StreamEvent<T>) + 'static,
) -> Option<EventStream> {
    #[cfg(feature = "hydrate")]
    {
        browser::open_stream(url, event, on).map(|inner| EventStream { inner })
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (url, event, on);
        None
    }
}

// ---------------------------------------------------------------------------------------------
// The page
// ---------------------------------------------------------------------------------------------

/// Asks the person to confirm a destructive action. Outside a browser nothing is confirmed.
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

/// Puts `text` on the clipboard; whether that worked.
pub async fn copy_text(text: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        let Some(window) = web_sys::window() else {
            return false;
        };
        let promise = window.navigator().clipboard().write_text(text);
        wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = text;
        false
    }
}

/// The time now in unix milliseconds (the browser's clock; the system's outside a browser).
pub fn now_ms() -> i64 {
    #[cfg(feature = "hydrate")]
    {
        browser::date_now() as i64
    }
    #[cfg(not(feature = "hydrate"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
            .unwrap_or_default()
    }
}

/// Whether the page is in front (not a background tab or a minimised window).
pub fn page_visible() -> bool {
    #[cfg(feature = "hydrate")]
    {
        !web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| d.hidden())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        true
    }
}

/// Calls `f(visible)` whenever the page goes to the background or comes back, until the
/// current reactive owner (the island) is cleaned up.
pub fn on_visibility_change(f: impl Fn(bool) + 'static) {
    #[cfg(feature = "hydrate")]
    {
        let handle =
            leptos::prelude::window_event_listener_untyped("visibilitychange", move |_| {
                f(page_visible())
            });
        leptos::prelude::on_cleanup(move || handle.remove());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = f;
}

/// The exercise editor's keys: Tab inserts two spaces at the cursor, unless Esc came just
/// before (then Tab moves focus on, so keyboard users are never trapped). Takes and returns
/// whether Esc was the last key.
pub fn editor_key(ev: &leptos::ev::KeyboardEvent, escaped: bool) -> bool {
    #[cfg(feature = "hydrate")]
    {
        browser::editor_key(ev, escaped)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = ev;
        escaped
    }
}

/// A click inside server-rendered lesson HTML: if it hit a copy button, copies the button's
/// `data-copy` and shows its `data-done` / `data-failed` label for a moment.
pub fn copy_button_clicked(ev: &leptos::ev::MouseEvent) {
    #[cfg(feature = "hydrate")]
    browser::copy_button_clicked(ev);
    #[cfg(not(feature = "hydrate"))]
    let _ = ev;
}

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::RefCell;
    use std::rc::Rc;

    use serde::de::DeserializeOwned;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{
        Element, EventSource, Headers, HtmlTextAreaElement, MessageEvent, Request,
        RequestCredentials, RequestInit, Response,
    };

    use super::{read_error_event, read_event, Body, ClientError, StreamEvent};

    #[wasm_bindgen::prelude::wasm_bindgen]
    extern "C" {
        /// `Date.now()`.
        #[wasm_bindgen(js_namespace = Date, js_name = now)]
        pub fn date_now() -> f64;
    }

    pub async fn fetch(method: &str, url: &str, body: Body) -> Result<(u16, String), ClientError> {
        let net = |_: JsValue| ClientError::Network;
        let window = web_sys::window().ok_or(ClientError::Network)?;
        let init = RequestInit::new();
        init.set_method(method);
        init.set_credentials(RequestCredentials::SameOrigin);
        let headers = Headers::new().map_err(net)?;
        headers.set("Accept", "application/json").map_err(net)?;
        let (content_type, body) = match body {
            Body::None => (None, None),
            Body::Json(json) => (Some("application/json"), Some(json)),
            Body::Text(text) => (Some("text/plain; charset=utf-8"), Some(text)),
        };
        if let (Some(content_type), Some(body)) = (content_type, body) {
            headers.set("Content-Type", content_type).map_err(net)?;
            init.set_body(&JsValue::from_str(&body));
        }
        init.set_headers(&headers);
        let request = Request::new_with_str_and_init(url, &init).map_err(net)?;
        let response: Response = JsFuture::from(window.fetch_with_request(&request))
            .await
            .map_err(net)?
            .dyn_into()
            .map_err(|_| ClientError::Unreadable)?;
        let text = JsFuture::from(response.text().map_err(net)?)
            .await
            .map_err(net)?
            .as_string()
            .unwrap_or_default();
        Ok((response.status(), text))
    }

    /// The page keeps one promise per URL on `window`, which every bundle's instance can see.
    pub async fn fetch_shared(url: &str) -> Result<(u16, String), ClientError> {
        use wasm_bindgen_futures::js_sys::{Array, Promise, Reflect};

        let window = web_sys::window().ok_or(ClientError::Network)?;
        let key = JsValue::from_str(&format!("__kubelab GET {url}"));
        let asked = Reflect::get(&window, &key)
            .ok()
            .and_then(|p| p.dyn_into::<Promise>().ok());
        let promise = match asked {
            Some(p) => p,
            None => {
                let url = url.to_owned();
                let p = wasm_bindgen_futures::future_to_promise(async move {
                    let (status, text) = fetch("GET", &url, Body::None)
                        .await
                        .map_err(|_| JsValue::NULL)?;
                    Ok(Array::of2(&JsValue::from(status), &JsValue::from_str(&text)).into())
                });
                let _ = Reflect::set(&window, &key, &p);
                p
            }
        };
        let reply: Array = JsFuture::from(promise)
            .await
            .map_err(|_| ClientError::Network)?
            .dyn_into()
            .map_err(|_| ClientError::Unreadable)?;
        let status = reply.get(0).as_f64().map_or(0, |s| s as u16);
        Ok((status, reply.get(1).as_string().unwrap_or_default()))
    }

    type Listener = Closure<dyn FnMut(web_sys::Event)>;

    pub struct Stream {
        source: EventSource,
        listeners: Vec<Listener>,
    }

    impl Stream {
        pub fn listen<U: DeserializeOwned + 'static>(
            &mut self,
            event: &str,
            mut on: impl FnMut(U) + 'static,
        ) {
            let f = Listener::new(move |ev: web_sys::Event| {
                if let Ok(value) = read_event::<U>(&message_data(&ev).unwrap_or_default()) {
                    on(value);
                }
            });
            if self
                .source
                .add_event_listener_with_callback(event, f.as_ref().unchecked_ref())
                .is_ok()
            {
                self.listeners.push(f);
            }
        }
    }

    impl Drop for Stream {
        fn drop(&mut self) {
            self.source.close();
        }
    }

    fn message_data(ev: &web_sys::Event) -> Option<String> {
        ev.dyn_ref::<MessageEvent>()
            .and_then(|m| m.data().as_string())
    }

    pub fn open_stream<T: DeserializeOwned + 'static>(
        url: &str,
        event: &str,
        on: impl FnMut(StreamEvent<T>) + 'static,
    ) -> Option<Stream> {
        let source = EventSource::new(url).ok()?;
        let on = Rc::new(RefCell::new(on));
        let f = on.clone();
        let on_open = Listener::new(move |_| (*f.borrow_mut())(StreamEvent::Open));
        let f = on.clone();
        let on_message = Listener::new(move |ev: web_sys::Event| {
            let data = message_data(&ev).unwrap_or_default();
            (*f.borrow_mut())(match read_event::<T>(&data) {
                Ok(value) => StreamEvent::Message(value),
                Err(e) => StreamEvent::Error(e),
            });
        });
        let src = source.clone();
        let on_error = Listener::new(move |ev: web_sys::Event| {
            (*on.borrow_mut())(if let Some(data) = message_data(&ev) {
                // The server's own `error` event carries data; a lost connection does not.
                StreamEvent::Error(read_error_event(&data))
            } else if src.ready_state() == EventSource::CLOSED {
                StreamEvent::Closed
            } else {
                StreamEvent::Reconnecting
            });
        });
        let listen = |name: &str, f: &Listener| {
            source
                .add_event_listener_with_callback(name, f.as_ref().unchecked_ref())
                .is_ok()
        };
        let ok =
            listen("open", &on_open) && listen(event, &on_message) && listen("error", &on_error);
        let stream = Stream {
            source,
            listeners: vec![on_open, on_message, on_error],
        };
        // Dropped (and so closed) at once if a listener could not be added.
        ok.then_some(stream)
    }

    pub fn editor_key(ev: &leptos::ev::KeyboardEvent, escaped: bool) -> bool {
        let key = ev.key();
        if key == "Escape" {
            return true;
        }
        let plain = !(ev.shift_key() || ev.ctrl_key() || ev.alt_key() || ev.meta_key());
        if key == "Tab" && plain && !escaped {
            if let Some(area) = ev
                .target()
                .and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok())
            {
                ev.prevent_default();
                let start = area.selection_start().ok().flatten().unwrap_or(0);
                let end = area.selection_end().ok().flatten().unwrap_or(start);
                let _ = area.set_range_text_with_start_and_end_and_mode("  ", start, end, "end");
            }
        }
        false
    }

    const COPY_FEEDBACK: std::time::Duration = std::time::Duration::from_millis(2000);

    pub fn copy_button_clicked(ev: &leptos::ev::MouseEvent) {
        let Some(button) = ev
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .and_then(|el| el.closest(".copy-btn").ok().flatten())
        else {
            return;
        };
        let text = button.get_attribute("data-copy").unwrap_or_default();
        leptos::task::spawn_local(async move {
            let ok = super::copy_text(&text).await;
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
            COPY_FEEDBACK,
        );
    }
}

#[cfg(test)]
mod tests {
    use kubelab_wire::{Me, Verdict};

    use super::*;

    const ME: &str = r#"{"learner":{"id":"l7","display_name":null,"namespace":"kl-ab12","resume_code":"K7QF-2M9P",
        "created_at":1,"classroom":{"id":"c1","name":"Mon"}},
       "cluster":{"connected":true,"namespace_ready":false,"message":{"zh":"准备中","en":"Getting ready"}},
       "progress":[{"exercise_id":"deployment","status":"passed","attempts":3,"first_pass_at":5,"last_at":6}]}"#;

    #[test]
    fn a_reply_reads_into_the_wire_type() {
        let me: Me = read_reply(200, ME).unwrap();
        assert_eq!(me.learner.classroom.unwrap().name, "Mon");
        assert_eq!(me.progress[0].attempts, 3);
    }

    #[test]
    fn a_malformed_success_body_is_an_error_not_a_panic() {
        assert_eq!(
            read_reply::<Me>(200, r#"{"learner": 3}"#),
            Err(ClientError::Unreadable)
        );
        assert_eq!(
            read_reply::<Me>(200, "<html>"),
            Err(ClientError::Unreadable)
        );
        let garbled = read_reply::<Verdict>(200, "{not json").unwrap_err();
        assert_eq!(garbled.text(Lang::En), t(Lang::En, Msg::BadReply));
    }

    #[test]
    fn an_empty_204_reads_as_unit() {
        assert_eq!(read_reply::<()>(204, ""), Ok(()));
    }

    #[test]
    fn an_api_error_shows_its_message_in_the_page_language_not_json() {
        let body = r#"{"error":{"code":"no-cluster","message":{"zh":"没有连接集群。","en":"No cluster is connected."}}}"#;
        let e = read_reply::<Verdict>(503, body).unwrap_err();
        assert_eq!(e.status(), Some(503));
        assert_eq!(e.text(Lang::En), "No cluster is connected.");
        assert_eq!(e.text(Lang::Zh), "没有连接集群。");
    }

    #[test]
    fn rate_limiting_always_says_wait_a_minute() {
        let e = read_reply::<Me>(
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
    fn an_error_that_is_not_ours_gets_a_sentence_by_status_never_the_body() {
        let e = read_reply::<Me>(503, "Service Unavailable").unwrap_err();
        assert_eq!(
            e.text(Lang::En),
            "No Kubernetes cluster is connected right now. (HTTP 503)"
        );
        let e = read_reply::<Verdict>(502, "<html>bad gateway</html>").unwrap_err();
        let text = e.text(Lang::En);
        assert_eq!(
            text,
            "The server had a problem; try again later. (HTTP 502)"
        );
        assert!(!text.contains("html"));
        let e = read_reply::<Me>(
            401,
            r#"{"error":{"code":"not-signed-in","message":{"zh":"","en":""}}}"#,
        )
        .unwrap_err();
        assert_eq!(
            e.text(Lang::En),
            "You are not signed in. (HTTP 401, not-signed-in)"
        );
    }

    #[test]
    fn a_stream_error_event_is_read_in_the_page_language() {
        let data = r#"{"code":"cluster-unreachable","message":{"zh":"集群连不上","en":"The cluster is unreachable"}}"#;
        assert_eq!(
            read_error_event(data).text(Lang::En),
            "The cluster is unreachable"
        );
        assert_eq!(read_error_event(data).text(Lang::Zh), "集群连不上");
        assert_eq!(
            read_error_event("verdict not serialisable"),
            ClientError::Unreadable
        );
    }

    #[test]
    fn a_verdict_message_reads() {
        let data = r#"{"exercise":"x","mode":"offline","passed":true,"results":[{"id":"a","passed":true,"title":{"zh":"甲","en":"A"},"message":{"zh":"好","en":"ok"}}]}"#;
        let v: Verdict = read_event(data).expect("verdict");
        assert!(v.passed);
        assert_eq!(v.results[0].id, "a");
        assert_eq!(read_event::<Verdict>("{}"), Err(ClientError::Unreadable));
    }
}
