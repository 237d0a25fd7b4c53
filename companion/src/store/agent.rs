//! The user's controls over their agent: the pause switch for applies (jobs with a
//! platform) and per-platform overrides of the apply limits. `store::jobs::claim` reads
//! both inside the claim itself.

use super::Store;
use crate::error::Result;

/// A user's override for one platform; `None` keeps the configured default.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PlatformLimit {
    pub platform: String,
    pub max_concurrent: Option<i64>,
    pub per_hour: Option<i64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pause {
    pub paused: bool,
    /// Unix ms of the last pause, while paused.
    pub paused_at: Option<i64>,
}

pub async fn pause_state(store: &Store, user_id: i64) -> Result<Pause> {
    let row: Option<(i64, Option<i64>)> =
        sqlx::query_as("SELECT paused, paused_at FROM agent_controls WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(store.pool())
            .await?;
    Ok(
        row.map_or_else(Pause::default, |(paused, paused_at)| Pause {
            paused: paused != 0,
            paused_at,
        }),
    )
}

/// Sets the pause switch; true when it changed (a first "running" changes nothing).
pub async fn set_paused(store: &Store, user_id: i64, paused: bool, now: i64) -> Result<bool> {
    let before = pause_state(store, user_id).await?;
    if before.paused == paused {
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO agent_controls (user_id, paused, paused_at, updated_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id) DO UPDATE SET
             paused = excluded.paused, paused_at = excluded.paused_at,
             updated_at = excluded.updated_at",
    )
    .bind(user_id)
    .bind(i64::from(paused))
    .bind(paused.then_some(now))
    .bind(now)
    .execute(store.pool())
    .await?;
    Ok(true)
}

pub async fn limits(store: &Store, user_id: i64) -> Result<Vec<PlatformLimit>> {
    Ok(sqlx::query_as(
        "SELECT platform, max_concurrent, per_hour FROM platform_limits
         WHERE user_id = $1 ORDER BY platform",
    )
    .bind(user_id)
    .fetch_all(store.pool())
    .await?)
}

/// Replaces the user's overrides with `limits` in one transaction.
pub async fn replace_limits(
    store: &Store,
    user_id: i64,
    limits: &[PlatformLimit],
    now: i64,
) -> Result<()> {
    let mut tx = store.pool().begin().await?;
    sqlx::query("DELETE FROM platform_limits WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    for limit in limits {
        sqlx::query(
            "INSERT INTO platform_limits (user_id, platform, max_concurrent, per_hour, updated_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(user_id)
        .bind(&limit.platform)
        .bind(limit.max_concurrent)
        .bind(limit.per_hour)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Whether the user's approvals are dry runs by default (on until they turn it off).
pub async fn dry_run(store: &Store, user_id: i64) -> Result<bool> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT dry_run FROM agent_controls WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(store.pool())
            .await?;
    Ok(row.is_none_or(|(on,)| on != 0))
}

pub async fn set_dry_run(store: &Store, user_id: i64, on: bool, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO agent_controls (user_id, paused, dry_run, updated_at)
         VALUES ($1, 0, $2, $3)
         ON CONFLICT (user_id) DO UPDATE SET
             dry_run = excluded.dry_run, updated_at = excluded.updated_at",
    )
    .bind(user_id)
    .bind(i64::from(on))
    .bind(now)
    .execute(store.pool())
    .await?;
    Ok(())
}
