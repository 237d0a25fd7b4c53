//! Each user's own model API key, wrapped, with the base URL it was entered for.

use super::Store;
use crate::error::Result;

/// The wrapped key, if one is stored for exactly this base URL.
pub async fn get(store: &Store, user_id: i64, base_url: &str) -> Result<Option<Vec<u8>>> {
    let row: Option<(Vec<u8>,)> =
        sqlx::query_as("SELECT key_wrapped FROM model_keys WHERE user_id = $1 AND base_url = $2")
            .bind(user_id)
            .bind(base_url)
            .fetch_optional(store.pool())
            .await?;
    Ok(row.map(|(wrapped,)| wrapped))
}

pub async fn put(
    store: &Store,
    user_id: i64,
    base_url: &str,
    wrapped: &[u8],
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO model_keys (user_id, base_url, key_wrapped, updated_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id) DO UPDATE SET base_url = excluded.base_url,
                                             key_wrapped = excluded.key_wrapped,
                                             updated_at = excluded.updated_at",
    )
    .bind(user_id)
    .bind(base_url)
    .bind(wrapped)
    .bind(now)
    .execute(store.pool())
    .await?;
    Ok(())
}

/// Forgets the user's key unless it was entered for `keep_for` (None: whatever its URL).
pub async fn forget(store: &Store, user_id: i64, keep_for: Option<&str>) -> Result<()> {
    sqlx::query("DELETE FROM model_keys WHERE user_id = $1 AND base_url <> COALESCE($2, '')")
        .bind(user_id)
        .bind(keep_for)
        .execute(store.pool())
        .await?;
    Ok(())
}
