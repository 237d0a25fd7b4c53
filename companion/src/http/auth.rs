//! Who is calling: a paired device (Bearer token) or a dashboard session (cookie).

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;

use crate::auth::tokens;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::store;

pub const SESSION_COOKIE: &str = "autoresume_session";

#[derive(Debug, Clone)]
pub enum Principal {
    Session { user_id: i64 },
    Device { user_id: i64, device_id: String },
}

impl Principal {
    pub fn user_id(&self) -> i64 {
        match self {
            Principal::Session { user_id } | Principal::Device { user_id, .. } => *user_id,
        }
    }

    pub fn device_id(&self) -> Option<&str> {
        match self {
            Principal::Device { device_id, .. } => Some(device_id),
            Principal::Session { .. } => None,
        }
    }
}

pub fn bearer_token(headers: &HeaderMap) -> Option<Result<&str>> {
    headers.get(AUTHORIZATION).map(|value| {
        value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(Error::Unauthorized)
    })
}

pub fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value)
}

/// The live session behind the request's cookie, if any.
pub async fn session(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<store::sessions::SessionRow>> {
    match session_cookie(headers) {
        Some(token) => store::sessions::find(&state.store, &tokens::hash(token)).await,
        None => Ok(None),
    }
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        if let Some(token) = bearer_token(&parts.headers) {
            let device = store::devices::find_by_token_hash(&state.store, &tokens::hash(token?))
                .await?
                .ok_or(Error::Unauthorized)?;
            if device.revoked_at.is_some() {
                return Err(Error::TokenRevoked);
            }
            store::devices::touch(&state.store, &device.id).await?;
            return Ok(Principal::Device {
                user_id: device.user_id,
                device_id: device.id,
            });
        }
        match session(state, &parts.headers).await? {
            Some(session) => Ok(Principal::Session {
                user_id: session.user_id,
            }),
            None => Err(Error::Unauthorized),
        }
    }
}

/// A dashboard session; device tokens are refused because a stolen extension token must not
/// be able to pair more devices or revoke the owner's.
pub struct SessionUser {
    pub user_id: i64,
}

impl FromRequestParts<AppState> for SessionUser {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        match Principal::from_request_parts(parts, state).await? {
            Principal::Session { user_id } => Ok(SessionUser { user_id }),
            Principal::Device { .. } => Err(Error::Forbidden(
                "device tokens cannot manage devices or create pairing codes; use the dashboard"
                    .into(),
            )),
        }
    }
}
