//! Application forms: `companion forms plan` (a saved page, snapshotted in headless Chromium
//! by the extension's own snapshot script, planned by the same planner the extension runs as
//! WASM), and the parts of the plan job (`approvals::plan_job`) that read a posting's page.

#[cfg(feature = "browser")]
pub mod browser;
pub mod drafts;
mod page;

pub use page::{application_page, planner_profile, snapshot};

use std::fmt::Write as _;
use std::path::Path;

use shared::forms::{FormPlan, Profile};
use shared::profile::{AnswerBank, ProfileExport};

use crate::error::{Error, Result};

/// The snapshot script, injected as is (`extension/form-snapshot.js`).
pub const SNAPSHOT_SCRIPT: &str = include_str!("../../../extension/form-snapshot.js");

/// Reads `--profile` (a JSON Resume, or a profile export with answers and free answers) and
/// `--answers` (an answer bank, replacing the export's).
pub fn load_profile(
    profile: &Path,
    answers: Option<&Path>,
    has_resume_pdf: bool,
) -> Result<Profile> {
    let text = read(profile)?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Error::BadRequest(format!("{}: not JSON: {e}", profile.display())))?;
    let mut planned = if value.get("format").is_some() {
        let export = ProfileExport::parse(&text)
            .map_err(|e| Error::BadRequest(format!("{}: {e}", profile.display())))?;
        Profile {
            resume: export.resume,
            answers: export.answers,
            free_answers: export.free_answers,
            has_resume_pdf,
        }
    } else {
        Profile {
            resume: value,
            has_resume_pdf,
            ..Profile::default()
        }
    };
    if let Some(path) = answers {
        planned.answers = AnswerBank::parse(&read(path)?)
            .map_err(|e| Error::BadRequest(format!("{}: {e}", path.display())))?;
    }
    Ok(planned)
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path)
        .map_err(|e| Error::BadRequest(format!("cannot read {}: {e}", path.display())))
}

/// The plan as a readable table: one line per field, then blockers and the form's confidence.
pub fn table(plan: &FormPlan) -> String {
    let mut out = String::new();
    let rows: Vec<[String; 6]> = plan
        .fields
        .iter()
        .map(|f| {
            [
                f.selector.clone(),
                clip(&f.label, 40),
                serde_json::to_value(f.field_type)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
                clip(
                    &f.value.as_ref().map(|v| v.display()).unwrap_or_default(),
                    40,
                ),
                f.source.display(),
                format!("{:.2}", f.confidence),
            ]
        })
        .collect();
    let header = ["selector", "label", "type", "value", "source", "confidence"];
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut line = |cells: &[String]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        let _ = writeln!(out, "{}", padded.join("  ").trim_end());
    };
    line(&header.map(str::to_owned));
    for row in &rows {
        line(row);
    }
    let _ = writeln!(out);
    if plan.blockers.is_empty() {
        let _ = writeln!(out, "blockers: none");
    }
    for blocker in &plan.blockers {
        let kind = serde_json::to_value(blocker.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let _ = writeln!(out, "blocker: {kind} ({})", blocker.detail);
    }
    for field in &plan.unknown_required {
        let _ = writeln!(
            out,
            "unknown required: {} ({})",
            field.label, field.selector
        );
    }
    let _ = writeln!(
        out,
        "form confidence: {:.2}{}",
        plan.confidence,
        if plan.blocked {
            " (blocked: a person has to act)"
        } else {
            ""
        }
    );
    out
}

/// `text` cut to `max` characters, with an ellipsis when cut.
pub fn clip(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut clipped: String = text.chars().take(max - 1).collect();
    clipped.push('…');
    clipped
}
