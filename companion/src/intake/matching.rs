//! The match step: hard filters from the user's settings, then a relevance score against
//! the resume, with reasons a person can read. Pure: the caller loads and stores.
//!
//! The relevance score is keyword overlap for now; a later capability adds embeddings.

use serde_json::Value;
use shared::api::{IntakeSettings, MatchOutcome};

use crate::store::postings::NewPosting;

/// Relevance when the resume gives nothing to compare with.
const UNKNOWN_RELEVANCE: f64 = 0.5;
/// An unknown salary passes the floor but is less certain than a known good one.
const UNKNOWN_SALARY_PENALTY: f64 = 0.1;
/// Skills named in a reason before "and N more".
const NAMED_SKILLS: usize = 5;

pub fn evaluate(posting: &NewPosting, resume: &Value, settings: &IntakeSettings) -> MatchOutcome {
    let mut reasons = Vec::new();
    let failures = hard_filter_failures(posting, settings);
    let passed = failures.is_empty();
    reasons.extend(failures);

    let mut score = relevance(posting, resume, &mut reasons);
    if posting.salary_min.is_none() && posting.salary_max.is_none() {
        score -= UNKNOWN_SALARY_PENALTY;
        reasons.push("salary unknown".to_owned());
    }
    MatchOutcome {
        passed,
        score: (score.clamp(0.0, 1.0) * 100.0).round() / 100.0,
        reasons,
    }
}

fn hard_filter_failures(posting: &NewPosting, settings: &IntakeSettings) -> Vec<String> {
    let mut failures = Vec::new();
    let title = posting.title.to_lowercase();
    let company = posting.company.trim().to_lowercase();
    let location = posting
        .location
        .as_deref()
        .unwrap_or_default()
        .to_lowercase();

    if settings.remote_only && !posting.remote {
        failures.push("not remote, and you want remote only".to_owned());
    } else if !location_fits(posting, &location, settings) {
        failures.push(format!(
            "location {:?} is not one of yours",
            posting.location.as_deref().unwrap_or("unknown")
        ));
    }
    if let (Some(floor), Some(top)) = (
        settings.salary_floor,
        posting.salary_max.or(posting.salary_min),
    ) && top < floor
    {
        failures.push(format!("salary up to {top} is below your floor of {floor}"));
    }
    if !settings.title_include.is_empty()
        && !settings
            .title_include
            .iter()
            .any(|word| title.contains(&word.to_lowercase()))
    {
        failures.push("title has none of your keywords".to_owned());
    }
    if let Some(word) = settings
        .title_exclude
        .iter()
        .find(|word| title.contains(&word.to_lowercase()))
    {
        failures.push(format!("title contains excluded {word:?}"));
    }
    if settings
        .company_blocklist
        .iter()
        .any(|blocked| blocked.trim().to_lowercase() == company)
    {
        failures.push(format!("{} is on your company blocklist", posting.company));
    }
    failures
}

/// Any location when none is set; a remote posting when remote is allowed; else one of the
/// user's locations must appear in the posting's.
fn location_fits(posting: &NewPosting, location: &str, settings: &IntakeSettings) -> bool {
    let remote_ok = posting.remote && settings.remote_allowed;
    let named = || {
        settings
            .locations
            .iter()
            .any(|wanted| location.contains(&wanted.to_lowercase()))
    };
    settings.locations.is_empty() || remote_ok || named()
}

