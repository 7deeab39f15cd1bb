//! `GET /api/me/terminal`: a WebSocket to the learner's shell (issue #12). Binary frames carry
//! the shell's bytes both ways; a text frame from the browser is a [`TerminalControl`] (resize),
//! never input, so typed text cannot be mistaken for a control.
//!
//! Before the upgrade: a signed-in learner, a browser on our own origin (a WebSocket is not
//! covered by the CORS rules, so the Origin is checked here), and the terminal on. A plain GET
//! (no upgrade) answers those same checks with 204 or our error body and opens nothing: a
//! browser cannot read why an upgrade failed, so the page asks this way first.
//! After it, the server says where it stands in text frames ([`TerminalStatus`]): `starting`
//! while the toolbox is made ready (a first open may wait for an image pull), `ready` once the
//! shell is attached, or an [`kubelab_wire::ErrorBody`] and a close with code
//! [`CLOSE_REFUSED`]; the page then shows the reason instead of reconnecting.
//! Where the learner's classroom records commands, the relay reads the shell's command marks off
//! its output ([`CommandLog`]) and says so to the page (`recording` in `ready`).
//! Frames are capped at [`MAX_FRAME`] (a paste of a long YAML heredoc fits). The socket closes
//! when the shell ends (1000), the browser goes (pings find out), the learner signs out, resets
//! or is archived ([`CLOSE_REFUSED`]), the exec stream to the API server breaks (1011) or the
//! server shuts down (1012); on those two the page reconnects (to another replica if need be)
//! and reattaches to the same shell.

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures::stream::SplitSink;
use futures::{FutureExt, SinkExt, StreamExt};
use kube::api::TerminalSize;
use kubelab_store::Learner;
use kubelab_wire::{TerminalControl, TerminalPhase, TerminalStatus};
use std::sync::atomic::Ordering;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::service::command_log::CommandLog;
use crate::service::terminal::Terminal;
use crate::service::ServiceError;
use crate::web::error::{body_of, WebError};
use crate::web::extract::CurrentLearner;
use crate::web::session::is_same_origin;
use crate::web::AppState;

/// The largest frame either way: a pasted manifest of the largest size Apply takes.
pub const MAX_FRAME: usize = 256 * 1024;

/// The close code after an error body: do not reconnect on your own, show why.
pub const CLOSE_REFUSED: u16 = 4000;
/// The close code when the server shuts down: reconnect.
const CLOSE_RESTART: u16 = 1012;
/// The close code when the exec stream to the shell broke: reconnect (the shell is still there).
const CLOSE_LOST: u16 = 1011;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/me/terminal", get(terminal))
}

async fn terminal(
    State(state): State<AppState>,
    CurrentLearner(learner): CurrentLearner,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, WebError> {
    let wants_upgrade = headers
        .get(axum::http::header::UPGRADE)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"websocket"));
    // A browser always sends Origin on a WebSocket; one from another site is refused.
    if wants_upgrade
        && (!headers.contains_key(axum::http::header::ORIGIN)
            || !is_same_origin(&headers, state.public_origin.as_deref()))
    {
        return Err(WebError::CrossSite);
    }
    state.lab.terminal_available()?;
    let upgrade = match upgrade {
        Ok(u) => u,
        Err(rejection) if wants_upgrade => return Ok(rejection.into_response()),
        Err(_) => return Ok(StatusCode::NO_CONTENT.into_response()),
    };
    Ok(upgrade
        .max_frame_size(MAX_FRAME)
        .max_message_size(MAX_FRAME)
        .on_upgrade(move |socket| serve(socket, state, learner)))
}

/// How often the server pings the browser: a peer that went away (a laptop asleep, a network
/// switch) is noticed, and a proxy in front does not close a quiet terminal. Each ping also
/// re-checks that the learner may still have the terminal (what another replica did).
const PING_EVERY: std::time::Duration = std::time::Duration::from_secs(20);

type Sink = SplitSink<WebSocket, Message>;

async fn send_json(sink: &mut Sink, value: &impl serde::Serialize) -> bool {
    let text = serde_json::to_string(value).unwrap_or_default();
    sink.send(Message::Text(text.into())).await.is_ok()
}

/// Sends why, then closes with [`CLOSE_REFUSED`].
async fn refuse(sink: &mut Sink, e: ServiceError) {
    let e = WebError::from(e);
    let code = crate::web::error::Coded::code(&e);
    if send_json(sink, &body_of(&e)).await {
        let _ = sink
            .send(Message::Close(Some(CloseFrame {
                code: CLOSE_REFUSED,
                reason: Utf8Bytes::from(code),
            })))
            .await;
    }
}

