//! `agent_requests`: what the agent wants to apply to, waiting for the user. Every change
//! bumps `version` and names the states it may leave, so a change that lost a race (another
//! device, a stale page, the apply job) changes nothing instead of going backwards.

use sqlx::AssertSqlSafe;

use super::Store;
use crate::error::Result;

/// A request as stored; JSON columns stay text here.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AgentRequestRow {
    pub id: i64,
    pub user_id: i64,
    pub posting_id: Option<i64>,
    pub company: String,
    pub title: String,
    pub job_url: String,
    pub canonical_url: String,
    pub confidence: f64,
    pub confidence_reasons: String,
    pub answers: String,
    pub resume: Option<String>,
    pub state: String,
    pub version: i64,
    pub application_id: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub decided_at: Option<i64>,
    /// JSON of the planned form (`shared::api::FormSummary`); None until planned.
    pub form_plan: Option<String>,
    /// 1: the run stops before the final click.
    pub dry_run: i64,
    /// Why the request needs the user: a code (`ready_to_submit`, `captcha`, ...) and a
    /// sentence; set by the change that moved it, cleared by the next move.
    pub reason_code: Option<String>,
    pub reason: Option<String>,
    /// JSON of the run's last step (`shared::api::ApplyProgress`) while it applies.
    pub progress: Option<String>,
}

const COLUMNS: &str = "id, user_id, posting_id, company, title, job_url, canonical_url, \
    confidence, confidence_reasons, answers, resume, state, version, application_id, \
    created_at, updated_at, decided_at, form_plan, dry_run, reason_code, reason, progress";

pub struct NewRow<'a> {
    pub user_id: i64,
    pub posting_id: Option<i64>,
    pub company: &'a str,
    pub title: &'a str,
    pub job_url: &'a str,
    pub canonical_url: &'a str,
    pub confidence: f64,
    pub confidence_reasons: &'a str,
    pub answers: &'a str,
    pub resume: Option<&'a str>,
}

pub async fn insert(store: &Store, row: &NewRow<'_>, now: i64) -> Result<AgentRequestRow> {
    let sql = format!(
        "INSERT INTO agent_requests (user_id, posting_id, company, title, job_url, canonical_url,
             confidence, confidence_reasons, answers, resume, state, version, created_at,
             updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pending', 1, $11, $11)
         RETURNING {COLUMNS}"
    );
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(row.user_id)
        .bind(row.posting_id)
        .bind(row.company)
        .bind(row.title)
        .bind(row.job_url)
        .bind(row.canonical_url)
        .bind(row.confidence)
        .bind(row.confidence_reasons)
        .bind(row.answers)
        .bind(row.resume)
        .bind(now)
        .fetch_one(store.pool())
        .await?)
}

pub async fn get(store: &Store, user_id: i64, id: i64) -> Result<Option<AgentRequestRow>> {
    let sql = format!("SELECT {COLUMNS} FROM agent_requests WHERE id = $1 AND user_id = $2");
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(id)
        .bind(user_id)
        .fetch_optional(store.pool())
        .await?)
}

/// The user's requests, newest first, optionally in one state.
pub async fn list(
    store: &Store,
    user_id: i64,
    state: Option<&str>,
    limit: i64,
) -> Result<Vec<AgentRequestRow>> {
    let filter = if state.is_some() {
        "AND state = $3"
    } else {
        ""
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM agent_requests WHERE user_id = $1 {filter}
         ORDER BY id DESC LIMIT $2"
    );
    let mut query = sqlx::query_as(AssertSqlSafe(sql)).bind(user_id).bind(limit);
    if let Some(state) = state {
        query = query.bind(state);
    }
    Ok(query.fetch_all(store.pool()).await?)
}

/// How many of the user's requests are in each state.
pub async fn count_by_state(store: &Store, user_id: i64) -> Result<Vec<(String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT state, COUNT(*) FROM agent_requests WHERE user_id = $1 GROUP BY state",
    )
    .bind(user_id)
    .fetch_all(store.pool())
    .await?)
}

/// One change of a request: it happens only from one of `from` and, when `version` is
/// given, only at that version.
pub struct Change<'a> {
    pub from: &'a [&'a str],
    pub version: Option<i64>,
    pub to_state: Option<&'a str>,
    pub answers: Option<&'a str>,
    pub resume: Option<Option<&'a str>>,
    pub application_id: Option<i64>,
    /// A new plan: its form, answers and the confidence the card shows (see `Planned`).
    pub planned: Option<Planned<'a>>,
    /// Sets `decided_at` (approve, decline) if not yet set.
    pub decides: bool,
    /// Whether the run stops before the final click.
    pub dry_run: Option<bool>,
    /// Why the request needs the user (code, sentence). Every change of state writes it
    /// (None clears it) and clears the progress.
    pub reason: Option<(&'a str, &'a str)>,
}

/// What planning the form (or editing planned answers) changes beside the answers.
pub struct Planned<'a> {
    pub confidence: f64,
    pub confidence_reasons: &'a str,
    pub form_plan: &'a str,
}

