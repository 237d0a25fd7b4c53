//! Recruiting mail in the companion: inbound webhooks and uploads stored raw, classified
//! by a job (built-in rules plus the user's own), linked to applications.

pub mod credentials;
pub mod effects;
pub mod import;
pub mod inbound;
pub mod messages;

use shared::mail::Classifier;

use crate::config::Config;
use crate::error::{Error, Result};

/// The refusal of a message over `mail_max_bytes`: one type and detail whether the limit
/// was hit by the declared length, while the body streamed in, or by the message in it.
pub fn too_large(limit: usize) -> Error {
    Error::TooLarge(format!("the message is larger than {limit} bytes"))
}

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
