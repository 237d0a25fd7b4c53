//! Claiming jobs: up to N due or lapsed ones at once, then applies one at a time under
//! their per-user, per-platform limits (an advisory lock on PostgreSQL).

use sqlx::AssertSqlSafe;

use super::{COLUMNS, Job};
use crate::config::ApplyLimits;
use crate::error::Result;
use crate::store::{Backend, Store};

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
