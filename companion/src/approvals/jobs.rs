//! The approval queue's jobs: the apply (until the headless apply lands, it hands approved
//! requests to the user), the daily expiry of stale requests, and planning a new request's
//! form (`plan_job`).

use serde_json::{Value, json};
use shared::api::AgentRequest;

use super::{
    APPLIED, APPROVED, EXPIRED, NEEDS_YOU, PENDING, applications, apply, link_application, moving,
    plan_job, rows,
};
use crate::error::{Error, Result};
use crate::jobs::{JobContext, JobError, Worker};
use crate::state::AppState;
use crate::store::{Store, now_ms};

pub const APPLY_JOB: &str = "apply";
pub const EXPIRE_JOB: &str = "agent_requests.expire";
pub const EXPIRY_SCHEDULE: &str = "expire stale requests";
/// Daily, at a quiet hour: stale requests expire.
pub const EXPIRY_CRON: &str = "0 4 * * *";

/// Registers the approval queue's job kinds on `worker`.
pub fn register(worker: Worker, state: &AppState) -> Worker {
    let (apply_state, expire_state, plan_state) = (state.clone(), state.clone(), state.clone());
    worker
        .register(APPLY_JOB, move |ctx| run_apply(apply_state.clone(), ctx))
        .register(EXPIRE_JOB, move |ctx| run_expire(expire_state.clone(), ctx))
        .register(plan_job::PLAN_JOB, move |ctx| {
            plan_job::run(plan_state.clone(), ctx)
        })
}

/// Gives a new user the daily expiry of their stale requests (see [`run_expire`]).
pub async fn schedule_expiry(store: &Store, user_id: i64) -> Result<()> {
    crate::store::schedules::upsert(
        store,
        user_id,
        EXPIRY_SCHEDULE,
        EXPIRY_CRON,
        EXPIRE_JOB,
        &json!({}),
        now_ms(),
    )
    .await?;
    Ok(())
}

/// The user's pending requests older than `max_age_ms` expire. Returns how many.
pub async fn expire_pending(state: &AppState, user_id: i64, max_age_ms: i64) -> Result<usize> {
    let cutoff = now_ms().saturating_sub(max_age_ms);
    let mut expired = 0;
    for id in rows::pending_before(&state.store, user_id, cutoff).await? {
        match apply(
            state,
            user_id,
            id,
            moving(&[PENDING], EXPIRED, None),
            "expired",
        )
        .await
        {
            Ok(_) => expired += 1,
            // Decided meanwhile: nothing to expire.
            Err(Error::Conflict(_)) => {}
            Err(other) => return Err(other),
        }
    }
    Ok(expired)
}

/// The outcome for a posting's approved requests until the headless apply exists: already
/// applied to (an application exists) -> applied and linked; else -> needs_you, the magic
/// link where the user submits it themselves.
pub(super) async fn settle_approved(
    state: &AppState,
    user_id: i64,
    canonical_url: &str,
) -> Result<Vec<AgentRequest>> {
    let existing =
        crate::store::applications::find_by_url(&state.store, user_id, canonical_url).await?;
    let mut settled = Vec::new();
    for row in rows::for_url(&state.store, user_id, canonical_url, APPROVED).await? {
        let to = if existing.is_some() {
            APPLIED
        } else {
            NEEDS_YOU
        };
        let moved = apply(
            state,
            user_id,
            row.id,
            moving(&[APPROVED], to, None),
            "settled",
        )
        .await;
        let request = match moved {
            Ok(request) if to == APPLIED => {
                link_application(state, user_id, request, applications::AGENT).await?
            }
            Ok(request) => request,
            // Declined or settled meanwhile.
            Err(Error::Conflict(_)) => continue,
            Err(other) => return Err(other),
        };
        settled.push(request);
    }
    Ok(settled)
}

/// The scheduled expiry of one user's stale requests (`request_expiry_days`).
async fn run_expire(state: AppState, ctx: JobContext) -> Result<Value, JobError> {
    let days = i64::from(state.config.request_expiry_days);
    let expired = expire_pending(&state, ctx.user_id(), days * 86_400_000).await?;
    Ok(json!({ "expired": expired }))
}

/// The `apply` job's handler (register it under [`APPLY_JOB`]). Until the headless apply
/// exists it hands every approved request for the posting to the user (needs_you).
pub async fn run_apply(state: AppState, ctx: JobContext) -> Result<Value, JobError> {
    let canonical = ctx
        .payload()
        .get("canonicalUrl")
        .and_then(|v| v.as_str())
        .ok_or_else(|| JobError::Failed("the apply job has no canonicalUrl".into()))?
        .to_owned();
    ctx.checkpoint().await?;
    let settled = settle_approved(&state, ctx.user_id(), &canonical).await?;
    let outcome: Vec<_> = settled
        .iter()
        .map(|r| json!({"requestId": r.id, "state": r.state}))
        .collect();
    Ok(json!({ "requests": outcome }))
}
