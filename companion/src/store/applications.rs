//! `applications` and their timeline `application_events`.

use sqlx::{AnyConnection, AssertSqlSafe};

use super::Store;
use crate::error::Result;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApplicationRow {
    pub id: i64,
    pub user_id: i64,
    pub company: String,
    pub title: String,
    pub job_url: String,
    pub canonical_url: String,
    pub source: String,
    pub status: String,
    pub agent_request_id: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "id, user_id, company, title, job_url, canonical_url, source, status, \
    agent_request_id, created_at, updated_at";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TimelineRow {
    pub id: i64,
    pub application_id: i64,
    pub kind: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub note: Option<String>,
    pub at: i64,
}

pub struct NewRow<'a> {
    pub user_id: i64,
    pub company: &'a str,
    pub title: &'a str,
    pub job_url: &'a str,
    pub canonical_url: &'a str,
    pub source: &'a str,
    pub status: &'a str,
    pub agent_request_id: Option<i64>,
    /// Unique per user when set: mail's normalised company and role.
    pub match_key: Option<&'a str>,
}

/// The new application, or None when the user has one under the same `match_key`. On the
/// transaction that also writes its timeline entry and event.
pub async fn insert(
    conn: &mut AnyConnection,
    row: &NewRow<'_>,
    now: i64,
) -> Result<Option<ApplicationRow>> {
    let sql = format!(
        "INSERT INTO applications (user_id, company, title, job_url, canonical_url, source,
             status, agent_request_id, created_at, updated_at, match_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10)
         ON CONFLICT (user_id, match_key) DO NOTHING
         RETURNING {COLUMNS}"
    );
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(row.user_id)
        .bind(row.company)
        .bind(row.title)
        .bind(row.job_url)
        .bind(row.canonical_url)
        .bind(row.source)
        .bind(row.status)
        .bind(row.agent_request_id)
        .bind(now)
        .bind(row.match_key)
        .fetch_optional(conn)
        .await?)
}

pub async fn find_by_match_key(
    store: &Store,
    user_id: i64,
    match_key: &str,
) -> Result<Option<ApplicationRow>> {
    let sql = format!("SELECT {COLUMNS} FROM applications WHERE user_id = $1 AND match_key = $2");
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(user_id)
        .bind(match_key)
        .fetch_optional(store.pool())
        .await?)
}

pub async fn get(store: &Store, user_id: i64, id: i64) -> Result<Option<ApplicationRow>> {
    let sql = format!("SELECT {COLUMNS} FROM applications WHERE id = $1 AND user_id = $2");
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(id)
        .bind(user_id)
        .fetch_optional(store.pool())
        .await?)
}

/// The user's application for a posting, if there is one (the oldest).
pub async fn find_by_url(
    store: &Store,
    user_id: i64,
    canonical_url: &str,
) -> Result<Option<ApplicationRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM applications WHERE user_id = $1 AND canonical_url = $2
         ORDER BY id LIMIT 1"
    );
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(user_id)
        .bind(canonical_url)
        .fetch_optional(store.pool())
        .await?)
}

/// The user's applications, most recently changed first, optionally in one status.
pub async fn list(
    store: &Store,
    user_id: i64,
    status: Option<&str>,
    limit: i64,
) -> Result<Vec<ApplicationRow>> {
    let filter = if status.is_some() {
        "AND status = $3"
    } else {
        ""
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM applications WHERE user_id = $1 {filter}
         ORDER BY updated_at DESC, id DESC LIMIT $2"
    );
    let mut query = sqlx::query_as(AssertSqlSafe(sql)).bind(user_id).bind(limit);
    if let Some(status) = status {
        query = query.bind(status);
    }
    Ok(query.fetch_all(store.pool()).await?)
}

/// Moves an application from `from` to `to`; None when it is no longer in `from`.
pub async fn set_status(
    conn: &mut AnyConnection,
    user_id: i64,
    id: i64,
    from: &str,
    to: &str,
    now: i64,
) -> Result<Option<ApplicationRow>> {
    let sql = format!(
        "UPDATE applications SET status = $1, updated_at = $2
         WHERE id = $3 AND user_id = $4 AND status = $5
         RETURNING {COLUMNS}"
    );
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(to)
        .bind(now)
        .bind(id)
        .bind(user_id)
        .bind(from)
        .fetch_optional(conn)
        .await?)
}

pub struct NewEvent<'a> {
    pub application_id: i64,
    pub user_id: i64,
    pub kind: &'a str,
    pub from_status: Option<&'a str>,
    pub to_status: Option<&'a str>,
    pub note: Option<&'a str>,
}

pub async fn add_event(
    conn: &mut AnyConnection,
    event: &NewEvent<'_>,
    now: i64,
) -> Result<TimelineRow> {
    Ok(sqlx::query_as(
        "INSERT INTO application_events (application_id, user_id, kind, from_status, to_status,
             note, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         RETURNING id, application_id, kind, from_status, to_status, note, at",
    )
    .bind(event.application_id)
    .bind(event.user_id)
    .bind(event.kind)
    .bind(event.from_status)
    .bind(event.to_status)
    .bind(event.note)
    .bind(now)
    .fetch_one(conn)
    .await?)
}

/// An application's timeline, oldest first.
pub async fn timeline(
    store: &Store,
    user_id: i64,
    application_id: i64,
) -> Result<Vec<TimelineRow>> {
    Ok(sqlx::query_as(
        "SELECT id, application_id, kind, from_status, to_status, note, at
         FROM application_events WHERE application_id = $1 AND user_id = $2 ORDER BY id",
    )
    .bind(application_id)
    .bind(user_id)
    .fetch_all(store.pool())
    .await?)
}

/// How many of the user's applications are in each status.
pub async fn count_by_status(store: &Store, user_id: i64) -> Result<Vec<(String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT status, COUNT(*) FROM applications WHERE user_id = $1 GROUP BY status",
    )
    .bind(user_id)
    .fetch_all(store.pool())
    .await?)
}
