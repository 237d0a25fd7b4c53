//! The durable job queue. A claim sets a lease and bumps `attempt`; every later write is
//! conditioned on that attempt (the fencing token), so a worker that lost its job to a
//! takeover has its late writes refused. Time is passed in (`now`, Unix ms) so tests are
//! deterministic.

use sqlx::AssertSqlSafe;

use super::agent::ApplyLimits;
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

/// What a worker claims: jobs of its kinds, for a lease, under the configured apply limits.
#[derive(Debug, Clone, Copy)]
pub struct ClaimRequest<'a> {
    pub worker: &'a str,
    pub kinds: &'a [&'a str],
    pub lease_ms: i64,
    pub limits: ApplyLimits,
}

/// An apply (a job with a platform) may start only while its user's agent is not paused,
/// fewer than the limit of the user's applies on that platform are running, and fewer than
/// the hourly limit started in the last hour. Overrides in `platform_limits` win over the
/// defaults `$4` (concurrent) and `$5` (per hour); `$1` is now.
const GOVERNED: &str = "(j.platform IS NULL OR (
    NOT EXISTS (SELECT 1 FROM agent_controls a WHERE a.user_id = j.user_id AND a.paused = 1)
    AND (SELECT COUNT(*) FROM jobs r
         WHERE r.user_id = j.user_id AND r.platform = j.platform AND r.id <> j.id
           AND r.state = 'running' AND r.lease_until >= $1)
        < COALESCE((SELECT l.max_concurrent FROM platform_limits l
                    WHERE l.user_id = j.user_id AND l.platform = j.platform), $4)
    AND (SELECT COUNT(*) FROM jobs h
         WHERE h.user_id = j.user_id AND h.platform = j.platform AND h.id <> j.id
           AND h.started_at > $1 - 3600000)
        < COALESCE((SELECT l.per_hour FROM platform_limits l
                    WHERE l.user_id = j.user_id AND l.platform = j.platform), $5)))";

/// Which jobs a claim looks at; each is one index range, walked in order.
#[derive(Clone, Copy)]
enum Pool {
    /// Running jobs whose lease ran out (takeover), by `jobs_lease`.
    Lapsed,
    /// Queued jobs that are due, by `jobs_claim`.
    Due,
}

/// The range and order of `pool`'s index.
fn pool_range(pool: Pool) -> (&'static str, &'static str) {
    match pool {
        // A lapsed job that may not run again is left to `close_lapsed`.
        Pool::Lapsed => (
            "j.state = 'running' AND j.lease_until < $1 AND j.cancel_requested = 0
             AND j.attempt < j.max_attempts",
            "j.lease_until",
        ),
        Pool::Due => ("j.state = 'queued' AND j.run_at <= $1", "j.run_at"),
    }
}

