use serde_json::json;

use super::*;
use crate::forms::{FieldType, Profile, plan};
use crate::profile::AnswerBank;

fn snapshot(fields: serde_json::Value, blockers: serde_json::Value) -> FormSnapshot {
    serde_json::from_value(json!({"fields": fields, "blockers": blockers})).expect("a snapshot")
}

fn text(selector: &str, label: &str, required: bool) -> serde_json::Value {
    json!({"selector": selector, "kind": "text", "label": label, "required": required})
}

fn profile() -> Profile {
    Profile {
        resume: json!({"basics": {"name": "Ada Lovelace", "email": "ada@example.org"}}),
        answers: AnswerBank::parse("{}").expect("an empty bank"),
        free_answers: vec![],
        has_resume_pdf: false,
    }
}

fn answer(field: &str, label: &str, value: &str, field_type: FieldType, required: bool) -> Answer {
    Answer {
        field: field.into(),
        label: label.into(),
        value: value.into(),
        source: "you".into(),
        field_type: Some(field_type),
        required,
        ..Answer::default()
    }
}

fn decide(snapshot: &FormSnapshot, answers: &[Answer]) -> PageDecision {
    decide_page(snapshot, &plan(snapshot, &profile()), answers)
}

fn kinds(decision: &PageDecision) -> Vec<StopKind> {
    decision.stops.iter().map(|s| s.kind).collect()
}

fn why_text() -> serde_json::Value {
    json!({"selector": "#why", "kind": "textarea", "label": "Why do you want to work here?", "required": true})
}

#[test]
fn the_approved_answers_are_filled_as_approved() {
    let page = snapshot(
        json!([text("#email", "Email", true), why_text()]),
        json!([]),
    );
    let answers = [
        answer(
            "#email",
            "Email",
            "ada@work.example",
            FieldType::Email,
            true,
        ),
        answer(
            "#why",
            "Why do you want to work here?",
            "Engines.",
            FieldType::FreeText,
            true,
        ),
    ];
    let decision = decide(&page, &answers);
    assert_eq!(decision.stops, vec![]);
    assert_eq!(decision.answered, vec![0, 1]);
    let filled: Vec<(&str, PlannedValue)> = decision
        .fill
        .iter()
        .map(|f| (f.selector.as_str(), f.value.clone()))
        .collect();
    // The approved email wins over the profile's.
    assert_eq!(
        filled,
        vec![
            (
                "#email",
                PlannedValue::Text {
                    text: "ada@work.example".into()
                }
            ),
            (
                "#why",
                PlannedValue::Text {
                    text: "Engines.".into()
                }
            ),
        ]
    );
}

#[test]
fn a_changed_label_or_required_flag_is_drift() {
    let page = snapshot(json!([text("#email", "Email address", true)]), json!([]));
    let answers = [answer(
        "#email",
        "Email",
        "ada@example.org",
        FieldType::Email,
        true,
    )];
    assert_eq!(kinds(&decide(&page, &answers)), vec![StopKind::Changed]);

    let page = snapshot(json!([text("#email", "Email *", false)]), json!([]));
    let decision = decide(&page, &answers);
    assert_eq!(kinds(&decision), vec![StopKind::Changed]);
    assert!(
        decision.stops[0].detail.contains("optional"),
        "{decision:?}"
    );
    assert!(decision.fill.is_empty());
}

#[test]
fn a_planned_answer_no_page_held_is_drift() {
    let answers = [answer(
        "#gone",
        "Portfolio",
        "x",
        FieldType::Portfolio,
        false,
    )];
    assert_eq!(missing(&answers, &[]).len(), 1);
    assert_eq!(missing(&answers, &[0]), vec![]);
    // An answer added by hand names no field of the form.
    let by_hand = [Answer {
        field: "portfolio".into(),
        label: "Portfolio".into(),
        value: "x".into(),
        ..Answer::default()
    }];
    assert_eq!(missing(&by_hand, &[]), vec![]);
}

#[test]
fn required_fields_need_an_approved_answer() {
    let page = snapshot(json!([why_text()]), json!([]));
    // Nothing approved for it, and free text is never taken from anywhere else.
    assert_eq!(kinds(&decide(&page, &[])), vec![StopKind::Unanswered]);
    let mut draft = answer(
        "#why",
        "Why do you want to work here?",
        "Engines.",
        FieldType::FreeText,
        true,
    );
    draft.draft = true;
    let decision = decide(&page, &[draft]);
    assert_eq!(kinds(&decision), vec![StopKind::Unanswered]);
    assert!(decision.stops[0].detail.contains("draft"));
    assert!(decision.fill.is_empty());
}

