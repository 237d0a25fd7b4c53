//! `/api/v1/pair`, `/api/v1/pairing-codes`, `/api/v1/me`.

use axum::Json;
use axum::extract::{ConnectInfo, State};
use shared::api::{MeResponse, PairRequest, PairResponse, PairingCodeResponse, Problem};
use std::net::SocketAddr;

use crate::error::{Error, Result};
use crate::http::auth::{Principal, SessionUser};
use crate::state::AppState;
use crate::{pairing, store};

/// Redeem a one-time pairing code for a device token.
#[utoipa::path(post, path = "/api/v1/pair", tag = "pairing", request_body = PairRequest,
    responses(
        (status = 200, description = "Paired", body = PairResponse),
        (status = 400, description = "Malformed request", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Wrong, expired, used or burned code", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "JSON of the wrong shape", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong codes from this address", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn pair(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Json(request): Json<PairRequest>,
) -> Result<Json<PairResponse>> {
    let key = format!("pair:{}", peer.ip());
    let attempt = state.auth_limiter.reserve(&[&key])?;
    match pairing::redeem(
        &state.store,
        &state.bus,
        &state.identity,
        &request.code,
        &request.device_name,
    )
    .await
    {
        Err(Error::PairingCodeInvalid) => Err(Error::PairingCodeInvalid),
        other => {
            attempt.succeeded();
            other.map(Json)
        }
    }
}

/// Create a one-time pairing code (dashboard session only; valid 10 minutes).
#[utoipa::path(post, path = "/api/v1/pairing-codes", tag = "pairing",
    responses(
        (status = 200, description = "A new code", body = PairingCodeResponse),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Device tokens cannot create codes", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_code(
    State(state): State<AppState>,
    user: SessionUser,
) -> Result<Json<PairingCodeResponse>> {
    Ok(Json(
        pairing::create_code(&state.store, user.user_id).await?,
    ))
}

/// Who the caller is, and the companion's identity key to compare with the pinned one.
#[utoipa::path(get, path = "/api/v1/me", tag = "account",
    responses(
        (status = 200, description = "The caller", body = MeResponse),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn me(State(state): State<AppState>, principal: Principal) -> Result<Json<MeResponse>> {
    let user = store::users::get(&state.store, principal.user_id())
        .await?
        .ok_or(Error::Unauthorized)?;
    let device = match principal.device_id() {
        Some(id) => store::devices::get(&state.store, user.id, id)
            .await?
            .map(Into::into),
        None => None,
    };
    Ok(Json(MeResponse {
        user,
        device,
        identity: state.identity.info(),
    }))
}