/// Share of the resume's skills the posting mentions (three-quarters of the score) and
/// whether the posting's title shares a word with a title the user held (the rest).
fn relevance(posting: &NewPosting, resume: &Value, reasons: &mut Vec<String>) -> f64 {
    let skills = resume_skills(resume);
    let titles = resume_titles(resume);
    if skills.is_empty() && titles.is_empty() {
        reasons.push("no resume in your profile yet: relevance unknown".to_owned());
        return UNKNOWN_RELEVANCE;
    }
    let text = format!("{} {}", posting.title, posting.description_text).to_lowercase();
    let matched: Vec<&String> = skills
        .iter()
        .filter(|skill| contains_term(&text, &skill.to_lowercase()))
        .collect();
    let skill_share = if skills.is_empty() {
        0.0
    } else {
        // Nobody lists every skill in one posting: ten matches is a full mark.
        (matched.len() as f64 / skills.len().min(10) as f64).min(1.0)
    };
    if matched.is_empty() {
        reasons.push("mentions none of your skills".to_owned());
    } else {
        let named: Vec<&str> = matched
            .iter()
            .take(NAMED_SKILLS)
            .map(|s| s.as_str())
            .collect();
        let more = matched.len().saturating_sub(NAMED_SKILLS);
        let mut list = named.join(", ");
        if more > 0 {
            list.push_str(&format!(" and {more} more"));
        }
        reasons.push(format!(
            "matches {} of your {} skills: {list}",
            matched.len(),
            skills.len()
        ));
    }
    let posting_title = posting.title.to_lowercase();
    let title_match = titles
        .iter()
        .find(|held| significant_words(held).any(|word| contains_term(&posting_title, &word)));
    if let Some(held) = title_match {
        reasons.push(format!("title is close to your {held:?}"));
    }
    0.75 * skill_share + if title_match.is_some() { 0.25 } else { 0.0 }
}

fn significant_words(title: &str) -> impl Iterator<Item = String> + '_ {
    title
        .split(|c: char| !c.is_alphanumeric() && c != '+' && c != '#')
        .map(str::to_lowercase)
        .filter(|w| w.len() > 2 && !matches!(w.as_str(), "and" | "the" | "for" | "with"))
}

/// JSON Resume `skills[].name` and `skills[].keywords[]`, without repeats.
fn resume_skills(resume: &Value) -> Vec<String> {
    let mut skills: Vec<String> = Vec::new();
    let entries = resume.get("skills").and_then(Value::as_array);
    for entry in entries.into_iter().flatten() {
        let name = entry.get("name").and_then(Value::as_str);
        let keywords = entry.get("keywords").and_then(Value::as_array);
        let terms = name
            .into_iter()
            .chain(keywords.into_iter().flatten().filter_map(Value::as_str));
        for term in terms.map(str::trim).filter(|t| !t.is_empty()) {
            if !skills.iter().any(|s| s.eq_ignore_ascii_case(term)) {
                skills.push(term.to_owned());
            }
        }
    }
    skills
}

