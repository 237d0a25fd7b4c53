use serde_json::json;

use super::*;
use crate::profile::AnswerBank;

fn field(kind: ControlKind, label: &str, options: &[&str]) -> SnapshotField {
    serde_json::from_value(json!({
        "selector": "#f",
        "kind": kind,
        "label": label,
        "options": options.iter().map(|t| json!({"value": t, "text": t})).collect::<Vec<_>>(),
    }))
    .expect("a field")
}

fn profile(answers: serde_json::Value) -> Profile {
    Profile {
        resume: json!({"basics": {"name": "Ada King Lovelace", "email": "ada@example.org",
            "location": {"countryCode": "GB", "city": "London"}}}),
        answers: AnswerBank::parse(&answers.to_string()).expect("valid answers"),
        free_answers: vec![],
        has_resume_pdf: false,
    }
}

fn one(field: SnapshotField, profile: &Profile) -> PlannedField {
    let snapshot = FormSnapshot {
        fields: vec![field],
        ..FormSnapshot::default()
    };
    plan(&snapshot, profile).fields.remove(0)
}

fn shown(field: &PlannedField) -> Option<String> {
    field.value.as_ref().map(PlannedValue::display)
}

#[test]
fn work_authorisation_picks_the_option_the_form_words_its_own_way() {
    let profile = profile(
        json!({"workAuthorization": [{"country": "GB", "status": "citizen"},
        {"country": "US", "status": "needs_sponsorship"}]}),
    );
    let options = [
        "Select...",
        "No, I am not eligible",
        "Yes, I have the right to work",
    ];
    let uk = one(
        field(
            ControlKind::Select,
            "Do you have the right to work in the UK?",
            &options,
        ),
        &profile,
    );
    assert_eq!(shown(&uk).as_deref(), Some("Yes, I have the right to work"));
    assert_eq!(uk.source, Source::bank("workAuthorization.GB"));
    let us = one(
        field(
            ControlKind::RadioGroup,
            "Are you legally authorized to work in the U.S.?",
            &["Yes", "No"],
        ),
        &profile,
    );
    assert_eq!(shown(&us).as_deref(), Some("No"));
    let elsewhere = one(
        field(
            ControlKind::RadioGroup,
            "Are you authorised to work in Japan?",
            &["Yes", "No"],
        ),
        &profile,
    );
    assert_eq!(
        elsewhere.value, None,
        "no row for Japan: unknown, never guessed"
    );
}

#[test]
fn eeo_questions_decline_only_when_the_user_chose_that() {
    let options = ["Man", "Woman", "I prefer not to answer"];
    let silent = one(
        field(ControlKind::Select, "Gender", &options),
        &profile(json!({})),
    );
    assert_eq!(silent.value, None);
    let declining = profile(json!({"eeo": {"declineByDefault": true}}));
    let declined = one(field(ControlKind::Select, "Gender", &options), &declining);
    assert_eq!(shown(&declined).as_deref(), Some("I prefer not to answer"));
    assert_eq!(declined.source, Source::bank("eeo.declineByDefault"));
}

#[test]
fn a_salary_asked_in_another_currency_stays_unknown() {
    let profile =
        profile(json!({"salary": {"currency": "GBP", "minimum": 90000, "period": "year"}}));
    let euros = one(
        field(ControlKind::Number, "Expected salary in EUR", &[]),
        &profile,
    );
    assert_eq!(euros.value, None);
    let pounds = one(
        field(ControlKind::Number, "Expected salary (£)", &[]),
        &profile,
    );
    assert_eq!(shown(&pounds).as_deref(), Some("90000"));
}

#[test]
fn names_split_and_honeypots_and_passwords_stay_empty() {
    let profile = profile(json!({}));
    let middle = one(field(ControlKind::Text, "Middle name", &[]), &profile);
    assert_eq!(shown(&middle).as_deref(), Some("King"));
    let mut trap = field(ControlKind::Text, "Email", &[]);
    trap.honeypot = true;
    let trap = one(trap, &profile);
    assert_eq!(
        (trap.field_type, trap.value.clone()),
        (FieldType::Honeypot, None)
    );
    assert!(matches!(trap.source, Source::NeverFill { .. }));
    let password = one(field(ControlKind::Password, "Password", &[]), &profile);
    assert_eq!(password.value, None);
}

#[test]
fn free_text_reuses_a_stored_answer_or_needs_a_draft() {
    let mut profile = profile(json!({}));
    profile.free_answers.push(crate::profile::FreeAnswer {
        question: "Why do you want to work at our company?".into(),
        answer: "Because of the mission.".into(),
        tags: vec![],
    });
    let same = one(
        field(
            ControlKind::Textarea,
            "Why do you want to work at Acme?",
            &[],
        ),
        &profile,
    );
    assert_eq!(shown(&same).as_deref(), Some("Because of the mission."));
    let other = one(
        field(ControlKind::Textarea, "Describe a hard bug you fixed.", &[]),
        &profile,
    );
    assert_eq!(
        (other.value.clone(), other.source),
        (None, Source::NeedsDraft)
    );
}

