use super::{Store, now_ms};
use crate::error::Result;

/// The stored identity key (wrapped); `fresh_seed` is stored only if there is none yet, so
/// companions starting together on one database agree on one key.
pub async fn load_or_create(store: &Store, fresh_seed: &[u8]) -> Result<Vec<u8>> {
    sqlx::query(
        "INSERT INTO companion_identity (id, signing_key, created_at) VALUES (1, $1, $2)
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(fresh_seed)
    .bind(now_ms())
    .execute(store.pool())
    .await?;
    let (seed,): (Vec<u8>,) =
        sqlx::query_as("SELECT signing_key FROM companion_identity WHERE id = 1")
            .fetch_one(store.pool())
            .await?;
    Ok(seed)
}

pub async fn replace(store: &Store, signing_key: &[u8]) -> Result<()> {
    sqlx::query("UPDATE companion_identity SET signing_key = $1 WHERE id = 1")
        .bind(signing_key)
        .execute(store.pool())
        .await?;
    Ok(())
}
