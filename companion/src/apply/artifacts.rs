//! A run's evidence as rows of its request: each screenshot (PNG), the step log and the
//! final URL (text); listed without their bytes, read one at a time, swept after
//! `artifact_retention_days`.

use shared::api::Artifact;

use super::Report;
use crate::error::{Error, Result};
use crate::jobs::JobContext;
use crate::state::AppState;
use crate::store::artifacts::{self as rows, FINAL_URL, LOG, NewArtifact, SCREENSHOT};
use crate::store::{Store, now_ms};

const PNG: &str = "image/png";
const TEXT: &str = "text/plain; charset=utf-8";

/// Stores what `report` saw, in one transaction.
pub async fn store_run(
    state: &AppState,
    ctx: &JobContext,
    request_id: i64,
    report: &Report,
) -> Result<()> {
    let log: String = report
        .log
        .iter()
        .map(|line| format!("{:>7} ms  {}\n", line.at_ms, line.text))
        .collect();
    let new = |kind, name, content_type, bytes| NewArtifact {
        user_id: ctx.user_id(),
        request_id,
        job_id: ctx.id(),
        attempt: ctx.attempt(),
        kind,
        name,
        content_type,
        bytes,
    };
    let mut artifacts: Vec<NewArtifact<'_>> = report
        .screenshots
        .iter()
        .map(|shot| new(SCREENSHOT, shot.name.as_str(), PNG, shot.png.as_slice()))
        .collect();
    artifacts.push(new(LOG, "step log", TEXT, log.as_bytes()));
    if !report.final_url.is_empty() {
        artifacts.push(new(
            FINAL_URL,
            "final URL",
            TEXT,
            report.final_url.as_bytes(),
        ));
    }
    rows::insert_all(&state.store, &artifacts, now_ms()).await
}

/// The request's artifacts, oldest first; a request of another user is a 404.
pub async fn list(state: &AppState, user_id: i64, request_id: i64) -> Result<Vec<Artifact>> {
    crate::approvals::get(state, user_id, request_id).await?;
    let rows = rows::list(&state.store, user_id, request_id).await?;
    Ok(rows
        .into_iter()
        .map(|row| Artifact {
            id: row.id,
            kind: row.kind,
            name: row.name,
            content_type: row.content_type,
            size: row.size,
            job_id: row.job_id,
            attempt: row.attempt,
            created_at: row.created_at,
        })
        .collect())
}

/// One artifact's content type and bytes.
pub async fn content(
    state: &AppState,
    user_id: i64,
    request_id: i64,
    id: i64,
) -> Result<(String, Vec<u8>)> {
    rows::content(&state.store, user_id, request_id, id)
        .await?
        .ok_or(Error::NotFound)
}

/// Deletes the artifacts older than `retention_days` (every user's); returns how many.
pub async fn sweep(store: &Store, retention_days: u32) -> Result<usize> {
    let cutoff = now_ms().saturating_sub(i64::from(retention_days) * 86_400_000);
    let deleted = rows::delete_before(store, cutoff).await?;
    Ok(usize::try_from(deleted).unwrap_or(usize::MAX))
}
