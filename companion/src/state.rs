use std::sync::{Arc, Mutex};

use metrics_exporter_prometheus::PrometheusHandle;
use tokio::sync::watch;

use crate::auth::passwords::Passwords;
use crate::auth::rate_limit::AttemptLimiter;
use crate::auth::tokens;
use crate::config::Config;
use crate::events::EventBus;
use crate::store::Store;
use crate::vault::Vault;
use crate::vault::identity::Identity;

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub store: Store,
    pub bus: EventBus,
    pub identity: Identity,
    pub vault: Vault,
    pub passwords: Passwords,
    pub auth_limiter: AttemptLimiter,
    pub setup: SetupToken,
    pub metrics: PrometheusHandle,
    /// Flips to true on shutdown so that endless SSE streams end and the server can stop.
    pub shutdown: watch::Receiver<bool>,
    /// The one way to fetch a URL someone else chose (SSRF-checked).
    pub fetcher: crate::fetch::Fetcher,
}

/// The one-time secret in the first-run setup URL, held only in memory and only while no
/// user exists.
#[derive(Clone, Default)]
pub struct SetupToken {
    hash: Arc<Mutex<Option<String>>>,
}

impl SetupToken {
    /// Draws a new token and returns it; the previous one stops working.
    pub fn issue(&self) -> crate::error::Result<String> {
        let token = tokens::generate_secret()?;
        if let Ok(mut hash) = self.hash.lock() {
            *hash = Some(tokens::hash(&token));
        }
        Ok(token)
    }

    pub fn matches(&self, token: &str) -> bool {
        let Ok(hash) = self.hash.lock() else {
            return false;
        };
        hash.as_deref()
            .is_some_and(|h| tokens::constant_time_eq(h, &tokens::hash(token)))
    }

    pub fn burn(&self) {
        if let Ok(mut hash) = self.hash.lock() {
            *hash = None;
        }
    }
}
