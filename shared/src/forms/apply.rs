//! What an unattended apply fills on one page of a live form, or why it stops instead. Pure:
//! the companion's headless run decides with it, and the extension can make the same decision.
//!
//! What the user approved is what is sent: free text only ever comes from an approved answer.
//! A field no answer covers (a wizard page planning never saw) gets a structured profile value
//! (the JSON Resume, the answer bank, the resume file) or none; never a draft.

use serde::{Deserialize, Serialize};

use super::plan::{Document, FormPlan, PlannedField, PlannedValue, Source};
use super::snapshot::{BlockerKind, ControlKind, FormSnapshot};
use crate::api::Answer;

/// One field as `extension/form-fill.js` takes it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FillField {
    pub selector: String,
    pub label: String,
    pub kind: ControlKind,
    pub required: bool,
    pub value: PlannedValue,
}

/// Why a run stops before submit, most pressing first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopKind {
    Captcha,
    SignIn,
    NoForm,
    /// The form differs from the one planned.
    Changed,
    /// An answer belongs to a field nobody can see.
    Hidden,
    /// A required field has no approved answer.
    Unanswered,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stop {
    pub kind: StopKind,
    pub detail: String,
}

/// The decision for one page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageDecision {
    /// What to fill, in the page's order.
    pub fill: Vec<FillField>,
    /// Why not to go on; sorted, most pressing first. Empty: fill and go on.
    pub stops: Vec<Stop>,
    /// Indexes into the answers of those this page holds.
    pub answered: Vec<usize>,
    /// What the run's step log says of the page beside (an invisible captcha).
    pub notes: Vec<String>,
}

/// Decides one page from its live snapshot, its live plan (`super::plan` of that snapshot)
/// and the approved answers.
pub fn decide_page(snapshot: &FormSnapshot, plan: &FormPlan, answers: &[Answer]) -> PageDecision {
    let mut decision = PageDecision::default();
    for blocker in &snapshot.blockers {
        if blocker.kind == BlockerKind::Captcha && blocker.invisible {
            let name = captcha_name(&blocker.detail);
            decision.notes.push(format!(
                "invisible {name} on the page: it asks nothing before Submit"
            ));
            continue;
        }
        let kind = match blocker.kind {
            BlockerKind::Captcha => StopKind::Captcha,
            BlockerKind::LoginWall | BlockerKind::AccountCreation => StopKind::SignIn,
            BlockerKind::NoForm => StopKind::NoForm,
            BlockerKind::MultiPage | BlockerKind::Honeypot => continue,
        };
        let detail = match blocker.kind {
            BlockerKind::Captcha => format!("{} on the page", captcha_name(&blocker.detail)),
            _ => blocker.detail.clone(),
        };
        decision.stop(kind, &detail);
    }
    for field in &plan.fields {
        match answer_for(field, answers) {
            Some(index) => {
                decision.answered.push(index);
                decision.answered_field(field, &answers[index]);
            }
            None => decision.unanswered_field(field),
        }
    }
    decision.stops.sort_by_key(|stop| stop.kind);
    decision
}

/// A captcha with something to solve on the page now (a widget, a challenge shown after a
/// click): what stops a run right before its click, and what after the click tells that the
/// site wants a person first.
pub fn challenge(snapshot: &FormSnapshot) -> Option<Stop> {
    let blocker = snapshot.blockers.iter().find(|b| b.challenge())?;
    Some(Stop {
        kind: StopKind::Captcha,
        detail: format!("{} on the page", captcha_name(&blocker.detail)),
    })
}

/// The planned answers (those made from a form's field, with its type) that no page held:
/// the form lost a field since it was planned.
pub fn missing(answers: &[Answer], answered: &[usize]) -> Vec<Stop> {
    answers
        .iter()
        .enumerate()
        .filter(|(index, answer)| answer.field_type.is_some() && !answered.contains(index))
        .map(|(_, answer)| Stop {
            kind: StopKind::Changed,
            detail: format!("the field \"{}\" is no longer on the form", name_of(answer)),
        })
        .collect()
}

impl PageDecision {
    fn stop(&mut self, kind: StopKind, detail: &str) {
        self.stops.push(Stop {
            kind,
            detail: detail.to_owned(),
        });
    }

