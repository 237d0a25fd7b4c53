//! Recurring jobs: a cron expression (UTC) per named schedule of a user. The scheduler
//! (`jobs::scheduler`) enqueues each due slot once and moves `next_run_at` on.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use croner::Cron;

use super::Store;
use crate::error::{Error, Result};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Schedule {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub cron: String,
    pub kind: String,
    pub payload: String,
    pub enabled: i64,
    pub next_run_at: i64,
    pub last_run_at: Option<i64>,
}

const COLUMNS: &str = "id, user_id, name, cron, kind, payload, enabled, next_run_at, last_run_at";

/// The first time the expression matches strictly after `after` (Unix ms, UTC).
pub fn next_run(cron: &str, after: i64) -> Result<i64> {
    let bad = |detail: String| Error::BadRequest(format!("cron expression {cron:?}: {detail}"));
    let parsed = Cron::from_str(cron).map_err(|e| bad(e.to_string()))?;
    let start: DateTime<Utc> =
        DateTime::from_timestamp_millis(after).ok_or_else(|| bad("time out of range".into()))?;
    let next = parsed
        .find_next_occurrence(&start, false)
        .map_err(|e| bad(e.to_string()))?;
    Ok(next.timestamp_millis())
}

/// Creates or replaces the user's schedule `name` (enabled, next run computed from `now`);
/// returns its id. A bad expression is a 400.
pub async fn upsert(
    store: &Store,
    user_id: i64,
    name: &str,
    cron: &str,
    kind: &str,
    payload: &serde_json::Value,
    now: i64,
) -> Result<i64> {
    let next = next_run(cron, now)?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO job_schedules (user_id, name, cron, kind, payload, enabled, next_run_at,
                                   created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 1, $6, $7, $7)
         ON CONFLICT (user_id, name) DO UPDATE SET
             cron = excluded.cron, kind = excluded.kind, payload = excluded.payload,
             enabled = 1, next_run_at = excluded.next_run_at, updated_at = excluded.updated_at
         RETURNING id",
    )
    .bind(user_id)
    .bind(name)
    .bind(cron)
    .bind(kind)
    .bind(payload.to_string())
    .bind(next)
    .bind(now)
    .fetch_one(store.pool())
    .await?;
    Ok(id)
}

/// Enabled schedules whose next run has come, oldest first.
pub async fn due(store: &Store, now: i64, limit: i64) -> Result<Vec<Schedule>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM job_schedules WHERE enabled = 1 AND next_run_at <= $1
         ORDER BY next_run_at, id LIMIT $2"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .bind(limit)
        .fetch_all(store.pool())
        .await?)
}

pub async fn list(store: &Store, user_id: i64) -> Result<Vec<Schedule>> {
    let sql = format!("SELECT {COLUMNS} FROM job_schedules WHERE user_id = $1 ORDER BY name");
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(user_id)
        .fetch_all(store.pool())
        .await?)
}

/// Moves a schedule from the slot it ran to `next`; false when another process already
/// did (the slot no longer matches).
pub async fn advance(store: &Store, id: i64, slot: i64, next: i64, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE job_schedules SET last_run_at = $1, next_run_at = $2, updated_at = $3
         WHERE id = $4 AND next_run_at = $1",
    )
    .bind(slot)
    .bind(next)
    .bind(now)
    .bind(id)
    .execute(store.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}
