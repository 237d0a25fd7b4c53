//! The user's stored session for a site, opened in memory for the run or the plan that goes
//! there, and the flag a run or a plan raises when that session no longer signs them in.

use shared::cookies::{CookieJar, Platform};
use shared::events::CREDENTIALS_REFRESH_NEEDED;

use super::Vault;
use crate::error::Result;
use crate::events::EventBus;
use crate::store::{credentials, now_ms};

impl Vault {
    /// The Connected Account whose cookies belong to `host` (a built-in platform or a custom
    /// site) and its jar, opened in memory without its expired cookies; none: the caller goes
    /// without a session. The jar's values must go nowhere but that site.
    pub async fn session_for(
        &self,
        user_id: i64,
        host: &str,
    ) -> Result<(Option<String>, CookieJar)> {
        for credential in self.list(user_id).await? {
            if Platform::lookup(&credential.platform).is_ok_and(|p| p.matches_domain(host)) {
                let jar = self.open_stored(user_id, &credential.platform).await?;
                // Cookie expiries are Unix seconds.
                let now_secs = now_ms() / 1000;
                return Ok((Some(credential.platform), jar.without_expired(now_secs)));
            }
        }
        Ok((None, CookieJar::default()))
    }

    /// Flags the Connected Account as needing a refresh (the session it holds no longer signs
    /// the user in); the extension's accounts view and the dashboard's then say so.
    pub async fn needs_refresh(
        &self,
        bus: &EventBus,
        user_id: i64,
        platform_id: &str,
    ) -> Result<()> {
        if !credentials::mark_refresh_needed(&self.store, user_id, platform_id, now_ms()).await? {
            // No jar stored: nothing to refresh, the caller went without a session.
            return Ok(());
        }
        let name = Platform::name_of(platform_id);
        bus.emit(
            user_id,
            CREDENTIALS_REFRESH_NEEDED,
            serde_json::json!({ "platform": platform_id, "name": name }),
        )
        .await?;
        Ok(())
    }
}
