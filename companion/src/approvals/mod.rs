//! The approval queue: the agent proposes, the user decides, nothing is applied to without
//! approval. A request moves forward, except that a dry run's "ready to submit" can be
//! sent back to the agent (Submit now):
//!
//! ```text
//! pending ──approve──> approved ──> applying ──> applied
//!    │                  ▲   │          │    └──> needs_you ──mark submitted──> applied
//!    │                  │   │          │            │ (ready to submit)
//!    │                  └───┼──────────┼─submit now─┘
//!    ├──decline──> declined <┴──────────┴───────────┘ (decline from approved / needs_you)
//!    └──expire───> expired
//! ```
//!
//! Every change names the states it may leave and (optionally) the version it was based
//! on, so a second approve, a stale page or a late job finds nothing to change and gets a
//! 409. Every change emits `agent_request.*` / `application.*` with the whole card. The
//! apply run (`crate::apply`) moves requests through `applying` with [`runs`]; the final
//! click is recorded in the submit ledger (`store::submit_ledger`) so that no path submits
//! a posting twice.

pub mod applications;
mod jobs;
pub mod plan;
mod plan_job;
pub mod runs;
pub mod url;

use serde::Serialize;
use shared::api::{AgentRequest, Answer, NeedsYouReason, READY_TO_SUBMIT};
use shared::cookies::Platform;

use crate::error::{Error, Result};
use crate::state::AppState;
use crate::store::agent_requests::{self as rows, AgentRequestRow, Change};
use crate::store::jobs::{self as job_rows, NewJob};
use crate::store::now_ms;

pub use jobs::{
    APPLY_JOB, EXPIRE_JOB, EXPIRY_CRON, EXPIRY_SCHEDULE, expire_pending, register, schedule_expiry,
};

pub const PENDING: &str = "pending";
pub const APPROVED: &str = "approved";
pub const APPLYING: &str = "applying";
pub const APPLIED: &str = "applied";
pub const NEEDS_YOU: &str = "needs_you";
pub const FAILED: &str = "failed";
pub const DECLINED: &str = "declined";
pub const EXPIRED: &str = "expired";
pub const STATES: [&str; 8] = [
    PENDING, APPROVED, APPLYING, APPLIED, NEEDS_YOU, FAILED, DECLINED, EXPIRED,
];

pub const CREATED_EVENT: &str = shared::events::AGENT_REQUEST_CREATED;
pub const UPDATED_EVENT: &str = shared::events::AGENT_REQUEST_UPDATED;
pub const MAGIC_LINK_OPENED_EVENT: &str = shared::events::AGENT_REQUEST_MAGIC_LINK_OPENED;

impl From<AgentRequestRow> for AgentRequest {
    fn from(row: AgentRequestRow) -> Self {
        AgentRequest {
            id: row.id,
            posting_id: row.posting_id,
            company: row.company,
            title: row.title,
            job_url: row.job_url,
            confidence: row.confidence,
            confidence_reasons: serde_json::from_str(&row.confidence_reasons).unwrap_or_default(),
            answers: serde_json::from_str(&row.answers).unwrap_or_default(),
            resume: row.resume,
            state: row.state,
            version: row.version,
            application_id: row.application_id,
            created_at: row.created_at,
            updated_at: row.updated_at,
            decided_at: row.decided_at,
            form: row
                .form_plan
                .and_then(|json| serde_json::from_str(&json).ok()),
            dry_run: row.dry_run != 0,
            reason: row
                .reason_code
                .zip(row.reason)
                .map(|(code, text)| NeedsYouReason { code, text }),
            progress: row
                .progress
                .and_then(|json| serde_json::from_str(&json).ok()),
        }
    }
}

/// What the match step (or the user) proposes.
#[derive(Debug, Clone, Default)]
pub struct NewAgentRequest {
    pub posting_id: Option<i64>,
    pub company: String,
    pub title: String,
    pub job_url: String,
    /// Clamped to 0..1.
    pub confidence: f64,
    pub confidence_reasons: Vec<String>,
    pub answers: Vec<Answer>,
    pub resume: Option<String>,
}

const MAX_TEXT: usize = 300;
const MAX_ANSWERS: usize = 200;
const MAX_ANSWER_VALUE: usize = 10_000;

/// A required one-line text: trimmed, not empty, not too long.
pub(crate) fn required_text(name: &str, value: &str) -> Result<String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(url::invalid(format!("{name} is required")));
    }
    if value.chars().count() > MAX_TEXT {
        return Err(url::invalid(format!(
            "{name} is longer than {MAX_TEXT} characters"
        )));
    }
    Ok(value.to_owned())
}

