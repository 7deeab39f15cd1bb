//! Who is asking: the session cookie, the learner or instructor behind it, and the guards around
//! state-changing requests (same-origin check, failure rate limits).

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request};
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use kubelab_store::{Instructor, Learner, Store};
use tower_sessions::Session;

use crate::accounts::AccountError;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "kubelab_session";
const LEARNER_KEY: &str = "learner";
const INSTRUCTOR_KEY: &str = "instructor";

/// The session layer: cookie HttpOnly and SameSite=Lax always, Secure when served over TLS,
/// kept for 30 days of inactivity.
pub fn layer(
    store: &Store,
    secure: bool,
) -> tower_sessions::SessionManagerLayer<kubelab_store::SessionStore> {
    use tower_sessions::cookie::time::Duration as CookieDuration;
    tower_sessions::SessionManagerLayer::new(store.session_store())
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(tower_sessions::cookie::SameSite::Lax)
        .with_secure(secure)
        .with_path("/")
        .with_expiry(tower_sessions::Expiry::OnInactivity(CookieDuration::days(
            30,
        )))
}

fn session_error(e: tower_sessions::session::Error) -> AccountError {
    AccountError::Session(e.to_string())
}

/// The learner of this session, if any (and if they still exist).
pub async fn learner(store: &Store, session: &Session) -> Result<Option<Learner>, AccountError> {
    let Some(id) = session
        .get::<String>(LEARNER_KEY)
        .await
        .map_err(session_error)?
    else {
        return Ok(None);
    };
    Ok(store.learner(&id).await?)
}

/// The instructor of this session, if any.
pub async fn instructor(
    store: &Store,
    session: &Session,
) -> Result<Option<Instructor>, AccountError> {
    let Some(id) = session
        .get::<String>(INSTRUCTOR_KEY)
        .await
        .map_err(session_error)?
    else {
        return Ok(None);
    };
    Ok(store.instructor(&id).await?)
}

pub async fn require_instructor(
    store: &Store,
    session: &Session,
) -> Result<Instructor, AccountError> {
    instructor(store, session)
        .await?
        .ok_or(AccountError::NotInstructor)
}

/// Signs a learner in. A new session id on every sign-in, so an id planted before it is worthless.
pub async fn sign_in_learner(session: &Session, learner: &Learner) -> Result<(), AccountError> {
    session.cycle_id().await.map_err(session_error)?;
    session
        .insert(LEARNER_KEY, &learner.id)
        .await
        .map_err(session_error)
}

pub async fn sign_in_instructor(
    session: &Session,
    instructor: &Instructor,
) -> Result<(), AccountError> {
    session.cycle_id().await.map_err(session_error)?;
    session
        .insert(INSTRUCTOR_KEY, &instructor.id)
        .await
        .map_err(session_error)
}

pub async fn sign_out_learner(session: &Session) -> Result<(), AccountError> {
    session
        .remove::<String>(LEARNER_KEY)
        .await
        .map_err(session_error)?;
    session.cycle_id().await.map_err(session_error)
}

pub async fn sign_out_instructor(session: &Session) -> Result<(), AccountError> {
    session
        .remove::<String>(INSTRUCTOR_KEY)
        .await
        .map_err(session_error)?;
    session.cycle_id().await.map_err(session_error)
}

/// Refuses state-changing requests that a browser sent from another site (CSRF). The session
/// cookie is SameSite=Lax already; this is the second lock. Requests without `Origin`,
/// `Referer` or `Sec-Fetch-Site` come from scripts and tools, which carry no victim's cookie.
pub async fn same_origin(
    axum::extract::State(public_origin): axum::extract::State<Option<String>>,
    req: Request,
    next: Next,
) -> Response {
    if matches!(
        *req.method(),
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    ) || is_same_origin(req.headers(), public_origin.as_deref())
    {
        return next.run(req).await;
    }
    tracing::warn!(
        path = %req.uri().path(),
        origin = ?req.headers().get(header::ORIGIN),
        "refused a cross-site request"
    );
    AccountError::CrossSite.into_response()
}

/// The pure decision behind [`same_origin`].
pub fn is_same_origin(headers: &HeaderMap, public_origin: Option<&str>) -> bool {
    let get = |name: header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok());
    if get(header::HeaderName::from_static("sec-fetch-site")) == Some("cross-site") {
        return false;
    }
    let claimed = match get(header::ORIGIN) {
        Some("null") => return false,
        Some(origin) => origin.to_string(),
        None => match get(header::REFERER) {
            Some(referer) => origin_of(referer),
            None => return true,
        },
    };
    if let Some(public) = public_origin {
        return claimed.eq_ignore_ascii_case(public.trim_end_matches('/'));
    }
    // No configured public URL: compare with the Host the browser addressed.
    let Some(host) = get(header::HOST) else {
        return false;
    };
    let bare = claimed
        .strip_prefix("https://")
        .or_else(|| claimed.strip_prefix("http://"));
    bare.is_some_and(|h| h.eq_ignore_ascii_case(host))
}

/// `https://a.example:8443/x?y` → `https://a.example:8443`.
fn origin_of(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return String::new();
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    format!("{scheme}://{host}")
}