/// `$first, $first+1, ...` for `count` bound values.
fn placeholders(first: usize, count: usize) -> String {
    // Only placeholders are generated; the values themselves are bound.
    (first..first + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Selects `columns` of the first apply `j` of `pool` that may be claimed now: of the
/// kinds bound from `$6` on, within the apply limits.
fn first_claimable_apply(pool: Pool, columns: &str, kinds: usize) -> String {
    let (range, order) = pool_range(pool);
    format!(
        "SELECT {columns} FROM jobs j
         WHERE {range} AND j.kind IN ({}) AND j.platform IS NOT NULL AND {GOVERNED}
         ORDER BY {order}, j.id LIMIT 1",
        placeholders(6, kinds)
    )
}

/// Takes the job: `$1` now, `$2` the lease's end, `$3` the worker.
const TAKE: &str = "state = 'running', attempt = attempt + 1, lease_until = $2, worker = $3,
    updated_at = $1, started_at = COALESCE(started_at, $1)";

/// [`claim_with`] under the default apply limits.
pub async fn claim(
    store: &Store,
    worker: &str,
    kinds: &[&str],
    lease_ms: i64,
    now: i64,
) -> Result<Option<Job>> {
    let request = ClaimRequest {
        worker,
        kinds,
        lease_ms,
        limits: ApplyLimits::default(),
    };
    claim_with(store, &request, now).await
}

/// Claims one job: [`claim_batch`] of one.
pub async fn claim_with(
    store: &Store,
    request: &ClaimRequest<'_>,
    now: i64,
) -> Result<Option<Job>> {
    Ok(claim_batch(store, request, 1, now).await?.pop())
}

/// Claims up to `max` jobs: running jobs whose lease ran out (takeover) first, then queued
/// jobs that are due, oldest first. Jobs without a platform are taken in one statement;
/// only when there are none, an apply within its user's limits. Each claim bumps `attempt`, which the
/// worker then presents on every write. When nothing is claimable, lapsed jobs that may not
/// run again (cancel requested, attempts used up) are closed.
pub async fn claim_batch(
    store: &Store,
    request: &ClaimRequest<'_>,
    max: usize,
    now: i64,
) -> Result<Vec<Job>> {
    if request.kinds.is_empty() || max == 0 {
        return Ok(Vec::new());
    }
    let claimed = take_ungoverned(store, request, max, now).await?;
    if !claimed.is_empty() {
        // Their handlers start now; an apply waits for a claim that finds nothing else
        // (its limits cost up to four round trips, which these jobs need not wait for).
        return Ok(claimed);
    }
    let apply = match store.backend() {
        Backend::Sqlite => claim_apply_sqlite(store, request, now).await?,
        Backend::Postgres => claim_apply_postgres(store, request, now).await?,
    };
    if apply.is_none() {
        close_lapsed(store, now).await?;
    }
    Ok(apply.into_iter().collect())
}

/// Takes up to `wanted` jobs without a platform, lapsed ones first, in one statement.
/// PostgreSQL skips rows another claimer holds; SQLite's writer lock makes the statement
/// atomic.
async fn take_ungoverned(
    store: &Store,
    request: &ClaimRequest<'_>,
    wanted: usize,
    now: i64,
) -> Result<Vec<Job>> {
    let pick = |pool| {
        let (range, order) = pool_range(pool);
        format!(
            "SELECT j.id AS picked FROM jobs j
             WHERE {range} AND j.kind IN ({}) AND j.platform IS NULL
             ORDER BY {order}, j.id LIMIT $4",
            placeholders(5, request.kinds.len())
        )
    };
    let (lapsed, due) = (pick(Pool::Lapsed), pick(Pool::Due));
    let sql = match store.backend() {
        Backend::Sqlite => format!(
            "UPDATE jobs SET {TAKE} WHERE id IN (
                 SELECT picked FROM ({lapsed}) UNION ALL SELECT picked FROM ({due}) LIMIT $4)
             RETURNING {COLUMNS}"
        ),
        Backend::Postgres => format!(
            "WITH lapsed AS ({lapsed} FOR UPDATE SKIP LOCKED),
                  due AS ({due} FOR UPDATE SKIP LOCKED)
             UPDATE jobs SET {TAKE}
             FROM (SELECT picked FROM lapsed UNION ALL SELECT picked FROM due LIMIT $4) p
             WHERE jobs.id = p.picked RETURNING {COLUMNS}"
        ),
    };
    let mut query = sqlx::query_as(AssertSqlSafe(sql))
        .bind(now)
        .bind(now.saturating_add(request.lease_ms))
        .bind(request.worker)
        .bind(i64::try_from(wanted).unwrap_or(i64::MAX));
    for kind in request.kinds {
        query = query.bind(*kind);
    }
    let mut taken: Vec<Job> = query.fetch_all(store.pool()).await?;
    // RETURNING promises no order; run them oldest first.
    taken.sort_by_key(|job| (job.run_at, job.id));
    Ok(taken)
}

/// Ends running jobs whose lease ran out and that may not run again: `cancelled` when a
/// cancel was asked, else `dead`.
pub async fn close_lapsed(store: &Store, now: i64) -> Result<()> {
    sqlx::query(
        "UPDATE jobs SET
             state = CASE WHEN cancel_requested = 1 THEN 'cancelled' ELSE 'dead' END,
             last_error = CASE WHEN cancel_requested = 1 THEN last_error
                          ELSE 'the worker stopped renewing its lease on the last attempt' END,
             lease_until = NULL, worker = NULL, updated_at = $1, finished_at = $1
         WHERE state = 'running' AND lease_until < $1
           AND (cancel_requested = 1 OR attempt >= max_attempts)",
    )
    .bind(now)
    .execute(store.pool())
    .await?;
    Ok(())
}

/// Binds `$1`..`$5` and the kinds, in the numbering of [`first_claimable_apply`] and
/// [`TAKE`].
fn bind_claim<'q, O>(
    query: sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments>,
    request: &ClaimRequest<'q>,
    now: i64,
) -> sqlx::query::QueryAs<'q, sqlx::Any, O, sqlx::any::AnyArguments> {
    let mut query = query
        .bind(now)
        .bind(now.saturating_add(request.lease_ms))
        .bind(request.worker)
        .bind(request.limits.max_concurrent)
        .bind(request.limits.per_hour);
    for kind in request.kinds {
        query = query.bind(*kind);
    }
    query
}

