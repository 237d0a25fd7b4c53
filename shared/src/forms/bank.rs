//! Questions about the user's situation and terms: work authorisation and sponsorship per
//! country, salary, start date and notice period, relocation and remote work, answered from
//! the typed answer bank; and "are you located in X", from the resume's country.

use super::countries;
use super::plan::Source;
use super::profile::Profile;
use super::resolve::{Answer, Keyed, Resolution, answered};
use super::snapshot::{ControlKind, SnapshotField};
use super::text::{has_any, words};
use crate::profile::answers::{
    NoticeUnit, PayPeriod, RemotePreference, StartDate, Willingness, WorkStatus,
};

/// The country the question is about: the one it names, else the only one the user answered.
fn asked_country(field: &SnapshotField, profile: &Profile) -> Option<(String, f64)> {
    if let Some(code) = countries::named_in(&field.label) {
        return Some((code.to_owned(), 1.0));
    }
    match profile.answers.work_authorization.as_slice() {
        [only] => Some((only.country.clone(), 0.6)),
        _ => None,
    }
}

/// Only when the question names one country and the resume says which country the user is in.
pub(super) fn located_in(field: &SnapshotField, profile: &Profile) -> Resolution {
    let (Some(asked), Some(found)) = (
        countries::named_in(&field.label),
        profile.text_at("basics.location.countryCode"),
    ) else {
        return Resolution::Unknown;
    };
    let here = found.text.eq_ignore_ascii_case(asked);
    answered(Answer::Bool(here), Source::resume(found.path), 0.9)
}

pub(super) fn work_authorization(field: &SnapshotField, profile: &Profile) -> Resolution {
    let Some((code, confidence)) = asked_country(field, profile) else {
        return Resolution::Unknown;
    };
    let Some(row) = profile
        .answers
        .work_authorization
        .iter()
        .find(|r| r.country == code)
    else {
        return Resolution::Unknown;
    };
    let authorised = matches!(
        row.status,
        WorkStatus::Citizen | WorkStatus::PermanentResident | WorkStatus::VisaHolder
    );
    answered(
        Answer::Bool(authorised),
        Source::bank(format!("workAuthorization.{code}")),
        confidence,
    )
}

pub(super) fn sponsorship(field: &SnapshotField, profile: &Profile) -> Resolution {
    if let Some(code) = countries::named_in(&field.label)
        && let Some(row) = profile
            .answers
            .work_authorization
            .iter()
            .find(|r| r.country == code)
        && row.status != WorkStatus::NotAuthorized
    {
        return answered(
            Answer::Bool(row.status == WorkStatus::NeedsSponsorship),
            Source::bank(format!("workAuthorization.{code}")),
            1.0,
        );
    }
    match profile.answers.needs_sponsorship {
        Some(needs) => answered(Answer::Bool(needs), Source::bank("needsSponsorship"), 1.0),
        None => Resolution::Unknown,
    }
}

fn amount(value: f64) -> String {
    format!("{}", value.round() as i64)
}

pub(super) fn salary(field: &SnapshotField, profile: &Profile) -> Resolution {
    let Some(salary) = &profile.answers.salary else {
        return Resolution::Unknown;
    };
    // An amount in another currency than the one asked for would be a wrong answer.
    if currency_asked(&field.label).is_some_and(|asked| asked != salary.currency) {
        return Resolution::Unknown;
    }
    let text = if field.kind == ControlKind::Number {
        amount(salary.minimum)
    } else {
        let range = match salary.maximum {
            Some(max) if max > salary.minimum => {
                format!("{}-{}", amount(salary.minimum), amount(max))
            }
            _ => amount(salary.minimum),
        };
        let period = match salary.period {
            PayPeriod::Hour => "hour",
            PayPeriod::Day => "day",
            PayPeriod::Week => "week",
            PayPeriod::Month => "month",
            PayPeriod::Year => "year",
        };
        format!("{range} {} per {period}", salary.currency)
    };
    answered(Answer::Text(text), Source::bank("salary"), 0.9)
}