/// Applies `change`; None when the request is not in an allowed state or not at the
/// version (the caller reads the row to say which).
pub async fn change(
    store: &Store,
    user_id: i64,
    id: i64,
    change: &Change<'_>,
    now: i64,
) -> Result<Option<AgentRequestRow>> {
    // Only placeholders are generated; states and values are bound.
    let mut next = 4;
    let mut placeholder = || {
        next += 1;
        format!("${next}")
    };
    let mut sets = vec![
        "version = version + 1".to_owned(),
        "updated_at = $1".to_owned(),
    ];
    if change.to_state.is_some() {
        sets.push(format!("state = {}", placeholder()));
        sets.push(format!("reason_code = {}", placeholder()));
        sets.push(format!("reason = {}", placeholder()));
        sets.push("progress = NULL".to_owned());
    }
    if change.answers.is_some() {
        sets.push(format!("answers = {}", placeholder()));
    }
    if change.resume.is_some() {
        sets.push(format!("resume = {}", placeholder()));
    }
    if change.application_id.is_some() {
        sets.push(format!("application_id = {}", placeholder()));
    }
    if change.planned.is_some() {
        sets.push(format!("confidence = {}", placeholder()));
        sets.push(format!("confidence_reasons = {}", placeholder()));
        sets.push(format!("form_plan = {}", placeholder()));
    }
    if change.decides {
        sets.push("decided_at = COALESCE(decided_at, $1)".to_owned());
    }
    if change.dry_run.is_some() {
        sets.push(format!("dry_run = {}", placeholder()));
    }
    let states: Vec<String> = change.from.iter().map(|_| placeholder()).collect();
    let sql = format!(
        "UPDATE agent_requests SET {}
         WHERE id = $2 AND user_id = $3 AND ($4 = 0 OR version = $4) AND state IN ({})
         RETURNING {COLUMNS}",
        sets.join(", "),
        states.join(", ")
    );
    let mut query = sqlx::query_as(AssertSqlSafe(sql))
        .bind(now)
        .bind(id)
        .bind(user_id)
        // Versions start at 1: 0 means "whatever the version".
        .bind(change.version.unwrap_or(0));
    if let Some(state) = change.to_state {
        query = query
            .bind(state)
            .bind(change.reason.map(|(code, _)| code))
            .bind(change.reason.map(|(_, text)| text));
    }
    if let Some(answers) = change.answers {
        query = query.bind(answers);
    }
    if let Some(resume) = change.resume {
        query = query.bind(resume);
    }
    if let Some(application_id) = change.application_id {
        query = query.bind(application_id);
    }
    if let Some(planned) = &change.planned {
        query = query
            .bind(planned.confidence)
            .bind(planned.confidence_reasons)
            .bind(planned.form_plan);
    }
    if let Some(dry_run) = change.dry_run {
        query = query.bind(i64::from(dry_run));
    }
    for state in change.from {
        query = query.bind(*state);
    }
    Ok(query.fetch_optional(store.pool()).await?)
}

/// The user's requests for one posting in one of `states`.
pub async fn for_url(
    store: &Store,
    user_id: i64,
    canonical_url: &str,
    state: &str,
) -> Result<Vec<AgentRequestRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM agent_requests
         WHERE user_id = $1 AND canonical_url = $2 AND state = $3 ORDER BY id"
    );
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(user_id)
        .bind(canonical_url)
        .bind(state)
        .fetch_all(store.pool())
        .await?)
}

/// Pending requests created at or before `cutoff`, of every user (for expiry).
pub async fn pending_before(store: &Store, user_id: i64, cutoff: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT id FROM agent_requests WHERE user_id = $1 AND state = 'pending'
         AND created_at <= $2 ORDER BY id",
    )
    .bind(user_id)
    .bind(cutoff)
    .fetch_all(store.pool())
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Records a run's progress on a request that is applying; no version bump (the user's
/// decisions do not race a progress line). None when it is not applying (any more).
pub async fn set_progress(
    store: &Store,
    user_id: i64,
    id: i64,
    progress: &str,
    now: i64,
) -> Result<Option<AgentRequestRow>> {
    let sql = format!(
        "UPDATE agent_requests SET progress = $1, updated_at = $2
         WHERE id = $3 AND user_id = $4 AND state = 'applying'
         RETURNING {COLUMNS}"
    );
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(progress)
        .bind(now)
        .bind(id)
        .bind(user_id)
        .fetch_optional(store.pool())
        .await?)
}

/// Names the job whose run is applying to the request.
pub async fn set_apply_job(store: &Store, user_id: i64, id: i64, job_id: i64) -> Result<()> {
    sqlx::query("UPDATE agent_requests SET apply_job_id = $1 WHERE id = $2 AND user_id = $3")
        .bind(job_id)
        .bind(id)
        .bind(user_id)
        .execute(store.pool())
        .await?;
    Ok(())
}

/// Requests left `applying` by an apply job that has ended (every attempt's worker died, or
/// it was closed otherwise): (user id, request id).
pub async fn stranded_applying(store: &Store) -> Result<Vec<(i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT r.user_id, r.id FROM agent_requests r JOIN jobs j ON j.id = r.apply_job_id
         WHERE r.state = 'applying' AND j.state IN ('succeeded', 'dead', 'cancelled')
         ORDER BY r.id LIMIT 100",
    )
    .fetch_all(store.pool())
    .await?)
}
