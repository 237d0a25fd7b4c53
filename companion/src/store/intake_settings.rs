//! Each user's intake settings, stored as one JSON document.

use super::Store;
use crate::error::Result;

pub async fn get(store: &Store, user_id: i64) -> Result<Option<String>> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT settings FROM intake_settings WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(store.pool())
            .await?;
    Ok(row.map(|(settings,)| settings))
}

pub async fn put(
    store: &Store,
    user_id: i64,
    settings: &serde_json::Value,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO intake_settings (user_id, settings, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (user_id) DO UPDATE SET settings = excluded.settings,
                                             updated_at = excluded.updated_at",
    )
    .bind(user_id)
    .bind(settings.to_string())
    .bind(now)
    .execute(store.pool())
    .await?;
    Ok(())
}
