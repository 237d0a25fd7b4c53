//! The match step's filters and the model endpoint (`/api/v1/settings/intake`).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct IntakeSettings {
    /// Acceptable locations; a posting must mention one of them (case-insensitive), unless it
    /// is remote and `remoteAllowed`. Empty: any location.
    pub locations: Vec<String>,
    /// A remote posting passes the location filter.
    pub remote_allowed: bool,
    /// Only remote postings pass.
    pub remote_only: bool,
    /// Postings whose top salary is below this fail; unknown salaries pass.
    pub salary_floor: Option<i64>,
    /// A title must contain one of these (case-insensitive). Empty: any title.
    pub title_include: Vec<String>,
    /// A title containing one of these fails.
    pub title_exclude: Vec<String>,
    /// Companies never applied to (case-insensitive, exact name).
    pub company_blocklist: Vec<String>,
    /// An OpenAI-compatible endpoint for later steps (embeddings, answers). The API key is
    /// not kept here: it comes from the companion's configuration.
    pub model: ModelEndpoint,
}

impl Default for IntakeSettings {
    fn default() -> Self {
        IntakeSettings {
            locations: Vec::new(),
            remote_allowed: true,
            remote_only: false,
            salary_floor: None,
            title_include: Vec::new(),
            title_exclude: Vec::new(),
            company_blocklist: Vec::new(),
            model: ModelEndpoint::default(),
        }
    }
}

/// An OpenAI-compatible endpoint and model, as a user sets it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct ModelEndpoint {
    /// e.g. `http://127.0.0.1:11434/v1`; empty: none.
    pub base_url: String,
    pub model: String,
}
