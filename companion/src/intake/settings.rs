//! The user's intake settings: the match step's hard filters and the model endpoint.

use shared::api::IntakeSettings;

use crate::error::{Error, Result};

const MAX_ENTRIES: usize = 200;
const MAX_ENTRY_CHARS: usize = 200;

/// Trims entries, drops empty ones and refuses what cannot be meant, a model endpoint the
/// fetch rules refuse among them (its host name is checked again when it is called).
pub fn validated(mut settings: IntakeSettings, allow_hosts: &[String]) -> Result<IntakeSettings> {
    for (name, list) in [
        ("locations", &mut settings.locations),
        ("titleInclude", &mut settings.title_include),
        ("titleExclude", &mut settings.title_exclude),
        ("companyBlocklist", &mut settings.company_blocklist),
    ] {
        list.iter_mut()
            .for_each(|entry| *entry = entry.trim().to_owned());
        list.retain(|entry| !entry.is_empty());
        if list.len() > MAX_ENTRIES || list.iter().any(|e| e.chars().count() > MAX_ENTRY_CHARS) {
            return Err(Error::BadRequest(format!(
                "{name}: at most {MAX_ENTRIES} entries of at most {MAX_ENTRY_CHARS} characters"
            )));
        }
    }
    if settings.salary_floor.is_some_and(|floor| floor < 0) {
        return Err(Error::BadRequest("salaryFloor must not be negative".into()));
    }
    let base_url = settings.model.base_url.trim().to_owned();
    if !base_url.is_empty() {
        crate::fetch::check_url(&base_url, allow_hosts)
            .map_err(|e| Error::BadRequest(format!("model.baseUrl: {e}")))?;
    }
    settings.model.base_url = base_url;
    settings.model.model = settings.model.model.trim().to_owned();
    Ok(settings)
}

/// Each list as one entry per line, the form the settings page uses.
pub fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}