/// SQLite runs one writer at a time and an UPDATE takes the write lock before it reads,
/// so choosing the apply, checking the limits and taking it is atomic, across processes
/// too. Lapsed applies go first: they were started before anything still queued.
async fn claim_apply_sqlite(
    store: &Store,
    request: &ClaimRequest<'_>,
    now: i64,
) -> Result<Option<Job>> {
    let kinds = request.kinds.len();
    let sql = format!(
        "UPDATE jobs SET {TAKE}
         WHERE id = COALESCE(({}), ({}))
         RETURNING {COLUMNS}",
        first_claimable_apply(Pool::Lapsed, "j.id", kinds),
        first_claimable_apply(Pool::Due, "j.id", kinds)
    );
    Ok(bind_claim(sqlx::query_as(AssertSqlSafe(sql)), request, now)
        .fetch_optional(store.pool())
        .await?)
}

/// Concurrent claimers skip rows another transaction holds instead of waiting. Under READ
/// COMMITTED two claimers could each count the other's apply as not yet running, so claims
/// of one user's applies take turns on an advisory lock (keyed by the user id) and check
/// the limits again once they hold it: the other's claim is committed by then.
async fn claim_apply_postgres(
    store: &Store,
    request: &ClaimRequest<'_>,
    now: i64,
) -> Result<Option<Job>> {
    let picks = [Pool::Lapsed, Pool::Due].map(|pool| {
        let columns = "j.id, j.user_id, j.platform";
        format!(
            "{} FOR UPDATE SKIP LOCKED",
            first_claimable_apply(pool, columns, request.kinds.len())
        )
    });
    let recheck = format!("SELECT j.id FROM jobs j WHERE j.id = $6 AND {GOVERNED}");
    let take = format!("UPDATE jobs SET {TAKE} WHERE id = $6 RETURNING {COLUMNS}");
    // The recheck and the take bind the job id as `$6`, where the kinds were.
    let by_id = ClaimRequest {
        kinds: &[],
        ..*request
    };
    // A failed recheck means another claim just used the limit; the next pick skips the job.
    for _ in 0..3 {
        let mut tx = store.pool().begin().await?;
        let mut picked: Option<(i64, i64, Option<String>)> = None;
        for pick in &picks {
            picked = bind_claim(sqlx::query_as(AssertSqlSafe(pick.clone())), request, now)
                .fetch_optional(&mut *tx)
                .await?;
            if picked.is_some() {
                break;
            }
        }
        let Some((id, user_id, platform)) = picked else {
            return Ok(None);
        };
        if platform.is_some() {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            let still: Option<(i64,)> =
                bind_claim(sqlx::query_as(AssertSqlSafe(recheck.clone())), &by_id, now)
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
            if still.is_none() {
                continue;
            }
        }
        let job: Job = bind_claim(sqlx::query_as(AssertSqlSafe(take.clone())), &by_id, now)
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        return Ok(Some(job));
    }
    Ok(None)
}
/// Applies `set` (`$1` is now, `$2` is `value`) to the job while `attempt` owns it and it
/// runs, narrowed by `and`; false when it no longer does (the write is refused).
async fn fenced_update<T>(
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
    let written = sqlx::query_as::<_, super::events::OwnedEventRow>(
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
    Ok(super::events::OwnedEventRow::sorted(written))
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
