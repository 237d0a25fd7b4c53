//! The validator: a tailored, perhaps reworded resume may say only what the profile says.
//!
//! Every entry of the candidate must be an entry of the profile, field by field: employer,
//! title, dates, school, degree, certification, award, skill and the rest, compared without
//! regard to case and punctuation (`Pied Piper, Inc.` is `pied piper inc`; `Postgres` is not
//! `PostgreSQL`), a date also when it is a shorter form of the profile's (`2019-05` for
//! `2019-05-01`). Entries and bullets may be left out or reordered. A bullet, summary or
//! description that is not one of that entry's own is a rewording: each number in it (with
//! its unit: `40%`, `3x`, `$1.2M`, `10k`) must appear in that same entry of the profile, and
//! each proper name in that entry or, for technologies, among the profile's skills.

use serde::Serialize;

use super::claims::{Fact, Known, names, numbers};
use super::words::normal;
use super::{Resume, Skill};

/// What kind of claim a violation is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Claim {
    FullName,
    Headline,
    Email,
    Phone,
    Link,
    Location,
    Profile,
    Employer,
    Title,
    Date,
    Organisation,
    Institution,
    Degree,
    FieldOfStudy,
    Grade,
    Course,
    Certification,
    Issuer,
    Award,
    Awarder,
    Publication,
    Publisher,
    Project,
    Role,
    ProjectKind,
    Skill,
    SkillLevel,
    Language,
    Fluency,
    Interest,
    Number,
    Name,
}

/// One claim of the candidate that the profile does not make.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    pub claim: Claim,
    /// The claim as the candidate writes it.
    pub value: String,
    /// A sentence for the user ("the employer 'Globex' is not in your profile").
    pub message: String,
}

/// Every claim of a candidate resume that its profile does not make.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the resume states what your profile does not: {}", list(.0))]
pub struct Violations(pub Vec<Violation>);

fn list(violations: &[Violation]) -> String {
    let messages: Vec<&str> = violations.iter().map(|v| v.message.as_str()).collect();
    messages.join("; ")
}

/// Checks `candidate` against `profile` (see the module's note).
pub fn validate(profile: &Resume, candidate: &Resume) -> Result<(), Violations> {
    let mut check = Validator {
        profile,
        skills: Known::of(skill_words(&profile.skills)),
        found: Vec::new(),
    };
    check.basics(&candidate.basics);
    check.work(candidate);
    check.volunteer(candidate);
    check.education(candidate);
    check.honours(candidate);
    check.projects(candidate);
    check.skills(&candidate.skills);
    check.languages_and_interests(candidate);
    if check.found.is_empty() {
        Ok(())
    } else {
        Err(Violations(check.found))
    }
}

fn skill_words(skills: &[Skill]) -> impl Iterator<Item = &str> {
    skills
        .iter()
        .flat_map(|s| std::iter::once(s.name.as_str()).chain(s.keywords.iter().map(String::as_str)))
}

/// One field of a candidate entry and where a profile entry keeps it.
struct Field<'c, T> {
    claim: Claim,
    value: &'c str,
    of: fn(&T) -> &str,
}

fn field<T>(claim: Claim, value: &str, of: fn(&T) -> &str) -> Field<'_, T> {
    Field { claim, value, of }
}

/// Whether a candidate's field says what the profile's says: the same text up to case and
/// punctuation, or nothing at all; a date also in a shorter form.
fn same(claim: Claim, candidate: &str, profile: &str) -> bool {
    let (candidate, profile) = (normal(candidate), normal(profile));
    candidate.is_empty()
        || candidate == profile
        || claim == Claim::Date && profile.starts_with(&format!("{candidate} "))
}

/// The profile entry a candidate entry is, narrowed field by field in order; the first field
/// no remaining entry shares is the claim the profile does not make.
fn find<'p, T>(
    profile: &'p [T],
    fields: &[Field<'_, T>],
) -> Result<Option<&'p T>, (Claim, String)> {
    let mut left: Vec<&T> = profile.iter().collect();
    for field in fields {
        let narrowed: Vec<&T> = left
            .iter()
            .copied()
            .filter(|entry| same(field.claim, field.value, (field.of)(entry)))
            .collect();
        if narrowed.is_empty() && !field.value.trim().is_empty() {
            return Err((field.claim, field.value.to_owned()));
        }
        left = narrowed;
    }
    Ok(left.first().copied())
}

/// Where a reworded text sits, for its messages: "a bullet of Acme", "that job's entry".
struct Place<'a> {
    text: &'a str,
    entry: &'a str,
    noun: &'a str,
}

struct Validator<'p> {
    profile: &'p Resume,
    skills: Known,
    found: Vec<Violation>,
}