/// `basics.label` and every `work[].position`.
fn resume_titles(resume: &Value) -> Vec<String> {
    let label = resume.pointer("/basics/label").and_then(Value::as_str);
    let positions = resume
        .get("work")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|w| w.get("position").and_then(Value::as_str));
    label
        .into_iter()
        .chain(positions)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `needle` appears in `haystack` as a whole term (so "Go" is not found in "good", while
/// "C++" and "Node.js" are found as written).
fn contains_term(haystack: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return false;
    }
    haystack.match_indices(needle).any(|(start, _)| {
        let before = haystack[..start].chars().next_back();
        let after = haystack[start + needle.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn posting(title: &str, company: &str, location: &str, remote: bool) -> NewPosting {
        NewPosting {
            title: title.into(),
            company: company.into(),
            location: Some(location.into()),
            remote,
            salary_max: Some(150_000),
            description_text: "We build Rust services on PostgreSQL and Kubernetes. Good pay."
                .into(),
            ..NewPosting::default()
        }
    }

    fn resume() -> Value {
        json!({
            "basics": {"label": "Backend Engineer"},
            "work": [{"position": "Senior Software Engineer"}],
            "skills": [
                {"name": "Rust", "keywords": ["PostgreSQL", "Kubernetes", "Go"]},
                {"name": "Python"}
            ]
        })
    }

    #[test]
    fn a_good_fit_passes_with_named_skills() {
        let outcome = evaluate(
            &posting("Senior Rust Engineer", "Acme", "Berlin", false),
            &resume(),
            &IntakeSettings {
                locations: vec!["berlin".into()],
                salary_floor: Some(100_000),
                title_include: vec!["engineer".into()],
                ..IntakeSettings::default()
            },
        );
        assert!(outcome.passed, "{outcome:?}");
        assert_eq!(
            outcome.reasons[0],
            "matches 3 of your 5 skills: Rust, PostgreSQL, Kubernetes"
        );
        assert!(outcome.reasons[1].starts_with("title is close to"));
        // 3 of 5 skills (0.75 * 0.6) plus the title (0.25).
        assert!((outcome.score - 0.7).abs() < 1e-9, "{outcome:?}");
    }

    #[test]
    fn go_is_not_found_inside_good() {
        assert!(!contains_term("good pay", "go"));
        assert!(contains_term("we use go.", "go"));
        assert!(contains_term("c++ and node.js", "c++"));
        assert!(contains_term("c++ and node.js", "node.js"));
    }

    #[test]
    fn each_hard_filter_fails_with_its_reason() {
        let resume = resume();
        let cases: Vec<(IntakeSettings, NewPosting, &str)> = vec![
            (
                IntakeSettings {
                    remote_only: true,
                    ..IntakeSettings::default()
                },
                posting("Engineer", "Acme", "Berlin", false),
                "not remote",
            ),
            (
                IntakeSettings {
                    locations: vec!["Paris".into()],
                    ..IntakeSettings::default()
                },
                posting("Engineer", "Acme", "Berlin", false),
                "location \"Berlin\" is not one of yours",
            ),
            (
                IntakeSettings {
                    salary_floor: Some(200_000),
                    ..IntakeSettings::default()
                },
                posting("Engineer", "Acme", "Berlin", false),
                "below your floor",
            ),
            (
                IntakeSettings {
                    title_include: vec!["designer".into()],
                    ..IntakeSettings::default()
                },
                posting("Engineer", "Acme", "Berlin", false),
                "none of your keywords",
            ),
            (
                IntakeSettings {
                    title_exclude: vec!["manager".into()],
                    ..IntakeSettings::default()
                },
                posting("Engineering Manager", "Acme", "Berlin", false),
                "excluded \"manager\"",
            ),
            (
                IntakeSettings {
                    company_blocklist: vec![" acme ".into()],
                    ..IntakeSettings::default()
                },
                posting("Engineer", "ACME", "Berlin", false),
                "blocklist",
            ),
        ];
        for (settings, posting, reason) in cases {
            let outcome = evaluate(&posting, &resume, &settings);
            assert!(!outcome.passed, "{reason}: {outcome:?}");
            assert!(
                outcome.reasons.iter().any(|r| r.contains(reason)),
                "{reason}: {outcome:?}"
            );
        }
    }

    #[test]
    fn remote_postings_pass_the_location_filter_when_remote_is_allowed() {
        let settings = IntakeSettings {
            locations: vec!["Paris".into()],
            ..IntakeSettings::default()
        };
        let remote = posting("Engineer", "Acme", "Anywhere", true);
        assert!(evaluate(&remote, &Value::Null, &settings).passed);
        let strict = IntakeSettings {
            remote_allowed: false,
            ..settings
        };
        assert!(!evaluate(&remote, &Value::Null, &strict).passed);
    }

    #[test]
    fn unknown_salary_passes_the_floor_but_lowers_the_score() {
        let settings = IntakeSettings {
            salary_floor: Some(100_000),
            ..IntakeSettings::default()
        };
        let known = posting("Senior Rust Engineer", "Acme", "Berlin", false);
        let unknown = NewPosting {
            salary_max: None,
            ..known.clone()
        };
        let known = evaluate(&known, &resume(), &settings);
        let unknown = evaluate(&unknown, &resume(), &settings);
        assert!(unknown.passed);
        assert!(unknown.score < known.score);
        assert!(unknown.reasons.contains(&"salary unknown".to_owned()));
    }

    #[test]
    fn without_a_resume_relevance_is_unknown() {
        let outcome = evaluate(
            &posting("Engineer", "Acme", "Berlin", false),
            &Value::Null,
            &IntakeSettings::default(),
        );
        assert!(outcome.passed);
        assert!((outcome.score - UNKNOWN_RELEVANCE).abs() < 1e-9);
        assert!(outcome.reasons[0].contains("relevance unknown"));
    }
}
