//! Who is calling: a paired device (Bearer token) or a dashboard session (cookie).

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;

use crate::auth::tokens;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::store;

/// Over HTTPS the `__Host-` prefix makes browsers take the cookie only when it is Secure,
/// host-only and for `/`, so a sibling subdomain or a plain-HTTP page cannot plant one. Plain
/// HTTP (a loopback install) cannot have Secure cookies, so it keeps the bare name.
pub fn session_cookie_name(config: &Config) -> &'static str {
    if config.secure_cookies() {
        "__Host-autoresume_session"
    } else {
        "autoresume_session"
    }
}

/// The Set-Cookie value for a session token; an empty token with age 0 ends the session.
pub fn session_cookie_header(config: &Config, token: &str, max_age_secs: u64) -> String {
    let secure = if config.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age_secs}{secure}",
        session_cookie_name(config)
    )
}

pub fn expired_session_cookie(config: &Config) -> String {
    session_cookie_header(config, "", 0)
}

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

/// The token of an `Authorization: Bearer` header. Other schemes are not ours and are
/// ignored: browsers resend a reverse proxy's Basic credentials by themselves.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let (scheme, token) = headers.get(AUTHORIZATION)?.to_str().ok()?.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The paired device a Bearer token belongs to.
pub async fn device(state: &AppState, token: &str) -> Result<Principal> {
    let device = store::devices::find_by_token_hash(&state.store, &tokens::hash(token))
        .await?
        .ok_or(Error::Unauthorized)?;
    if device.revoked_at.is_some() {
        return Err(Error::TokenRevoked);
    }
    store::devices::touch(&state.store, &device.id).await?;
    Ok(Principal::Device {
        user_id: device.user_id,
        device_id: device.id,
    })
}

pub fn session_cookie<'h>(config: &Config, headers: &'h HeaderMap) -> Option<&'h str> {
    let wanted = session_cookie_name(config);
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == wanted)
        .map(|(_, value)| value)
}

/// The live session behind the request's cookie, if any.
pub async fn session(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<store::sessions::SessionRow>> {
    match session_cookie(&state.config, headers) {
        Some(token) => store::sessions::find(&state.store, &tokens::hash(token)).await,
        None => Ok(None),
    }
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        // The CSRF guard already resolved the token of a write.
        if let Some(principal) = parts.extensions.get::<Principal>() {
            return Ok(principal.clone());
        }
        if let Some(token) = bearer_token(&parts.headers) {
            return device(state, token).await;
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
