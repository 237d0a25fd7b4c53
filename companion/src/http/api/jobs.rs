//! `/api/v1/jobs`: the caller's durable jobs; cancel and retry.

use axum::Json;
use axum::extract::{Path, State};
use shared::api::{JobInfo, Problem};

use crate::error::{Error, Result};
use crate::http::auth::Principal;
use crate::state::AppState;
use crate::store::{self, jobs::Job, now_ms};

impl From<Job> for JobInfo {
    fn from(job: Job) -> Self {
        JobInfo {
            id: job.id,
            kind: job.kind,
            state: job.state,
            attempt: job.attempt,
            max_attempts: job.max_attempts,
            cancel_requested: job.cancel_requested != 0,
            last_error: job.last_error,
            progress: job.progress.and_then(|p| serde_json::from_str(&p).ok()),
            run_at: job.run_at,
            created_at: job.created_at,
            updated_at: job.updated_at,
            finished_at: job.finished_at,
            platform: job.platform,
            started_at: job.started_at,
        }
    }
}

async fn own_job(state: &AppState, user_id: i64, id: i64) -> Result<Job> {
    store::jobs::get_for_user(&state.store, user_id, id)
        .await?
        .ok_or(Error::NotFound)
}

async fn emit_state(state: &AppState, job: &Job) -> Result<()> {
    state
        .bus
        .emit(
            job.user_id,
            "job.state",
            serde_json::json!({"id": job.id, "kind": job.kind, "state": job.state}),
        )
        .await?;
    Ok(())
}

/// The caller's last 200 jobs, newest first.
#[utoipa::path(get, path = "/api/v1/jobs", tag = "jobs",
    responses(
        (status = 200, description = "Jobs", body = [JobInfo]),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<Vec<JobInfo>>> {
    let jobs = store::jobs::list(&state.store, principal.user_id(), None, 200).await?;
    Ok(Json(jobs.into_iter().map(Into::into).collect()))
}

/// One of the caller's jobs.
#[utoipa::path(get, path = "/api/v1/jobs/{job_id}", tag = "jobs",
    params(("job_id" = i64, Path, description = "Job id")),
    responses(
        (status = 200, description = "The job", body = JobInfo),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such job of this user", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
    Path(job_id): Path<i64>,
) -> Result<Json<JobInfo>> {
    Ok(Json(
        own_job(&state, principal.user_id(), job_id).await?.into(),
    ))
}

/// Cancel a job: a queued one at once, a running one at its next checkpoint.
#[utoipa::path(post, path = "/api/v1/jobs/{job_id}/cancel", tag = "jobs",
    params(("job_id" = i64, Path, description = "Job id")),
    responses(
        (status = 200, description = "Cancelled, or cancellation requested", body = JobInfo),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such job of this user", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The job has finished", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn cancel(
    State(state): State<AppState>,
    principal: Principal,
    Path(job_id): Path<i64>,
) -> Result<Json<JobInfo>> {
    let job = transition(&state, principal.user_id(), job_id, Transition::Cancel).await?;
    Ok(Json(job.into()))
}

/// Queue a dead or cancelled job again with fresh attempts.
#[utoipa::path(post, path = "/api/v1/jobs/{job_id}/retry", tag = "jobs",
    params(("job_id" = i64, Path, description = "Job id")),
    responses(
        (status = 200, description = "Queued again", body = JobInfo),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such job of this user", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The job is not dead or cancelled", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn retry(
    State(state): State<AppState>,
    principal: Principal,
    Path(job_id): Path<i64>,
) -> Result<Json<JobInfo>> {
    let job = transition(&state, principal.user_id(), job_id, Transition::Retry).await?;
    Ok(Json(job.into()))
}

pub enum Transition {
    Cancel,
    Retry,
}

/// Applies a state change the user asked for; a job in a state that does not allow it is a
/// 409 naming that state, and the state never goes backwards.
pub async fn transition(
    state: &AppState,
    user_id: i64,
    job_id: i64,
    to: Transition,
) -> Result<Job> {
    let job = own_job(state, user_id, job_id).await?;
    let (applied, refusal) = match to {
        Transition::Cancel => (
            store::jobs::request_cancel(&state.store, user_id, job_id, now_ms()).await?,
            "has finished; nothing to cancel",
        ),
        Transition::Retry => (
            store::jobs::retry(&state.store, user_id, job_id, now_ms()).await?,
            "is not dead or cancelled; only those are retried",
        ),
    };
    if !applied {
        return Err(Error::Conflict(format!(
            "job {job_id} ({}) {refusal}",
            job.state
        )));
    }
    let job = own_job(state, user_id, job_id).await?;
    emit_state(state, &job).await?;
    Ok(job)
}
