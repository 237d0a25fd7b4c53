//! The `apply` job: one approved request, one run of the headless browser. Before the
//! browser starts it checks what may already have happened (an application for the
//! posting, a ledger row of an earlier click); after, it stores the run's evidence and
//! settles the request (`outcome::decide`).

use std::sync::Arc;

use futures_util::future::BoxFuture;
use serde_json::{Value, json};

use super::outcome::{self, Decision, Settle};
use super::watch::JobWatch;
use super::{Attempt, Report, ResumeFile, Runner, Watch, Why, artifacts};
use crate::approvals::{APPLY_JOB, APPLYING, APPROVED, runs};
use crate::error::{Error, Result};
use crate::jobs::{JobContext, JobError, Worker};
use crate::state::AppState;
use crate::store::{self, now_ms, submit_ledger};

/// What makes a run: the warm browser in production, a stand-in in tests.
pub trait Browse: Send + Sync {
    fn attempt<'a>(
        &'a self,
        attempt: Attempt<'a>,
        watch: &'a dyn Watch,
    ) -> BoxFuture<'a, Result<Report>>;
}

impl Browse for Runner {
    fn attempt<'a>(
        &'a self,
        attempt: Attempt<'a>,
        watch: &'a dyn Watch,
    ) -> BoxFuture<'a, Result<Report>> {
        Box::pin(Runner::attempt(self, attempt, watch))
    }
}

/// Registers the `apply` job kind on `worker`, with one browser for the worker's runs.
pub fn register(worker: Worker, state: &AppState) -> Worker {
    let runner: Arc<dyn Browse> = Arc::new(Runner::new(&state.config));
    register_with(worker, state, runner)
}

/// [`register`] with the given browser (tests).
pub fn register_with(worker: Worker, state: &AppState, browser: Arc<dyn Browse>) -> Worker {
    let state = state.clone();
    worker.register(APPLY_JOB, move |ctx| {
        run(state.clone(), Arc::clone(&browser), ctx)
    })
}

async fn run(
    state: AppState,
    browser: Arc<dyn Browse>,
    ctx: JobContext,
) -> Result<Value, JobError> {
    let payload = ctx.payload();
    let ids = match payload.get("requestId").and_then(Value::as_i64) {
        Some(id) => vec![id],
        None => {
            let canonical = payload
                .get("canonicalUrl")
                .and_then(Value::as_str)
                .ok_or_else(|| JobError::Failed("the apply job names no request".into()))?;
            runs::approved_for_posting(&state, ctx.user_id(), canonical).await?
        }
    };
    let mut outcomes = Vec::new();
    for id in ids {
        ctx.checkpoint().await?;
        let state_now = apply_one(&state, browser.as_ref(), &ctx, id).await?;
        outcomes.push(json!({ "requestId": id, "state": state_now }));
    }
    Ok(json!({ "requests": outcomes }))
}

/// Runs one request; returns the state it ended in ("skipped" when it was not the run's to
/// make).
async fn apply_one(
    state: &AppState,
    browser: &dyn Browse,
    ctx: &JobContext,
    id: i64,
) -> Result<String, JobError> {
    let user_id = ctx.user_id();
    let Some(found) = runs::load(state, user_id, id).await? else {
        return Ok("skipped".into());
    };
    // `applying`: a run of this job that stopped (its worker died) is taken over.
    if ![APPROVED, APPLYING].contains(&found.request.state.as_str()) {
        return Ok("skipped".into());
    }
    if let Some(settled) = already_done(state, user_id, id, &found.canonical_url).await? {
        return Ok(settled);
    }
    if found.request.state == APPROVED && runs::start(state, user_id, id).await?.is_none() {
        return Ok("skipped".into());
    }
    store::agent_requests::set_apply_job(&state.store, user_id, id, ctx.id()).await?;
    match browse(state, browser, ctx, &found).await {
        Ok(state_now) => Ok(state_now),
        Err(JobError::Failed(error)) => {
            let text = format!("The agent's run failed: {error}. Finish in your tab.");
            Ok(settle_needs_you(state, user_id, id, outcome::RUN_FAILED, &text).await?)
        }
        Err(JobError::Cancelled) => {
            let (code, text) = outcome::CANCELLED;
            settle_needs_you(state, user_id, id, code, text).await?;
            Err(JobError::Cancelled)
        }
        Err(lost) => Err(lost),
    }
}

/// Hands the user every request left `applying` by an apply job that has ended (the worker
/// of its last attempt died mid-run): what the ledger knows decides, as at a run's start.
/// Idempotent; run by the sweep where workers run. Returns how many it released.
pub async fn release_stranded(state: &AppState) -> Result<usize> {
    let stranded = store::agent_requests::stranded_applying(&state.store).await?;
    for (user_id, id) in &stranded {
        let Some(found) = runs::load(state, *user_id, *id).await? else {
            continue;
        };
        if already_done(state, *user_id, *id, &found.canonical_url)
            .await?
            .is_none()
        {
            let text = "The agent's run stopped without finishing (its worker stopped). Finish \
                        in your tab.";
            settle_needs_you(state, *user_id, *id, outcome::RUN_FAILED, text).await?;
        }
    }
    Ok(stranded.len())
}