/// Counts failed sign-ins and joins per key (client address, email, join code) in a sliding
/// window. Successful requests are never limited: a classroom behind one NAT address joins at once.
#[derive(Debug)]
pub struct FailureLimiter {
    window: Duration,
    max: usize,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl FailureLimiter {
    pub fn new(max: usize, window: Duration) -> Self {
        FailureLimiter {
            window,
            max,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// Whether any of the keys has used up its failures.
    pub fn is_limited(&self, keys: &[String]) -> bool {
        self.is_limited_at(keys, Instant::now())
    }

    fn is_limited_at(&self, keys: &[String], now: Instant) -> bool {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        keys.iter().any(|k| match map.get_mut(k) {
            Some(times) => {
                while times
                    .front()
                    .is_some_and(|t| now.saturating_duration_since(*t) > self.window)
                {
                    times.pop_front();
                }
                times.len() >= self.max
            }
            None => false,
        })
    }

    pub fn record_failure(&self, keys: &[String]) {
        self.record_failure_at(keys, Instant::now())
    }

    fn record_failure_at(&self, keys: &[String], now: Instant) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        // Bound the memory an attacker can make us spend: drop stale keys when the map grows.
        if map.len() > 100_000 {
            map.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|t| now.saturating_duration_since(*t) <= self.window)
            });
        }
        for k in keys {
            map.entry(k.clone()).or_default().push_back(now);
        }
    }
}

/// Behind a reverse proxy every request comes from the proxy's address, which would put a whole
/// site in one rate-limit bucket. With `--trust-forwarded-for` the client is the last address the
/// proxy appended to `X-Forwarded-For` (the only entry a client cannot forge).
pub async fn forwarded_client(mut req: Request, next: Next) -> Response {
    if let Some(ip) = last_forwarded(req.headers()) {
        req.extensions_mut()
            .insert(ConnectInfo(SocketAddr::new(ip, 0)));
    }
    next.run(req).await
}

fn last_forwarded(headers: &HeaderMap) -> Option<std::net::IpAddr> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .next_back()
        .and_then(|ip| ip.trim().parse().ok())
}

/// The client's address, when the server was started with connect info (tests run without).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<SocketAddr>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0),
        ))
    }
}

impl ClientAddr {
    /// The rate-limit key of the address ("local" without connect info).
    pub fn key(&self) -> String {
        match self.0 {
            Some(addr) => format!("ip:{}", addr.ip()),
            None => "ip:local".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn same_origin_accepts_the_page_itself_and_tools() {
        let h = headers(&[
            ("host", "127.0.0.1:3000"),
            ("origin", "http://127.0.0.1:3000"),
        ]);
        assert!(is_same_origin(&h, None));
        // curl, the CLI and tests send no Origin and no Referer.
        assert!(is_same_origin(&headers(&[("host", "x")]), None));
        let h = headers(&[
            ("host", "lab.example"),
            ("referer", "https://lab.example/zh/me"),
        ]);
        assert!(is_same_origin(&h, None));
    }

    #[test]
    fn same_origin_refuses_other_sites() {
        let h = headers(&[("host", "127.0.0.1:3000"), ("origin", "http://evil.test")]);
        assert!(!is_same_origin(&h, None));
        let h = headers(&[("host", "127.0.0.1:3000"), ("origin", "null")]);
        assert!(!is_same_origin(&h, None));
        let h = headers(&[("host", "127.0.0.1:3000"), ("sec-fetch-site", "cross-site")]);
        assert!(!is_same_origin(&h, None));
        let h = headers(&[
            ("host", "127.0.0.1:3000"),
            ("referer", "http://evil.test/page"),
        ]);
        assert!(!is_same_origin(&h, None));
        // A look-alike host is not the host.
        let h = headers(&[
            ("host", "lab.example"),
            ("origin", "https://lab.example.evil.test"),
        ]);
        assert!(!is_same_origin(&h, None));
    }

    #[test]
    fn a_configured_public_origin_wins_over_host() {
        let h = headers(&[("host", "10.0.0.5:3000"), ("origin", "https://lab.example")]);
        assert!(is_same_origin(&h, Some("https://lab.example/")));
        let h = headers(&[
            ("host", "10.0.0.5:3000"),
            ("origin", "http://10.0.0.5:3000"),
        ]);
        assert!(!is_same_origin(&h, Some("https://lab.example")));
    }

    #[test]
    fn the_client_behind_a_proxy_is_the_last_forwarded_address() {
        let h = headers(&[("x-forwarded-for", "6.6.6.6, 10.1.2.3")]);
        assert_eq!(last_forwarded(&h), Some("10.1.2.3".parse().unwrap()));
        let h = headers(&[("x-forwarded-for", "2001:db8::1")]);
        assert_eq!(last_forwarded(&h), Some("2001:db8::1".parse().unwrap()));
        assert_eq!(
            last_forwarded(&headers(&[("x-forwarded-for", "junk")])),
            None
        );
        assert_eq!(last_forwarded(&HeaderMap::new()), None);
    }

    #[test]
    fn the_limiter_counts_failures_per_key() {
        let limiter = FailureLimiter::new(3, Duration::from_secs(60));
        let keys = vec!["ip:1.2.3.4".to_string(), "email:a@b".to_string()];
        for _ in 0..3 {
            assert!(!limiter.is_limited(&keys));
            limiter.record_failure(&keys);
        }
        assert!(limiter.is_limited(&keys));
        // Another address and email are not affected.
        assert!(!limiter.is_limited(&["ip:5.6.7.8".to_string()]));
        // The email alone is limited too, from any address.
        assert!(limiter.is_limited(&["ip:9.9.9.9".to_string(), "email:a@b".to_string()]));
    }

    #[test]
    fn failures_expire_after_the_window() {
        let limiter = FailureLimiter::new(1, Duration::from_secs(60));
        let keys = vec!["ip:1".to_string()];
        let t0 = Instant::now();
        limiter.record_failure_at(&keys, t0);
        assert!(limiter.is_limited_at(&keys, t0 + Duration::from_secs(59)));
        assert!(!limiter.is_limited_at(&keys, t0 + Duration::from_secs(61)));
    }
}
