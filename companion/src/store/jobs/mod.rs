//! The durable job queue. A claim sets a lease and bumps `attempt`; every later write is
//! conditioned on that attempt (the fencing token), so a worker that lost its job to a
//! takeover has its late writes refused. Time is passed in (`now`, Unix ms) so tests are
//! deterministic.

mod claims;
mod outcome;

pub use claims::*;
pub use outcome::*;

use sqlx::AssertSqlSafe;

use super::{Backend, Store};
use crate::error::Result;

/// The PostgreSQL channel enqueue notifies, so workers in other processes wake at once.
pub const ENQUEUED_CHANNEL: &str = "jobs_enqueued";

pub const QUEUED: &str = "queued";
pub const RUNNING: &str = "running";
pub const SUCCEEDED: &str = "succeeded";
pub const DEAD: &str = "dead";
pub const CANCELLED: &str = "cancelled";

/// What a new job carries.
#[derive(Debug, Clone)]
pub struct NewJob<'a> {
    pub user_id: i64,
    pub kind: &'a str,
    pub payload: &'a serde_json::Value,
    pub max_attempts: i64,
    /// The same key (per user) is never enqueued twice.
    pub idempotency_key: Option<&'a str>,
    pub run_at: i64,
    /// Set for applies: they obey the user's pause switch and per-platform limits.
    pub platform: Option<&'a str>,
}

/// A job as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Job {
    pub id: i64,
    pub user_id: i64,
    pub kind: String,
    pub payload: String,
    pub state: String,
    pub attempt: i64,
    pub max_attempts: i64,
    pub run_at: i64,
    pub lease_until: Option<i64>,
    pub worker: Option<String>,
    pub idempotency_key: Option<String>,
    pub cancel_requested: i64,
    pub last_error: Option<String>,
    pub progress: Option<String>,
    pub result: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub finished_at: Option<i64>,
    pub platform: Option<String>,
    /// The first claim.
    pub started_at: Option<i64>,
}

const COLUMNS: &str = "id, user_id, kind, payload, state, attempt, max_attempts, run_at, \
    lease_until, worker, idempotency_key, cancel_requested, last_error, progress, result, \
    created_at, updated_at, finished_at, platform, started_at";

/// Retry delays: `base * 2^(attempt-1)`, capped, with the upper half jittered.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub base_ms: i64,
    pub cap_ms: i64,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            base_ms: 1_000,
            cap_ms: 10 * 60 * 1_000,
        }
    }
}

impl Backoff {
    /// The delay before retrying after failed attempt `attempt` (1-based); between half
    /// and all of the capped exponential delay.
    pub fn delay_ms(&self, attempt: i64) -> i64 {
        let exponent = u32::try_from(attempt.saturating_sub(1).clamp(0, 40)).unwrap_or(40);
        let full = self
            .base_ms
            .max(1)
            .saturating_mul(1_i64 << exponent)
            .min(self.cap_ms.max(1));
        let half = full / 2;
        let random = crate::auth::tokens::random_bytes::<8>()
            .map(u64::from_le_bytes)
            .unwrap_or(0);
        let jitter =
            i64::try_from(random % (u64::try_from(full - half).unwrap_or(0) + 1)).unwrap_or(0);
        half + jitter
    }
}

/// Adds a job and wakes idle workers; with an idempotency key already used by this user,
/// returns the existing job's id instead.
pub async fn enqueue(store: &Store, job: &NewJob<'_>, now: i64) -> Result<i64> {
    let ids = enqueue_many(store, std::slice::from_ref(job), now).await?;
    ids.first()
        .copied()
        .ok_or_else(|| crate::error::Error::Internal("enqueue returned no id".into()))
}

/// Adds a job on `conn` (a transaction, so that the job exists exactly when what it works
/// on does); the caller wakes the workers with [`wake_workers`] after committing.
pub async fn enqueue_on(conn: &mut sqlx::AnyConnection, job: &NewJob<'_>, now: i64) -> Result<i64> {
    let ids = insert_chunk(conn, std::slice::from_ref(job), now).await?;
    ids.first()
        .copied()
        .ok_or_else(|| crate::error::Error::Internal("enqueue returned no id".into()))
}