impl<'p> Validator<'p> {
    fn push(&mut self, claim: Claim, value: &str, entry: &str) {
        let message = message(claim, value, entry);
        self.found.push(Violation {
            claim,
            value: value.to_owned(),
            message,
        });
    }

    /// The profile entry a candidate entry is, or None (and the claim noted) when there is
    /// none; `entry` names the candidate's entry in messages.
    fn entry<T>(
        &mut self,
        profile: &'p [T],
        fields: &[Field<'_, T>],
        entry: &str,
    ) -> Option<&'p T> {
        match find(profile, fields) {
            Ok(found) => found,
            Err((claim, value)) => {
                self.push(claim, &value, entry);
                None
            }
        }
    }

    /// Each of `values` must be one of `allowed`.
    fn subset<'a>(
        &mut self,
        claim: Claim,
        values: &[String],
        allowed: impl Iterator<Item = &'a str>,
        entry: &str,
    ) {
        let allowed: Vec<String> = allowed.map(normal).collect();
        for value in values {
            if !allowed.contains(&normal(value)) {
                self.push(claim, value, entry);
            }
        }
    }

    /// Texts of a candidate entry: each is one of `originals`, or a rewording whose numbers
    /// and names `known` (or, for names, the skills) state.
    fn texts(
        &mut self,
        texts: &[(&str, &str)],
        originals: &[&str],
        known: &Known,
        entry: &str,
        noun: &str,
    ) {
        let originals: Vec<String> = originals.iter().map(|t| normal(t)).collect();
        for (what, text) in texts {
            if text.trim().is_empty() || originals.contains(&normal(text)) {
                continue;
            }
            let place = Place {
                text: what,
                entry,
                noun,
            };
            for fact in numbers(text) {
                if !known.has_number(&fact) {
                    self.unstated(Claim::Number, &fact, &place);
                }
            }
            for fact in names(text) {
                if !known.has_word(&fact) && !self.skills.has_word(&fact) {
                    self.unstated(Claim::Name, &fact, &place);
                }
            }
        }
    }

    fn unstated(&mut self, claim: Claim, fact: &Fact, place: &Place<'_>) {
        let Place { text, entry, noun } = place;
        let (within, scope) = if entry.is_empty() {
            (text.to_string(), "your profile".to_owned())
        } else {
            (format!("{text} of {entry}"), format!("that {noun}'s entry"))
        };
        let value = &fact.written;
        let message = if claim == Claim::Number {
            format!("'{value}' in {within} is not in {scope}")
        } else {
            format!("the name '{value}' in {within} is neither in {scope} nor in your skills")
        };
        if !self.found.iter().any(|v| v.message == message) {
            self.found.push(Violation {
                claim,
                value: value.clone(),
                message,
            });
        }
    }
}

mod sections;

/// A sentence for a field's claim; `entry` is the candidate's entry it belongs to.
fn message(claim: Claim, value: &str, entry: &str) -> String {
    let whose = |what: &str| format!("{what} '{value}' of {entry} is not in your profile");
    let at = |what: &str| format!("{what} '{value}' at {entry} is not in your profile");
    let named = |what: &str| format!("{what} '{value}' is not in your profile");
    let yours = |what: &str| format!("{what} '{value}' is not the one in your profile");
    match claim {
        Claim::FullName => yours("the name"),
        Claim::Headline => yours("the headline"),
        Claim::Email => yours("the email address"),
        Claim::Phone => yours("the phone number"),
        Claim::Link => whose("the link"),
        Claim::Location => whose("the location"),
        Claim::Profile => named("the online profile"),
        Claim::Employer => named("the employer"),
        Claim::Title => at("the title"),
        Claim::Date => whose("the date"),
        Claim::Organisation => named("the organisation"),
        Claim::Institution => named("the school"),
        Claim::Degree => at("the degree"),
        Claim::FieldOfStudy => at("the field of study"),
        Claim::Grade => at("the grade"),
        Claim::Course => at("the course"),
        Claim::Certification => named("the certification"),
        Claim::Issuer => whose("the issuer"),
        Claim::Award => named("the award"),
        Claim::Awarder => whose("the awarder"),
        Claim::Publication => named("the publication"),
        Claim::Publisher => whose("the publisher"),
        Claim::Project => named("the project"),
        Claim::Role => whose("the role"),
        Claim::ProjectKind => whose("the kind"),
        Claim::Skill => named("the skill"),
        Claim::SkillLevel => whose("the level"),
        Claim::Language => named("the language"),
        Claim::Fluency => whose("the fluency"),
        Claim::Interest => named("the interest"),
        Claim::Number | Claim::Name => named("the claim"),
    }
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
