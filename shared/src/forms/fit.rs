//! Writes an answer the way the control takes it: the matching option of a select, radio group
//! or combobox ("Yes, I am authorized" for authorised = true), a ticked box, text, a document.

use super::countries;
use super::plan::{Document, PlannedValue};
use super::resolve::{Answer, Keyed};
use super::snapshot::{ControlKind, FieldOption, SnapshotField};
use super::text::{has_any, words};

/// A choice control whose options are not rendered yet gets the answer as text to look for,
/// with this much less confidence.
const UNSEEN_OPTIONS: f64 = 0.8;

const DECLINE: &[&str] = &[
    "decline",
    "prefer not",
    "not wish",
    "dont wish",
    "not want",
    "dont want",
    "choose not",
    "rather not",
    "not to answer",
    "not to disclose",
    "not to say",
    "not to self identify",
    "wish to answer",
    "not specified",
    "not declared",
];

/// The value for the control and its confidence, or `None` when the control cannot take it.
pub(super) fn fit(field: &SnapshotField, answer: &Answer) -> Option<(PlannedValue, f64)> {
    if let Answer::ResumePdf = answer {
        return (field.kind == ControlKind::File).then_some((
            PlannedValue::File {
                document: Document::ResumePdf,
            },
            1.0,
        ));
    }
    match field.kind {
        ControlKind::File => None,
        ControlKind::Checkbox => match answer {
            Answer::Bool(checked) => Some((PlannedValue::Checked { checked: *checked }, 1.0)),
            _ => None,
        },
        kind if kind.is_choice() => {
            let options: Vec<&FieldOption> = field
                .options
                .iter()
                .filter(|o| !is_placeholder(o))
                .collect();
            if options.is_empty() {
                let text = display(answer)?;
                return Some((PlannedValue::Text { text }, UNSEEN_OPTIONS));
            }
            choose(&options, answer).map(|(o, c)| (PlannedValue::choice(o), c))
        }
        ControlKind::Date => match display(answer) {
            Some(text) if crate::profile::dates::is_iso_date(&text) => {
                Some((PlannedValue::Text { text }, 1.0))
            }
            _ => None,
        },
        ControlKind::Number => match display(answer) {
            Some(text) if text.parse::<f64>().is_ok() => Some((PlannedValue::Text { text }, 1.0)),
            _ => None,
        },
        _ => display(answer).map(|text| (PlannedValue::Text { text }, 1.0)),
    }
}

/// The answer in words, for a text box or an option still to be rendered.
fn display(answer: &Answer) -> Option<String> {
    Some(match answer {
        Answer::Text(text) => text.clone(),
        Answer::Bool(true) => "Yes".into(),
        Answer::Bool(false) => "No".into(),
        Answer::Decline => "Decline to self-identify".into(),
        Answer::Keyed(keyed) => keyed.display.into(),
        Answer::Stem { display, .. } => display.clone(),
        Answer::Country(code) => countries::name(code).map_or_else(|| code.clone(), str::to_owned),
        Answer::ResumePdf => return None,
    })
}

fn is_placeholder(option: &FieldOption) -> bool {
    let text = words(&option.text);
    option.value.trim().is_empty() && option.text.trim().is_empty()
        || text.is_empty()
        || matches!(
            text.first().map(String::as_str),
            Some("select" | "choose" | "please")
        ) && !has_any(&text, DECLINE)
        || option.value.trim().is_empty()
            && text.first().is_some_and(|w| w == "none" || w == "pick")
}

fn choose<'a>(options: &[&'a FieldOption], answer: &Answer) -> Option<(&'a FieldOption, f64)> {
    let matching = |test: &dyn Fn(&FieldOption) -> bool| options.iter().copied().find(|o| test(o));
    match answer {
        Answer::Bool(wanted) => matching(&|o| yes_no(o) == Some(*wanted)).map(|o| (o, 0.95)),
        Answer::Decline => matching(&|o| has_any(&words(&o.text), DECLINE)).map(|o| (o, 0.95)),
        Answer::Keyed(keyed) => matching(&|o| keyed_match(keyed, o)).map(|o| (o, 0.9)),
        Answer::Stem { stem, .. } => {
            matching(&|o| words(&o.text).iter().any(|w| w.starts_with(stem))).map(|o| (o, 0.85))
        }
        Answer::Country(code) => {
            matching(&|o| countries::means(&o.text, &o.value, code)).map(|o| (o, 1.0))
        }
        Answer::Text(text) => {
            let wanted = words(text);
            if wanted.is_empty() {
                return None;
            }
            matching(&|o| words(&o.text) == wanted)
                .map(|o| (o, 1.0))
                .or_else(|| {
                    matching(&|o| {
                        let offered = words(&o.text);
                        offered
                            .windows(wanted.len())
                            .any(|w| w == wanted.as_slice())
                    })
                    .map(|o| (o, 0.8))
                })
        }
        Answer::ResumePdf => None,
    }
}

/// What an option says when read as an answer to a yes/no question.
fn yes_no(option: &FieldOption) -> Option<bool> {
    let text = words(&option.text);
    match text.first().map(String::as_str) {
        Some("yes" | "y" | "true") => Some(true),
        Some("no" | "n" | "false") => Some(false),
        _ => match words(&option.value).first().map(String::as_str) {
            Some("yes" | "true") => Some(true),
            Some("no" | "false") => Some(false),
            _ => None,
        },
    }
}

fn keyed_match(keyed: &Keyed, option: &FieldOption) -> bool {
    let text = words(&option.text);
    has_any(&text, keyed.any) && !has_any(&text, keyed.none) && !has_any(&text, DECLINE)
}
