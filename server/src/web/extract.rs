//! Extractors: who is asking and what they sent, so that a route's signature says what it needs
//! and its body only calls a service. Each refusal is a [`WebError`], answered in our error body.

use std::net::SocketAddr;

use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, RawPathParams, Request};
use axum::http::request::Parts;
use kubelab_store::{Classroom, Instructor, Learner};
use serde::de::DeserializeOwned;
use tower_sessions::Session;

use super::error::WebError;
use super::session;
use super::state::AppState;
use crate::service::ServiceError;

async fn session_of(parts: &mut Parts, state: &AppState) -> Result<Session, WebError> {
    Session::from_request_parts(parts, state)
        .await
        .map_err(|(_, message)| WebError::Session(message.to_string()))
}

/// The signed-in learner; 401 otherwise.
pub struct CurrentLearner(pub Learner);

impl FromRequestParts<AppState> for CurrentLearner {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let session = session_of(parts, state).await?;
        session::learner(&state.lab, &session)
            .await?
            .map(CurrentLearner)
            .ok_or(WebError::NotSignedIn)
    }
}

/// The signed-in learner, if there is one. A learner of an archived classroom is nobody here:
/// they may start again or join anew.
pub struct MaybeLearner(pub Option<Learner>);

impl FromRequestParts<AppState> for MaybeLearner {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let session = session_of(parts, state).await?;
        match session::learner(&state.lab, &session).await {
            Err(WebError::Service(ServiceError::LearnerArchived)) => Ok(MaybeLearner(None)),
            other => Ok(MaybeLearner(other?)),
        }
    }
}

/// The signed-in instructor; 401 otherwise.
pub struct CurrentInstructor(pub Instructor);

impl FromRequestParts<AppState> for CurrentInstructor {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let session = session_of(parts, state).await?;
        session::instructor(&state.lab.store, &session)
            .await?
            .map(CurrentInstructor)
            .ok_or(WebError::NotInstructor)
    }
}

/// The classroom `{id}` of the path, if it is the signed-in instructor's: 401 without an
/// instructor, 404 for another instructor's (it is not revealed).
pub struct OwnedClassroom(pub Classroom);

impl FromRequestParts<AppState> for OwnedClassroom {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, WebError> {
        let CurrentInstructor(instructor) =
            CurrentInstructor::from_request_parts(parts, state).await?;
        let params = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|e| WebError::Body(e.body_text()))?;
        let id = params
            .iter()
            .find(|(name, _)| *name == "id")
            .map(|(_, value)| value.to_string())
            .unwrap_or_default();
        Ok(OwnedClassroom(
            state.lab.owned_classroom(&instructor, &id).await?,
        ))
    }
}

/// A JSON body whose rejection (wrong content type, syntax, shape, size) is our error body.
pub struct AppJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for AppJson<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &S) -> Result<Self, WebError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(AppJson(value)),
            Err(rejection) => Err(json_error(rejection)),
        }
    }
}

fn json_error(rejection: JsonRejection) -> WebError {
    WebError::Json(rejection.body_text())
}

/// The client's address, when the server was started with connect info (tests run without).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<SocketAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0),
        ))
    }
}

impl ClientAddr {
    /// The rate-limit key of the address ("local" without connect info). An IPv6 client is keyed
    /// by its /64: one host usually holds the whole prefix and could rotate through it.
    pub fn key(&self) -> String {
        match self.0.map(|a| a.ip()) {
            Some(std::net::IpAddr::V6(v6)) if v6.to_ipv4_mapped().is_none() => {
                let s = v6.segments();
                format!("ip:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
            Some(std::net::IpAddr::V6(v6)) => format!(
                "ip:{}",
                v6.to_ipv4_mapped()
                    .map_or_else(|| v6.to_string(), |v4| v4.to_string())
            ),
            Some(ip) => format!("ip:{ip}"),
            None => "ip:local".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ipv6_client_is_keyed_by_its_64_and_a_mapped_ipv4_by_the_ipv4() {
        let key = |a: &str| ClientAddr(Some(SocketAddr::new(a.parse().unwrap(), 1))).key();
        assert_eq!(key("2001:db8:1:2:aaaa::1"), key("2001:db8:1:2:ffff::9"));
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assert_eq!(key("::ffff:10.1.2.3"), "ip:10.1.2.3");
        assert_eq!(key("10.1.2.3"), "ip:10.1.2.3");
    }
}
