//! The resume's basics as form fields, the rest as raw JSON.

use serde_json::{Map, Value, json};
use shared::profile::Problems;
use shared::profile::countries::is_country_code;

use super::{field, problem, text};

/// The resume's basics as form fields, and the rest as raw JSON.
#[derive(Debug, Clone, Default)]
pub struct ResumeForm {
    pub version: i64,
    pub name: String,
    pub label: String,
    pub email: String,
    pub phone: String,
    pub url: String,
    pub city: String,
    pub country_code: String,
    pub summary: String,
    pub linkedin: String,
    pub github: String,
    /// Everything but `basics`, as JSON.
    pub advanced: String,
}

/// The two networks the form edits; other profiles stay as they are.
const NETWORKS: [&str; 2] = ["LinkedIn", "GitHub"];

fn profile_url(basics: &Value, network: &str) -> String {
    basics
        .get("profiles")
        .and_then(Value::as_array)
        .and_then(|profiles| {
            profiles.iter().find(|p| {
                p.get("network")
                    .and_then(Value::as_str)
                    .is_some_and(|n| n.eq_ignore_ascii_case(network))
            })
        })
        .map(|p| text(p.get("url")))
        .unwrap_or_default()
}

fn set_or_remove(object: &mut Map<String, Value>, key: &str, value: &str) {
    if value.is_empty() {
        object.remove(key);
    } else {
        object.insert(key.into(), Value::String(value.into()));
    }
}

impl ResumeForm {
    pub fn from_resume(resume: &Value, version: i64) -> ResumeForm {
        let basics = resume.get("basics").cloned().unwrap_or_else(|| json!({}));
        let location = basics.get("location").cloned().unwrap_or_else(|| json!({}));
        let mut rest = resume.as_object().cloned().unwrap_or_default();
        rest.remove("basics");
        ResumeForm {
            version,
            name: text(basics.get("name")),
            label: text(basics.get("label")),
            email: text(basics.get("email")),
            phone: text(basics.get("phone")),
            url: text(basics.get("url")),
            city: text(location.get("city")),
            country_code: text(location.get("countryCode")),
            summary: text(basics.get("summary")),
            linkedin: profile_url(&basics, NETWORKS[0]),
            github: profile_url(&basics, NETWORKS[1]),
            advanced: serde_json::to_string_pretty(&rest).unwrap_or_else(|_| "{}".into()),
        }
    }

    pub fn from_post(pairs: &[(String, String)]) -> ResumeForm {
        ResumeForm {
            version: field(pairs, "version").parse().unwrap_or(-1),
            name: field(pairs, "name"),
            label: field(pairs, "label"),
            email: field(pairs, "email"),
            phone: field(pairs, "phone"),
            url: field(pairs, "url"),
            city: field(pairs, "city"),
            country_code: field(pairs, "country_code").to_uppercase(),
            summary: field(pairs, "summary"),
            linkedin: field(pairs, "linkedin"),
            github: field(pairs, "github"),
            advanced: pairs
                .iter()
                .find(|(n, _)| n == "advanced")
                .map(|(_, v)| v.clone())
                .unwrap_or_default(),
        }
    }

    /// The resume to save: the advanced JSON with `basics` from `current` (keeping keys the
    /// form does not show) overwritten by the form's fields.
    pub fn to_resume(&self, current: &Value) -> Result<Value, Problems> {
        let advanced = if self.advanced.trim().is_empty() {
            "{}"
        } else {
            self.advanced.as_str()
        };
        let mut resume = match serde_json::from_str::<Value>(advanced) {
            Ok(Value::Object(object)) if !object.contains_key("basics") => object,
            Ok(Value::Object(_)) => {
                return Err(Problems(vec![problem(
                    "advanced",
                    "leave basics out of the advanced JSON: the form above edits them",
                )]));
            }
            Ok(_) => {
                return Err(Problems(vec![problem(
                    "advanced",
                    "must be a JSON object such as {\"work\": []}",
                )]));
            }
            Err(e) => {
                return Err(Problems(vec![problem(
                    "advanced",
                    format!("not JSON: {e}"),
                )]));
            }
        };
        if !self.country_code.is_empty() && !is_country_code(&self.country_code) {
            return Err(Problems(vec![problem(
                "basics.location.countryCode",
                format!(
                    "{:?} is not an ISO 3166-1 alpha-2 country code (e.g. US, GB, DE)",
                    self.country_code
                ),
            )]));
        }
        let mut basics = match current.get("basics") {
            Some(Value::Object(basics)) => basics.clone(),
            _ => Map::new(),
        };
        for (key, value) in [
            ("name", &self.name),
            ("label", &self.label),
            ("email", &self.email),
            ("phone", &self.phone),
            ("url", &self.url),
            ("summary", &self.summary),
        ] {
            set_or_remove(&mut basics, key, value);
        }
        let mut location = match basics.remove("location") {
            Some(Value::Object(location)) => location,
            _ => Map::new(),
        };
        set_or_remove(&mut location, "city", &self.city);
        set_or_remove(&mut location, "countryCode", &self.country_code);
        if !location.is_empty() {
            basics.insert("location".into(), Value::Object(location));
        }
        let mut profiles = match basics.remove("profiles") {
            Some(Value::Array(profiles)) => profiles,
            _ => Vec::new(),
        };
        for (network, url) in NETWORKS.iter().zip([&self.linkedin, &self.github]) {
            let at = profiles.iter().position(|p| {
                p.get("network")
                    .and_then(Value::as_str)
                    .is_some_and(|n| n.eq_ignore_ascii_case(network))
            });
            match (at, url.is_empty()) {
                (Some(i), true) => {
                    profiles.remove(i);
                }
                (Some(i), false) => {
                    if let Some(profile) = profiles[i].as_object_mut() {
                        profile.insert("url".into(), Value::String(url.to_string()));
                    }
                }
                (None, false) => profiles.push(json!({"network": network, "url": url})),
                (None, true) => {}
            }
        }
        if !profiles.is_empty() {
            basics.insert("profiles".into(), Value::Array(profiles));
        }
        resume.insert("basics".into(), Value::Object(basics));
        Ok(Value::Object(resume))
    }
}
