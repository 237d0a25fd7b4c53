//! `/api/v1/account`: the user's own data: download everything as one archive, or delete the
//! account with everything it owns.

use axum::Json;
use axum::extract::{ConnectInfo, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use shared::api::{DeleteAccountRequest, Problem, UserInfo};
use std::net::SocketAddr;

use crate::account;
use crate::error::{Error, Result};
use crate::http::auth::Principal;
use crate::state::AppState;
use crate::store;

/// The caller's archive as a download.
pub async fn archive(state: &AppState, user_id: i64) -> Result<Response> {
    let user = store::users::get(&state.store, user_id)
        .await?
        .ok_or(Error::Unauthorized)?;
    let bytes = account::export(&state.store, &user).await?;
    let disposition = format!("attachment; filename=\"{}\"", account::archive_name(&user));
    Ok((
        [
            (CONTENT_TYPE, "application/zip".to_owned()),
            (CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

/// Everything the caller owns as a zip archive: `manifest.json`, `data/<table>.json` and
/// binary files. Password and token hashes and key material are left out.
#[utoipa::path(get, path = "/api/v1/account/export", tag = "account",
    responses(
        (status = 200, description = "The archive", content_type = "application/zip", body = Vec<u8>),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn export(State(state): State<AppState>, principal: Principal) -> Result<Response> {
    archive(&state, principal.user_id()).await
}

/// Delete the caller's account and everything it owns (events, jobs, sealed sessions,
/// profile, postings, applications, files). The name and password must be typed again.
#[utoipa::path(delete, path = "/api/v1/account", tag = "account",
    request_body = DeleteAccountRequest,
    responses(
        (status = 200, description = "The deleted account", body = UserInfo),
        (status = 400, description = "The name does not match", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Wrong password", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong passwords (deletions and logins count together)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    principal: Principal,
    Json(request): Json<DeleteAccountRequest>,
) -> Result<Json<UserInfo>> {
    let user = account::delete(
        &state.store,
        &state.passwords,
        peer.ip(),
        principal.user_id(),
        &request.confirm_name,
        &request.password,
    )
    .await?;
    Ok(Json(user))
}
