//! `/dashboard/jobs`: the user's jobs with Retry and Cancel, the agent's pause switch and
//! the per-platform apply limits. Plain forms; `static/jobs.js` adds live updates.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use shared::api::{AgentUpdate, PlatformLimitSetting, UserInfo};
use shared::cookies::KNOWN_PLATFORMS;

use super::{DashboardUser, ago, render};
use crate::error::{Error, Result};
use crate::http::api::agent;
use crate::http::api::jobs::{Transition, transition};
use crate::state::AppState;
use crate::store::jobs::{self, Job};
use crate::store::now_ms;

const STATES: [&str; 5] = ["queued", "running", "succeeded", "dead", "cancelled"];

pub struct JobView {
    pub id: i64,
    pub kind: String,
    pub platform: String,
    pub state: String,
    pub attempt: i64,
    pub max_attempts: i64,
    pub last_error: String,
    pub duration: String,
    pub created: String,
    pub created_at: i64,
    pub percent: Option<u64>,
    pub progress_message: String,
    pub can_cancel: bool,
    pub can_retry: bool,
}

/// "850 ms", "12 s", "3 min 5 s", "2 h 10 min".
pub fn duration_text(ms: i64) -> String {
    let secs = ms.max(0) / 1000;
    match secs {
        0 => format!("{} ms", ms.max(0)),
        1..=59 => format!("{secs} s"),
        60..=3599 => format!("{} min {} s", secs / 60, secs % 60),
        _ => format!("{} h {} min", secs / 3600, secs % 3600 / 60),
    }
}

impl From<Job> for JobView {
    fn from(job: Job) -> Self {
        let progress: Option<serde_json::Value> = job
            .progress
            .as_deref()
            .and_then(|p| serde_json::from_str(p).ok());
        let duration = match (job.started_at, job.finished_at) {
            (Some(start), Some(end)) => duration_text(end - start),
            (Some(start), None) if job.state == jobs::RUNNING => {
                format!("{} so far", duration_text(now_ms() - start))
            }
            _ => String::new(),
        };
        JobView {
            percent: progress
                .as_ref()
                .and_then(|p| p["percent"].as_u64())
                .map(|p| p.min(100)),
            progress_message: progress
                .as_ref()
                .and_then(|p| p["message"].as_str())
                .unwrap_or_default()
                .to_owned(),
            can_cancel: job.state == jobs::QUEUED || job.state == jobs::RUNNING,
            can_retry: job.state == jobs::DEAD || job.state == jobs::CANCELLED,
            created: ago(job.created_at),
            created_at: job.created_at,
            duration,
            id: job.id,
            kind: job.kind,
            platform: job.platform.unwrap_or_default(),
            state: job.state,
            attempt: job.attempt,
            max_attempts: job.max_attempts,
            last_error: job.last_error.unwrap_or_default(),
        }
    }
}

pub struct LimitRow {
    pub platform: &'static str,
    pub max_concurrent: String,
    pub per_hour: String,
}

#[derive(Template)]
#[template(path = "jobs.html")]
struct JobsPage {
    user: UserInfo,
    csrf_token: String,
    nav: &'static str,
    jobs: Vec<JobView>,
    filter: String,
    states: [&'static str; 5],
    paused: bool,
    paused_since: String,
    default_max_concurrent: i64,
    default_per_hour: i64,
    limits: Vec<LimitRow>,
}

#[derive(Deserialize)]
pub struct JobsQuery {
    #[serde(default)]
    state: String,
}

pub async fn page(
    State(state): State<AppState>,
    me: DashboardUser,
    Query(query): Query<JobsQuery>,
) -> Result<Response> {
    let filter = STATES
        .iter()
        .find(|s| **s == query.state)
        .map(|s| (*s).to_owned())
        .unwrap_or_default();
    let listed = jobs::list(
        &state.store,
        me.user.id,
        Some(filter.as_str()).filter(|f| !f.is_empty()),
        200,
    )
    .await?;
    let settings = agent::settings(&state, me.user.id).await?;
    let number = |value: Option<i64>| value.map(|v| v.to_string()).unwrap_or_default();
    let limits = KNOWN_PLATFORMS
        .iter()
        .map(|platform| {
            let set = settings.limits.iter().find(|l| l.platform == *platform);
            LimitRow {
                platform,
                max_concurrent: number(set.and_then(|l| l.max_concurrent)),
                per_hour: number(set.and_then(|l| l.per_hour)),
            }
        })
        .collect();
    Ok(render(&JobsPage {
        jobs: listed.into_iter().map(Into::into).collect(),
        filter,
        states: STATES,
        paused: settings.paused,
        paused_since: settings.paused_at.map(ago).unwrap_or_default(),
        default_max_concurrent: settings.defaults.max_concurrent,
        default_per_hour: settings.defaults.per_hour,
        limits,
        user: me.user,
        csrf_token: me.csrf_token,
        nav: "jobs",
    }))
}

pub async fn cancel(
    State(state): State<AppState>,
    me: DashboardUser,
    Path(id): Path<i64>,
) -> Result<Response> {
    transition(&state, me.user.id, id, Transition::Cancel).await?;
    Ok(Redirect::to("/dashboard/jobs").into_response())
}

pub async fn retry(
    State(state): State<AppState>,
    me: DashboardUser,
    Path(id): Path<i64>,
) -> Result<Response> {
    transition(&state, me.user.id, id, Transition::Retry).await?;
    Ok(Redirect::to("/dashboard/jobs").into_response())
}

#[derive(Deserialize)]
pub struct PauseForm {
    /// "true" to pause, "false" to resume.
    paused: bool,
}

pub async fn pause(
    State(state): State<AppState>,
    me: DashboardUser,
    Form(form): Form<PauseForm>,
) -> Result<Response> {
    let update = AgentUpdate {
        paused: Some(form.paused),
        limits: None,
        dry_run: None,
    };
    agent::update(&state, me.user.id, update).await?;
    Ok(Redirect::to("/dashboard/jobs").into_response())
}

/// The limits form: `max_concurrent.<platform>` and `per_hour.<platform>` for every known
/// platform; an empty field keeps the default.
pub async fn limits(
    State(state): State<AppState>,
    me: DashboardUser,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response> {
    let field = |name: &str, platform: &str| -> Result<Option<i64>> {
        let key = format!("{name}.{platform}");
        match fields.iter().find(|(k, _)| *k == key) {
            Some((_, value)) if !value.trim().is_empty() => {
                value.trim().parse().map(Some).map_err(|_| {
                    Error::BadRequest(format!("{platform}: {value:?} is not a whole number"))
                })
            }
            _ => Ok(None),
        }
    };
    let mut limits = Vec::new();
    for platform in KNOWN_PLATFORMS {
        let max_concurrent = field("max_concurrent", platform)?;
        let per_hour = field("per_hour", platform)?;
        if max_concurrent.is_some() || per_hour.is_some() {
            limits.push(PlatformLimitSetting {
                platform: platform.to_owned(),
                max_concurrent,
                per_hour,
            });
        }
    }
    let update = AgentUpdate {
        paused: None,
        limits: Some(limits),
        dry_run: None,
    };
    agent::update(&state, me.user.id, update).await?;
    Ok(Redirect::to("/dashboard/jobs").into_response())
}
