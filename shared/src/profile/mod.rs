//! The user's profile beyond the resume: the typed answer bank, free-text answers to
//! recurring questions, and the export file that carries them with the JSON Resume.
//! Validation here is pure; the companion adds the JSON Resume schema check.

pub mod answers;
pub mod countries;
pub mod dates;
mod export;
mod free_answers;

pub use answers::AnswerBank;
pub use export::{EXPORT_FORMAT, EXPORT_VERSION, ProfileExport};
pub use free_answers::FreeAnswer;

use serde::{Deserialize, Serialize};

/// One problem with one field: `path` is where in the JSON (`salary.currency`,
/// `workAuthorization[1].country`, `/basics/email` for resume schema errors).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub path: String,
    pub message: String,
}

/// Every problem found in one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problems(pub Vec<FieldError>);

impl std::fmt::Display for Problems {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|e| {
                if e.path.is_empty() {
                    e.message.clone()
                } else {
                    format!("{}: {}", e.path, e.message)
                }
            })
            .collect();
        f.write_str(&parts.join("; "))
    }
}

impl std::error::Error for Problems {}

/// Deserialises with the failing field's path in the error, not just a line and column.
fn parse_json<T: serde::de::DeserializeOwned>(json: &str) -> Result<T, Problems> {
    let mut deserializer = serde_json::Deserializer::from_str(json);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        let path = e.path().to_string();
        Problems(vec![FieldError {
            path: if path == "." { String::new() } else { path },
            message: e.into_inner().to_string(),
        }])
    })?;
    deserializer.end().map_err(|e| {
        Problems(vec![FieldError {
            path: String::new(),
            message: e.to_string(),
        }])
    })?;
    Ok(value)
}

#[cfg(test)]
mod tests;