fn checked_answers(answers: &[Answer]) -> Result<()> {
    if answers.len() > MAX_ANSWERS {
        return Err(url::invalid(format!("at most {MAX_ANSWERS} answers")));
    }
    for answer in answers {
        required_text("an answer's field", &answer.field)?;
        if answer.label.chars().count() > MAX_TEXT || answer.source.chars().count() > MAX_TEXT {
            return Err(url::invalid(format!(
                "answer labels and sources are at most {MAX_TEXT} characters"
            )));
        }
        if answer.value.chars().count() > MAX_ANSWER_VALUE {
            return Err(url::invalid(format!(
                "answer values are at most {MAX_ANSWER_VALUE} characters"
            )));
        }
    }
    Ok(())
}

fn checked_resume(resume: Option<&str>) -> Result<Option<String>> {
    match resume.map(str::trim).filter(|r| !r.is_empty()) {
        Some(resume) => required_text("resume", resume).map(Some),
        None => Ok(None),
    }
}

/// Emits a change with the whole card (request or application) as its payload.
async fn emit(state: &AppState, user_id: i64, kind: &str, card: &impl Serialize) -> Result<()> {
    state.bus.emit(user_id, kind, card_payload(card)?).await?;
    Ok(())
}

/// [`emit`] on the transaction that makes the change; hand what it returns to
/// `publish_written` once that has committed.
async fn emit_on(
    state: &AppState,
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    kind: &str,
    card: &impl Serialize,
) -> Result<Vec<(i64, shared::api::AgentEvent)>> {
    let written = state
        .bus
        .emit_on(conn, user_id, kind, None, &card_payload(card)?)
        .await?;
    Ok(written.into_iter().collect())
}

fn card_payload(card: &impl Serialize) -> Result<serde_json::Value> {
    serde_json::to_value(card).map_err(|e| Error::Internal(e.to_string()))
}

