//! Finds the answer to a typed field in the profile, and where it came from. Work
//! authorisation, sponsorship, salary and EEO come from typed answer-bank keys only.

use super::bank::{
    located_in, notice_period, relocation, remote, salary, sponsorship, start_date,
    work_authorization,
};
use super::countries;
use super::field_type::FieldType;
use super::plan::Source;
use super::profile::{Found, Profile};
use super::snapshot::{ControlKind, SnapshotField};
use super::text::{has_any, overlap, words};
use crate::profile::answers::{DisabilityStatus, Gender, RaceEthnicity, VeteranStatus};

/// The answer before it meets the control: the options decide how it is written.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Answer {
    Text(String),
    Bool(bool),
    /// "Decline to answer", in whatever words the form uses.
    Decline,
    /// An option recognised by its words; `display` when the form shows no options.
    Keyed(&'static Keyed),
    /// An option recognised by a word starting with `stem` ("bachelor" for "Bachelor's").
    Stem {
        display: String,
        stem: &'static str,
    },
    /// An ISO 3166-1 alpha-2 code.
    Country(String),
    ResumePdf,
}

#[derive(Debug, PartialEq)]
pub(super) struct Keyed {
    pub display: &'static str,
    pub any: &'static [&'static str],
    pub none: &'static [&'static str],
}