async fn serve(socket: WebSocket, state: AppState, learner: Learner) {
    let (mut sink, mut stream) = socket.split();
    if !send_json(
        &mut sink,
        &TerminalStatus {
            status: TerminalPhase::Starting,
            recording: false,
        },
    )
    .await
    {
        return;
    }
    // Opening may take a while (an image pull): pings keep proxies from closing the socket.
    // A page that goes meanwhile (closed, reloaded) stops the open and frees its slot.
    let opened = {
        let opening = state.lab.open_terminal(&learner);
        tokio::pin!(opening);
        let mut ping = tokio::time::interval(PING_EVERY);
        ping.tick().await;
        loop {
            tokio::select! {
                r = &mut opening => break r,
                _ = ping.tick() => if sink.send(Message::Ping(Vec::new().into())).await.is_err() { return },
                msg = stream.next() => if matches!(msg, None | Some(Err(_)) | Some(Ok(Message::Close(_)))) { return },
            }
        }
    };
    let term = match opened {
        Ok(term) => term,
        Err(e) => return refuse(&mut sink, e).await,
    };
    if send_json(
        &mut sink,
        &TerminalStatus {
            status: TerminalPhase::Ready,
            recording: term.recording,
        },
    )
    .await
    {
        relay(sink, stream.by_ref(), term, state).await;
    }
}