/// Creates a pending request, tells the user's dashboard and devices, and queues the planning
/// of its application form. Called by the match step for postings that pass, and by
/// `POST /api/v1/agent-requests`.
pub async fn propose(state: &AppState, user_id: i64, new: NewAgentRequest) -> Result<AgentRequest> {
    let job_url = url::parse_job_url(&new.job_url)?;
    let company = required_text("company", &new.company)?;
    let title = required_text("title", &new.title)?;
    checked_answers(&new.answers)?;
    let resume = checked_resume(new.resume.as_deref())?;
    let confidence = if new.confidence.is_finite() {
        new.confidence.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let reasons = serde_json::to_string(&new.confidence_reasons)
        .map_err(|e| Error::Internal(e.to_string()))?;
    let answers =
        serde_json::to_string(&new.answers).map_err(|e| Error::Internal(e.to_string()))?;
    let row = rows::insert(
        &state.store,
        &rows::NewRow {
            user_id,
            posting_id: new.posting_id,
            company: &company,
            title: &title,
            job_url: job_url.as_str(),
            canonical_url: &url::canonical(&job_url),
            confidence,
            confidence_reasons: &reasons,
            answers: &answers,
            resume: resume.as_deref(),
        },
        now_ms(),
    )
    .await?;
    let request = AgentRequest::from(row);
    emit(state, user_id, CREATED_EVENT, &request).await?;
    plan_job::enqueue(state, user_id, request.id).await?;
    Ok(request)
}

pub async fn get(state: &AppState, user_id: i64, id: i64) -> Result<AgentRequest> {
    rows::get(&state.store, user_id, id)
        .await?
        .map(Into::into)
        .ok_or(Error::NotFound)
}

/// The request whose magic link the user just opened. While the user may still apply to it,
/// an event tells their extension, which offers to open the job and autofill it.
pub async fn open_magic_link(state: &AppState, user_id: i64, id: i64) -> Result<AgentRequest> {
    let request = get(state, user_id, id).await?;
    if [PENDING, APPROVED, NEEDS_YOU].contains(&request.state.as_str()) {
        emit(state, user_id, MAGIC_LINK_OPENED_EVENT, &request).await?;
    }
    Ok(request)
}

pub async fn list(
    state: &AppState,
    user_id: i64,
    filter: Option<&str>,
) -> Result<Vec<AgentRequest>> {
    if let Some(filter) = filter
        && !STATES.contains(&filter)
    {
        return Err(url::invalid(format!(
            "unknown state {filter:?}; one of {}",
            STATES.join(", ")
        )));
    }
    let rows = rows::list(&state.store, user_id, filter, 500).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// Applies `change` and emits the new card; a refused change becomes a 404 (not the user's),
/// a stale-version 409 or a 409 naming the state the request is in.
async fn apply(
    state: &AppState,
    user_id: i64,
    id: i64,
    change: Change<'_>,
    doing: &str,
) -> Result<AgentRequest> {
    match rows::change(&state.store, user_id, id, &change, now_ms()).await? {
        Some(row) => {
            let request = AgentRequest::from(row);
            emit(state, user_id, UPDATED_EVENT, &request).await?;
            Ok(request)
        }
        None => Err(refusal(state, user_id, id, &change, doing).await?),
    }
}

async fn refusal(
    state: &AppState,
    user_id: i64,
    id: i64,
    change: &Change<'_>,
    doing: &str,
) -> Result<Error> {
    let Some(now) = rows::get(&state.store, user_id, id).await? else {
        return Ok(Error::NotFound);
    };
    if change.version.is_some_and(|v| v != now.version) {
        return Ok(Error::StaleVersion {
            current: now.version,
        });
    }
    Ok(Error::Conflict(format!(
        "request {id} is {}; it cannot be {doing} (only when {})",
        now.state,
        change.from.join(" or ")
    )))
}

fn moving<'a>(from: &'a [&'a str], to: &'a str, version: Option<i64>) -> Change<'a> {
    Change {
        from,
        version,
        to_state: Some(to),
        answers: None,
        resume: None,
        application_id: None,
        planned: None,
        decides: false,
        dry_run: None,
        reason: None,
    }
}

/// The user says yes: the request is approved and an `apply` job is queued for it. A dry
/// run (`dry_run`, else the user's setting, on by default) stops before the final click.
/// The job's idempotency key is the request's (`apply:<id>`): a request is approved once;
/// a second request for the same posting gets a job of its own, which finds the posting
/// applied to (its application, or the submit ledger) and does not submit again.
pub async fn approve(
    state: &AppState,
    user_id: i64,
    id: i64,
    version: Option<i64>,
    dry_run: Option<bool>,
) -> Result<AgentRequest> {
    let current = get(state, user_id, id).await?;
    let drafts = plan::unapproved_drafts(&current.answers);
    if current.state == PENDING && !drafts.is_empty() {
        return Err(Error::Conflict(format!(
            "{} drafted {} for your approval ({}): approve or change {} on the Edit page first",
            drafts.len(),
            plan::plural(drafts.len(), "answer waits", "answers wait"),
            drafts.join("; "),
            plan::plural(drafts.len(), "it", "them"),
        )));
    }
    let dry_run = match dry_run {
        Some(dry_run) => dry_run,
        None => crate::store::agent::dry_run(&state.store, user_id).await?,
    };
    // At the version just checked, so that a draft planned meanwhile is not approved unseen.
    let change = Change {
        decides: true,
        dry_run: Some(dry_run),
        ..moving(&[PENDING], APPROVED, version.or(Some(current.version)))
    };
    let request = apply(state, user_id, id, change, "approved").await?;
    enqueue_apply(state, user_id, &request, &format!("apply:{id}")).await?;
    Ok(request)
}

/// After a dry run (needs_you, "ready to submit"): the agent submits it after all. The
/// request is approved again, not a dry run, with a new job (keyed by the new version, so a
/// second click on the same card queues nothing). The submit ledger still stops it if the
/// posting was submitted meanwhile.
pub async fn submit_now(
    state: &AppState,
    user_id: i64,
    id: i64,
    version: Option<i64>,
) -> Result<AgentRequest> {
    let current = get(state, user_id, id).await?;
    let ready = current.state == NEEDS_YOU
        && current
            .reason
            .as_ref()
            .is_some_and(|r| r.code == READY_TO_SUBMIT);
    if !ready {
        return Err(Error::Conflict(format!(
            "request {id} is not a dry run ready to submit (it is {}); only those can be \
             submitted from the card",
            current.state
        )));
    }
    let canonical = canonical_url(state, user_id, id).await?;
    if crate::store::submit_ledger::live(&state.store, user_id, &canonical)
        .await?
        .is_some()
    {
        return Err(Error::Conflict(
            "this posting was submitted (or may have been): check the site".into(),
        ));
    }
    let change = Change {
        dry_run: Some(false),
        ..moving(&[NEEDS_YOU], APPROVED, version.or(Some(current.version)))
    };
    let request = apply(state, user_id, id, change, "submitted now").await?;
    let key = format!("apply:{id}:v{}", request.version);
    enqueue_apply(state, user_id, &request, &key).await?;
    Ok(request)
}

async fn canonical_url(state: &AppState, user_id: i64, id: i64) -> Result<String> {
    Ok(rows::get(&state.store, user_id, id)
        .await?
        .ok_or(Error::NotFound)?
        .canonical_url)
}

/// Queues the apply run of `request` under `key`; the job carries the platform, so it runs
/// under the user's pause switch and the platform's limits (one run per account at once).
async fn enqueue_apply(
    state: &AppState,
    user_id: i64,
    request: &AgentRequest,
    key: &str,
) -> Result<()> {
    let canonical = canonical_url(state, user_id, request.id).await?;
    let platform = ::url::Url::parse(&canonical)
        .ok()
        .and_then(|url| url.host_str().map(Platform::id_for_host));
    let payload = serde_json::json!({ "requestId": request.id, "canonicalUrl": canonical });
    let now = now_ms();
    job_rows::enqueue(
        &state.store,
        &NewJob {
            user_id,
            kind: APPLY_JOB,
            payload: &payload,
            max_attempts: 3,
            idempotency_key: Some(key),
            run_at: now,
            platform: platform.as_deref(),
        },
        now,
    )
    .await?;
    Ok(())
}

/// The user says no (from pending, or later while nothing was submitted).
pub async fn decline(
    state: &AppState,
    user_id: i64,
    id: i64,
    version: Option<i64>,
) -> Result<AgentRequest> {
    let change = Change {
        decides: true,
        ..moving(&[PENDING, APPROVED, NEEDS_YOU], DECLINED, version)
    };
    apply(state, user_id, id, change, "declined").await
}

/// Changes the planned answers and the resume; only at the given version, and only while
/// they can still be used (pending, or needs_you for the magic link). A changed value becomes
/// the user's own (`you`); a draft stays a draft unless its field is in `approve_drafts`.
pub async fn edit(
    state: &AppState,
    user_id: i64,
    id: i64,
    version: i64,
    edit: &Edit<'_>,
) -> Result<AgentRequest> {
    checked_answers(edit.answers)?;
    let resume = checked_resume(edit.resume)?;
    let current = get(state, user_id, id).await?;
    if current.version != version {
        return Err(Error::StaleVersion {
            current: current.version,
        });
    }
    let answers = plan::edited(&current.answers, edit.answers, edit.approve_drafts);
    let planned = current
        .form
        .as_ref()
        .map(|form| plan::card(&answers, form))
        .transpose()?;
    let answers = serde_json::to_string(&answers).map_err(|e| Error::Internal(e.to_string()))?;
    let change = Change {
        from: &[PENDING, NEEDS_YOU],
        version: Some(version),
        to_state: None,
        answers: Some(&answers),
        resume: Some(resume.as_deref()),
        application_id: None,
        planned: planned.as_ref().map(plan::CardUpdate::as_planned),
        decides: false,
        dry_run: None,
        reason: None,
    };
    apply(state, user_id, id, change, "edited").await
}

/// What the user changes on a request.
pub struct Edit<'a> {
    pub answers: &'a [Answer],
    pub resume: Option<&'a str>,
    /// Fields whose drafts the user approves as written.
    pub approve_drafts: &'a [String],
}