    fn answered_field(&mut self, field: &PlannedField, answer: &Answer) {
        if let Some(change) = drift(field, answer) {
            self.stop(StopKind::Changed, &change);
            return;
        }
        let usable = !answer.value.trim().is_empty() && !answer.draft;
        if !field.fillable() {
            if usable {
                let detail = format!("\"{}\" is hidden on the page", name_of(answer));
                self.stop(StopKind::Hidden, &detail);
            }
            return;
        }
        if !usable {
            if field.required {
                let why = if answer.draft {
                    "its draft is not approved"
                } else {
                    "no answer"
                };
                let detail = format!("\"{}\" is required: {why}", name_of(answer));
                self.stop(StopKind::Unanswered, &detail);
            }
            return;
        }
        self.fill.push(FillField {
            selector: field.selector.clone(),
            label: field.label.clone(),
            kind: field.kind,
            required: field.required,
            value: value_of(field, &answer.value),
        });
    }

    fn unanswered_field(&mut self, field: &PlannedField) {
        if !field.fillable() {
            return;
        }
        let structured = matches!(
            field.source,
            Source::Resume { .. } | Source::AnswerBank { .. } | Source::Document
        );
        match &field.value {
            Some(value) if structured => self.fill.push(FillField {
                selector: field.selector.clone(),
                label: field.label.clone(),
                kind: field.kind,
                required: field.required,
                value: value.clone(),
            }),
            _ if field.required => {
                let detail = format!("\"{}\" is required and has no answer", field_name(field));
                self.stop(StopKind::Unanswered, &detail);
            }
            _ => {}
        }
    }
}

/// The answer for a live field: the one planned for its selector, else one added by hand
/// under its label.
fn answer_for(field: &PlannedField, answers: &[Answer]) -> Option<usize> {
    answers
        .iter()
        .position(|a| a.field == field.selector)
        .or_else(|| {
            answers.iter().position(|a| {
                a.field_type.is_none() && !a.label.is_empty() && same_label(&a.label, &field.label)
            })
        })
}

/// How a field differs from what its planned answer was made for (label, semantic type,
/// required flag); none for an answer added by hand, which records none of them.
fn drift(field: &PlannedField, answer: &Answer) -> Option<String> {
    let planned = answer.field_type?;
    let name = name_of(answer);
    if !same_label(&answer.label, &field.label) {
        return Some(format!(
            "the field \"{name}\" is now labelled \"{}\"",
            field.label.trim()
        ));
    }
    if planned != field.field_type {
        return Some(format!("the field \"{name}\" now asks for something else"));
    }
    if answer.required != field.required {
        let now = if field.required {
            "required"
        } else {
            "optional"
        };
        return Some(format!("the field \"{name}\" is now {now}"));
    }
    None
}

/// Labels compare without case, spacing or a required marker; an answer's label may have
/// been clipped with an ellipsis.
fn same_label(answer: &str, live: &str) -> bool {
    let (answer, live) = (normalise(answer), normalise(live));
    match answer.strip_suffix('…') {
        Some(prefix) => live.starts_with(prefix.trim_end()),
        None => answer == live,
    }
}

fn normalise(label: &str) -> String {
    let words: Vec<&str> = label.split_whitespace().collect();
    words
        .join(" ")
        .trim_end_matches(['*', '✱'])
        .trim_end()
        .to_lowercase()
}

/// The approved text as the value the control takes: a tick, one of its options, the resume.
fn value_of(field: &PlannedField, text: &str) -> PlannedValue {
    match field.kind {
        ControlKind::Checkbox if matches!(text, "true" | "false") => PlannedValue::Checked {
            checked: text == "true",
        },
        ControlKind::File => PlannedValue::File {
            document: Document::ResumePdf,
        },
        _ => match &field.value {
            Some(PlannedValue::Choice { value, text: shown })
                if normalise(shown) == normalise(text) =>
            {
                PlannedValue::Choice {
                    value: value.clone(),
                    text: shown.clone(),
                }
            }
            _ => PlannedValue::Text {
                text: text.to_owned(),
            },
        },
    }
}

fn name_of(answer: &Answer) -> &str {
    if answer.label.trim().is_empty() {
        &answer.field
    } else {
        answer.label.trim()
    }
}

fn field_name(field: &PlannedField) -> &str {
    if field.label.trim().is_empty() {
        &field.selector
    } else {
        field.label.trim()
    }
}

/// A captcha vendor as people know it (the snapshot names it by a slug).
fn captcha_name(vendor: &str) -> &str {
    match vendor {
        "recaptcha" => "reCAPTCHA",
        "hcaptcha" => "hCaptcha",
        "turnstile" => "Cloudflare Turnstile",
        other => other,
    }
}

#[cfg(test)]
mod tests;
