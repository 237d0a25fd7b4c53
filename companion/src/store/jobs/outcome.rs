//! What a running job writes: heartbeats, progress and its outcome, each fenced by the
//! attempt that claimed it; successes in batches.

use sqlx::AssertSqlSafe;

use super::Backoff;
use crate::error::Result;
use crate::store::Store;

/// Applies `set` (`$1` is now, `$2` is `value`) to the job while `attempt` owns it and it
/// runs, narrowed by `and`; false when it no longer does (the write is refused).
pub(super) async fn fenced_update<T>(
    store: &Store,
    id: i64,
    attempt: i64,
    set: &str,
    and: &str,
    value: T,
    now: i64,
) -> Result<bool>
where
    T: for<'q> sqlx::Encode<'q, sqlx::Any> + sqlx::Type<sqlx::Any> + Send,
{
    let sql =
        format!("UPDATE jobs SET {set} WHERE id = $3 AND attempt = $4 AND state = 'running' {and}");
    let done = sqlx::query(AssertSqlSafe(sql))
        .bind(now)
        .bind(value)
        .bind(id)
        .bind(attempt)
        .execute(store.pool())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Extends the lease while `attempt` still owns the running job and no cancel was asked.
/// False: the job was taken over, finished or cancelled; stop working on it.
pub async fn heartbeat(
    store: &Store,
    id: i64,
    attempt: i64,
    lease_ms: i64,
    now: i64,
) -> Result<bool> {
    let set = "lease_until = $2, updated_at = $1";
    let lease_until = now.saturating_add(lease_ms);
    fenced_update(
        store,
        id,
        attempt,
        set,
        "AND cancel_requested = 0",
        lease_until,
        now,
    )
    .await
}

/// Records progress (JSON) while `attempt` owns the job.
pub async fn set_progress(
    store: &Store,
    id: i64,
    attempt: i64,
    progress: &serde_json::Value,
    now: i64,
) -> Result<bool> {
    let set = "progress = $2, updated_at = $1";
    fenced_update(store, id, attempt, set, "", progress.to_string(), now).await
}

/// Marks the job succeeded with its result; refused (false) unless `attempt` owns it.
pub async fn complete(
    store: &Store,
    id: i64,
    attempt: i64,
    result: &serde_json::Value,
    now: i64,
) -> Result<bool> {
    let set = "state = 'succeeded', result = $2, lease_until = NULL, updated_at = $1,
               finished_at = $1";
    fenced_update(store, id, attempt, set, "", result.to_string(), now).await
}

/// One finished attempt, for [`complete_many`].
#[derive(Debug, Clone)]
pub struct Completion {
    pub id: i64,
    pub attempt: i64,
    pub result: serde_json::Value,
}

/// [`complete`] for many jobs, on `conn` (a transaction that also writes their events);
/// returns the ids that were still owned by their attempt (the others were taken over, and
/// their results are dropped). A statement per job: SQLite joins an `UPDATE … FROM (VALUES
/// …)` by scanning the list for every row (1.5 s for 4,000 jobs), and statements on an
/// in-process database are cheap.
pub async fn complete_many(
    conn: &mut sqlx::AnyConnection,
    done: &[Completion],
    now: i64,
) -> Result<Vec<i64>> {
    let mut completed = Vec::with_capacity(done.len());
    for job in done {
        let owned = sqlx::query(
            "UPDATE jobs SET state = 'succeeded', result = $1, lease_until = NULL,
                             updated_at = $2, finished_at = $2
             WHERE id = $3 AND attempt = $4 AND state = 'running'",
        )
        .bind(job.result.to_string())
        .bind(now)
        .bind(job.id)
        .bind(job.attempt)
        .execute(&mut *conn)
        .await?
        .rows_affected()
            == 1;
        if owned {
            completed.push(job.id);
        }
    }
    Ok(completed)
}

/// PostgreSQL: [`complete_many`], a `job.state` event per completed job, and NOTIFYs on
/// `channel` naming them (payload `{prefix}{user_id}:{event_id} …`, a few hundred events
/// each) in one statement, one round trip for a batch. The jobs travel as one JSON
/// parameter, so the statement text never changes and is parsed and planned once per
/// connection. Returns the events with their owners.
pub async fn complete_many_notified(
    store: &Store,
    done: &[Completion],
    (channel, prefix): (&str, &str),
    now: i64,
) -> Result<Vec<(i64, shared::api::AgentEvent)>> {
    if done.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<serde_json::Value> = done
        .iter()
        .map(|job| {
            serde_json::json!({"id": job.id, "attempt": job.attempt, "result": job.result.to_string()})
        })
        .collect();
    // An uncorrelated subquery runs once: it sends every notification.
    let written = sqlx::query_as::<_, crate::store::events::OwnedEventRow>(
        "WITH done AS (
             UPDATE jobs SET state = 'succeeded', result = v.result, lease_until = NULL,
                             updated_at = $1, finished_at = $1
             FROM jsonb_to_recordset($4::jsonb) AS v(id BIGINT, attempt BIGINT, result TEXT)
             WHERE jobs.id = v.id AND jobs.attempt = v.attempt AND jobs.state = 'running'
             RETURNING jobs.id, jobs.user_id, jobs.kind),
         ev AS (
             INSERT INTO agent_events (user_id, type, payload, created_at)
             SELECT user_id, 'job.state',
                    jsonb_build_object('job_id', id, 'kind', kind, 'state', 'succeeded')::text,
                    $1
             FROM done ORDER BY id
             RETURNING user_id, id, type, payload, created_at),
         notified AS (
             SELECT pg_notify($2, $3 || string_agg(user_id || ':' || id, ' '))
             FROM (SELECT user_id, id, (row_number() OVER (ORDER BY id) - 1) / 300 AS part
                   FROM ev) numbered
             GROUP BY part)
         SELECT user_id, id, type, payload, created_at FROM ev
         WHERE (SELECT COUNT(*) FROM notified) >= 0",
    )
    .bind(now)
    .bind(channel)
    .bind(prefix)
    .bind(serde_json::Value::Array(rows).to_string())
    .fetch_all(store.pool())
    .await?;
    Ok(crate::store::events::OwnedEventRow::sorted(written))
}

