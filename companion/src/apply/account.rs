//! A run that found the stored session expired flags the Connected Account, and the
//! extension's accounts view (and the dashboard's) says to sign in and refresh it.

use shared::events::CREDENTIALS_REFRESH_NEEDED;

use crate::error::Result;
use crate::state::AppState;
use crate::store::{credentials, now_ms};

pub async fn needs_refresh(state: &AppState, user_id: i64, platform_id: &str) -> Result<()> {
    if !credentials::mark_refresh_needed(&state.store, user_id, platform_id, now_ms()).await? {
        // No jar stored: nothing to refresh, the run went without a session.
        return Ok(());
    }
    let name = shared::cookies::Platform::lookup(platform_id)
        .map_or_else(|_| platform_id.to_owned(), |p| p.name);
    state
        .bus
        .emit(
            user_id,
            CREDENTIALS_REFRESH_NEEDED,
            serde_json::json!({ "platform": platform_id, "name": name }),
        )
        .await?;
    Ok(())
}
