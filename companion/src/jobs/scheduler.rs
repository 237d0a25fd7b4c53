//! Turns due schedules (`store::schedules`) into jobs. Every process running workers runs
//! this loop; the idempotency key `schedule:<id>:<slot>` makes a slot one job however many
//! processes see it due.

use std::time::Duration;

use tokio::sync::watch;

use crate::error::Result;
use crate::store::jobs::{self, NewJob};
use crate::store::{Store, now_ms, schedules};

/// How often the loop looks for due schedules; cron slots are a minute apart at the least.
const TICK: Duration = Duration::from_secs(5);

/// Attempts a scheduled job gets.
const MAX_ATTEMPTS: i64 = 3;

/// Enqueues every schedule due at `now` and moves each to its next slot after `now`
/// (missed slots are not caught up one by one). Returns how many slots it handled.
pub async fn enqueue_due(store: &Store, now: i64) -> Result<usize> {
    let due = schedules::due(store, now, 100).await?;
    for schedule in &due {
        let payload = serde_json::from_str(&schedule.payload).unwrap_or(serde_json::Value::Null);
        let key = format!("schedule:{}:{}", schedule.id, schedule.next_run_at);
        jobs::enqueue(
            store,
            &NewJob {
                user_id: schedule.user_id,
                kind: &schedule.kind,
                payload: &payload,
                max_attempts: MAX_ATTEMPTS,
                idempotency_key: Some(&key),
                run_at: schedule.next_run_at,
                platform: None,
            },
            now,
        )
        .await?;
        let next = schedules::next_run(&schedule.cron, now.max(schedule.next_run_at))?;
        schedules::advance(store, schedule.id, schedule.next_run_at, next, now).await?;
    }
    Ok(due.len())
}

/// Runs [`enqueue_due`] every few seconds until shutdown.
pub async fn run(store: Store, mut shutdown: watch::Receiver<bool>) {
    loop {
        if let Err(error) = enqueue_due(&store, now_ms()).await {
            tracing::warn!(%error, "scheduler: enqueueing due schedules failed");
        }
        tokio::select! {
            _ = shutdown.changed() => return,
            () = tokio::time::sleep(TICK) => {}
        }
    }
}
