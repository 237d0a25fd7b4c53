//! The user's profile (`/api/v1/profile`): the JSON Resume, the answer bank, free-text answers
//! and the resume PDF, each read and written with the version a write must name.

use serde::{Deserialize, Serialize};

use crate::profile::AnswerBank;

/// The resume with the version a write must name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ResumeDocument {
    /// A JSON Resume document; `{}` until the first save.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub resume: serde_json::Value,
    /// 0 until the first save; a PUT must send the version it read.
    pub version: i64,
    /// Unix milliseconds; absent until the first save.
    pub updated_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PutResume {
    /// A JSON Resume document.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub resume: serde_json::Value,
    /// The version last read (0 when none was saved yet).
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub version: i64,
}

/// The answer bank with the version a write must name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AnswersDocument {
    pub answers: AnswerBank,
    pub version: i64,
    pub updated_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PutAnswers {
    /// Parsed here rather than by the extractor, so that shape errors name their field.
    #[cfg_attr(feature = "openapi", schema(value_type = AnswerBank))]
    pub answers: serde_json::Value,
    #[cfg_attr(feature = "openapi", schema(minimum = 0))]
    pub version: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct FreeAnswerInfo {
    pub id: i64,
    pub question: String,
    pub answer: String,
    pub tags: Vec<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ResumePdfInfo {
    pub name: String,
    pub content_type: String,
    pub size: i64,
    /// Lower-case hex SHA-256 of the bytes.
    pub sha256: String,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// `PUT /api/v1/profile/resume-pdf?name=`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
pub struct ResumePdfQuery {
    /// The file name to keep (default `resume.pdf`).
    pub name: Option<String>,
}