pub(super) enum Resolution {
    Answered {
        answer: Answer,
        source: Source,
        /// How sure the value is right for the question, before fitting it to the control.
        confidence: f64,
    },
    NeedsDraft,
    Unknown,
    NeverFill(&'static str),
}

pub(super) fn answered(answer: Answer, source: Source, confidence: f64) -> Resolution {
    Resolution::Answered {
        answer,
        source,
        confidence,
    }
}

fn from_resume(found: Option<Found>) -> Resolution {
    match found {
        Some(found) => answered(Answer::Text(found.text), Source::resume(found.path), 1.0),
        None => Resolution::Unknown,
    }
}

pub(super) fn resolve(
    field: &SnapshotField,
    field_type: FieldType,
    profile: &Profile,
) -> Resolution {
    use FieldType as T;
    match field_type {
        T::Honeypot => Resolution::NeverFill("a trap for bots: people never fill it"),
        T::Password => Resolution::NeverFill("passwords are never filled by the planner"),
        T::FirstName | T::LastName | T::MiddleName | T::FullName | T::PreferredName => {
            name_part(field_type, profile)
        }
        T::Email => from_resume(profile.text_at("basics.email")),
        T::Phone => from_resume(profile.text_at("basics.phone")),
        T::PhoneCountryCode => phone_country_code(profile),
        T::Address => from_resume(profile.text_at("basics.location.address")),
        T::City => from_resume(profile.text_at("basics.location.city")),
        T::State => from_resume(profile.text_at("basics.location.region")),
        T::PostalCode => from_resume(profile.text_at("basics.location.postalCode")),
        T::Country => country(profile),
        T::Location => location(profile),
        T::Linkedin => from_resume(profile.profile_url("linkedin")),
        T::Github => from_resume(profile.profile_url("github")),
        T::Twitter => from_resume(profile.profile_url("twitter")),
        T::Portfolio => from_resume(profile.text_at("basics.url")),
        T::Resume if profile.has_resume_pdf => answered(Answer::ResumePdf, Source::Document, 1.0),
        T::CoverLetter if field.kind != ControlKind::File => free_answer(
            field,
            profile,
            &["cover-letter", "cover letter", "coverletter"],
        ),
        T::CurrentCompany => work_text(profile, "name"),
        T::CurrentTitle => match profile.current_work() {
            Some(i) => from_resume(profile.text_at(&format!("work[{i}].position"))),
            None => from_resume(profile.text_at("basics.label")),
        },
        T::EmployerLocation => work_text(profile, "location"),
        T::WorkDescription => work_text(profile, "summary"),
        T::School => education_text(profile, "institution"),
        T::Degree if !field.kind.is_choice() => education_text(profile, "studyType"),
        T::Degree | T::EducationLevel => education_level(profile),
        T::Major => education_text(profile, "area"),
        T::Gpa => education_text(profile, "score"),
        T::GraduationDate => graduation(field, profile),
        T::WorkAuthorization => work_authorization(field, profile),
        T::Sponsorship => sponsorship(field, profile),
        T::Salary => salary(field, profile),
        T::StartDate => start_date(profile),
        T::NoticePeriod => notice_period(profile),
        T::Relocation => relocation(profile),
        T::LocatedInCountry => located_in(field, profile),
        T::RemotePreference => remote(profile),
        T::Gender
        | T::RaceEthnicity
        | T::Hispanic
        | T::Veteran
        | T::Disability
        | T::Transgender
        | T::SexualOrientation => super::eeo::resolve(field_type, &profile.answers.eeo),
        T::FreeText => free_answer(field, profile, &[]),
        _ => Resolution::Unknown,
    }
}

fn name_part(field_type: FieldType, profile: &Profile) -> Resolution {
    let Some(found) = profile.text_at("basics.name") else {
        return Resolution::Unknown;
    };
    let parts: Vec<&str> = found.text.split_whitespace().collect();
    let source = Source::resume("basics.name");
    let (text, confidence) = match (field_type, parts.as_slice()) {
        (FieldType::FullName, _) => (found.text.clone(), 1.0),
        (FieldType::FirstName, [first, _, ..]) => ((*first).to_owned(), 0.95),
        (FieldType::PreferredName, [first, ..]) => ((*first).to_owned(), 0.7),
        (FieldType::LastName, [_, .., last]) => ((*last).to_owned(), 0.9),
        (FieldType::MiddleName, [_, middle @ .., _]) if !middle.is_empty() => {
            (middle.join(" "), 0.8)
        }
        _ => return Resolution::Unknown,
    };
    answered(Answer::Text(text), source, confidence)
}

fn phone_country_code(profile: &Profile) -> Resolution {
    let Some(found) = profile.text_at("basics.phone") else {
        return Resolution::Unknown;
    };
    let digits: String = found
        .text
        .strip_prefix('+')
        .map(|rest| rest.chars().take_while(char::is_ascii_digit).collect())
        .unwrap_or_default();
    // Without a separator after the code its length is unknown: "+4915…" could be +49 or +491.
    let separated = found
        .text
        .chars()
        .nth(digits.len() + 1)
        .is_some_and(|c| !c.is_ascii_digit());
    if digits.is_empty() || !separated {
        return Resolution::Unknown;
    }
    answered(
        Answer::Text(format!("+{digits}")),
        Source::resume(found.path),
        0.9,
    )
}

fn country(profile: &Profile) -> Resolution {
    match profile.text_at("basics.location.countryCode") {
        Some(found) => {
            let answer = Answer::Country(found.text.to_ascii_uppercase());
            answered(answer, Source::resume(found.path), 1.0)
        }
        None => Resolution::Unknown,
    }
}

fn location(profile: &Profile) -> Resolution {
    let Some(city) = profile.text_at("basics.location.city") else {
        return Resolution::Unknown;
    };
    let mut parts = vec![city.text];
    if let Some(region) = profile.text_at("basics.location.region") {
        parts.push(region.text);
    }
    if let Some(code) = profile.text_at("basics.location.countryCode") {
        parts.push(countries::name(&code.text).map_or(code.text, str::to_owned));
    }
    answered(
        Answer::Text(parts.join(", ")),
        Source::resume("basics.location"),
        0.9,
    )
}

fn work_text(profile: &Profile, key: &str) -> Resolution {
    match profile.current_work() {
        Some(i) => from_resume(profile.text_at(&format!("work[{i}].{key}"))),
        None => Resolution::Unknown,
    }
}

fn education_text(profile: &Profile, key: &str) -> Resolution {
    if !profile.has_education() {
        return Resolution::Unknown;
    }
    from_resume(profile.text_at(&format!("education[0].{key}")))
}

fn education_level(profile: &Profile) -> Resolution {
    let Some(found) = profile.text_at("education[0].studyType") else {
        return Resolution::Unknown;
    };
    let study = words(&found.text);
    const LEVELS: &[(&[&str], &str)] = &[
        (&["phd", "doctorate", "doctor", "dphil"], "doctor"),
        (
            &["master", "masters", "msc", "ma", "ms", "mba", "meng"],
            "master",
        ),
        (
            &["bachelor", "bachelors", "bsc", "ba", "bs", "beng"],
            "bachelor",
        ),
        (&["associate", "associates"], "associate"),
    ];
    match LEVELS.iter().find(|(names, _)| has_any(&study, names)) {
        Some((_, stem)) => answered(
            Answer::Stem {
                display: found.text,
                stem,
            },
            Source::resume(found.path),
            0.9,
        ),
        None => Resolution::Unknown,
    }
}

fn graduation(field: &SnapshotField, profile: &Profile) -> Resolution {
    let Some(found) = profile.text_at("education[0].endDate") else {
        return Resolution::Unknown;
    };
    let label = words(&field.label);
    let mut parts = found.text.split('-');
    let (year, month) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let text = if has_any(&label, &["year"]) {
        year.to_owned()
    } else if has_any(&label, &["month"]) {
        month.to_owned()
    } else {
        found.text.clone()
    };
    if text.is_empty() {
        return Resolution::Unknown;
    }
    answered(Answer::Text(text), Source::resume(found.path), 0.9)
}

/// How much of a stored question a form's question must repeat to reuse its answer.
const SAME_QUESTION: f64 = 0.6;

fn free_answer(field: &SnapshotField, profile: &Profile, tags: &[&str]) -> Resolution {
    let asked = words(&field.label);
    let best = profile
        .free_answers
        .iter()
        .map(|stored| {
            let tagged = stored
                .tags
                .iter()
                .any(|t| tags.contains(&t.to_lowercase().as_str()));
            let theirs = words(&stored.question);
            let score = if tagged {
                1.0
            } else {
                overlap(&theirs, &asked).min(overlap(&asked, &theirs) + 0.3)
            };
            (score, stored)
        })
        .filter(|(score, _)| *score >= SAME_QUESTION)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match best {
        Some((score, stored)) => answered(
            Answer::Text(stored.answer.clone()),
            Source::FreeAnswer {
                question: stored.question.clone(),
            },
            score.min(1.0) * 0.9,
        ),
        None => Resolution::NeedsDraft,
    }
}

/// The EEO answers the bank's enums stand for, in the words forms use.
pub(super) fn gender(answer: Gender) -> Answer {
    const FEMALE: Keyed = Keyed {
        display: "Female",
        any: &["female", "woman", "women"],
        none: &["transgender"],
    };
    const MALE: Keyed = Keyed {
        display: "Male",
        any: &["male", "man", "men"],
        none: &["transgender"],
    };
    const NON_BINARY: Keyed = Keyed {
        display: "Non-binary",
        any: &["nonbinary", "genderqueer", "gender non conforming"],
        none: &[],
    };
    match answer {
        Gender::Female => Answer::Keyed(&FEMALE),
        Gender::Male => Answer::Keyed(&MALE),
        Gender::NonBinary => Answer::Keyed(&NON_BINARY),
        Gender::Decline => Answer::Decline,
    }
}

pub(super) fn race(answer: RaceEthnicity) -> Answer {
    const HISPANIC: Keyed = Keyed {
        display: "Hispanic or Latino",
        any: &["hispanic", "latino", "latina", "latinx"],
        none: &["not hispanic"],
    };
    const WHITE: Keyed = Keyed {
        display: "White",
        any: &["white"],
        none: &[],
    };
    const BLACK: Keyed = Keyed {
        display: "Black or African American",
        any: &["black", "african american"],
        none: &[],
    };
    const ASIAN: Keyed = Keyed {
        display: "Asian",
        any: &["asian"],
        none: &[],
    };
    const PACIFIC: Keyed = Keyed {
        display: "Native Hawaiian or Other Pacific Islander",
        any: &["native hawaiian", "pacific islander"],
        none: &[],
    };
    const NATIVE: Keyed = Keyed {
        display: "American Indian or Alaska Native",
        any: &["american indian", "alaska native", "alaskan native"],
        none: &[],
    };
    const TWO: Keyed = Keyed {
        display: "Two or More Races",
        any: &["two or more", "multiracial", "multiple races"],
        none: &[],
    };
    match answer {
        RaceEthnicity::HispanicOrLatino => Answer::Keyed(&HISPANIC),
        RaceEthnicity::White => Answer::Keyed(&WHITE),
        RaceEthnicity::BlackOrAfricanAmerican => Answer::Keyed(&BLACK),
        RaceEthnicity::Asian => Answer::Keyed(&ASIAN),
        RaceEthnicity::NativeHawaiianOrPacificIslander => Answer::Keyed(&PACIFIC),
        RaceEthnicity::AmericanIndianOrAlaskaNative => Answer::Keyed(&NATIVE),
        RaceEthnicity::TwoOrMoreRaces => Answer::Keyed(&TWO),
        RaceEthnicity::Decline => Answer::Decline,
    }
}

pub(super) fn veteran(answer: VeteranStatus) -> Answer {
    const PROTECTED: Keyed = Keyed {
        display: "I identify as one or more of the classifications of protected veteran",
        any: &[
            "identify as one or more",
            "protected veteran",
            "i am a veteran",
            "am a protected",
        ],
        none: &["not", "dont"],
    };
    const NOT_PROTECTED: Keyed = Keyed {
        display: "I am not a protected veteran",
        any: &[
            "not a protected veteran",
            "not a veteran",
            "am not",
            "no military",
        ],
        none: &[],
    };
    match answer {
        VeteranStatus::ProtectedVeteran => Answer::Keyed(&PROTECTED),
        VeteranStatus::NotAProtectedVeteran => Answer::Keyed(&NOT_PROTECTED),
        VeteranStatus::Decline => Answer::Decline,
    }
}

pub(super) fn disability(answer: DisabilityStatus) -> Answer {
    match answer {
        DisabilityStatus::Yes => Answer::Bool(true),
        DisabilityStatus::No => Answer::Bool(false),
        DisabilityStatus::Decline => Answer::Decline,
    }
}
