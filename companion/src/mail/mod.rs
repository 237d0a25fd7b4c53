//! Recruiting mail in the companion: the classifier with the user's own rules, and what
//! the `companion mail` commands print.

pub mod cli;

use shared::mail::Classifier;

use crate::config::Config;
use crate::error::{Error, Result};

/// The built-in rules, extended by the file `mail_rules_path` names (if any).
pub fn classifier(config: &Config) -> Result<Classifier> {
    let extra = if config.mail_rules_path.is_empty() {
        None
    } else {
        Some(
            std::fs::read_to_string(&config.mail_rules_path).map_err(|e| {
                Error::Config(format!("mail_rules_path {}: {e}", config.mail_rules_path))
            })?,
        )
    };
    Classifier::with_rules(extra.as_deref()).map_err(|e| Error::Config(e.to_string()))
}
