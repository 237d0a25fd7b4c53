//! The user's intake settings: the match step's hard filters and the model endpoint.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::llm::ModelEndpoint;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
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

const MAX_ENTRIES: usize = 200;
const MAX_ENTRY_CHARS: usize = 200;

impl IntakeSettings {
    /// Trims entries, drops empty ones and refuses what cannot be meant.
    pub fn validated(mut self) -> Result<IntakeSettings> {
        for (name, list) in [
            ("locations", &mut self.locations),
            ("titleInclude", &mut self.title_include),
            ("titleExclude", &mut self.title_exclude),
            ("companyBlocklist", &mut self.company_blocklist),
        ] {
            list.iter_mut()
                .for_each(|entry| *entry = entry.trim().to_owned());
            list.retain(|entry| !entry.is_empty());
            if list.len() > MAX_ENTRIES || list.iter().any(|e| e.chars().count() > MAX_ENTRY_CHARS)
            {
                return Err(Error::BadRequest(format!(
                    "{name}: at most {MAX_ENTRIES} entries of at most {MAX_ENTRY_CHARS} characters"
                )));
            }
        }
        if self.salary_floor.is_some_and(|floor| floor < 0) {
            return Err(Error::BadRequest("salaryFloor must not be negative".into()));
        }
        let base_url = self.model.base_url.trim().to_owned();
        if !base_url.is_empty() {
            let parsed = url::Url::parse(&base_url)
                .map_err(|e| Error::BadRequest(format!("model.baseUrl: {e}")))?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(Error::BadRequest(
                    "model.baseUrl must be http or https".into(),
                ));
            }
        }
        self.model.base_url = base_url;
        self.model.model = self.model.model.trim().to_owned();
        Ok(self)
    }
}

/// Each list as one entry per line, the form the settings page uses.
pub fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}
