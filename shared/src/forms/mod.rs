//! The form planner: from a page's form snapshot (`extension/form-snapshot.js`) and the
//! user's profile, a semantic type and a planned value with its source for every field. Pure:
//! the companion runs it natively, the extension as WASM, and both plan a form the same way.
//!
//! Nothing is invented: a value comes from the JSON Resume, a typed answer-bank key or a
//! stored free-text answer, or the field stays unknown (free-text questions: `needs_draft`).

pub mod apply;
mod bank;
mod classify;
mod countries;
mod eeo;
mod field_type;
mod fit;
mod plan;
mod profile;
mod resolve;
mod sight;
mod snapshot;
mod text;

pub use classify::{Classified, classify};
pub use field_type::FieldType;
pub use plan::{Document, FieldRef, FormPlan, PlannedField, PlannedValue, Source};
pub use profile::Profile;
pub use sight::{Look, visible};
pub use snapshot::{
    Blocker, BlockerKind, ControlKind, FieldOption, FormSnapshot, LabelSources, SnapshotField,
};

use resolve::Resolution;

/// Each unknown required field multiplies the form's confidence by this much.
const PER_UNKNOWN_REQUIRED: f64 = 0.6;
/// A blocker that needs a person halves it.
const BLOCKED: f64 = 0.5;

/// Plans every field of `snapshot` from `profile`.
pub fn plan(snapshot: &FormSnapshot, profile: &Profile) -> FormPlan {
    let fields: Vec<PlannedField> = snapshot
        .fields
        .iter()
        .map(|field| plan_field(field, profile))
        .collect();
    let unknown_required: Vec<FieldRef> = fields
        .iter()
        .filter(|f| f.required && f.value.is_none() && f.fillable())
        .map(|f| FieldRef {
            selector: f.selector.clone(),
            label: f.label.clone(),
        })
        .collect();
    let blocked = snapshot.blockers.iter().any(Blocker::needs_a_person);
    FormPlan {
        url: snapshot.url.clone(),
        title: snapshot.title.clone(),
        confidence: form_confidence(&fields, unknown_required.len(), blocked),
        blockers: blockers(snapshot, &fields),
        fields,
        blocked,
        unknown_required,
    }
}

/// The snapshot's blockers, then one per honeypot: the planner names the traps, as only it knows
/// which fields are placed out of sight.
fn blockers(snapshot: &FormSnapshot, fields: &[PlannedField]) -> Vec<Blocker> {
    let traps = fields
        .iter()
        .filter(|f| f.field_type == FieldType::Honeypot)
        .map(|f| Blocker {
            kind: BlockerKind::Honeypot,
            detail: f.selector.clone(),
            invisible: false,
        });
    snapshot
        .blockers
        .iter()
        .filter(|b| b.kind != BlockerKind::Honeypot)
        .cloned()
        .chain(traps)
        .collect()
}

fn plan_field(field: &SnapshotField, profile: &Profile) -> PlannedField {
    let classified = classify(field);
    let hidden = !visible(field);
    // A trap keeps its own reason; any other field a person cannot see is never filled either.
    let resolution = if hidden && classified.field_type != FieldType::Honeypot {
        Resolution::NeverFill("hidden: a person cannot see it on the page")
    } else {
        resolve::resolve(field, classified.field_type, profile)
    };
    let (value, source, confidence) = match resolution {
        Resolution::Answered {
            answer,
            source,
            confidence,
        } => match fit::fit(field, &answer) {
            Some((value, fitted)) => {
                let confidence = classified.confidence * confidence * fitted;
                (Some(value), source, round(confidence))
            }
            None => (None, Source::Unknown, 0.0),
        },
        Resolution::NeedsDraft => (None, Source::NeedsDraft, 0.0),
        Resolution::Unknown => (None, Source::Unknown, 0.0),
        Resolution::NeverFill(reason) => (
            None,
            Source::NeverFill {
                reason: reason.to_owned(),
            },
            0.0,
        ),
    };
    PlannedField {
        selector: field.selector.clone(),
        label: field.label.clone(),
        kind: field.kind,
        required: field.required,
        field_type: classified.field_type,
        type_confidence: round(classified.confidence),
        value,
        source,
        confidence,
        hidden,
    }
}

/// The mean confidence of what must or will be filled, lowered for every required field left
/// unknown and for a blocker that needs a person.
fn form_confidence(fields: &[PlannedField], unknown_required: usize, blocked: bool) -> f64 {
    let counted: Vec<f64> = fields
        .iter()
        .filter(|f| (f.required || f.value.is_some()) && f.fillable())
        .map(|f| f.confidence)
        .collect();
    confidence_of(&counted, unknown_required, blocked)
}

/// A form's confidence from the confidences of the fields that must or will be filled (0 for
/// a required one left unknown), the number of required fields left unknown and whether a
/// blocker needs a person. The companion recomputes it when the user edits planned answers.
pub fn confidence_of(counted: &[f64], unknown_required: usize, blocked: bool) -> f64 {
    if counted.is_empty() {
        return 0.0;
    }
    let mean = counted.iter().sum::<f64>() / counted.len() as f64;
    let penalty = PER_UNKNOWN_REQUIRED.powi(unknown_required.min(32) as i32);
    round(mean * penalty * if blocked { BLOCKED } else { 1.0 })
}

/// Three decimals: plans compare equal across native and WASM builds and read well.
fn round(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests;