/// Adds jobs in one transaction (what a feed poll finds at once) and wakes idle workers;
/// the ids come in the order of `jobs`, existing ones for idempotency keys already used.
pub async fn enqueue_many(store: &Store, jobs: &[NewJob<'_>], now: i64) -> Result<Vec<i64>> {
    // Seven bound values per job, well under both databases' limits.
    const CHUNK: usize = 1_000;
    if jobs.is_empty() {
        return Ok(Vec::new());
    }
    let ids = if jobs.len() <= CHUNK {
        // One statement is atomic by itself; a transaction would add two round trips to
        // every enqueue-to-start.
        insert_chunk(&mut *store.pool().acquire().await?, jobs, now).await?
    } else {
        let mut tx = store.pool().begin().await?;
        let mut ids = Vec::with_capacity(jobs.len());
        for chunk in jobs.chunks(CHUNK) {
            ids.extend(insert_chunk(&mut tx, chunk, now).await?);
        }
        tx.commit().await?;
        ids
    };
    wake_workers(store).await?;
    Ok(ids)
}

/// Inserts `chunk` in one statement and returns the jobs' ids in order. A job with a key
/// gets the id stored under its key (its own, an earlier one in the chunk, or one that was
/// there before). Jobs without a key are always new, and ids are handed out in insertion
/// order, so the returned keyless ids, sorted, are theirs in order.
async fn insert_chunk(
    conn: &mut sqlx::AnyConnection,
    chunk: &[NewJob<'_>],
    now: i64,
) -> Result<Vec<i64>> {
    let rows: Vec<String> = (0..chunk.len())
        .map(|i| {
            let [user, kind, payload, max, run_at, key, platform] =
                std::array::from_fn(|k| 7 * i + k + 2);
            format!(
                "(${user}, ${kind}, ${payload}, 'queued', 0, ${max}, ${run_at}, ${key}, 0, \
                 $1, $1, ${platform})"
            )
        })
        .collect();
    let sql = format!(
        "INSERT INTO jobs (user_id, kind, payload, state, attempt, max_attempts, run_at,
                           idempotency_key, cancel_requested, created_at, updated_at, platform)
         VALUES {}
         ON CONFLICT (user_id, idempotency_key) DO NOTHING
         RETURNING id, user_id, idempotency_key",
        rows.join(", ")
    );
    let mut query = sqlx::query_as::<_, (i64, i64, Option<String>)>(AssertSqlSafe(sql)).bind(now);
    for job in chunk {
        query = query
            .bind(job.user_id)
            .bind(job.kind)
            .bind(job.payload.to_string())
            .bind(job.max_attempts.max(1))
            .bind(job.run_at)
            .bind(job.idempotency_key)
            .bind(job.platform);
    }
    let mut keyless = Vec::new();
    let mut keyed = std::collections::HashMap::new();
    for (id, user_id, key) in query.fetch_all(&mut *conn).await? {
        match key {
            Some(key) => {
                keyed.insert((user_id, key), id);
            }
            None => keyless.push(id),
        }
    }
    keyless.sort_unstable();
    let mut keyless = keyless.into_iter();
    let mut ids = Vec::with_capacity(chunk.len());
    for job in chunk {
        let id = match job.idempotency_key {
            None => keyless.next(),
            Some(key) => match keyed.get(&(job.user_id, key.to_owned())) {
                Some(id) => Some(*id),
                None => existing_id(conn, job.user_id, key).await?,
            },
        };
        ids.push(
            id.ok_or_else(|| crate::error::Error::Internal("enqueue: a job got no id".into()))?,
        );
    }
    Ok(ids)
}

async fn existing_id(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    key: &str,
) -> Result<Option<i64>> {
    let id: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM jobs WHERE user_id = $1 AND idempotency_key = $2")
            .bind(user_id)
            .bind(key)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(id.map(|(id,)| id))
}

pub async fn get(store: &Store, id: i64) -> Result<Option<Job>> {
    let sql = format!("SELECT {COLUMNS} FROM jobs WHERE id = $1");
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(store.pool())
        .await?)
}

/// Tells idle workers, here and in other processes, to look for jobs now.
pub async fn wake_workers(store: &Store) -> Result<()> {
    store.job_wakeup().notify_waiters();
    if store.backend() == Backend::Postgres {
        sqlx::query("SELECT pg_notify($1, '')")
            .bind(ENQUEUED_CHANNEL)
            .execute(store.pool())
            .await?;
    }
    Ok(())
}

/// Closes a running job whose handler stopped at a checkpoint after a cancel request.
pub async fn mark_cancelled(store: &Store, id: i64, attempt: i64, now: i64) -> Result<bool> {
    let set = "state = $2, lease_until = NULL, updated_at = $1, finished_at = $1";
    fenced_update(store, id, attempt, set, "", CANCELLED.to_owned(), now).await
}

/// Asks to cancel one of the user's jobs: a queued job is cancelled at once, a running one
/// when its handler reaches a checkpoint. False: no such unfinished job of this user.
pub async fn request_cancel(store: &Store, user_id: i64, id: i64, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE jobs SET cancel_requested = 1,
             state = CASE WHEN state = 'queued' THEN 'cancelled' ELSE state END,
             finished_at = CASE WHEN state = 'queued' THEN $1 ELSE finished_at END,
             updated_at = $1
         WHERE id = $2 AND user_id = $3 AND state IN ('queued', 'running')",
    )
    .bind(now)
    .bind(id)
    .bind(user_id)
    .execute(store.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The user's jobs, newest first; only those in `state` when given.
pub async fn list(
    store: &Store,
    user_id: i64,
    state: Option<&str>,
    limit: i64,
) -> Result<Vec<Job>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM jobs WHERE user_id = $1 AND ($2 IS NULL OR state = $2)
         ORDER BY id DESC LIMIT $3"
    );
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(user_id)
        .bind(state)
        .bind(limit)
        .fetch_all(store.pool())
        .await?)
}

pub async fn get_for_user(store: &Store, user_id: i64, id: i64) -> Result<Option<Job>> {
    let sql = format!("SELECT {COLUMNS} FROM jobs WHERE id = $1 AND user_id = $2");
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(id)
        .bind(user_id)
        .fetch_optional(store.pool())
        .await?)
}

/// Puts a dead or cancelled job of the user back in the queue with fresh attempts; its last
/// error stays for reference. False: no such finished-unsuccessfully job.
pub async fn retry(store: &Store, user_id: i64, id: i64, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE jobs SET state = 'queued', attempt = 0, cancel_requested = 0, run_at = $1,
             lease_until = NULL, worker = NULL, finished_at = NULL, updated_at = $1
         WHERE id = $2 AND user_id = $3 AND state IN ('dead', 'cancelled')",
    )
    .bind(now)
    .bind(id)
    .bind(user_id)
    .execute(store.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}
