//! Gives each snapshot field a semantic type from, strongest first: the autocomplete token,
//! the label a person sees, then the name, id and placeholder. Only general signals; nothing
//! here knows a vendor.
//!
//! Most of this file is one table, `RULES` (about 300 lines, one rule per phrase group, in the
//! order they are tried), which is why it runs past the usual 500 lines: split, its order
//! would be harder to read.

use super::field_type::FieldType;
use super::sight::placed_out_of_sight;
use super::snapshot::{ControlKind, SnapshotField};
use super::text::{has_any, words};

/// A type and how sure the planner is of it (0..=1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Classified {
    pub field_type: FieldType,
    pub confidence: f64,
}

struct Rule {
    field_type: FieldType,
    phrases: &'static [&'static str],
    /// Only for labels up to this many words: "name" is a label, not part of a question.
    max_words: usize,
    /// Only for these controls; empty: any.
    kinds: &'static [ControlKind],
}

const ANY: usize = usize::MAX;
const SHORT: usize = 4;
const CHECKABLE: &[ControlKind] = &[
    ControlKind::Checkbox,
    ControlKind::CheckboxGroup,
    ControlKind::Radio,
    ControlKind::RadioGroup,
    ControlKind::ButtonGroup,
    ControlKind::Select,
    ControlKind::Combobox,
];
const TYPED: &[ControlKind] = &[
    ControlKind::Text,
    ControlKind::Email,
    ControlKind::Url,
    ControlKind::Tel,
];

const fn rule(field_type: FieldType, phrases: &'static [&'static str]) -> Rule {
    Rule {
        field_type,
        phrases,
        max_words: ANY,
        kinds: &[],
    }
}

const fn short(field_type: FieldType, phrases: &'static [&'static str]) -> Rule {
    Rule {
        field_type,
        phrases,
        max_words: SHORT,
        kinds: &[],
    }
}

