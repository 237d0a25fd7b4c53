//! `request_artifacts`: what an apply run left as evidence (screenshots, the step log, the
//! final URL), kept per request until the retention period ends.

use super::Store;
use crate::error::Result;

pub const SCREENSHOT: &str = "screenshot";
pub const LOG: &str = "log";
pub const FINAL_URL: &str = "final_url";

pub struct NewArtifact<'a> {
    pub user_id: i64,
    pub request_id: i64,
    pub job_id: i64,
    pub attempt: i64,
    pub kind: &'a str,
    pub name: &'a str,
    pub content_type: &'a str,
    pub bytes: &'a [u8],
}

/// An artifact without its bytes.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ArtifactRow {
    pub id: i64,
    pub request_id: i64,
    pub job_id: i64,
    pub attempt: i64,
    pub kind: String,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub created_at: i64,
}

/// Stores a run's artifacts in one transaction: a page shows a run's evidence whole or not
/// at all.
pub async fn insert_all(store: &Store, artifacts: &[NewArtifact<'_>], now: i64) -> Result<()> {
    let mut tx = store.pool().begin().await?;
    for a in artifacts {
        sqlx::query(
            "INSERT INTO request_artifacts (user_id, request_id, job_id, attempt, kind, name,
                                            content_type, bytes, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(a.user_id)
        .bind(a.request_id)
        .bind(a.job_id)
        .bind(a.attempt)
        .bind(a.kind)
        .bind(a.name)
        .bind(a.content_type)
        .bind(a.bytes)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The request's artifacts, oldest first.
pub async fn list(store: &Store, user_id: i64, request_id: i64) -> Result<Vec<ArtifactRow>> {
    Ok(sqlx::query_as(
        "SELECT id, request_id, job_id, attempt, kind, name, content_type,
                CAST(LENGTH(bytes) AS BIGINT) AS size, created_at
         FROM request_artifacts WHERE user_id = $1 AND request_id = $2 ORDER BY id",
    )
    .bind(user_id)
    .bind(request_id)
    .fetch_all(store.pool())
    .await?)
}

/// One artifact's content type and bytes.
pub async fn content(
    store: &Store,
    user_id: i64,
    request_id: i64,
    id: i64,
) -> Result<Option<(String, Vec<u8>)>> {
    Ok(sqlx::query_as(
        "SELECT content_type, bytes FROM request_artifacts
         WHERE id = $1 AND user_id = $2 AND request_id = $3",
    )
    .bind(id)
    .bind(user_id)
    .bind(request_id)
    .fetch_optional(store.pool())
    .await?)
}

/// Deletes every artifact created before `cutoff` (retention); returns how many.
pub async fn delete_before(store: &Store, cutoff: i64) -> Result<u64> {
    let done = sqlx::query("DELETE FROM request_artifacts WHERE created_at < $1")
        .bind(cutoff)
        .execute(store.pool())
        .await?;
    Ok(done.rows_affected())
}
