//! `/api/v1/agent`: the caller's pause switch for applies and their per-platform limits.

use std::collections::HashSet;

use axum::Json;
use axum::extract::State;
use shared::api::{AgentSettings, AgentUpdate, LimitValues, PlatformLimitSetting, Problem};
use shared::cookies::Platform;
use shared::events::{AGENT_PAUSED, AGENT_RESUMED};

use crate::error::{Error, Result};
use crate::http::auth::Principal;
use crate::state::AppState;
use crate::store::agent::{self, PlatformLimit};
use crate::store::{jobs, now_ms};

/// Highest limits accepted; above them a limit stops meaning anything.
/// One apply per account (user and platform) at a time: two runs in one session could both
/// submit, or trip the site's own abuse checks. 0 holds a platform's applies back.
const MAX_CONCURRENT_CEILING: i64 = 1;
const PER_HOUR_CEILING: i64 = 10_000;

pub async fn settings(state: &AppState, user_id: i64) -> Result<AgentSettings> {
    let pause = agent::pause_state(&state.store, user_id).await?;
    let defaults = state.config.apply_limits();
    let limits = agent::limits(&state.store, user_id).await?;
    Ok(AgentSettings {
        paused: pause.paused,
        paused_at: pause.paused_at,
        defaults: LimitValues {
            max_concurrent: defaults.max_concurrent,
            per_hour: defaults.per_hour,
        },
        limits: limits
            .into_iter()
            .map(|l| PlatformLimitSetting {
                platform: l.platform,
                max_concurrent: l.max_concurrent,
                per_hour: l.per_hour,
            })
            .collect(),
        dry_run: agent::dry_run(&state.store, user_id).await?,
    })
}

fn checked_limits(limits: Vec<PlatformLimitSetting>) -> Result<Vec<PlatformLimit>> {
    let mut seen = HashSet::new();
    let in_range =
        |value: Option<i64>, ceiling: i64| value.is_none_or(|v| (0..=ceiling).contains(&v));
    limits
        .into_iter()
        .map(|limit| {
            if Platform::lookup(&limit.platform).is_err() {
                return Err(Error::BadRequest(format!(
                    "unknown platform {:?}",
                    limit.platform
                )));
            }
            if !seen.insert(limit.platform.clone()) {
                return Err(Error::BadRequest(format!(
                    "platform {} is listed twice",
                    limit.platform
                )));
            }
            if !in_range(limit.max_concurrent, MAX_CONCURRENT_CEILING)
                || !in_range(limit.per_hour, PER_HOUR_CEILING)
            {
                return Err(Error::BadRequest(format!(
                    "limits for {} must be 0..={MAX_CONCURRENT_CEILING} at once and 0..={PER_HOUR_CEILING} per hour",
                    limit.platform
                )));
            }
            Ok(PlatformLimit {
                platform: limit.platform,
                max_concurrent: limit.max_concurrent,
                per_hour: limit.per_hour,
            })
        })
        .collect()
}

/// Applies an update for the user: the pause switch (emitting `agent.paused` or
/// `agent.resumed` when it flips) and the overrides; wakes the workers so that what may now
/// run starts at once.
pub async fn update(state: &AppState, user_id: i64, update: AgentUpdate) -> Result<AgentSettings> {
    let limits = update.limits.map(checked_limits).transpose()?;
    let now = now_ms();
    if let Some(limits) = &limits {
        agent::replace_limits(&state.store, user_id, limits, now).await?;
    }
    if let Some(dry_run) = update.dry_run {
        agent::set_dry_run(&state.store, user_id, dry_run, now).await?;
    }
    if let Some(paused) = update.paused
        && agent::set_paused(&state.store, user_id, paused, now).await?
    {
        let kind = if paused { AGENT_PAUSED } else { AGENT_RESUMED };
        state
            .bus
            .emit(user_id, kind, serde_json::json!({"paused": paused}))
            .await?;
    }
    jobs::wake_workers(&state.store).await?;
    settings(state, user_id).await
}

/// The caller's pause switch and apply limits.
#[utoipa::path(get, path = "/api/v1/agent", tag = "agent",
    responses(
        (status = 200, description = "Settings", body = AgentSettings),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<AgentSettings>> {
    Ok(Json(settings(&state, principal.user_id()).await?))
}

/// Pause or resume applies, set the per-platform limits and the dry-run default.
#[utoipa::path(put, path = "/api/v1/agent", tag = "agent",
    request_body = AgentUpdate,
    responses(
        (status = 200, description = "The settings now", body = AgentSettings),
        (status = 400, description = "Unknown or repeated platform, limit out of range", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "JSON of the wrong shape", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn put(
    State(state): State<AppState>,
    principal: Principal,
    Json(body): Json<AgentUpdate>,
) -> Result<Json<AgentSettings>> {
    Ok(Json(update(&state, principal.user_id(), body).await?))
}
