//! The run itself.

use super::{Attempt, Report, Watch};
use crate::error::{Error, Result};

/// One reusable headless browser per worker (warm); each attempt gets a fresh in-memory
/// context.
pub struct Runner {
    allow_hosts: Vec<String>,
}

impl Runner {
    pub fn new(config: &crate::config::Config) -> Runner {
        Runner {
            allow_hosts: config.fetch_allow_hosts.clone(),
        }
    }

    pub async fn attempt(&self, _attempt: Attempt<'_>, _watch: &dyn Watch) -> Result<Report> {
        Err(Error::Internal(format!(
            "the headless apply is not built yet ({} allowed hosts)",
            self.allow_hosts.len()
        )))
    }
}
