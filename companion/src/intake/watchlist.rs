//! The user's watchlist of job boards: watching one turns on the scheduled poll of all of
//! them (`intake.poll_boards`), which can also be run at once.

use shared::api::Vendor;

use super::boards;
use crate::error::Result;
use crate::state::AppState;
use crate::store::{self, jobs::NewJob, now_ms, watchlist::WatchRow};

/// One schedule per user polls every watched board.
const POLL_SCHEDULE: &str = "poll watched boards";

/// Watches a board (watching it again returns the existing entry) and schedules the poll.
pub async fn watch(
    state: &AppState,
    user_id: i64,
    vendor: Vendor,
    board: &str,
) -> Result<WatchRow> {
    let board = boards::check_board(board)?;
    let watched =
        store::watchlist::add(&state.store, user_id, vendor.as_str(), board, now_ms()).await?;
    store::schedules::upsert(
        &state.store,
        user_id,
        POLL_SCHEDULE,
        &state.config.board_poll_cron,
        boards::POLL_BOARDS,
        &serde_json::json!({}),
        now_ms(),
    )
    .await?;
    Ok(watched)
}

/// Queues a poll of every watched board now; returns the job's id.
pub async fn enqueue_poll(state: &AppState, user_id: i64) -> Result<i64> {
    let payload = serde_json::json!({});
    let now = now_ms();
    store::jobs::enqueue(
        &state.store,
        &NewJob {
            user_id,
            kind: boards::POLL_BOARDS,
            payload: &payload,
            max_attempts: 3,
            idempotency_key: None,
            run_at: now,
            platform: None,
        },
        now,
    )
    .await
}
