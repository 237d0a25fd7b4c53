use serde_json::json;

use super::answers::*;
use super::*;

fn paths(result: Result<impl std::fmt::Debug, Problems>) -> Vec<String> {
    match result {
        Ok(value) => panic!("expected problems, got {value:?}"),
        Err(Problems(problems)) => problems.into_iter().map(|p| p.path).collect(),
    }
}

fn full_bank() -> serde_json::Value {
    json!({
        "workAuthorization": [
            {"country": "US", "status": "needs_sponsorship"},
            {"country": "DE", "status": "citizen"}
        ],
        "needsSponsorship": true,
        "salary": {"currency": "EUR", "minimum": 70000, "maximum": 85000.5, "period": "year"},
        "noticePeriod": {"amount": 4, "unit": "weeks"},
        "earliestStart": {"kind": "date", "date": "2027-03-01"},
        "relocation": {"willing": "open", "locations": ["Berlin", "Amsterdam"]},
        "remote": "hybrid",
        "eeo": {"declineByDefault": true, "gender": "female", "veteran": "not_a_protected_veteran"}
    })
}

#[test]
fn a_full_bank_round_trips() {
    let bank = AnswerBank::parse(&full_bank().to_string()).expect("valid");
    assert_eq!(
        bank.work_authorization[0].status,
        WorkStatus::NeedsSponsorship
    );
    assert_eq!(bank.notice_period.map(|n| n.days()), Some(28));
    assert_eq!(
        bank.earliest_start,
        Some(StartDate::Date {
            date: "2027-03-01".into()
        })
    );
    let again = AnswerBank::parse(&serde_json::to_string(&bank).expect("json")).expect("valid");
    assert_eq!(again, bank);
}

#[test]
fn an_empty_bank_knows_nothing() {
    let bank = AnswerBank::parse("{}").expect("valid");
    assert_eq!(bank, AnswerBank::default());
    assert_eq!(bank.eeo.resolve(bank.eeo.gender), None);
    assert_eq!(bank.needs_sponsorship, None);
}

#[test]
fn eeo_default_decline_fills_only_unanswered_questions() {
    let bank = AnswerBank::parse(&full_bank().to_string()).expect("valid");
    let eeo = &bank.eeo;
    assert_eq!(eeo.resolve(eeo.gender), Some(Gender::Female));
    assert_eq!(
        eeo.resolve(eeo.race_ethnicity),
        Some(RaceEthnicity::Decline)
    );
    assert_eq!(
        eeo.resolve(eeo.veteran),
        Some(VeteranStatus::NotAProtectedVeteran)
    );
    assert_eq!(eeo.resolve(eeo.disability), Some(DisabilityStatus::Decline));
    let explicit = AnswerBank::parse(r#"{"eeo": {"disability": "decline"}}"#).expect("valid");
    assert_eq!(
        explicit.eeo.resolve(explicit.eeo.disability),
        Some(DisabilityStatus::Decline)
    );
    assert_eq!(explicit.eeo.resolve(explicit.eeo.gender), None);
}

#[test]
fn immediately_is_a_start_date() {
    let bank = AnswerBank::parse(r#"{"earliestStart": {"kind": "immediately"}}"#).expect("valid");
    assert_eq!(bank.earliest_start, Some(StartDate::Immediately));
}

#[test]
fn bad_values_name_their_fields() {
    let mut bank = full_bank();
    bank["workAuthorization"][0]["country"] = json!("USA");
    bank["workAuthorization"][1]["country"] = json!("UK");
    bank["salary"]["currency"] = json!("euro");
    bank["salary"]["minimum"] = json!(-5);
    bank["noticePeriod"]["amount"] = json!(60);
    bank["earliestStart"]["date"] = json!("2027-02-30");
    bank["relocation"]["locations"] = json!(["Berlin", "  "]);
    assert_eq!(
        paths(AnswerBank::parse(&bank.to_string())),
        [
            "workAuthorization[0].country",
            "workAuthorization[1].country",
            "salary.currency",
            "salary.minimum",
            "noticePeriod.amount",
            "earliestStart.date",
            "relocation.locations[1]",
        ]
    );
}

#[test]
fn a_range_must_not_be_upside_down() {
    let mut bank = full_bank();
    bank["salary"]["maximum"] = json!(100);
    assert_eq!(
        paths(AnswerBank::parse(&bank.to_string())),
        ["salary.maximum"]
    );
    bank["salary"]["maximum"] = json!(0);
    assert_eq!(
        paths(AnswerBank::parse(&bank.to_string())),
        ["salary.maximum"]
    );
}

#[test]
fn a_country_is_listed_once() {
    let mut bank = full_bank();
    bank["workAuthorization"][1]["country"] = json!("US");
    let Err(Problems(problems)) = AnswerBank::parse(&bank.to_string()) else {
        panic!("accepted a duplicate");
    };
    assert_eq!(problems[0].path, "workAuthorization[1].country");
    assert!(problems[0].message.contains("twice"), "{problems:?}");
}

#[test]
fn shape_errors_carry_the_path() {
    let Err(Problems(problems)) =
        AnswerBank::parse(r#"{"eeo": {"gender": "maybe"}, "remote": "hybrid"}"#)
    else {
        panic!("accepted an unknown variant");
    };
    assert_eq!(problems[0].path, "eeo.gender");
    assert!(
        problems[0].message.contains("unknown variant"),
        "{problems:?}"
    );
    assert_eq!(
        paths(AnswerBank::parse(
            r#"{"salary": {"currency": "USD", "minimum": "lots", "period": "year"}}"#
        )),
        ["salary.minimum"]
    );
    assert_eq!(paths(AnswerBank::parse(r#"{"sallary": {}}"#)), ["sallary"]);
    assert_eq!(paths(AnswerBank::parse("{} trailing")), [""]);
    assert_eq!(paths(AnswerBank::parse("[]")), [""]);
}

fn export() -> serde_json::Value {
    json!({
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exportedAt": 1,
        "resume": {"basics": {"name": "Ada"}},
        "answers": full_bank(),
        "freeAnswers": [
            {"question": " Why us? ", "answer": "Because.", "tags": ["Motivation", "motivation", " "]}
        ]
    })
}

#[test]
fn an_export_round_trips_with_normalised_answers() {
    let file = ProfileExport::parse(&export().to_string()).expect("valid");
    assert_eq!(file.free_answers[0].question, "Why us?");
    assert_eq!(file.free_answers[0].tags, ["motivation"]);
    assert_eq!(file.answers.remote, Some(RemotePreference::Hybrid));
    let again = ProfileExport::parse(&serde_json::to_string(&file).expect("json")).expect("valid");
    assert_eq!(again, file);
}

#[test]
fn an_export_reports_every_problem_with_its_path() {
    let mut file = export();
    file["format"] = json!("something-else");
    file["version"] = json!(2);
    file["resume"] = json!([]);
    file["answers"]["salary"]["currency"] = json!("$");
    file["freeAnswers"][0]["answer"] = json!("");
    assert_eq!(
        paths(ProfileExport::parse(&file.to_string())),
        [
            "format",
            "version",
            "resume",
            "answers.salary.currency",
            "freeAnswers[0].answer"
        ]
    );
}

#[test]
fn free_answers_have_bounded_sizes() {
    let long = FreeAnswer {
        question: "q".repeat(501),
        answer: "a".into(),
        tags: vec!["t".repeat(41)],
    };
    assert_eq!(
        paths(long.validate_at("").map(|()| "ok")),
        ["question", "tags[0]"]
    );
}
