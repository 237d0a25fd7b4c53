//! What the planner answers from: the user's JSON Resume, typed answer bank and stored
//! free-text answers, read only through the paths the plan names as sources.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::profile::{AnswerBank, FreeAnswer};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// A JSON Resume document.
    #[serde(default)]
    pub resume: Value,
    #[serde(default)]
    pub answers: AnswerBank,
    #[serde(default)]
    pub free_answers: Vec<FreeAnswer>,
    /// The user has stored a resume PDF to attach.
    #[serde(default)]
    pub has_resume_pdf: bool,
}

/// A string the resume holds at a path, with the path written as the plan's source.
pub(super) struct Found {
    pub text: String,
    pub path: String,
}

impl Profile {
    /// A non-empty string at `basics.email`, `work[0].name`, … (dots and `[n]` indices).
    pub(super) fn text_at(&self, path: &str) -> Option<Found> {
        let mut node = &self.resume;
        for part in path.split('.') {
            let (key, index) = match part.split_once('[') {
                Some((key, rest)) => (key, rest.trim_end_matches(']').parse::<usize>().ok()),
                None => (part, None),
            };
            node = node.get(key)?;
            if let Some(i) = index {
                node = node.get(i)?;
            }
        }
        let text = node.as_str()?.trim();
        (!text.is_empty()).then(|| Found {
            text: text.to_owned(),
            path: path.to_owned(),
        })
    }

    /// The profile of a network (`basics.profiles[i].url`) named like `network`.
    pub(super) fn profile_url(&self, network: &str) -> Option<Found> {
        let profiles = self.resume.pointer("/basics/profiles")?.as_array()?;
        let index = profiles.iter().position(|p| {
            let named = p
                .get("network")
                .and_then(Value::as_str)
                .is_some_and(|n| n.trim().eq_ignore_ascii_case(network));
            let hosted = p
                .get("url")
                .and_then(Value::as_str)
                .is_some_and(|u| u.to_ascii_lowercase().contains(&format!("{network}.com")));
            named || hosted
        })?;
        self.text_at(&format!("basics.profiles[{index}].url"))
    }

    /// The current job: the first without an end date, else the first listed.
    pub(super) fn current_work(&self) -> Option<usize> {
        let work = self.resume.get("work")?.as_array()?;
        if work.is_empty() {
            return None;
        }
        let open = work.iter().position(|w| {
            w.get("endDate")
                .and_then(Value::as_str)
                .is_none_or(|d| d.trim().is_empty())
        });
        Some(open.unwrap_or(0))
    }

    pub(super) fn has_education(&self) -> bool {
        self.resume
            .get("education")
            .and_then(Value::as_array)
            .is_some_and(|e| !e.is_empty())
    }
}
