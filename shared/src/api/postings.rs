//! Job postings (`/api/v1/postings`): what is saved, the match step's outcome, CSV imports.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Extension,
    Url,
    Paste,
    Csv,
    Greenhouse,
    Lever,
    Ashby,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Extension => "extension",
            Source::Url => "url",
            Source::Paste => "paste",
            Source::Csv => "csv",
            Source::Greenhouse => "greenhouse",
            Source::Lever => "lever",
            Source::Ashby => "ashby",
        }
    }
}

/// What `POST /api/v1/postings` accepts besides a schema.org `JobPosting` JSON-LD object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct PostingRequest {
    /// Alone: the page is fetched and read (JSON-LD, else title and meta tags).
    pub url: Option<String>,
    pub title: Option<String>,
    pub company: Option<String>,
    /// HTML or plain text; sanitised.
    pub description: Option<String>,
    pub location: Option<String>,
    pub remote: bool,
    /// A pasted description; title and company default to its first two lines.
    pub text: Option<String>,
}

/// A stored posting and the match step's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PostingInfo {
    pub id: i64,
    pub source: Source,
    pub url: Option<String>,
    pub canonical_url: Option<String>,
    pub company: String,
    pub title: String,
    pub location: Option<String>,
    pub remote: bool,
    pub salary_min: Option<i64>,
    pub salary_max: Option<i64>,
    pub salary_currency: Option<String>,
    /// Allow-listed HTML: no scripts, handlers, styles or images.
    pub description_html: String,
    pub description_text: String,
    /// Unix milliseconds.
    pub posted_at: Option<i64>,
    pub created_at: i64,
    /// Absent until the match step ran.
    #[serde(rename = "match")]
    pub outcome: Option<MatchOutcome>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MatchOutcome {
    /// Every hard filter passed.
    pub passed: bool,
    /// Relevance in 0..=1.
    pub score: f64,
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SavedPosting {
    /// True when the user already had this posting (same canonical URL, or same company
    /// and title); `posting` is then the existing one.
    pub duplicate: bool,
    pub posting: PostingInfo,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ImportReport {
    pub imported: Vec<ImportedRow>,
    pub duplicates: Vec<ImportedRow>,
    pub rejected: Vec<RejectedRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ImportedRow {
    /// The line the row starts on (the header is line 1).
    pub line: u64,
    pub posting_id: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RejectedRow {
    pub line: u64,
    pub reason: String,
}