#[test]
fn unplanned_fields_take_structured_profile_values_only() {
    let page = snapshot(
        json!([
            text("#email", "Email", true),
            {"selector": "#more", "kind": "textarea", "label": "Anything else?", "required": false},
        ]),
        json!([]),
    );
    let decision = decide(&page, &[]);
    assert_eq!(decision.stops, vec![]);
    assert_eq!(decision.fill.len(), 1, "{decision:?}");
    assert_eq!(
        decision.fill[0].value,
        PlannedValue::Text {
            text: "ada@example.org".into()
        }
    );
}

#[test]
fn hidden_fields_are_never_filled() {
    let hidden = json!({"selector": "#phone", "kind": "tel", "label": "Phone", "required": false,
        "look": {"rendered": false, "width": 0.0, "height": 0.0, "opacity": 1.0}});
    let page = snapshot(json!([text("#email", "Email", true), hidden]), json!([]));
    let answers = [
        answer("#email", "Email", "ada@example.org", FieldType::Email, true),
        answer(
            "#phone",
            "Phone",
            "+44 20 7946 0000",
            FieldType::Phone,
            false,
        ),
    ];
    let decision = decide(&page, &answers);
    assert_eq!(kinds(&decision), vec![StopKind::Hidden]);
    assert!(decision.fill.iter().all(|f| f.selector != "#phone"));
}

#[test]
fn blockers_that_need_a_person_stop_first() {
    let page = snapshot(
        json!([why_text()]),
        json!([{"kind": "multi_page"}, {"kind": "captcha", "detail": "recaptcha"}]),
    );
    assert_eq!(
        kinds(&decide(&page, &[])),
        vec![StopKind::Captcha, StopKind::Unanswered]
    );
    let page = snapshot(json!([]), json!([{"kind": "login_wall"}]));
    assert_eq!(kinds(&decide(&page, &[])), vec![StopKind::SignIn]);
}

#[test]
fn answers_become_the_values_controls_take() {
    let page = snapshot(
        json!([
            {"selector": "#ok", "kind": "checkbox", "label": "I agree", "required": true},
            {"selector": "#cv", "kind": "file", "label": "Resume", "required": true},
        ]),
        json!([]),
    );
    let answers = [
        answer("#ok", "I agree", "true", FieldType::Consent, true),
        answer("#cv", "Resume", "resume_pdf", FieldType::Resume, true),
    ];
    let decision = decide(&page, &answers);
    let values: Vec<&PlannedValue> = decision.fill.iter().map(|f| &f.value).collect();
    assert_eq!(
        values,
        vec![
            &PlannedValue::Checked { checked: true },
            &PlannedValue::File {
                document: Document::ResumePdf
            },
        ]
    );
}

#[test]
fn fill_fields_serialise_as_the_fill_script_reads_them() {
    let field = FillField {
        selector: "#a".into(),
        label: "A".into(),
        kind: ControlKind::RadioGroup,
        required: true,
        value: PlannedValue::Text { text: "Yes".into() },
    };
    assert_eq!(
        serde_json::to_value(field).expect("json"),
        json!({"selector": "#a", "label": "A", "kind": "radio_group", "required": true,
            "value": {"kind": "text", "text": "Yes"}})
    );
}

#[test]
fn an_invisible_captcha_asks_nothing_before_submit_and_is_noted() {
    let email = text("#email", "Email", true);
    let answers = [answer(
        "#email",
        "Email",
        "ada@work.example",
        FieldType::Email,
        true,
    )];
    let page = snapshot(
        json!([email]),
        json!([{"kind": "captcha", "detail": "hcaptcha", "invisible": true}]),
    );
    let decision = decide(&page, &answers);
    assert_eq!(kinds(&decision), vec![]);
    assert_eq!(decision.fill.len(), 1);
    assert_eq!(
        decision.notes,
        vec!["invisible hCaptcha on the page: it asks nothing before Submit"]
    );
    assert_eq!(challenge(&page), None);
    assert!(!plan(&page, &profile()).blocked);

    let shown = snapshot(
        json!([email]),
        json!([
            {"kind": "captcha", "detail": "recaptcha", "invisible": true},
            {"kind": "captcha", "detail": "recaptcha"},
        ]),
    );
    let decision = decide(&shown, &answers);
    assert_eq!(kinds(&decision), vec![StopKind::Captcha]);
    assert_eq!(decision.stops[0].detail, "reCAPTCHA on the page");
    assert_eq!(challenge(&shown), Some(decision.stops[0].clone()));
    assert!(plan(&shown, &profile()).blocked);
}

#[test]
fn the_invisible_flag_is_read_and_written_only_when_set() {
    let page = snapshot(
        json!([]),
        json!([{"kind": "captcha", "detail": "recaptcha", "invisible": true}, {"kind": "no_form"}]),
    );
    assert_eq!(
        serde_json::to_value(&page.blockers).expect("json"),
        json!([{"kind": "captcha", "detail": "recaptcha", "invisible": true},
            {"kind": "no_form", "detail": ""}])
    );
}
