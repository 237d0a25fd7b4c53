//! The profile export file: resume, answer bank and free-text answers in one JSON document
//! that `POST /api/v1/profile/import` takes back.

use serde::{Deserialize, Serialize};

use super::{AnswerBank, FieldError, FreeAnswer, Problems};

pub const EXPORT_FORMAT: &str = "autoresume-profile";
pub const EXPORT_VERSION: u32 = 1;
const MAX_FREE_ANSWERS: usize = 500;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProfileExport {
    /// Always `autoresume-profile`.
    pub format: String,
    /// Always 1 for now.
    pub version: u32,
    /// Unix milliseconds.
    #[serde(default)]
    pub exported_at: i64,
    /// A JSON Resume document.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub resume: serde_json::Value,
    #[serde(default)]
    pub answers: AnswerBank,
    #[serde(default)]
    pub free_answers: Vec<FreeAnswer>,
}

impl ProfileExport {
    /// Parses and checks everything but the resume schema (the caller's job); free answers
    /// come back normalised.
    pub fn parse(json: &str) -> Result<ProfileExport, Problems> {
        let mut file: ProfileExport = super::parse_json(json)?;
        let mut problems = Vec::new();
        if file.format != EXPORT_FORMAT {
            problems.push(FieldError {
                path: "format".into(),
                message: format!("must be {EXPORT_FORMAT:?}: this is not a profile export"),
            });
        }
        if file.version != EXPORT_VERSION {
            problems.push(FieldError {
                path: "version".into(),
                message: format!(
                    "version {} is not supported (only {EXPORT_VERSION})",
                    file.version
                ),
            });
        }
        if !file.resume.is_object() {
            problems.push(FieldError {
                path: "resume".into(),
                message: "must be a JSON Resume object".into(),
            });
        }
        if let Err(Problems(found)) = file.answers.validate_at("answers.") {
            problems.extend(found);
        }
        if file.free_answers.len() > MAX_FREE_ANSWERS {
            problems.push(FieldError {
                path: "freeAnswers".into(),
                message: format!("at most {MAX_FREE_ANSWERS} answers"),
            });
        }
        file.free_answers = file
            .free_answers
            .into_iter()
            .map(FreeAnswer::normalized)
            .collect();
        for (i, answer) in file.free_answers.iter().enumerate() {
            if let Err(Problems(found)) = answer.validate_at(&format!("freeAnswers[{i}].")) {
                problems.extend(found);
            }
        }
        if problems.is_empty() {
            Ok(file)
        } else {
            Err(Problems(problems))
        }
    }
}
