//! `mail_inbound` (each user's webhook credentials) and `mailgun_tokens` (the replay cache).

use super::Store;
use crate::error::Result;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InboundRow {
    pub user_id: i64,
    pub secret_hash: String,
    pub postmark_user: String,
    pub postmark_password_hash: String,
    pub mailgun_key_wrapped: Option<Vec<u8>>,
    pub created_at: i64,
    pub updated_at: i64,
}

const COLUMNS: &str = "user_id, secret_hash, postmark_user, postmark_password_hash, \
    mailgun_key_wrapped, created_at, updated_at";

pub async fn get(store: &Store, user_id: i64) -> Result<Option<InboundRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM mail_inbound WHERE user_id = $1"
    )))
    .bind(user_id)
    .fetch_optional(store.pool())
    .await?)
}

pub async fn find_by_secret_hash(store: &Store, secret_hash: &str) -> Result<Option<InboundRow>> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM mail_inbound WHERE secret_hash = $1"
    )))
    .bind(secret_hash)
    .fetch_optional(store.pool())
    .await?)
}

/// Sets new inbound credentials; the Mailgun key stays.
pub async fn put_credentials(
    store: &Store,
    user_id: i64,
    secret_hash: &str,
    postmark_user: &str,
    postmark_password_hash: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO mail_inbound (user_id, secret_hash, postmark_user, postmark_password_hash,
             created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5)
         ON CONFLICT (user_id) DO UPDATE SET secret_hash = excluded.secret_hash,
             postmark_user = excluded.postmark_user,
             postmark_password_hash = excluded.postmark_password_hash,
             updated_at = excluded.updated_at",
    )
    .bind(user_id)
    .bind(secret_hash)
    .bind(postmark_user)
    .bind(postmark_password_hash)
    .bind(now)
    .execute(store.pool())
    .await?;
    Ok(())
}

/// Stores (or with None, forgets) the wrapped Mailgun signing key; false when the user has
/// no inbound credentials yet.
pub async fn set_mailgun_key(
    store: &Store,
    user_id: i64,
    wrapped: Option<&[u8]>,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE mail_inbound SET mailgun_key_wrapped = $2, updated_at = $3 WHERE user_id = $1",
    )
    .bind(user_id)
    .bind(wrapped)
    .bind(now)
    .execute(store.pool())
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Records a Mailgun token; false when it was seen before (a replay).
pub async fn remember_token(
    store: &Store,
    user_id: i64,
    token: &str,
    expires_at: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO mailgun_tokens (user_id, token, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, token) DO NOTHING",
    )
    .bind(user_id)
    .bind(token)
    .bind(expires_at)
    .execute(store.pool())
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Forgets tokens whose timestamps can no longer pass the window check anyway.
pub async fn delete_expired_tokens(store: &Store, now: i64) -> Result<u64> {
    let done = sqlx::query("DELETE FROM mailgun_tokens WHERE expires_at < $1")
        .bind(now)
        .execute(store.pool())
        .await?;
    Ok(done.rows_affected())
}
