use super::{Store, now_ms};
use crate::error::Result;

#[derive(sqlx::FromRow)]
pub struct CredentialRow {
    pub platform: String,
    pub encrypted_session_cookie: String,
    pub key_id: String,
    pub metadata: String,
    pub updated_at: i64,
    pub refresh_needed_at: Option<i64>,
}

pub async fn upsert(
    store: &Store,
    user_id: i64,
    platform: &str,
    envelope: &str,
    key_id: &str,
    metadata: &str,
) -> Result<i64> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO encrypted_credentials (user_id, platform, encrypted_session_cookie, key_id, metadata, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (user_id, platform) DO UPDATE SET
             encrypted_session_cookie = excluded.encrypted_session_cookie,
             key_id = excluded.key_id, metadata = excluded.metadata, updated_at = excluded.updated_at,
             refresh_needed_at = NULL",
    )
    .bind(user_id)
    .bind(platform)
    .bind(envelope)
    .bind(key_id)
    .bind(metadata)
    .bind(now)
    .execute(store.pool())
    .await?;
    Ok(now)
}

pub async fn list(store: &Store, user_id: i64) -> Result<Vec<CredentialRow>> {
    Ok(sqlx::query_as(
        "SELECT platform, encrypted_session_cookie, key_id, metadata, updated_at, refresh_needed_at
         FROM encrypted_credentials WHERE user_id = $1 ORDER BY platform",
    )
    .bind(user_id)
    .fetch_all(store.pool())
    .await?)
}

pub async fn get(store: &Store, user_id: i64, platform: &str) -> Result<Option<CredentialRow>> {
    Ok(sqlx::query_as(
        "SELECT platform, encrypted_session_cookie, key_id, metadata, updated_at, refresh_needed_at
         FROM encrypted_credentials WHERE user_id = $1 AND platform = $2",
    )
    .bind(user_id)
    .bind(platform)
    .fetch_optional(store.pool())
    .await?)
}

pub async fn delete(store: &Store, user_id: i64, platform: &str) -> Result<bool> {
    let result =
        sqlx::query("DELETE FROM encrypted_credentials WHERE user_id = $1 AND platform = $2")
            .bind(user_id)
            .bind(platform)
            .execute(store.pool())
            .await?;
    Ok(result.rows_affected() == 1)
}

/// Replaces a jar re-sealed during key rotation, only if nobody changed it meanwhile.
pub async fn replace_sealed(
    store: &Store,
    user_id: i64,
    platform: &str,
    old_key_id: &str,
    envelope: &str,
    key_id: &str,
) -> Result<bool> {
    let result = sqlx::query(
        "UPDATE encrypted_credentials SET encrypted_session_cookie = $4, key_id = $5
         WHERE user_id = $1 AND platform = $2 AND key_id = $3",
    )
    .bind(user_id)
    .bind(platform)
    .bind(old_key_id)
    .bind(envelope)
    .bind(key_id)
    .execute(store.pool())
    .await?;
    Ok(result.rows_affected() == 1)
}

/// An apply found the platform's session expired: the account needs a refresh. False when
/// no jar is stored for it.
pub async fn mark_refresh_needed(
    store: &Store,
    user_id: i64,
    platform: &str,
    now: i64,
) -> Result<bool> {
    let result = sqlx::query(
        "UPDATE encrypted_credentials SET refresh_needed_at = $3
         WHERE user_id = $1 AND platform = $2",
    )
    .bind(user_id)
    .bind(platform)
    .bind(now)
    .execute(store.pool())
    .await?;
    Ok(result.rows_affected() == 1)
}
