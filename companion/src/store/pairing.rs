use super::{Store, now_ms};
use crate::error::Result;

/// Wrong tries after which a code is burned.
pub const MAX_FAILED_ATTEMPTS: i64 = 5;

#[derive(sqlx::FromRow)]
pub struct PairingRow {
    pub secret_hash: String,
}

/// Stores a new code; `false` if its lookup part is taken by a live code (the caller draws
/// another). Dead codes are cleared first so their lookups can be reused.
pub async fn create(
    store: &Store,
    lookup: &str,
    user_id: i64,
    secret_hash: &str,
    expires_at: i64,
) -> Result<bool> {
    let now = now_ms();
    sqlx::query(
        "DELETE FROM pairing_codes WHERE expires_at <= $1 OR used_at IS NOT NULL OR failed_attempts >= $2",
    )
    .bind(now)
    .bind(MAX_FAILED_ATTEMPTS)
    .execute(store.pool())
    .await?;
    let result = sqlx::query(
        "INSERT INTO pairing_codes (lookup, user_id, secret_hash, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (lookup) DO NOTHING",
    )
    .bind(lookup)
    .bind(user_id)
    .bind(secret_hash)
    .bind(now)
    .bind(expires_at)
    .execute(store.pool())
    .await?;
    Ok(result.rows_affected() == 1)
}

/// A code that can still be redeemed.
pub async fn find_live(store: &Store, lookup: &str) -> Result<Option<PairingRow>> {
    Ok(sqlx::query_as(
        "SELECT secret_hash FROM pairing_codes
         WHERE lookup = $1 AND used_at IS NULL AND expires_at > $2 AND failed_attempts < $3",
    )
    .bind(lookup)
    .bind(now_ms())
    .bind(MAX_FAILED_ATTEMPTS)
    .fetch_optional(store.pool())
    .await?)
}

pub async fn record_failure(store: &Store, lookup: &str) -> Result<()> {
    sqlx::query("UPDATE pairing_codes SET failed_attempts = failed_attempts + 1 WHERE lookup = $1")
        .bind(lookup)
        .execute(store.pool())
        .await?;
    Ok(())
}

/// Marks the code used and returns its user, atomically: of two racing redeemers one wins.
pub async fn redeem(store: &Store, lookup: &str) -> Result<Option<i64>> {
    let now = now_ms();
    let row: Option<(i64,)> = sqlx::query_as(
        "UPDATE pairing_codes SET used_at = $2
         WHERE lookup = $1 AND used_at IS NULL AND expires_at > $2 AND failed_attempts < $3
         RETURNING user_id",
    )
    .bind(lookup)
    .bind(now)
    .bind(MAX_FAILED_ATTEMPTS)
    .fetch_optional(store.pool())
    .await?;
    Ok(row.map(|(user_id,)| user_id))
}