#[test]
fn unknown_required_fields_and_blockers_lower_the_form_confidence() {
    let profile = profile(json!({}));
    let mut required = field(ControlKind::Text, "Favourite colour", &[]);
    required.required = true;
    let email = field(ControlKind::Email, "Email", &[]);
    let snapshot = FormSnapshot {
        fields: vec![email.clone(), required],
        ..FormSnapshot::default()
    };
    let open = plan(&snapshot, &profile);
    assert_eq!(open.unknown_required.len(), 1);
    let only_email = plan(
        &FormSnapshot {
            fields: vec![email],
            ..FormSnapshot::default()
        },
        &profile,
    );
    assert!(open.confidence < only_email.confidence);
    let walled = plan(
        &FormSnapshot {
            blockers: vec![Blocker {
                kind: BlockerKind::Captcha,
                detail: "hcaptcha".into(),
                invisible: false,
            }],
            ..snapshot
        },
        &profile,
    );
    assert!(walled.blocked);
    assert!(walled.confidence < open.confidence);
}

/// A look that shows: laid out, 200×30 px, opaque, not aria-hidden, not covered.
fn seen() -> Look {
    Look {
        rendered: true,
        width: 200.0,
        height: 30.0,
        opacity: 1.0,
        aria_hidden: false,
        covered: false,
    }
}

fn looking(mut field: SnapshotField, look: Look, stand_ins: Vec<Look>) -> SnapshotField {
    field.look = Some(look);
    field.stand_ins = stand_ins;
    field
}

#[test]
fn a_field_nobody_can_see_is_never_filled_however_it_is_hidden() {
    let profile = profile(json!({"eeo": {"gender": "female"}}));
    let hidden_ways = [
        (
            "display: none",
            Look {
                rendered: false,
                ..seen()
            },
        ),
        (
            "zero width",
            Look {
                width: 0.0,
                ..seen()
            },
        ),
        (
            "clipped to 1 px high",
            Look {
                height: 1.0,
                ..seen()
            },
        ),
        (
            "transparent",
            Look {
                opacity: 0.0,
                ..seen()
            },
        ),
        (
            "aria-hidden ancestor",
            Look {
                aria_hidden: true,
                ..seen()
            },
        ),
        (
            "covered",
            Look {
                covered: true,
                ..seen()
            },
        ),
    ];
    for (how, look) in hidden_ways {
        let email = one(
            looking(
                field(ControlKind::Email, "Email", &[]),
                look.clone(),
                vec![],
            ),
            &profile,
        );
        assert_eq!(email.value, None, "{how}");
        assert!(email.hidden, "{how}");
        assert!(matches!(email.source, Source::NeverFill { .. }), "{how}");
        let gender = one(
            looking(
                field(ControlKind::Select, "Gender", &["Male", "Female"]),
                look,
                vec![],
            ),
            &profile,
        );
        assert_eq!(gender.value, None, "{how}");
    }
    let shown_email = one(
        looking(field(ControlKind::Email, "Email", &[]), seen(), vec![]),
        &profile,
    );
    assert_eq!(shown(&shown_email).as_deref(), Some("ada@example.org"));
    assert!(!shown_email.hidden);
    let faint = Look {
        opacity: 0.5,
        width: 12.0,
        height: 12.0,
        ..seen()
    };
    let small = one(
        looking(field(ControlKind::Email, "Email", &[]), faint, vec![]),
        &profile,
    );
    assert!(!small.hidden, "half opaque and 12 px is still seen");
}

#[test]
fn a_hidden_control_counts_as_seen_through_what_stands_for_it_unless_it_takes_typed_text() {
    let mut profile = profile(json!({"eeo": {"gender": "female"}}));
    profile.has_resume_pdf = true;
    let gone = Look {
        rendered: false,
        ..seen()
    };
    let resume = one(
        looking(
            field(ControlKind::File, "Resume", &[]),
            gone.clone(),
            vec![seen()],
        ),
        &profile,
    );
    assert_eq!(
        shown(&resume).as_deref(),
        Some("resume_pdf"),
        "the upload button shows"
    );
    let gender_behind = |stand_ins: Vec<Look>| {
        one(
            looking(
                field(ControlKind::Select, "Gender", &["Male", "Female"]),
                gone.clone(),
                stand_ins,
            ),
            &profile,
        )
    };
    let covered = Look {
        covered: true,
        ..seen()
    };
    let gender = gender_behind(vec![covered, seen()]);
    assert_eq!(
        shown(&gender).as_deref(),
        Some("Female"),
        "its combobox shows"
    );
    let transparent = Look {
        opacity: 0.0,
        ..seen()
    };
    let unseen_stand_in = gender_behind(vec![transparent]);
    assert!(unseen_stand_in.hidden);
    let email = one(
        looking(field(ControlKind::Email, "Email", &[]), gone, vec![seen()]),
        &profile,
    );
    assert!(
        email.hidden,
        "a visible label does not show what is typed into a hidden box"
    );
    let unmeasured = one(field(ControlKind::Email, "Email", &[]), &profile);
    assert!(
        !unmeasured.hidden,
        "a snapshot that did not measure is taken as seen"
    );
}

#[test]
fn hidden_required_fields_neither_count_as_unknown_nor_weigh_on_the_confidence() {
    let profile = profile(json!({}));
    let email = looking(field(ControlKind::Email, "Email", &[]), seen(), vec![]);
    let mut trap = looking(
        field(ControlKind::Text, "Favourite colour", &[]),
        Look {
            rendered: false,
            ..seen()
        },
        vec![],
    );
    trap.required = true;
    let with_trap = plan(
        &FormSnapshot {
            fields: vec![email.clone(), trap],
            ..FormSnapshot::default()
        },
        &profile,
    );
    let without = plan(
        &FormSnapshot {
            fields: vec![email],
            ..FormSnapshot::default()
        },
        &profile,
    );
    assert!(with_trap.unknown_required.is_empty());
    assert_eq!(with_trap.confidence, without.confidence);
}