/// Copies bytes between the socket and the shell until one side ends. The two directions run
/// apart, so a long paste into the shell never waits on its echo being read, or the other way.
async fn relay(
    sink: Sink,
    stream: &mut futures::stream::SplitStream<WebSocket>,
    mut term: Terminal,
    state: AppState,
) {
    let (Some(mut stdin), Some(mut stdout), Some(mut size)) = (
        term.process.stdin(),
        term.process.stdout(),
        term.process.terminal_size(),
    ) else {
        term.process.abort();
        return;
    };
    let sink = tokio::sync::Mutex::new(sink);
    let closes = term.take_closes();
    let learner = term.learner.clone();
    // The classroom records commands: read them off the output (re-read with every ping).
    let recording = std::sync::atomic::AtomicBool::new(term.recording);
    // Resolves when the exec ends: with the shell's status when it exited, with none when the
    // connection to the API server was lost (the page then reconnects and reattaches).
    let exec_ended = term.process.take_status().map(FutureExt::shared);
    // When the browser last sent anything (its pongs included): a peer gone without a close (a
    // laptop asleep, a network switched) is let go after two silent pings, freeing its slot.
    let heard = std::sync::Mutex::new(tokio::time::Instant::now());
    let hear = || *heard.lock().unwrap_or_else(|p| p.into_inner()) = tokio::time::Instant::now();
    // Browser → shell: typed bytes in binary frames; a text frame is a control, nothing else.
    let to_shell = async {
        while let Some(Ok(msg)) = stream.next().await {
            hear();
            let ok = match msg {
                Message::Binary(bytes) => stdin.write_all(&bytes).await.is_ok(),
                Message::Text(text) => match serde_json::from_str(text.as_str()) {
                    Ok(TerminalControl::Resize { cols, rows }) => size
                        .send(TerminalSize {
                            width: cols.clamp(10, 500),
                            height: rows.clamp(2, 200),
                        })
                        .await
                        .is_ok(),
                    Err(_) => true,
                },
                Message::Close(_) => false,
                Message::Ping(_) | Message::Pong(_) => true,
            };
            if !ok {
                break;
            }
        }
    };
    // Shell → browser.
    let to_browser = async {
        let mut buf = vec![0u8; 16 * 1024];
        let mut commands = CommandLog::default();
        loop {
            let n = match stdout.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            if recording.load(Ordering::Relaxed) {
                let kept = commands.take(&buf[..n], std::time::Instant::now());
                state.lab.record_commands(&learner, kept);
            }
            // A peer that takes nothing for this long is gone: do not wait on it for ever.
            let sent = tokio::time::timeout(
                2 * PING_EVERY,
                sink.lock()
                    .await
                    .send(Message::Binary(buf[..n].to_vec().into())),
            )
            .await;
            if !matches!(sent, Ok(Ok(()))) {
                return;
            }
        }
        if commands.dropped > 0 {
            tracing::warn!(
                dropped = commands.dropped,
                "terminal commands over the rate bound were not kept"
            );
        }
        // The output ended: the shell exited (`exit`, a status follows at once: a normal close,
        // the page offers a new shell), or the stream closed without one (the page reattaches).
        let exited = match exec_ended.clone() {
            Some(ended) => matches!(
                tokio::time::timeout(std::time::Duration::from_secs(2), ended).await,
                Ok(Some(_))
            ),
            None => true,
        };
        let (code, reason) = if exited {
            (1000, "the shell ended")
        } else {
            (CLOSE_LOST, "lost the shell's connection")
        };
        let _ = sink
            .lock()
            .await
            .send(Message::Close(Some(CloseFrame {
                code,
                reason: Utf8Bytes::from_static(reason),
            })))
            .await;
    };
    // A ping now and then, the learner re-checked and the toolbox marked in use with it.
    let watch = async {
        let mut ping = tokio::time::interval(PING_EVERY);
        ping.tick().await;
        loop {
            ping.tick().await;
            let silent = heard.lock().unwrap_or_else(|p| p.into_inner()).elapsed();
            if silent > 2 * PING_EVERY {
                return None;
            }
            if !state.lab.still_allowed(&learner).await {
                return Some(ServiceError::TerminalClosed);
            }
            // The instructor turned recording on or off: the page says so, before the first
            // command is read when it goes on (the store stops keeping at once when it goes off).
            let now_recording = state.lab.records_commands(&learner).await;
            if recording.load(Ordering::Relaxed) != now_recording {
                let status = TerminalStatus {
                    status: TerminalPhase::Ready,
                    recording: now_recording,
                };
                let told = tokio::time::timeout(PING_EVERY, async {
                    send_json(&mut *sink.lock().await, &status).await
                })
                .await;
                if !matches!(told, Ok(true)) {
                    return None;
                }
                recording.store(now_recording, Ordering::Relaxed);
            }
            state.lab.terminal_heartbeat(&mut term, false).await;
            let pinged = tokio::time::timeout(
                PING_EVERY,
                sink.lock().await.send(Message::Ping(Vec::new().into())),
            )
            .await;
            if !matches!(pinged, Ok(Ok(()))) {
                return None;
            }
        }
    };
    let mut shutdown = state.shutdown.clone();
    // The exec failed without ending its output (a broken connection): `to_browser` would wait
    // for ever. (An ended output is `to_browser`'s to close.)
    let lost = async {
        match exec_ended.clone() {
            Some(ended) => {
                if ended.await.is_some() {
                    std::future::pending::<()>().await;
                }
                // Give `to_browser` the first word if the output also ended.
                tokio::time::sleep(std::time::Duration::from_secs(3)).await;
            }
            None => std::future::pending().await,
        }
    };
    let ending = tokio::select! {
        () = to_shell => None,
        () = to_browser => None,
        () = lost => {
            tracing::warn!("a terminal lost its exec stream");
            let _ = sink.lock().await.send(Message::Close(Some(CloseFrame {
                code: CLOSE_LOST,
                reason: Utf8Bytes::from_static("lost the shell's connection"),
            }))).await;
            None
        }
        ending = watch => ending,
        () = async {
            match closes {
                Some(c) => c.wait().await,
                None => std::future::pending().await,
            }
        } => Some(ServiceError::TerminalClosed),
        _ = shutdown.changed() => {
            let _ = sink.lock().await.send(Message::Close(Some(CloseFrame {
                code: CLOSE_RESTART,
                reason: Utf8Bytes::from_static("server restart"),
            }))).await;
            None
        }
    };
    if let Some(e) = ending {
        refuse(&mut *sink.lock().await, e).await;
    }
    // The tmux session stays: the next attach comes back to it. Idleness counts from now.
    term.process.abort();
    state.lab.terminal_heartbeat(&mut term, true).await;
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    use crate::web::router;
    use crate::web::testkit::{learner_cookie, state};

    async fn open(
        state: &crate::web::AppState,
        cookie: Option<&str>,
        origin: Option<&str>,
        upgrade: bool,
    ) -> (StatusCode, String) {
        let mut req = Request::builder()
            .uri("/api/me/terminal")
            .header("host", "localhost:3000");
        if upgrade {
            req = req
                .header("upgrade", "websocket")
                .header("connection", "upgrade")
                .header("sec-websocket-version", "13")
                .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==");
        }
        if let Some(c) = cookie {
            req = req.header("cookie", c);
        }
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        let resp = router(state.clone())
            .oneshot(req.body(Body::empty()).expect("request"))
            .await
            .expect("answer");
        let status = resp.status();
        let body = resp.into_body().collect().await.expect("body").to_bytes();
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    #[tokio::test]
    async fn only_a_signed_in_learner_on_our_own_origin_gets_a_terminal_and_only_when_it_is_on() {
        let (state, _dir) = state().await;
        for upgrade in [true, false] {
            let (status, body) = open(&state, None, Some("http://localhost:3000"), upgrade).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        }
        let cookie = learner_cookie(&state).await;
        // Another site's page, or no Origin at all (not a browser's WebSocket): refused.
        for origin in [Some("https://evil.example"), Some("null"), None] {
            let (status, body) = open(&state, Some(&cookie), origin, true).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{origin:?}: {body}");
            assert!(body.contains("cross-site"), "{body}");
        }
        // Ours, but this kubelab (shared namespace, `--terminal auto`) gives no terminal: the
        // upgrade says so, and so does the plain GET a page asks first.
        for upgrade in [true, false] {
            let (status, body) = open(
                &state,
                Some(&cookie),
                Some("http://localhost:3000"),
                upgrade,
            )
            .await;
            assert_eq!(status, StatusCode::CONFLICT, "{body}");
            assert!(body.contains("terminal-off"), "{body}");
        }
    }
}