/// First match wins, so the narrower phrase comes before the wider one.
const RULES: &[Rule] = &[
    rule(FieldType::Password, &["password"]),
    Rule {
        field_type: FieldType::Username,
        phrases: &["username", "login", "user id"],
        max_words: 3,
        kinds: TYPED,
    },
    rule(
        FieldType::PhoneCountryCode,
        &[
            "phone countrycode",
            "countrycode",
            "dial code",
            "calling code",
            "country prefix",
        ],
    ),
    rule(FieldType::PhoneType, &["phone type", "type of phone"]),
    rule(FieldType::Other, &["address type", "type of address"]),
    rule(FieldType::Transgender, &["transgender"]),
    rule(
        FieldType::SexualOrientation,
        &["sexual orientation", "orientation"],
    ),
    rule(FieldType::Pronouns, &["pronouns", "pronoun"]),
    rule(
        FieldType::RaceEthnicity,
        &["race", "racial", "ethnic origin", "ethnicity"],
    ),
    rule(
        FieldType::Hispanic,
        &["hispanic", "latino", "latina", "latinx"],
    ),
    rule(FieldType::Veteran, &["veteran", "military service"]),
    rule(
        FieldType::Disability,
        &["disability", "disabled", "handicap"],
    ),
    rule(FieldType::Gender, &["gender", "sex"]),
    rule(
        FieldType::Sponsorship,
        &[
            "sponsorship",
            "sponsor",
            "sponsored",
            "visa support",
            "require a visa",
            "need a visa",
        ],
    ),
    rule(
        FieldType::WorkAuthorization,
        &[
            "authorized to work",
            "authorised to work",
            "authorization to work",
            "authorisation to work",
            "work authorization",
            "work authorisation",
            "right to work",
            "eligible to work",
            "eligibility to work",
            "legally work",
            "permitted to work",
            "permission to work",
            "work permit",
        ],
    ),
    rule(
        FieldType::Salary,
        &[
            "salary",
            "compensation",
            "desired pay",
            "expected pay",
            "pay expectations",
            "pay expectation",
            "remuneration",
            "rate expectations",
            "hourly rate",
            "day rate",
        ],
    ),
    rule(FieldType::NoticePeriod, &["noticeperiod", "notice"]),
    rule(
        FieldType::StartDate,
        &[
            "startdate",
            "when can you start",
            "when could you start",
            "when would you be able to start",
            "able to start",
            "available to start",
            "earliest start",
            "availability date",
            "date available",
            "date of availability",
            "when are you available",
        ],
    ),
    rule(
        FieldType::Relocation,
        &["relocate", "relocation", "relocating"],
    ),
    rule(
        FieldType::LocatedInCountry,
        &[
            "located in",
            "based in",
            "live in",
            "living in",
            "reside in",
            "residing in",
            "resident of",
        ],
    ),
    rule(
        FieldType::RemotePreference,
        &[
            "remote preference",
            "work preference",
            "work arrangement",
            "prefer to work remotely",
            "work remotely",
        ],
    ),
    rule(
        FieldType::HowDidYouHear,
        &[
            "how did you hear",
            "hear about",
            "heard about",
            "learn about",
            "learned about",
            "find out about",
            "how did you find",
            "where did you find",
            "where did you see",
            "referral source",
            "referred you",
            "referred by",
            "who referred",
            "source of application",
        ],
    ),
    Rule {
        field_type: FieldType::Consent,
        phrases: &[
            "consent",
            "i agree",
            "agree to",
            "i accept",
            "accept the",
            "privacy policy",
            "privacy notice",
            "terms of use",
            "terms and conditions",
            "acknowledge",
            "i certify",
            "contact me",
            "text messages",
        ],
        max_words: ANY,
        kinds: CHECKABLE,
    },
    rule(
        FieldType::CoverLetter,
        &["coverletter", "covering letter", "cover"],
    ),
    rule(FieldType::Resume, &["resume"]),
    rule(FieldType::Linkedin, &["linkedin"]),
    rule(FieldType::Github, &["github"]),
    rule(FieldType::Twitter, &["twitter", "x handle"]),
    rule(
        FieldType::OtherUrl,
        &[
            "other website",
            "other url",
            "other link",
            "additional link",
            "other profile",
        ],
    ),
    rule(
        FieldType::Portfolio,
        &[
            "portfolio",
            "website",
            "personal site",
            "homepage",
            "home page",
            "personal url",
            "blog",
        ],
    ),
    rule(FieldType::Email, &["email"]),
    rule(
        FieldType::PreferredName,
        &["preferred name", "prefer us to use", "nickname", "known as"],
    ),
    rule(FieldType::FirstName, &["forename"]),
    short(FieldType::FirstName, &["first"]),
    rule(FieldType::LastName, &["surname"]),
    rule(FieldType::MiddleName, &["middlename", "middle initial"]),
    rule(
        FieldType::FullName,
        &[
            "fullname",
            "legal name",
            "your name",
            "candidate name",
            "applicant name",
        ],
    ),
    short(FieldType::FullName, &["name"]),
    rule(
        FieldType::Phone,
        &["phone", "mobile", "telephone", "cell", "tel"],
    ),
    rule(
        FieldType::EmployerLocation,
        &["employer location", "company location"],
    ),
    rule(
        FieldType::AddressLine2,
        &[
            "address 2",
            "address line 2",
            "apartment",
            "suite",
            "address2",
        ],
    ),
    rule(FieldType::Address, &["address", "street"]),
    short(FieldType::City, &["city", "town"]),
    rule(FieldType::City, &["location city"]),
    short(FieldType::State, &["state", "province", "region", "county"]),
    rule(FieldType::PostalCode, &["postcode"]),
    rule(FieldType::Country, &["country"]),
    rule(
        FieldType::Location,
        &[
            "location",
            "where are you located",
            "where are you based",
            "where do you live",
            "plan on working from",
            "where will you be working from",
        ],
    ),
    rule(
        FieldType::EducationLevel,
        &[
            "level of education",
            "education level",
            "highest education",
            "highest degree",
        ],
    ),
    rule(
        FieldType::School,
        &["school", "university", "college", "institution"],
    ),
    rule(FieldType::Degree, &["degree"]),
    rule(
        FieldType::Major,
        &["major", "field of study", "area of study", "discipline"],
    ),
    short(FieldType::Minor, &["minor"]),
    rule(FieldType::Gpa, &["gpa", "grade point"]),
    rule(
        FieldType::GraduationDate,
        &["graduation", "graduate", "grad"],
    ),
    rule(
        FieldType::WorkDescription,
        &["responsibilities", "duties", "describe your role"],
    ),
    Rule {
        field_type: FieldType::CurrentCompany,
        phrases: &[
            "current company",
            "current employer",
            "employer",
            "company",
            "organisation",
            "organization",
            "org",
        ],
        max_words: 6,
        kinds: &[],
    },
    Rule {
        field_type: FieldType::CurrentTitle,
        phrases: &[
            "job title",
            "current title",
            "current role",
            "position",
            "headline",
            "title",
        ],
        max_words: 6,
        kinds: &[],
    },
];

/// Phrases that make a label a question to answer in one's own words.
const QUESTION_STARTS: &[&str] = &[
    "what", "why", "how", "describe", "tell", "please", "explain", "anything", "is", "share",
    "list", "which", "who", "where", "when", "do", "does", "did", "have", "are", "would", "will",
    "can", "could", "briefly", "give",
];

