use super::{Store, now_ms};
use crate::error::Result;

pub async fn master_check(store: &Store) -> Result<Option<Vec<u8>>> {
    let row: Option<(Vec<u8>,)> =
        sqlx::query_as("SELECT check_value FROM vault_master WHERE id = 1")
            .fetch_optional(store.pool())
            .await?;
    Ok(row.map(|(check,)| check))
}

/// Stores the check value unless another companion stored one first.
pub async fn insert_master_check(store: &Store, check: &[u8]) -> Result<()> {
    sqlx::query(
        "INSERT INTO vault_master (id, check_value, created_at) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING",
    )
    .bind(check)
    .bind(now_ms())
    .execute(store.pool())
    .await?;
    Ok(())
}

pub async fn any_wrapped_key(store: &Store) -> Result<bool> {
    let (count,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM vault_keys WHERE wrapped_secret IS NOT NULL")
            .fetch_one(store.pool())
            .await?;
    Ok(count > 0)
}

#[derive(sqlx::FromRow)]
pub struct VaultKeyRow {
    pub key_id: String,
    pub public_key: Vec<u8>,
    pub wrapped_secret: Option<Vec<u8>>,
}

/// The user's current (newest unretired) key.
pub async fn current_key(store: &Store, user_id: i64) -> Result<Option<VaultKeyRow>> {
    Ok(sqlx::query_as(
        "SELECT key_id, public_key, wrapped_secret FROM vault_keys
         WHERE user_id = $1 AND retired_at IS NULL ORDER BY created_at DESC, key_id LIMIT 1",
    )
    .bind(user_id)
    .fetch_optional(store.pool())
    .await?)
}

pub async fn key(store: &Store, user_id: i64, key_id: &str) -> Result<Option<VaultKeyRow>> {
    Ok(sqlx::query_as(
        "SELECT key_id, public_key, wrapped_secret FROM vault_keys
         WHERE user_id = $1 AND key_id = $2 AND retired_at IS NULL",
    )
    .bind(user_id)
    .bind(key_id)
    .fetch_optional(store.pool())
    .await?)
}

pub async fn insert_key(
    store: &Store,
    user_id: i64,
    key_id: &str,
    public_key: &[u8],
    wrapped_secret: &[u8],
) -> Result<()> {
    sqlx::query(
        "INSERT INTO vault_keys (user_id, key_id, public_key, wrapped_secret, created_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(user_id)
    .bind(key_id)
    .bind(public_key)
    .bind(wrapped_secret)
    .bind(now_ms())
    .execute(store.pool())
    .await?;
    Ok(())
}

/// Retires every key of the user but `keep`, erasing their wrapped secrets.
pub async fn retire_other_keys(store: &Store, user_id: i64, keep: &str) -> Result<u64> {
    let result = sqlx::query(
        "UPDATE vault_keys SET retired_at = $3, wrapped_secret = NULL
         WHERE user_id = $1 AND key_id <> $2 AND retired_at IS NULL",
    )
    .bind(user_id)
    .bind(keep)
    .bind(now_ms())
    .execute(store.pool())
    .await?;
    Ok(result.rows_affected())
}
