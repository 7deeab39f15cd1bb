//! `GET /api/me/terminal`: a WebSocket to the learner's shell (issue #12). Binary frames carry
//! the shell's bytes both ways; a text frame from the browser is a [`TerminalControl`] (resize),
//! never input, so typed text cannot be mistaken for a control.
//!
//! The upgrade is checked before anything is opened: a signed-in learner, a browser on our own
//! origin (a WebSocket is not covered by the CORS rules, so the Origin is checked here), the
//! terminal on, a free slot (per replica); then the toolbox is made ready and its shell opened,
//! so every refusal before the shell runs is an ordinary HTTP answer with our error body.
//! Frames are capped at [`MAX_FRAME`] (a paste of a long YAML heredoc fits); the socket closes
//! when the shell ends, the browser goes (pings find out), or the server shuts down.

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures::{SinkExt, StreamExt};
use kube::api::TerminalSize;
use kubelab_wire::TerminalControl;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::service::terminal::Terminal;
use crate::web::error::WebError;
use crate::web::extract::CurrentLearner;
use crate::web::session::is_same_origin;
use crate::web::AppState;

/// The largest frame either way: a pasted manifest of the largest size Apply takes.
pub const MAX_FRAME: usize = 256 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/me/terminal", get(terminal))
}

async fn terminal(
    State(state): State<AppState>,
    CurrentLearner(learner): CurrentLearner,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, WebError> {
    // A browser always sends Origin on a WebSocket; one from another site is refused.
    if !headers.contains_key(axum::http::header::ORIGIN)
        || !is_same_origin(&headers, state.public_origin.as_deref())
    {
        return Err(WebError::CrossSite);
    }
    let upgrade = match upgrade {
        Ok(u) => u,
        // Not a WebSocket request: say so only once the learner may have a terminal at all.
        Err(rejection) => {
            if !state.lab.terminal.enabled {
                return Err(crate::service::ServiceError::TerminalOff.into());
            }
            return Ok(rejection.into_response());
        }
    };
    let term = state.lab.open_terminal(&learner).await?;
    let shutdown = state.shutdown.clone();
    Ok(upgrade
        .max_frame_size(MAX_FRAME)
        .max_message_size(MAX_FRAME)
        .on_upgrade(move |socket| relay(socket, term, shutdown)))
}

/// How often the server pings the browser: a peer that went away (a laptop asleep, a network
/// switch) is noticed, and a proxy in front does not close a quiet terminal.
const PING_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// Copies bytes between the socket and the shell until one side ends. The two directions run
/// apart, so a long paste into the shell never waits on its echo being read, or the other way.
async fn relay(
    socket: WebSocket,
    mut term: Terminal,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) {
    let (Some(mut stdin), Some(mut stdout), Some(mut size)) = (
        term.process.stdin(),
        term.process.stdout(),
        term.process.terminal_size(),
    ) else {
        term.process.abort();
        return;
    };
    let (mut sink, mut stream) = socket.split();
    // Browser → shell: typed bytes in binary frames; a text frame is a control, nothing else.
    let to_shell = async {
        while let Some(Ok(msg)) = stream.next().await {
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
    // Shell → browser, with a ping when it is quiet.
    let to_browser = async {
        let mut buf = vec![0u8; 16 * 1024];
        let mut ping = tokio::time::interval(PING_EVERY);
        loop {
            let sent = tokio::select! {
                read = stdout.read(&mut buf) => match read {
                    Ok(0) | Err(_) => break,
                    Ok(n) => sink.send(Message::Binary(buf[..n].to_vec().into())).await,
                },
                _ = ping.tick() => sink.send(Message::Ping(Vec::new().into())).await,
            };
            if sent.is_err() {
                break;
            }
        }
        let _ = sink.send(Message::Close(None)).await;
    };
    tokio::select! {
        () = to_shell => {}
        () = to_browser => {}
        _ = shutdown.changed() => {}
    }
    // The tmux session stays: the next attach comes back to it.
    term.process.abort();
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
    ) -> (StatusCode, String) {
        let mut req = Request::builder()
            .uri("/api/me/terminal")
            .header("host", "localhost:3000");
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
        let (status, body) = open(&state, None, Some("http://localhost:3000")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        let cookie = learner_cookie(&state).await;
        // Another site's page, or no Origin at all (not a browser's WebSocket): refused.
        for origin in [Some("https://evil.example"), Some("null"), None] {
            let (status, body) = open(&state, Some(&cookie), origin).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{origin:?}: {body}");
            assert!(body.contains("cross-site"), "{body}");
        }
        // Ours, but this kubelab (shared namespace, `--terminal auto`) gives no terminal.
        let (status, body) = open(&state, Some(&cookie), Some("http://localhost:3000")).await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert!(body.contains("terminal-off"), "{body}");
    }
}
