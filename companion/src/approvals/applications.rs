//! Applications, whoever made them, and their timeline. Every change adds a timeline entry
//! and emits `application.created` / `application.updated` with the whole application.

use shared::api::{AgentRequest, Application, NewApplication, TimelineEntry};

use super::{emit_on, required_text, url};
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::store::applications::{self as rows, ApplicationRow, NewEvent, TimelineRow};
use crate::store::now_ms;

pub const AGENT: &str = "agent";
pub const MAGIC_LINK: &str = "magic_link";
pub const MANUAL: &str = "manual";
pub const EMAIL: &str = "email";

/// Pipeline order: the dashboard shows a column per status in this order.
pub const STATUSES: [&str; 7] = [
    "applied",
    "confirmed",
    "assessment",
    "interviewing",
    "offer",
    "rejected",
    "withdrawn",
];

pub const CREATED_EVENT: &str = shared::events::APPLICATION_CREATED;
pub const UPDATED_EVENT: &str = shared::events::APPLICATION_UPDATED;

impl From<ApplicationRow> for Application {
    fn from(row: ApplicationRow) -> Self {
        Application {
            id: row.id,
            company: row.company,
            title: row.title,
            job_url: row.job_url,
            source: row.source,
            status: row.status,
            agent_request_id: row.agent_request_id,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

impl From<TimelineRow> for TimelineEntry {
    fn from(row: TimelineRow) -> Self {
        TimelineEntry {
            id: row.id,
            kind: row.kind,
            from_status: row.from_status,
            to_status: row.to_status,
            note: row.note,
            at: row.at,
        }
    }
}

fn checked_status(status: &str) -> Result<&'static str> {
    STATUSES
        .iter()
        .find(|s| **s == status)
        .copied()
        .ok_or_else(|| {
            url::invalid(format!(
                "unknown status {status:?}; one of {}",
                STATUSES.join(", ")
            ))
        })
}

fn checked_note(note: Option<&str>) -> Result<Option<String>> {
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    match note {
        Some(note) if note.chars().count() > 2_000 => {
            Err(url::invalid("a note is at most 2000 characters"))
        }
        other => Ok(other.map(str::to_owned)),
    }
}

struct Creation<'a> {
    company: &'a str,
    title: &'a str,
    /// None for an application found in mail, whose posting is unknown.
    job_url: Option<&'a str>,
    source: &'a str,
    status: &'a str,
    agent_request_id: Option<i64>,
    note: Option<&'a str>,
    match_key: Option<&'a str>,
}

/// What [`from_email`] did.
pub enum FromEmail {
    Created(Application),
    /// The user already had one under the same company and role (another worker made it
    /// meanwhile, or an earlier run of the same job): nothing was written.
    Existing(Application),
}

/// The new application, or None when one with the same `match_key` exists.
async fn create_row(
    state: &AppState,
    user_id: i64,
    new: Creation<'_>,
) -> Result<Option<Application>> {
    let (job_url, canonical_url) = match new.job_url {
        Some(raw) => {
            let parsed = url::parse_job_url(raw)?;
            (parsed.to_string(), url::canonical(&parsed))
        }
        None => (String::new(), String::new()),
    };
    let now = now_ms();
    // The row, its timeline entry and its event at once: a crash leaves all or none.
    let mut tx = state.store.pool().begin().await?;
    let row = rows::insert(
        &mut tx,
        &rows::NewRow {
            user_id,
            company: new.company,
            title: new.title,
            job_url: &job_url,
            canonical_url: &canonical_url,
            source: new.source,
            status: new.status,
            agent_request_id: new.agent_request_id,
            match_key: new.match_key,
        },
        now,
    )
    .await?;
    let Some(row) = row else {
        tx.rollback().await?;
        return Ok(None);
    };
    rows::add_event(
        &mut tx,
        &NewEvent {
            application_id: row.id,
            user_id,
            kind: "created",
            from_status: None,
            to_status: Some(new.status),
            note: new.note,
        },
        now,
    )
    .await?;
    let application = Application::from(row);
    let written = emit_on(state, &mut tx, user_id, CREATED_EVENT, &application).await?;
    tx.commit().await?;
    state.bus.publish_written(&written);
    Ok(Some(application))
}

/// [`create_row`] for a row without a match key, which is always new.
async fn create_new(state: &AppState, user_id: i64, new: Creation<'_>) -> Result<Application> {
    create_row(state, user_id, new)
        .await?
        .ok_or_else(|| Error::Internal("an application without a match key conflicted".into()))
}

/// `POST /api/v1/applications`: an application made outside the agent.
pub async fn create(state: &AppState, user_id: i64, new: &NewApplication) -> Result<Application> {
    let company = required_text("company", &new.company)?;
    let title = required_text("title", &new.title)?;
    let status = checked_status(new.status.as_deref().unwrap_or("applied"))?;
    let note = checked_note(new.note.as_deref())?;
    create_new(
        state,
        user_id,
        Creation {
            company: &company,
            title: &title,
            job_url: Some(&new.job_url),
            source: MANUAL,
            status,
            agent_request_id: None,
            note: Some(note.as_deref().unwrap_or("Added by you")),
            match_key: None,
        },
    )
    .await
}

/// The posting's application, created for this request if the posting has none yet.
pub(super) async fn for_request(
    state: &AppState,
    user_id: i64,
    request: &AgentRequest,
    source: &str,
) -> Result<Application> {
    let canonical = url::canonical(&url::parse_job_url(&request.job_url)?);
    if let Some(existing) = rows::find_by_url(&state.store, user_id, &canonical).await? {
        return Ok(existing.into());
    }
    let note = if source == MAGIC_LINK {
        "Submitted by you through the magic link"
    } else {
        "Submitted by the agent"
    };
    create_new(
        state,
        user_id,
        Creation {
            company: &request.company,
            title: &request.title,
            job_url: Some(&request.job_url),
            source,
            status: "applied",
            agent_request_id: Some(request.id),
            note: Some(note),
            match_key: None,
        },
    )
    .await
}

/// An application that only the user's mail revealed (a rejection for a job applied to
/// elsewhere): no posting URL is known. `match_key` names its company and role; the user's
/// application under that key is returned instead when there is one.
pub async fn from_email(
    state: &AppState,
    user_id: i64,
    company: &str,
    title: &str,
    status: &str,
    note: &str,
    match_key: &str,
) -> Result<FromEmail> {
    let company = required_text("company", company)?;
    let title = required_text("title", title)?;
    let note = checked_note(Some(note))?;
    let created = create_row(
        state,
        user_id,
        Creation {
            company: &company,
            title: &title,
            job_url: None,
            source: EMAIL,
            status: checked_status(status)?,
            agent_request_id: None,
            note: note.as_deref(),
            match_key: Some(match_key),
        },
    )
    .await?;
    if let Some(created) = created {
        return Ok(FromEmail::Created(created));
    }
    rows::find_by_match_key(&state.store, user_id, match_key)
        .await?
        .map(|row| FromEmail::Existing(row.into()))
        .ok_or_else(|| Error::Conflict("an application from email vanished; retry".into()))
}

pub async fn get(state: &AppState, user_id: i64, id: i64) -> Result<Application> {
    rows::get(&state.store, user_id, id)
        .await?
        .map(Into::into)
        .ok_or(Error::NotFound)
}

pub async fn list(
    state: &AppState,
    user_id: i64,
    status: Option<&str>,
) -> Result<Vec<Application>> {
    let status = status.map(checked_status).transpose()?;
    let rows = rows::list(&state.store, user_id, status, 1000).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

pub async fn timeline(state: &AppState, user_id: i64, id: i64) -> Result<Vec<TimelineEntry>> {
    get(state, user_id, id).await?;
    let rows = rows::timeline(&state.store, user_id, id).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// Moves an application to another status (mail and the user do; any status may follow
/// any other, since people correct mistakes) and records it on the timeline.
pub async fn set_status(
    state: &AppState,
    user_id: i64,
    id: i64,
    status: &str,
    note: Option<&str>,
) -> Result<Application> {
    let to = checked_status(status)?;
    let note = checked_note(note)?;
    let current = get(state, user_id, id).await?;
    if current.status == to {
        return Err(Error::Conflict(format!("application {id} is already {to}")));
    }
    let now = now_ms();
    let mut tx = state.store.pool().begin().await?;
    let row = rows::set_status(&mut tx, user_id, id, &current.status, to, now)
        .await?
        .ok_or_else(|| {
            Error::Conflict(format!(
                "application {id} changed meanwhile; reload and try again"
            ))
        })?;
    rows::add_event(
        &mut tx,
        &NewEvent {
            application_id: id,
            user_id,
            kind: "status",
            from_status: Some(&current.status),
            to_status: Some(to),
            note: note.as_deref(),
        },
        now,
    )
    .await?;
    let application = Application::from(row);
    let written = emit_on(state, &mut tx, user_id, UPDATED_EVENT, &application).await?;
    tx.commit().await?;
    state.bus.publish_written(&written);
    Ok(application)
}
