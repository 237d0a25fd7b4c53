//! `/api/v1/settings/intake`: the match step's filters and the model endpoint, with the
//! user's own key for it (write-only: answers say only whether one is set).

use axum::Json;
use axum::extract::State;
use shared::api::{IntakeSettings, Problem};
use zeroize::Zeroizing;

use crate::error::Result;
use crate::http::auth::Principal;
use crate::intake::{self, settings};
use crate::llm;
use crate::state::AppState;
use crate::store::{self, now_ms};

/// The caller's intake settings (defaults until saved).
#[utoipa::path(get, path = "/api/v1/settings/intake", tag = "postings",
    responses(
        (status = 200, description = "Settings", body = IntakeSettings),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<IntakeSettings>> {
    Ok(Json(load(&state, principal.user_id()).await?))
}

/// The stored settings and whether a key is set for their endpoint; the dashboard shows
/// them through here too.
pub async fn load(state: &AppState, user_id: i64) -> Result<IntakeSettings> {
    let mut settings = intake::load_settings(state, user_id).await?;
    settings.model.api_key = None;
    settings.model.api_key_set =
        llm::keys::is_set(state, user_id, &settings.model.base_url).await?;
    Ok(settings)
}

/// Replace the caller's intake settings; they apply to postings saved from now on.
#[utoipa::path(put, path = "/api/v1/settings/intake", tag = "postings",
    request_body = IntakeSettings,
    responses(
        (status = 200, description = "Saved, as stored", body = IntakeSettings),
        (status = 400, description = "A value out of range", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "JSON of the wrong shape", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn put(
    State(state): State<AppState>,
    principal: Principal,
    Json(settings): Json<IntakeSettings>,
) -> Result<Json<IntakeSettings>> {
    let settings = save(&state, principal.user_id(), settings).await?;
    Ok(Json(settings))
}

/// Validates and stores; the dashboard form saves through here too. The key goes to
/// `llm::keys` alone, never into the settings document.
pub async fn save(
    state: &AppState,
    user_id: i64,
    settings: IntakeSettings,
) -> Result<IntakeSettings> {
    let mut settings = settings::validated(settings, &state.config.fetch_allow_hosts)?;
    let key = settings.model.api_key.take().map(Zeroizing::new);
    llm::keys::check(&settings.model.base_url, key.as_deref().map(String::as_str))?;
    settings.model.api_key_set = false;
    let value = serde_json::to_value(&settings)
        .map_err(|e| crate::error::Error::Internal(e.to_string()))?;
    store::intake_settings::put(&state.store, user_id, &value, now_ms()).await?;
    let base_url = settings.model.base_url.clone();
    llm::keys::update(
        state,
        user_id,
        &base_url,
        key.as_deref().map(String::as_str),
    )
    .await?;
    load(state, user_id).await
}
