//! Who is asking: the session cookie, the learner or instructor behind it, and the guards around
//! every request (same-origin check, the client's address behind a proxy).

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Request};
use axum::http::{header, HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use kubelab_store::{Instructor, Learner, Store};
use tower_sessions::Session;

use super::error::WebError;
use crate::service::Lab;

/// The session cookie's name over plain http (development, tests).
pub const SESSION_COOKIE: &str = "kubelab_session";
/// Its name over https: the `__Host-` prefix makes browsers refuse it unless it is Secure, has
/// Path=/ and no Domain, so a sibling subdomain cannot plant or overwrite it.
pub const SECURE_SESSION_COOKIE: &str = "__Host-kubelab_session";
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
        .with_name(if secure {
            SECURE_SESSION_COOKIE
        } else {
            SESSION_COOKIE
        })
        .with_http_only(true)
        .with_same_site(tower_sessions::cookie::SameSite::Lax)
        .with_secure(secure)
        .with_path("/")
        .with_expiry(tower_sessions::Expiry::OnInactivity(CookieDuration::days(
            30,
        )))
}

/// The learner of this session, if any (and if they still exist); `LearnerArchived` once their
/// classroom is archived (archiving revokes the sessions).
pub async fn learner(lab: &Lab, session: &Session) -> Result<Option<Learner>, WebError> {
    let Some(id) = session.get::<String>(LEARNER_KEY).await? else {
        return Ok(None);
    };
    Ok(lab.signed_in_learner(&id).await?)
}

/// The instructor of this session, if any.
pub async fn instructor(store: &Store, session: &Session) -> Result<Option<Instructor>, WebError> {
    let Some(id) = session.get::<String>(INSTRUCTOR_KEY).await? else {
        return Ok(None);
    };
    Ok(store.instructor(&id).await?)
}

/// `current` (the session's learner), or a new self-paced one signed in: the first attempt needs
/// somebody to belong to.
pub async fn learner_or_start(
    lab: &Lab,
    session: &Session,
    current: Option<Learner>,
    client_key: &str,
) -> Result<Learner, WebError> {
    if let Some(l) = current {
        return Ok(l);
    }
    let learner = lab.start_learner(None, client_key).await?;
    sign_in_learner(session, &learner).await?;
    Ok(learner)
}

/// Signs a learner in. A new session id on every sign-in, so an id planted before it is worthless.
pub async fn sign_in_learner(session: &Session, learner: &Learner) -> Result<(), WebError> {
    session.cycle_id().await?;
    Ok(session.insert(LEARNER_KEY, &learner.id).await?)
}

pub async fn sign_in_instructor(
    session: &Session,
    instructor: &Instructor,
) -> Result<(), WebError> {
    session.cycle_id().await?;
    Ok(session.insert(INSTRUCTOR_KEY, &instructor.id).await?)
}

pub async fn sign_out_learner(session: &Session) -> Result<(), WebError> {
    session.remove::<String>(LEARNER_KEY).await?;
    Ok(session.cycle_id().await?)
}

pub async fn sign_out_instructor(session: &Session) -> Result<(), WebError> {
    session.remove::<String>(INSTRUCTOR_KEY).await?;
    Ok(session.cycle_id().await?)
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
    WebError::CrossSite.into_response()
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
}