/// The user submitted the application themselves (magic link): the request is applied and
/// linked to the posting's application, created now (source `magic_link`) unless one
/// exists, and the submit ledger holds the posting, so no run submits it again. Not while
/// the agent is applying (it may be clicking), and not twice: an applied request is a 409.
pub async fn mark_submitted(
    state: &AppState,
    user_id: i64,
    id: i64,
    version: Option<i64>,
) -> Result<AgentRequest> {
    let change = moving(&[NEEDS_YOU, APPROVED], APPLIED, version);
    let request = apply(state, user_id, id, change, "marked as submitted").await?;
    let canonical = canonical_url(state, user_id, id).await?;
    crate::store::submit_ledger::submitted_by_you(&state.store, user_id, id, &canonical, now_ms())
        .await?;
    link_application(state, user_id, request, applications::MAGIC_LINK).await
}

/// Gives an applied request its application: the posting's existing one, or a new one.
async fn link_application(
    state: &AppState,
    user_id: i64,
    request: AgentRequest,
    source: &str,
) -> Result<AgentRequest> {
    let application = applications::for_request(state, user_id, &request, source).await?;
    let change = Change {
        application_id: Some(application.id),
        to_state: None,
        ..moving(&[APPLIED], APPLIED, None)
    };
    apply(state, user_id, request.id, change, "linked").await
}
