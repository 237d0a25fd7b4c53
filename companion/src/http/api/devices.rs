//! `/api/v1/devices`: the paired extensions of the logged-in user.

use axum::Json;
use axum::extract::{Path, State};
use shared::api::{DeviceInfo, Problem};

use crate::error::Result;
use crate::http::auth::SessionUser;
use crate::state::AppState;
use crate::{pairing, store};

/// List the user's devices, revoked ones last (dashboard session only).
#[utoipa::path(get, path = "/api/v1/devices", tag = "devices",
    responses(
        (status = 200, description = "Devices", body = [DeviceInfo]),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Device tokens cannot manage devices", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    user: SessionUser,
) -> Result<Json<Vec<DeviceInfo>>> {
    let devices = store::devices::list(&state.store, user.user_id).await?;
    Ok(Json(devices.into_iter().map(Into::into).collect()))
}

/// Revoke a device token (dashboard session only). Its open event streams end.
#[utoipa::path(delete, path = "/api/v1/devices/{id}", tag = "devices",
    params(("id" = String, Path, description = "Device id")),
    responses(
        (status = 200, description = "The revoked device", body = DeviceInfo),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Device tokens cannot manage devices", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such device of this user", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn revoke(
    State(state): State<AppState>,
    user: SessionUser,
    Path(id): Path<String>,
) -> Result<Json<DeviceInfo>> {
    Ok(Json(
        pairing::revoke_device(&state.store, &state.bus, user.user_id, &id).await?,
    ))
}