/// The currency a question names ("expectations (EUR)", "in €"), as an ISO 4217 code.
fn currency_asked(label: &str) -> Option<&'static str> {
    const CURRENCIES: &[(&str, &[&str], &[char])] = &[
        ("USD", &["usd", "dollars", "us dollars"], &['$']),
        ("EUR", &["eur", "euro", "euros"], &['€']),
        ("GBP", &["gbp", "pounds", "sterling"], &['£']),
        ("CHF", &["chf", "swiss francs"], &[]),
        ("CAD", &["cad", "canadian dollars"], &[]),
        ("AUD", &["aud", "australian dollars"], &[]),
        ("INR", &["inr", "rupees"], &['₹']),
        ("JPY", &["jpy", "yen"], &['¥']),
    ];
    let text = words(label);
    let mut named = CURRENCIES
        .iter()
        .filter(|(_, names, symbols)| has_any(&text, names) || label.contains(*symbols))
        .map(|(code, _, _)| *code);
    let first = named.next()?;
    named.next().is_none().then_some(first)
}

pub(super) fn start_date(profile: &Profile) -> Resolution {
    let text = match &profile.answers.earliest_start {
        Some(StartDate::Immediately) => "Immediately".to_owned(),
        Some(StartDate::Date { date }) => date.clone(),
        None => return Resolution::Unknown,
    };
    answered(Answer::Text(text), Source::bank("earliestStart"), 0.95)
}

pub(super) fn notice_period(profile: &Profile) -> Resolution {
    let Some(notice) = &profile.answers.notice_period else {
        return Resolution::Unknown;
    };
    let text = match (notice.amount, notice.unit) {
        (0, _) => "None".to_owned(),
        (1, NoticeUnit::Days) => "1 day".to_owned(),
        (1, NoticeUnit::Weeks) => "1 week".to_owned(),
        (n, NoticeUnit::Days) => format!("{n} days"),
        (n, NoticeUnit::Weeks) => format!("{n} weeks"),
    };
    answered(Answer::Text(text), Source::bank("noticePeriod"), 0.95)
}

const OPEN_TO_IT: Keyed = Keyed {
    display: "Open to it",
    any: &[
        "open",
        "maybe",
        "depending",
        "depends",
        "possibly",
        "negotiable",
        "for the right",
    ],
    none: &[],
};

pub(super) fn relocation(profile: &Profile) -> Resolution {
    let Some(relocation) = &profile.answers.relocation else {
        return Resolution::Unknown;
    };
    let answer = match relocation.willing {
        Willingness::Yes => Answer::Bool(true),
        Willingness::No => Answer::Bool(false),
        Willingness::Open => Answer::Keyed(&OPEN_TO_IT),
    };
    answered(answer, Source::bank("relocation"), 0.95)
}

pub(super) fn remote(profile: &Profile) -> Resolution {
    const REMOTE: Keyed = Keyed {
        display: "Remote",
        any: &["remote", "fully remote"],
        none: &["not remote"],
    };
    const HYBRID: Keyed = Keyed {
        display: "Hybrid",
        any: &["hybrid"],
        none: &[],
    };
    const ONSITE: Keyed = Keyed {
        display: "On-site",
        any: &["onsite", "on site", "in office", "office"],
        none: &[],
    };
    const FLEXIBLE: Keyed = Keyed {
        display: "Flexible",
        any: &["flexible", "any", "no preference", "open to all"],
        none: &[],
    };
    let Some(preference) = profile.answers.remote else {
        return Resolution::Unknown;
    };
    let keyed = match preference {
        RemotePreference::Remote => &REMOTE,
        RemotePreference::Hybrid => &HYBRID,
        RemotePreference::Onsite => &ONSITE,
        RemotePreference::Flexible => &FLEXIBLE,
    };
    answered(Answer::Keyed(keyed), Source::bank("remote"), 0.9)
}
