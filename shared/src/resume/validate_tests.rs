use serde_json::json;

use super::*;
use crate::resume::{Certificate, Skill};

fn grace() -> Resume {
    Resume::from_value(&json!({
        "basics": {"name": "Grace Hopper", "label": "Compiler engineer", "email": "grace@example.org",
                   "summary": "Engineer who builds compilers.", "location": {"city": "Arlington"}},
        "work": [
            {"name": "Pied Piper, Inc.", "position": "Staff Engineer", "startDate": "2019-05-01",
             "summary": "Storage team", "highlights": [
                "Cut build times by 40% for 3 teams",
                "Moved billing to PostgreSQL",
                "Led the Rust rewrite of the compression engine",
            ]},
            {"name": "Initech", "position": "Developer", "startDate": "2015-01-01",
             "endDate": "2019-04-30", "highlights": ["Served 10k users a day", "Wrote TPS reports"]},
        ],
        "education": [{"institution": "Yale", "studyType": "PhD", "area": "Mathematics",
                       "startDate": "1930", "endDate": "1934", "courses": ["Algebra"]}],
        "certificates": [{"name": "AWS Certified Developer", "issuer": "Amazon", "date": "2020-01-01"}],
        "skills": [{"name": "Databases", "level": "Expert", "keywords": ["PostgreSQL", "Kafka"]},
                   {"name": "Languages", "keywords": ["Rust", "COBOL"]}],
        "projects": [{"name": "Lexer", "description": "A lexer in Rust", "keywords": ["Rust"],
                      "highlights": ["Fuzzed for 2 weeks"]}],
    }))
    .expect("a resume")
}

fn claims(result: Result<(), Violations>) -> Vec<(Claim, String)> {
    let Err(Violations(found)) = result else {
        return Vec::new();
    };
    found.into_iter().map(|v| (v.claim, v.value)).collect()
}

fn messages(result: Result<(), Violations>) -> Vec<String> {
    let Err(Violations(found)) = result else {
        return Vec::new();
    };
    found.into_iter().map(|v| v.message).collect()
}

fn with(change: impl FnOnce(&mut Resume)) -> Result<(), Violations> {
    let profile = grace();
    let mut candidate = profile.clone();
    change(&mut candidate);
    validate(&profile, &candidate)
}

#[test]
fn the_profile_itself_passes() {
    assert_eq!(with(|_| {}), Ok(()));
}

#[test]
fn each_invented_claim_fails_and_is_named() {
    type Change = Box<dyn FnOnce(&mut Resume)>;
    let cases: Vec<(Change, Claim, &str)> = vec![
        (
            Box::new(|r| r.work[0].name = "Globex".into()),
            Claim::Employer,
            "Globex",
        ),
        (
            Box::new(|r| r.work[1].position = "CTO".into()),
            Claim::Title,
            "CTO",
        ),
        (
            Box::new(|r| r.work[1].start_date = "2014-01-01".into()),
            Claim::Date,
            "2014-01-01",
        ),
        (
            Box::new(|r| r.work[0].end_date = "2024".into()),
            Claim::Date,
            "2024",
        ),
        (
            Box::new(|r| r.education[0].study_type = "MBA".into()),
            Claim::Degree,
            "MBA",
        ),
        (
            Box::new(|r| r.education[0].area = "Physics".into()),
            Claim::FieldOfStudy,
            "Physics",
        ),
        (
            Box::new(|r| r.education[0].institution = "Harvard".into()),
            Claim::Institution,
            "Harvard",
        ),
        (
            Box::new(|r| r.education[0].courses.push("Topology".into())),
            Claim::Course,
            "Topology",
        ),
        (
            Box::new(|r| {
                r.certificates.push(Certificate {
                    name: "CKA".into(),
                    ..Certificate::default()
                })
            }),
            Claim::Certification,
            "CKA",
        ),
        (
            Box::new(|r| {
                r.skills.push(Skill {
                    name: "Kubernetes".into(),
                    ..Skill::default()
                })
            }),
            Claim::Skill,
            "Kubernetes",
        ),
        (
            Box::new(|r| r.skills[1].keywords.push("Go".into())),
            Claim::Skill,
            "Go",
        ),
        (
            Box::new(|r| r.skills[0].level = "Master".into()),
            Claim::SkillLevel,
            "Master",
        ),
        (
            Box::new(|r| r.basics.email = "g@evil.example".into()),
            Claim::Email,
            "g@evil.example",
        ),
        (
            Box::new(|r| r.work[0].highlights[0] = "Cut build times by 45% for 3 teams".into()),
            Claim::Number,
            "45%",
        ),
        (
            Box::new(|r| r.work[0].highlights[1] = "Moved billing to Postgres".into()),
            Claim::Name,
            "Postgres",
        ),
        (
            Box::new(|r| r.work[0].highlights[2] = "Led the Rust rewrite on Kubernetes".into()),
            Claim::Name,
            "Kubernetes",
        ),
        (
            Box::new(|r| r.projects[0].keywords.push("Haskell".into())),
            Claim::Skill,
            "Haskell",
        ),
    ];
    for (change, claim, value) in cases {
        assert_eq!(claims(with(change)), [(claim, value.to_owned())], "{value}");
    }
}

