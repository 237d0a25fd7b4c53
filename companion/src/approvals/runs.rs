//! What an apply run changes on a request: approved -> applying, its progress, and how it
//! ended (applied and linked, or needs_you with the reason). Each is a guarded change like
//! the user's: a run that lost the race (the user declined, another run settled it) finds
//! nothing to change and gets `None`.

use shared::api::{AgentRequest, ApplyProgress};

use super::{
    APPLIED, APPLYING, APPROVED, NEEDS_YOU, UPDATED_EVENT, applications, apply, emit,
    link_application, moving, rows,
};
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::store::now_ms;

/// A request as the run sees it: the card plus the posting it is for.
pub struct RunRequest {
    pub request: AgentRequest,
    pub canonical_url: String,
}

/// The request, if it is the user's.
pub async fn load(state: &AppState, user_id: i64, id: i64) -> Result<Option<RunRequest>> {
    Ok(rows::get(&state.store, user_id, id).await?.map(|row| {
        let canonical_url = row.canonical_url.clone();
        RunRequest {
            request: row.into(),
            canonical_url,
        }
    }))
}

/// The posting's approved requests (jobs queued before requests had jobs of their own name
/// only the posting).
pub async fn approved_for_posting(
    state: &AppState,
    user_id: i64,
    canonical_url: &str,
) -> Result<Vec<i64>> {
    let rows = rows::for_url(&state.store, user_id, canonical_url, APPROVED).await?;
    Ok(rows.into_iter().map(|row| row.id).collect())
}

/// `Ok(None)` for a change that lost its race.
fn settled(outcome: Result<AgentRequest>) -> Result<Option<AgentRequest>> {
    match outcome {
        Ok(request) => Ok(Some(request)),
        Err(Error::Conflict(_) | Error::StaleVersion { .. }) => Ok(None),
        Err(other) => Err(other),
    }
}

/// approved -> applying.
pub async fn start(state: &AppState, user_id: i64, id: i64) -> Result<Option<AgentRequest>> {
    settled(
        apply(
            state,
            user_id,
            id,
            moving(&[APPROVED], APPLYING, None),
            "applied to",
        )
        .await,
    )
}

/// The run's step on the card (and `agent_request.updated`); false when the request is not
/// applying any more.
pub async fn progress(
    state: &AppState,
    user_id: i64,
    id: i64,
    progress: &ApplyProgress,
) -> Result<bool> {
    let json = serde_json::to_string(progress).map_err(|e| Error::Internal(e.to_string()))?;
    let Some(row) = rows::set_progress(&state.store, user_id, id, &json, now_ms()).await? else {
        return Ok(false);
    };
    emit(state, user_id, UPDATED_EVENT, &AgentRequest::from(row)).await?;
    Ok(true)
}

/// The run ends with the user: needs_you with the reason (from approved too, for a run
/// that never started the browser).
pub async fn needs_you(
    state: &AppState,
    user_id: i64,
    id: i64,
    code: &str,
    text: &str,
) -> Result<Option<AgentRequest>> {
    let change = super::Change {
        reason: Some((code, text)),
        ..moving(&[APPROVED, APPLYING], NEEDS_YOU, None)
    };
    settled(apply(state, user_id, id, change, "handed to you").await)
}

/// The posting was applied to (by this run, or before it): applied, linked to the posting's
/// application (created now with source `agent` unless one exists).
pub async fn applied(state: &AppState, user_id: i64, id: i64) -> Result<Option<AgentRequest>> {
    let moved = apply(
        state,
        user_id,
        id,
        moving(&[APPROVED, APPLYING], APPLIED, None),
        "applied",
    )
    .await;
    match settled(moved)? {
        Some(request) => Ok(Some(
            link_application(state, user_id, request, applications::AGENT).await?,
        )),
        None => Ok(None),
    }
}