pub fn classify(field: &SnapshotField) -> Classified {
    if field.honeypot || placed_out_of_sight(field) {
        return Classified {
            field_type: FieldType::Honeypot,
            confidence: 1.0,
        };
    }
    if field.kind == ControlKind::Password {
        return Classified {
            field_type: FieldType::Password,
            confidence: 1.0,
        };
    }
    if let Some(mut field_type) = field.autocomplete.as_deref().and_then(from_autocomplete) {
        // A sign-in id typed as an email address is the email address.
        if field_type == FieldType::Username && field.kind == ControlKind::Email {
            field_type = FieldType::Email;
        }
        return Classified {
            field_type,
            confidence: 0.97,
        };
    }
    let label = words(&field.label);
    let yes_no = has_yes_no_options(field);
    if let Some(field_type) = by_rules(&label, field, yes_no) {
        let confidence = if label.len() <= 6 { 0.95 } else { 0.85 };
        return Classified {
            field_type,
            confidence,
        };
    }
    let attributes = words(&attribute_text(field));
    if let Some(field_type) = by_rules(&attributes, field, yes_no) {
        return Classified {
            field_type,
            confidence: 0.75,
        };
    }
    Classified {
        field_type: fallback(field, &label),
        confidence: 0.6,
    }
}

fn attribute_text(field: &SnapshotField) -> String {
    [
        field.name.as_deref().unwrap_or(""),
        field.id.as_deref().unwrap_or(""),
        &field.label_sources.placeholder,
    ]
    .join(" ")
}

fn by_rules(text: &[String], field: &SnapshotField, yes_no: bool) -> Option<FieldType> {
    if text.is_empty() {
        return None;
    }
    let hit = RULES.iter().find(|rule| {
        text.len() <= rule.max_words
            && (rule.kinds.is_empty() || rule.kinds.contains(&field.kind))
            && has_any(text, rule.phrases)
    })?;
    let field_type = hit.field_type;
    // "Are you located in Canada?" with Yes/No is its own question, not the location field.
    if yes_no && !field_type.may_be_yes_no() {
        return Some(FieldType::Question);
    }
    // "Based in the Bay Area?" names no country: a question no profile key answers.
    if field_type == FieldType::LocatedInCountry
        && super::countries::named_in(&field.label).is_none()
    {
        return Some(FieldType::Question);
    }
    // A file input takes a document, whatever else its label mentions.
    if field.kind == ControlKind::File && field_type != FieldType::CoverLetter {
        return Some(FieldType::Resume);
    }
    Some(field_type)
}

/// Without a telling label: the control's own type, else whether the label asks a question.
fn fallback(field: &SnapshotField, label: &[String]) -> FieldType {
    match field.kind {
        ControlKind::Email => FieldType::Email,
        ControlKind::Tel => FieldType::Phone,
        ControlKind::File => FieldType::Resume,
        ControlKind::Textarea | ControlKind::Contenteditable => FieldType::FreeText,
        kind if kind.is_choice() || kind == ControlKind::Checkbox => FieldType::Question,
        _ if looks_like_question(&field.label, label) => FieldType::FreeText,
        _ => FieldType::Other,
    }
}

/// A label that long is a question or a request, answered in the applicant's own words.
const SENTENCE_WORDS: usize = 10;

fn looks_like_question(raw: &str, label: &[String]) -> bool {
    raw.trim_end_matches(['*', '✱', ' ']).ends_with('?')
        || label.len() >= 5
            && label
                .first()
                .is_some_and(|w| QUESTION_STARTS.contains(&w.as_str()))
        || label.len() >= SENTENCE_WORDS
}

fn has_yes_no_options(field: &SnapshotField) -> bool {
    let firsts: Vec<String> = field
        .options
        .iter()
        .filter_map(|o| words(&o.text).into_iter().next())
        .collect();
    firsts.iter().any(|w| w == "yes") && firsts.iter().any(|w| w == "no")
}

/// The HTML autofill tokens (the last token; section and shipping/billing prefixes ignored).
fn from_autocomplete(value: &str) -> Option<FieldType> {
    let token = value.split_whitespace().last()?.to_ascii_lowercase();
    Some(match token.as_str() {
        "given-name" => FieldType::FirstName,
        "family-name" => FieldType::LastName,
        "additional-name" => FieldType::MiddleName,
        "name" => FieldType::FullName,
        "nickname" => FieldType::PreferredName,
        "email" => FieldType::Email,
        "tel" | "tel-national" => FieldType::Phone,
        "tel-country-code" => FieldType::PhoneCountryCode,
        "street-address" | "address-line1" => FieldType::Address,
        "address-line2" => FieldType::AddressLine2,
        "address-level2" => FieldType::City,
        "address-level1" => FieldType::State,
        "postal-code" => FieldType::PostalCode,
        "country" | "country-name" => FieldType::Country,
        "organization" => FieldType::CurrentCompany,
        "organization-title" => FieldType::CurrentTitle,
        "url" => FieldType::Portfolio,
        "username" => FieldType::Username,
        "new-password" | "current-password" => FieldType::Password,
        "sex" => FieldType::Gender,
        _ => return None,
    })
}