#[test]
fn messages_name_the_claim_and_where_it_is() {
    let found = messages(with(|r| {
        r.work[0].name = "Globex".into();
        r.work[1].highlights[1] = "Wrote TPS reports for 40% of Initech".into();
        r.projects[0].highlights[0] = "Fuzzed with AFL for 2 weeks".into();
    }));
    assert_eq!(
        found,
        [
            "the employer 'Globex' is not in your profile",
            "'40%' in a bullet of Initech is not in that job's entry",
            "the name 'AFL' in a bullet of Lexer is neither in that project's entry nor in your skills",
        ]
    );
    let error = with(|r| r.work[1].position = "CTO".into()).expect_err("a violation");
    assert_eq!(
        error.to_string(),
        "the resume states what your profile does not: the title 'CTO' at Initech is not in your profile"
    );
}

#[test]
fn a_number_must_come_from_the_same_entry() {
    // 10k is Initech's; 40% is Pied Piper's.
    let moved = with(|r| r.work[0].highlights[0] = "Served 10k users at 40% lower cost".into());
    assert_eq!(claims(moved), [(Claim::Number, "10k".to_owned())]);
}

#[test]
fn honest_rewording_passes() {
    let result = with(|r| {
        // Same numbers and names, other words; a technology from the skills; case changes.
        r.work[0].highlights[0] = "Reduced build time 40 percent across 3 teams".into();
        r.work[0].highlights[1] = "Migrated billing onto postgresql and Kafka".into();
        r.work[0].summary = "Storage team.".into();
        r.work[1].highlights[0] = "Served 10,000 users every day".into();
    });
    assert_eq!(result, Ok(()));
}

#[test]
fn case_punctuation_and_shorter_dates_are_the_same_claim() {
    let result = with(|r| {
        r.work[0].name = "pied piper inc".into();
        r.work[0].position = "STAFF ENGINEER".into();
        r.work[0].start_date = "2019-05".into();
        r.work[0].highlights[1] = "moved billing to postgresql.".into();
        r.education[0].study_type = "Ph.D.".into();
        r.skills[0].keywords[0] = "postgresql".into();
    });
    assert_eq!(result, Ok(()));
}

#[test]
fn reordering_and_leaving_out_pass() {
    let profile = grace();
    let mut candidate = profile.clone();
    candidate.work.reverse();
    candidate.work[1].highlights.reverse();
    candidate.work[0].highlights.clear();
    candidate.skills.reverse();
    candidate.skills[0].keywords.pop();
    candidate.education.clear();
    candidate.work[1].summary.clear();
    candidate.basics.email.clear();
    assert_eq!(validate(&profile, &candidate), Ok(()));
}

/// Any selection and order of the profile's bullets and skills passes; one number the
/// entry does not state, put in any bullet, fails and is named.
#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn selections_pass_and_an_invented_number_fails(
            keep in prop::collection::vec(any::<bool>(), 8),
            order in Just((0..3).collect::<Vec<usize>>()).prop_shuffle(),
            bullet in 0usize..6,
            number in 100_000u32..1_000_000,
        ) {
            let profile = grace();
            let mut candidate = profile.clone();
            let mut flags = keep.into_iter();
            for work in &mut candidate.work {
                work.highlights.retain(|_| flags.next().unwrap_or(true));
            }
            let highlights = &mut candidate.work[0].highlights;
            let mut reordered: Vec<String> = order.iter().filter_map(|&i| highlights.get(i).cloned()).collect();
            reordered.extend(highlights.iter().skip(3).cloned());
            *highlights = reordered;
            candidate.skills.retain(|_| flags.next().unwrap_or(true));
            prop_assert_eq!(validate(&profile, &candidate), Ok(()));

            let bullets = candidate.bullets();
            if let Some((id, text)) = bullets.get(bullet % bullets.len().max(1)) {
                let invented = format!("{text}, saving ${number}");
                let (id, written) = (*id, format!("${number}"));
                *candidate.highlights_mut(id.section, id.entry).expect("entry")
                    .get_mut(id.index).expect("bullet") = invented;
                prop_assert_eq!(claims(validate(&profile, &candidate)), [(Claim::Number, written)]);
            }
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn every_corpus_resume_validates_as_tailored_and_shortened() {
    let Some((resumes, job)) = crate::resume::tailor::tests::corpus() else {
        return;
    };
    for (name, profile) in resumes {
        assert_eq!(validate(&profile, &profile), Ok(()), "{name}");
        let mut tailored = crate::resume::Tailored::new(&profile, Some(&job));
        assert_eq!(validate(&profile, tailored.resume()), Ok(()), "{name}");
        while tailored.drop_least_relevant().is_some() {
            assert_eq!(validate(&profile, tailored.resume()), Ok(()), "{name}");
        }
        let mut invented = profile.clone();
        invented.work[0].name = "Globex Corporation".into();
        assert_eq!(
            claims(validate(&profile, &invented)),
            [(Claim::Employer, "Globex Corporation".to_owned())],
            "{name}"
        );
    }
}
