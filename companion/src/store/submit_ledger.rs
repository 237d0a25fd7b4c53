//! `submit_ledger`: the exactly-once record of an application's final click. A run commits
//! `submitting` (its job and attempt) before it clicks and the outcome after; one live row
//! per posting (a unique index over the rows that are not `form_errors`) makes a second
//! click on the same posting impossible, whoever would make it.

use super::Store;
use crate::error::Result;

pub const SUBMITTING: &str = "submitting";
pub const SUBMITTED: &str = "submitted";
pub const FORM_ERRORS: &str = "form_errors";
pub const UNSURE: &str = "unsure";

pub const BY_AGENT: &str = "agent";
pub const BY_YOU: &str = "you";

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LedgerRow {
    pub id: i64,
    pub request_id: i64,
    pub job_id: Option<i64>,
    pub attempt: Option<i64>,
    pub state: String,
    pub submitted_by: String,
    pub created_at: i64,
    pub settled_at: Option<i64>,
}

const COLUMNS: &str =
    "id, request_id, job_id, attempt, state, submitted_by, created_at, settled_at";

/// The run about to click.
pub struct Start<'a> {
    pub user_id: i64,
    pub request_id: i64,
    pub canonical_url: &'a str,
    pub job_id: i64,
    pub attempt: i64,
}

/// Records `submitting` in a statement of its own (committed when this returns), only while
/// the request is applying and the job still runs at this attempt (a run that lost its job
/// to another worker must not click). None: refused (the posting has a live row, or the run
/// is no longer the request's); [`live`] tells which row holds the posting.
pub async fn begin(store: &Store, start: &Start<'_>, now: i64) -> Result<Option<i64>> {
    let row: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO submit_ledger (user_id, request_id, canonical_url, job_id, attempt, state,
                                    submitted_by, created_at)
         SELECT $1, $2, $3, $4, $5, 'submitting', 'agent', $6
         WHERE EXISTS (SELECT 1 FROM agent_requests r
                       WHERE r.id = $2 AND r.user_id = $1 AND r.state = 'applying')
           AND EXISTS (SELECT 1 FROM jobs j
                       WHERE j.id = $4 AND j.attempt = $5 AND j.state = 'running')
         ON CONFLICT DO NOTHING
         RETURNING id",
    )
    .bind(start.user_id)
    .bind(start.request_id)
    .bind(start.canonical_url)
    .bind(start.job_id)
    .bind(start.attempt)
    .bind(now)
    .fetch_optional(store.pool())
    .await?;
    Ok(row.map(|(id,)| id))
}

/// Records the outcome of the click `id` recorded; false when it had one already.
pub async fn settle(store: &Store, id: i64, outcome: &str, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE submit_ledger SET state = $1, settled_at = $2 WHERE id = $3 AND state = 'submitting'",
    )
    .bind(outcome)
    .bind(now)
    .bind(id)
    .execute(store.pool())
    .await?;
    Ok(done.rows_affected() > 0)
}

/// The posting's live row (any state but `form_errors`): who submitted it, or may have.
pub async fn live(store: &Store, user_id: i64, canonical_url: &str) -> Result<Option<LedgerRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM submit_ledger
         WHERE user_id = $1 AND canonical_url = $2 AND state <> 'form_errors'"
    );
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(user_id)
        .bind(canonical_url)
        .fetch_optional(store.pool())
        .await?)
}

/// The user says they submitted the request themselves: its own open or unsure row becomes
/// `submitted`; without one, a `submitted` row by the user holds the posting from now on
/// (unless another request's row already does).
pub async fn submitted_by_you(
    store: &Store,
    user_id: i64,
    request_id: i64,
    canonical_url: &str,
    now: i64,
) -> Result<()> {
    let updated = sqlx::query(
        "UPDATE submit_ledger SET state = 'submitted', submitted_by = 'you', settled_at = $1
         WHERE user_id = $2 AND request_id = $3 AND state IN ('submitting', 'unsure')",
    )
    .bind(now)
    .bind(user_id)
    .bind(request_id)
    .execute(store.pool())
    .await?;
    if updated.rows_affected() == 0 {
        sqlx::query(
            "INSERT INTO submit_ledger (user_id, request_id, canonical_url, state, submitted_by,
                                        created_at, settled_at)
             VALUES ($1, $2, $3, 'submitted', 'you', $4, $4)
             ON CONFLICT DO NOTHING",
        )
        .bind(user_id)
        .bind(request_id)
        .bind(canonical_url)
        .bind(now)
        .execute(store.pool())
        .await?;
    }
    Ok(())
}
