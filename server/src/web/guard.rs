//! What every response and request goes through at the edge: security headers with a
//! Content-Security-Policy that allows exactly the page's own scripts (the one inline hydration
//! script by its hash), and the Host allowlist that makes DNS rebinding useless.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use sha2::{Digest, Sha256};

use super::error::WebError;

/// Our own rendered pages are far below this; anything larger is passed on without hashing.
const MAX_HASHED_PAGE: usize = 4 * 1024 * 1024;

/// The policy of every response; HTML pages add the hashes of their inline scripts.
fn csp(script_hashes: &[String]) -> String {
    let mut scripts = String::from("'self' 'wasm-unsafe-eval'");
    for h in script_hashes {
        scripts.push_str(&format!(" 'sha256-{h}'"));
    }
    format!(
        "default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The base64 SHA-256 of each inline `<script>` (one without `src=`) of an HTML page.
pub fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(tag_end) = after.find('>') else {
            break;
        };
        let tag = &after[..tag_end];
        let body = &after[tag_end + 1..];
        let Some(close) = body.find("</script>") else {
            break;
        };
        if !tag.contains(" src=") {
            let digest = Sha256::digest(&body.as_bytes()[..close]);
            let h = base64::engine::general_purpose::STANDARD.encode(digest);
            if !hashes.contains(&h) {
                hashes.push(h);
            }
        }
        rest = &body[close..];
    }
    hashes
}

fn set_common(headers: &mut HeaderMap) {
    let fixed = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    headers.insert(
        header::HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
}

/// The headers of every response, whatever answered it (a page, a file, a refusal): the fixed
/// ones, and the policy without script hashes where [`security_headers`] set none.
pub async fn common_headers(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let headers = resp.headers_mut();
    set_common(headers);
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        if let Ok(v) = HeaderValue::from_str(&csp(&[])) {
            headers.insert(header::CONTENT_SECURITY_POLICY, v);
        }
    }
    resp
}

/// The script policy of an HTML page: the page is read whole (our own, bounded) to hash its
/// inline scripts; everything else (files, JSON, event streams) passes through unread.
pub async fn security_headers(req: Request, next: Next) -> Response {
    let resp = next.run(req).await;
    let is_html = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    if !is_html {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    match axum::body::to_bytes(body, MAX_HASHED_PAGE).await {
        Ok(bytes) => {
            let hashes = inline_script_hashes(&String::from_utf8_lossy(&bytes));
            if let Ok(v) = HeaderValue::from_str(&csp(&hashes)) {
                parts.headers.insert(header::CONTENT_SECURITY_POLICY, v);
            }
            Response::from_parts(parts, Body::from(bytes))
        }
        Err(e) => {
            tracing::error!("page too large to send with a script policy: {e}");
            (StatusCode::INTERNAL_SERVER_ERROR, "page too large").into_response()
        }
    }
}

/// Which `Host` names kubelab answers to.
#[derive(Debug, Clone)]
pub struct AllowedHosts(Arc<Vec<String>>);

impl AllowedHosts {
    /// The loopback names, the host of the public origin, and `extra`; all without port,
    /// lowercase.
    pub fn new(public_origin: Option<&str>, extra: &[String]) -> Self {
        let mut hosts: Vec<String> = ["localhost", "127.0.0.1", "[::1]"]
            .into_iter()
            .map(String::from)
            .collect();
        if let Some(origin) = public_origin {
            let host = origin.split_once("://").map_or(origin, |(_, h)| h);
            hosts.push(strip_port(host).to_ascii_lowercase());
        }
        hosts.extend(
            extra
                .iter()
                .map(|h| strip_port(h.trim()).to_ascii_lowercase()),
        );
        AllowedHosts(Arc::new(hosts))
    }

    /// Whether a request naming `host` (as in its Host header, maybe with a port) is for us.
    pub fn allows(&self, host: &str) -> bool {
        let name = strip_port(host).to_ascii_lowercase();
        self.0.contains(&name)
    }
}

/// `lab.example:8443` → `lab.example`; `[::1]:3000` → `[::1]`.
fn strip_port(host: &str) -> &str {
    if host.starts_with('[') {
        return host.find(']').map_or(host, |i| &host[..=i]);
    }
    host.rsplit_once(':')
        .filter(|(_, port)| port.chars().all(|c| c.is_ascii_digit()))
        .map_or(host, |(name, _)| name)
}

/// Liveness and readiness: read-only, no cookies, nothing learner-specific.
const PROBES: [&str; 2] = ["/healthz", "/readyz"];

/// Refuses a request whose `Host` is not ours (421), so a page on a rebinding domain cannot
/// talk to kubelab with the victim's browser. [`PROBES`] are exempt: kubelets address a Pod by IP.
/// A request without `Host` (HTTP/1.0 tools) carries no browser's cookies and passes.
pub async fn allowed_host(
    State(allowed): State<AllowedHosts>,
    req: Request,
    next: Next,
) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| req.uri().authority().map(|a| a.to_string()));
    match host {
        Some(h) if !allowed.allows(&h) && !PROBES.contains(&req.uri().path()) => {
            tracing::warn!(host = %h, "refused a request for another host");
            WebError::MisdirectedHost.into_response()
        }
        _ => next.run(req).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_hashed_and_external_ones_not() {
        let html = r#"<head><script src="/pkg/a.js"></script><script type="module">x()</script></head>
            <body><script>x()</script><script type="module">y()</script></body>"#;
        let hashes = inline_script_hashes(html);
        assert_eq!(hashes.len(), 2, "{hashes:?}");
        let x = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"x()"));
        assert_eq!(hashes[0], x);
    }

    #[test]
    fn loopback_public_and_extra_hosts_are_ours_and_nothing_else() {
        let hosts = AllowedHosts::new(Some("https://lab.example"), &["kubelab.school.edu".into()]);
        for ok in [
            "127.0.0.1:3000",
            "localhost",
            "[::1]:8080",
            "LAB.example",
            "lab.example:443",
            "kubelab.school.edu",
        ] {
            assert!(hosts.allows(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "lab.example.evil.example",
            "127.0.0.2",
            "10.0.0.5:3000",
        ] {
            assert!(!hosts.allows(bad), "{bad}");
        }
    }
}
