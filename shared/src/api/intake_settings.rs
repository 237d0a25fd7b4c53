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
    /// The user's own OpenAI-compatible endpoint (drafts of free-text answers today), with
    /// their own API key; empty: the companion's model, if its operator configured one.
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

/// An OpenAI-compatible endpoint and model, as a user sets it. The companion's own API key
/// never goes to an endpoint a user names: theirs gets the key they set here, or none.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct ModelEndpoint {
    /// e.g. `http://127.0.0.1:11434/v1`; empty: the companion's model.
    pub base_url: String,
    /// The model's name; empty with an empty `baseUrl`: the companion's default.
    pub model: String,
    /// Write-only: the API key for `baseUrl`, stored wrapped and never returned. Absent or
    /// null keeps the stored key (while `baseUrl` stays the same); `""` forgets it.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(write_only))]
    pub api_key: Option<String>,
    /// Read-only: whether a key is stored for this `baseUrl` (ignored when sent).
    #[cfg_attr(feature = "openapi", schema(read_only))]
    pub api_key_set: bool,
}

impl std::fmt::Debug for ModelEndpoint {
    // The key is a secret: a logged value must not carry it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelEndpoint")
            .field("base_url", &self.base_url)
            .field("model", &self.model)
            .field("api_key", &self.api_key.as_ref().map(|_| "****"))
            .field("api_key_set", &self.api_key_set)
            .finish()
    }
}