/// Extends the lease of every job `worker` holds (running, or claimed and waiting in its
/// local queue) unless a cancel was asked; returns the ids it still holds.
pub async fn renew_held(store: &Store, worker: &str, lease_ms: i64, now: i64) -> Result<Vec<i64>> {
    let held: Vec<(i64,)> = sqlx::query_as(
        "UPDATE jobs SET lease_until = $1, updated_at = $2
         WHERE worker = $3 AND state = 'running' AND cancel_requested = 0
         RETURNING id",
    )
    .bind(now.saturating_add(lease_ms))
    .bind(now)
    .bind(worker)
    .fetch_all(store.pool())
    .await?;
    Ok(held.into_iter().map(|(id,)| id).collect())
}

/// Gives claimed jobs that never started back to the queue, undoing their claim's attempt.
pub async fn release(store: &Store, claims: &[(i64, i64)], now: i64) -> Result<()> {
    for (id, attempt) in claims {
        sqlx::query(
            "UPDATE jobs SET state = 'queued', attempt = attempt - 1, lease_until = NULL,
                             worker = NULL, updated_at = $1,
                             started_at = CASE WHEN attempt = 1 THEN NULL ELSE started_at END
             WHERE id = $2 AND attempt = $3 AND state = 'running'",
        )
        .bind(now)
        .bind(id)
        .bind(attempt)
        .execute(store.pool())
        .await?;
    }
    Ok(())
}

/// Records a failed attempt: queued again after a backoff, `dead` once the attempts are
/// used up, or `cancelled` when a cancel was asked meanwhile. Returns the new state, or None when `attempt` no longer owns the job.
pub async fn fail(
    store: &Store,
    id: i64,
    attempt: i64,
    error: &str,
    backoff: Backoff,
    now: i64,
) -> Result<Option<String>> {
    let retry_at = now.saturating_add(backoff.delay_ms(attempt));
    let state: Option<(String,)> = sqlx::query_as(
        "UPDATE jobs SET
             state = CASE WHEN cancel_requested = 1 THEN 'cancelled'
                          WHEN attempt >= max_attempts THEN 'dead' ELSE 'queued' END,
             run_at = CASE WHEN cancel_requested = 1 OR attempt >= max_attempts THEN run_at
                           ELSE $1 END,
             finished_at = CASE WHEN cancel_requested = 1 OR attempt >= max_attempts THEN $2
                                ELSE NULL END,
             last_error = $3, lease_until = NULL, worker = NULL, updated_at = $2
         WHERE id = $4 AND attempt = $5 AND state = 'running'
         RETURNING state",
    )
    .bind(retry_at)
    .bind(now)
    .bind(error)
    .bind(id)
    .bind(attempt)
    .fetch_optional(store.pool())
    .await?;
    Ok(state.map(|(s,)| s))
}
