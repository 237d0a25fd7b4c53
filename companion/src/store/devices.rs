use shared::api::DeviceInfo;

use super::{Store, now_ms};
use crate::error::Result;

#[derive(sqlx::FromRow)]
pub struct DeviceRow {
    pub id: String,
    pub user_id: i64,
    pub name: String,
    pub created_at: i64,
    pub last_seen_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

impl From<DeviceRow> for DeviceInfo {
    fn from(row: DeviceRow) -> Self {
        DeviceInfo {
            id: row.id,
            name: row.name,
            created_at: row.created_at,
            last_seen_at: row.last_seen_at,
            revoked_at: row.revoked_at,
        }
    }
}

macro_rules! columns {
    () => {
        "id, user_id, name, created_at, last_seen_at, revoked_at"
    };
}

pub async fn create(
    store: &Store,
    id: &str,
    user_id: i64,
    name: &str,
    token_hash: &str,
) -> Result<DeviceRow> {
    Ok(sqlx::query_as(concat!(
        "INSERT INTO devices (id, user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)
         RETURNING ",
        columns!()
    ))
    .bind(id)
    .bind(user_id)
    .bind(name)
    .bind(token_hash)
    .bind(now_ms())
    .fetch_one(store.pool())
    .await?)
}

pub async fn find_by_token_hash(store: &Store, token_hash: &str) -> Result<Option<DeviceRow>> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM devices WHERE token_hash = $1"
    ))
    .bind(token_hash)
    .fetch_optional(store.pool())
    .await?)
}

pub async fn get(store: &Store, user_id: i64, id: &str) -> Result<Option<DeviceRow>> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM devices WHERE user_id = $1 AND id = $2"
    ))
    .bind(user_id)
    .bind(id)
    .fetch_optional(store.pool())
    .await?)
}

pub async fn list(store: &Store, user_id: i64) -> Result<Vec<DeviceRow>> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM devices WHERE user_id = $1 ORDER BY revoked_at IS NOT NULL, created_at DESC"
    ))
    .bind(user_id)
    .fetch_all(store.pool())
    .await?)
}

/// Revokes the user's device; `None` when the user has no such device. Revoking twice keeps
/// the first time.
pub async fn revoke(store: &Store, user_id: i64, id: &str) -> Result<Option<DeviceRow>> {
    Ok(sqlx::query_as(concat!(
        "UPDATE devices SET revoked_at = COALESCE(revoked_at, $3) WHERE user_id = $1 AND id = $2 RETURNING ",
        columns!()
    ))
    .bind(user_id)
    .bind(id)
    .bind(now_ms())
    .fetch_optional(store.pool())
    .await?)
}

/// Records use; at most once a minute per device to spare the writer.
pub async fn touch(store: &Store, id: &str) -> Result<()> {
    let now = now_ms();
    sqlx::query(
        "UPDATE devices SET last_seen_at = $2
         WHERE id = $1 AND (last_seen_at IS NULL OR last_seen_at < $3)",
    )
    .bind(id)
    .bind(now)
    .bind(now - 60_000)
    .execute(store.pool())
    .await?;
    Ok(())
}
