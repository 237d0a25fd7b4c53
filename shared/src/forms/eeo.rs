//! Voluntary self-identification: the user's own EEO answer, else "decline" when they chose
//! that for every unanswered question, else unknown. Never inferred from anything else.

use super::field_type::FieldType;
use super::plan::Source;
use super::resolve::{Answer, Resolution, disability, gender, race, veteran};
use crate::profile::answers::{EeoAnswers, RaceEthnicity};

pub(super) fn resolve(field_type: FieldType, eeo: &EeoAnswers) -> Resolution {
    let (own, key) = match field_type {
        FieldType::Gender => (eeo.gender.map(gender), "eeo.gender"),
        FieldType::RaceEthnicity => (eeo.race_ethnicity.map(race), "eeo.raceEthnicity"),
        FieldType::Hispanic => (eeo.race_ethnicity.map(hispanic), "eeo.raceEthnicity"),
        FieldType::Veteran => (eeo.veteran.map(veteran), "eeo.veteran"),
        FieldType::Disability => (eeo.disability.map(disability), "eeo.disability"),
        // No key asks these; only "decline every question I leave unanswered" answers them.
        _ => (None, ""),
    };
    let (answer, key) = match own {
        Some(answer) => (answer, key),
        None if eeo.decline_by_default => (Answer::Decline, "eeo.declineByDefault"),
        None => return Resolution::Unknown,
    };
    Resolution::Answered {
        answer,
        source: Source::bank(key),
        confidence: 0.95,
    }
}

/// "Are you Hispanic or Latino?" is a yes/no view of the race/ethnicity answer.
fn hispanic(answer: RaceEthnicity) -> Answer {
    match answer {
        RaceEthnicity::HispanicOrLatino => Answer::Bool(true),
        RaceEthnicity::Decline => Answer::Decline,
        _ => Answer::Bool(false),
    }
}
