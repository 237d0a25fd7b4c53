//! `/api/v1/vault/public-key`, `/api/v1/credentials`, `/api/v1/platforms`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use shared::api::{CredentialInfo, PlatformInfo, Problem, SealedJarRequest, SignedVaultKey};
use shared::cookies::{KNOWN_PLATFORMS, Platform};

use crate::error::{Error, Result};
use crate::http::auth::Principal;
use crate::state::AppState;

/// The caller's vault public key, signed by the companion's identity key. Seal jars to it.
#[utoipa::path(get, path = "/api/v1/vault/public-key", tag = "vault",
    responses(
        (status = 200, description = "The current key", body = SignedVaultKey),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn public_key(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<SignedVaultKey>> {
    Ok(Json(
        state
            .vault
            .signed_public_key(principal.user_id(), &state.identity)
            .await?,
    ))
}

/// Metadata of the caller's stored jars (names, count, earliest expiry; never values).
#[utoipa::path(get, path = "/api/v1/credentials", tag = "vault",
    responses(
        (status = 200, description = "Stored jars", body = [CredentialInfo]),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<Vec<CredentialInfo>>> {
    Ok(Json(state.vault.list(principal.user_id()).await?))
}

/// Store a jar sealed in the browser for this user and platform. The companion opens it once
/// in memory to check its binding and read the metadata, then keeps the envelope as it is.
#[utoipa::path(put, path = "/api/v1/credentials/{platform}", tag = "vault",
    params(("platform" = String, Path, description = "linkedin, indeed, glassdoor, workday or custom:<domain>")),
    request_body = SealedJarRequest,
    responses(
        (status = 200, description = "Stored", body = CredentialInfo),
        (status = 400, description = "Malformed envelope, wrong user or platform, not a jar, no session cookie", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown platform", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Sealed to a key that is not current: fetch the public key again", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "JSON of the wrong shape", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn put(
    State(state): State<AppState>,
    principal: Principal,
    Path(platform): Path<String>,
    Json(request): Json<SealedJarRequest>,
) -> Result<Json<CredentialInfo>> {
    Ok(Json(
        state
            .vault
            .store_jar(
                &state.bus,
                principal.user_id(),
                &platform,
                &request.envelope,
            )
            .await?,
    ))
}

/// Forget the stored jar of a platform.
#[utoipa::path(delete, path = "/api/v1/credentials/{platform}", tag = "vault",
    params(("platform" = String, Path, description = "Platform id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No jar stored for this platform", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete(
    State(state): State<AppState>,
    principal: Principal,
    Path(platform): Path<String>,
) -> Result<StatusCode> {
    state
        .vault
        .remove(&state.bus, principal.user_id(), &platform)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The built-in platforms and the host permissions needed to read their cookies.
#[utoipa::path(get, path = "/api/v1/platforms", tag = "vault",
    responses(
        (status = 200, description = "Platforms", body = [PlatformInfo]),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn platforms(_principal: Principal) -> Result<Json<Vec<PlatformInfo>>> {
    KNOWN_PLATFORMS
        .iter()
        .map(|id| {
            Platform::lookup(id)
                .map(PlatformInfo::from)
                .map_err(|e| Error::Internal(e.to_string()))
        })
        .collect::<Result<Vec<_>>>()
        .map(Json)
}
