//! The approval queue's jobs: the daily expiry of stale requests and planning a new
//! request's form (`plan_job`). The `apply` job is queued here (on approval) and run by
//! `crate::apply`, which registers it.

use serde_json::{Value, json};

use super::{EXPIRED, PENDING, apply, moving, plan_job, rows};
use crate::error::{Error, Result};
use crate::jobs::{JobContext, JobError, Worker};
use crate::state::AppState;
use crate::store::{Store, now_ms};

/// The job kind that applies to an approved request (run by `crate::apply`).
pub const APPLY_JOB: &str = "apply";
pub const EXPIRE_JOB: &str = "agent_requests.expire";
pub const EXPIRY_SCHEDULE: &str = "expire stale requests";
/// Daily, at a quiet hour: stale requests expire.
pub const EXPIRY_CRON: &str = "0 4 * * *";

/// Registers the approval queue's job kinds on `worker`.
pub fn register(worker: Worker, state: &AppState) -> Worker {
    let (expire_state, plan_state) = (state.clone(), state.clone());
    worker
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

/// The scheduled expiry of one user's stale requests (`request_expiry_days`).
async fn run_expire(state: AppState, ctx: JobContext) -> Result<Value, JobError> {
    let days = i64::from(state.config.request_expiry_days);
    let expired = expire_pending(&state, ctx.user_id(), days * 86_400_000).await?;
    Ok(json!({ "expired": expired }))
}