/// The posting was applied to already, or a click on it may have happened: no browser.
async fn already_done(
    state: &AppState,
    user_id: i64,
    id: i64,
    canonical_url: &str,
) -> Result<Option<String>> {
    let ledger = submit_ledger::live(&state.store, user_id, canonical_url).await?;
    let applied = store::applications::find_by_url(&state.store, user_id, canonical_url)
        .await?
        .is_some();
    if applied
        || ledger
            .as_ref()
            .is_some_and(|row| row.state == submit_ledger::SUBMITTED)
    {
        let request = runs::applied(state, user_id, id).await?;
        return Ok(Some(state_of(request.as_ref())));
    }
    if ledger.is_some() {
        let (code, text) = outcome::MAY_HAVE_BEEN_SUBMITTED;
        return Ok(Some(
            settle_needs_you(state, user_id, id, code, text).await?,
        ));
    }
    Ok(None)
}

fn state_of(request: Option<&shared::api::AgentRequest>) -> String {
    request.map_or_else(|| "skipped".to_owned(), |r| r.state.clone())
}

async fn settle_needs_you(
    state: &AppState,
    user_id: i64,
    id: i64,
    code: &str,
    text: &str,
) -> Result<String> {
    let request = runs::needs_you(state, user_id, id, code, text).await?;
    Ok(state_of(request.as_ref()))
}

/// The run itself, from the jar to the settled request.
async fn browse(
    state: &AppState,
    browser: &dyn Browse,
    ctx: &JobContext,
    found: &runs::RunRequest,
) -> Result<String, JobError> {
    let user_id = ctx.user_id();
    let request = &found.request;
    let host = url::Url::parse(&found.canonical_url)
        .ok()
        .and_then(|url| url.host_str().map(str::to_owned))
        .unwrap_or_default();
    let (platform, cookies) = state.vault.session_for(user_id, &host).await?;
    let profile = crate::forms::planner_profile(state, user_id).await?;
    let resume = resume_file(state, user_id).await?;
    let url = request.form.as_ref().map_or_else(
        || crate::forms::application_page(&request.job_url),
        |form| form.url.clone(),
    );
    let watch = JobWatch::new(state, ctx, request.id, &found.canonical_url);
    let attempt = Attempt {
        url: &url,
        cookies: &cookies,
        answers: &request.answers,
        profile: &profile,
        resume: resume.as_ref(),
        submit: !request.dry_run,
    };
    let report = browser.attempt(attempt, &watch).await;
    drop(cookies);
    let report = match report {
        Ok(report) => report,
        Err(error) => return stopped(state, ctx, &watch, request.id, &error).await,
    };
    artifacts::store_run(state, ctx, request.id, &report).await?;
    let decision = outcome::decide(&report.ending, watch.begun().is_some(), report.clicked);
    let expired = matches!(
        report.ending,
        super::Ending::NeedsYou {
            why: Why::SessionExpired,
            ..
        }
    );
    if expired && let Some(platform) = &platform {
        state
            .vault
            .needs_refresh(&state.bus, user_id, platform)
            .await?;
    }
    Ok(settle(state, user_id, request.id, watch.begun(), &decision).await?)
}

/// The runner failed or was stopped. A stop by the job (cancel, lost lease) is the job's;
/// a click recorded before the failure may have happened.
async fn stopped(
    state: &AppState,
    ctx: &JobContext,
    watch: &JobWatch<'_>,
    id: i64,
    error: &Error,
) -> Result<String, JobError> {
    let user_id = ctx.user_id();
    if let Some(ledger_id) = watch.begun() {
        submit_ledger::settle(&state.store, ledger_id, submit_ledger::UNSURE, now_ms()).await?;
        let (code, text) = outcome::MAY_HAVE_BEEN_SUBMITTED;
        return Ok(settle_needs_you(state, user_id, id, code, text).await?);
    }
    if watch.refused().is_some() {
        // Another click holds the posting; `already_done` says which way it went.
        let request = runs::load(state, user_id, id).await?;
        if let Some(found) = request
            && let Some(settled) = already_done(state, user_id, id, &found.canonical_url).await?
        {
            return Ok(settled);
        }
    }
    ctx.checkpoint().await?;
    Err(JobError::Failed(error.to_string()))
}

/// Writes the ledger's outcome, then the request's.
async fn settle(
    state: &AppState,
    user_id: i64,
    id: i64,
    begun: Option<i64>,
    decision: &Decision,
) -> Result<String> {
    if let (Some(ledger_id), Some(outcome)) = (begun, decision.ledger) {
        submit_ledger::settle(&state.store, ledger_id, outcome, now_ms()).await?;
    }
    match &decision.settle {
        Settle::Applied => Ok(state_of(runs::applied(state, user_id, id).await?.as_ref())),
        Settle::NeedsYou { code, text } => settle_needs_you(state, user_id, id, code, text).await,
    }
}

/// The profile's resume PDF, if the user stored one.
async fn resume_file(state: &AppState, user_id: i64) -> Result<Option<ResumeFile>> {
    match crate::profile::pdf::download(&state.store, user_id).await {
        Ok((info, bytes)) => Ok(Some(ResumeFile {
            name: info.name,
            bytes,
        })),
        Err(Error::NotFound) => Ok(None),
        Err(other) => Err(other),
    }
}
