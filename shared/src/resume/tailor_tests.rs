use serde_json::json;

use super::*;

fn resume(value: serde_json::Value) -> Resume {
    Resume::from_value(&value).expect("a resume")
}

fn posting(value: serde_json::Value) -> Posting {
    serde_json::from_value(value).expect("a posting")
}

/// Two jobs, newest first, and a project.
fn ada() -> Resume {
    resume(json!({
        "basics": {"name": "Ada"},
        "work": [
            {"name": "Acme", "position": "Engineer", "startDate": "2021-03-01", "highlights": [
                "Organised the office party",
                "Built a Kafka pipeline in Python for billing events",
                "Mentored two interns in Python",
            ]},
            {"name": "Initech", "position": "Developer", "startDate": "2017-01-01",
             "endDate": "2021-02-01", "highlights": [
                "Wrote TPS reports",
                "Migrated the Python services to PostgreSQL",
            ]},
        ],
        "projects": [{"name": "Lexer", "description": "A lexer in Rust", "startDate": "2023-06",
                      "highlights": ["Fuzzed with cargo-fuzz", "Published on crates.io"]}],
        "skills": [
            {"name": "Office", "keywords": ["Excel", "Word"]},
            {"name": "Data", "keywords": ["Kafka", "PostgreSQL"]},
            {"name": "Languages", "keywords": ["Python", "Rust"]},
        ],
    }))
}

fn data_job() -> Posting {
    posting(json!({
        "title": "Data Engineer",
        "description": "You build Kafka pipelines and keep PostgreSQL fast. Kafka daily.",
        "qualifications": ["Python", "PostgreSQL"],
        "skills": [{"name": "Streaming", "keywords": ["Kafka"]}],
    }))
}

fn sorted(mut items: Vec<String>) -> Vec<String> {
    items.sort();
    items
}

#[test]
fn without_a_posting_the_profile_stays_as_it_is() {
    let profile = ada();
    let tailored = Tailored::new(&profile, None);
    assert_eq!(tailored.resume(), &profile);
    assert!(tailored.skill_scores().iter().all(|s| s.value == 0.0));
}

#[test]
fn bullets_and_skills_are_ordered_by_relevance_and_nothing_else_changes() {
    let profile = ada();
    let tailored = Tailored::new(&profile, Some(&data_job()));
    let resume = tailored.resume();
    assert_eq!(
        resume.work[0].highlights[0],
        "Built a Kafka pipeline in Python for billing events"
    );
    assert_eq!(
        resume.work[0].highlights.last().map(String::as_str),
        Some("Organised the office party")
    );
    assert_eq!(
        resume.work[1].highlights[0],
        "Migrated the Python services to PostgreSQL"
    );
    let skills: Vec<&str> = resume.skills.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(skills, ["Data", "Languages", "Office"]);
    // Entries keep their order and every bullet stays, only reordered.
    let employers: Vec<&str> = resume.work.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(employers, ["Acme", "Initech"]);
    for (tailored, original) in resume.work.iter().zip(&profile.work) {
        assert_eq!(
            sorted(tailored.highlights.clone()),
            sorted(original.highlights.clone())
        );
        let mut same = tailored.clone();
        same.highlights = original.highlights.clone();
        assert_eq!(&same, original);
    }
    assert_eq!(resume.projects, profile.projects);
    assert_eq!(resume.basics, profile.basics);
}

#[test]
fn scores_say_which_words_matched() {
    let tailored = Tailored::new(&ada(), Some(&data_job()));
    let first = BulletId {
        section: Section::Work,
        entry: 0,
        index: 0,
    };
    let score = tailored.score(first).expect("a score");
    assert!(score.value > 0.0);
    assert_eq!(score.matched, ["kafka", "pipeline", "python"]);
    let last = BulletId { index: 2, ..first };
    assert_eq!(tailored.score(last).map(|s| s.value), Some(0.0));
    assert!(
        tailored.skill_scores()[0]
            .matched
            .contains(&"kafka".to_owned())
    );
}

#[test]
fn a_word_every_bullet_has_counts_less_than_a_rare_one() {
    let profile = resume(json!({"work": [{"name": "Acme", "highlights": [
        "Python scripts for reports",
        "Python and Terraform for the cloud",
        "Python tooling for tests",
    ]}]}));
    // The posting stresses Python (a qualification) and names Terraform once.
    let job = posting(json!({"description": "Terraform", "qualifications": ["Python"]}));
    let tailored = Tailored::new(&profile, Some(&job));
    assert_eq!(
        tailored.resume().work[0].highlights[0],
        "Python and Terraform for the cloud"
    );
}

#[test]
fn words_the_posting_stresses_weigh_more() {
    let profile = resume(json!({"work": [{"name": "Acme", "highlights": [
        "Wrote Go services", "Wrote Java services",
    ]}]}));
    let repeated = posting(json!({"description": "Java, and Go. Java again."}));
    let tailored = Tailored::new(&profile, Some(&repeated));
    assert_eq!(
        tailored.resume().work[0].highlights[0],
        "Wrote Java services"
    );
    let listed = posting(json!({"description": "Java", "skills": [{"name": "Go"}]}));
    let tailored = Tailored::new(&profile, Some(&listed));
    assert_eq!(tailored.resume().work[0].highlights[0], "Wrote Go services");
}

/// Any scorer can stand in for keyword overlap (embeddings later).
#[test]
fn another_relevance_can_replace_keyword_overlap() {
    struct Shortest;
    impl Relevance for Shortest {
        fn scores(&self, texts: &[&str]) -> Vec<Score> {
            let score = |text: &&str| Score {
                value: -(text.len() as f32),
                matched: Vec::new(),
            };
            texts.iter().map(score).collect()
        }
    }
    let tailored = Tailored::with(&ada(), &Shortest);
    assert_eq!(tailored.resume().work[1].highlights[0], "Wrote TPS reports");
    assert_eq!(tailored.resume().skills[0].name, "Office");
}

fn bullet_counts(tailored: &Tailored) -> Vec<usize> {
    let resume = tailored.resume();
    Section::ALL
        .into_iter()
        .flat_map(|s| (0..resume.entry_count(s)).map(move |e| resume.highlights(s, e).len()))
        .collect()
}

#[test]
fn the_least_relevant_bullet_goes_first_and_every_entry_keeps_one() {
    let mut tailored = Tailored::new(&ada(), Some(&data_job()));
    // Two bullets match nothing; the older job's goes first.
    let first = tailored.drop_least_relevant().expect("a bullet to drop");
    assert_eq!(first.text, "Wrote TPS reports");
    assert_eq!(first.entry, "Initech");
    assert_eq!(first.section, Section::Work);
    assert_eq!(first.score, 0.0);
    let second = tailored.drop_least_relevant().expect("a bullet to drop");
    assert_eq!(second.text, "Organised the office party");
    while bullet_counts(&tailored).iter().any(|&n| n > 1) {
        tailored.drop_least_relevant().expect("a bullet to drop");
    }
    assert_eq!(bullet_counts(&tailored), [1, 1, 1]);
    // The most relevant bullet of each job is the one kept.
    assert_eq!(
        tailored.resume().work[0].highlights,
        ["Built a Kafka pipeline in Python for billing events"]
    );
    assert_eq!(tailored.bullet_count(), 3);
}

#[test]
fn after_one_each_older_entries_lose_theirs_and_the_newest_job_keeps_one() {
    let profile = ada();
    let mut tailored = Tailored::new(&profile, None);
    let mut taken = Vec::new();
    while let Some(dropped) = tailored.drop_least_relevant() {
        taken.push((dropped.entry, dropped.text));
    }
    // Equal scores: the older entry first, its last bullet first.
    let owned = |entry: &str, text: &str| (entry.to_owned(), text.to_owned());
    assert_eq!(
        taken,
        [
            owned("Initech", "Migrated the Python services to PostgreSQL"),
            owned("Acme", "Mentored two interns in Python"),
            owned(
                "Acme",
                "Built a Kafka pipeline in Python for billing events"
            ),
            owned("Lexer", "Published on crates.io"),
            owned("Initech", "Wrote TPS reports"),
            owned("Lexer", "Fuzzed with cargo-fuzz"),
        ]
    );
    assert_eq!(
        tailored.resume().work[0].highlights,
        ["Organised the office party"]
    );
    assert_eq!(bullet_counts(&tailored), [1, 0, 0]);
    assert_eq!(tailored.dropped().len(), taken.len());
    assert_eq!(tailored.bullet_count(), 1);
    // Employers, titles and dates all stay.
    let mut shape = tailored.resume().clone();
    let mut original = profile.clone();
    for resume in [&mut shape, &mut original] {
        for section in Section::ALL {
            for entry in 0..resume.entry_count(section) {
                resume
                    .highlights_mut(section, entry)
                    .expect("entry")
                    .clear();
            }
        }
    }
    assert_eq!(shape, original);
}

#[cfg(not(target_arch = "wasm32"))]
pub(in crate::resume) fn corpus() -> Option<(Vec<(&'static str, Resume)>, Posting)> {
    let dir = test_corpus::dir()?.join("json_resume");
    let read = |name: &str| -> serde_json::Value {
        let text = std::fs::read_to_string(dir.join(name)).expect("corpus file");
        serde_json::from_str(&text).expect("JSON")
    };
    let resumes = [
        "56kyle_resume_resume.json",
        "jsonresume_resume-schema_sample.resume.json",
        "jsonresume_resume-schema_examples_valid_complete.json",
    ]
    .map(|name| (name, Resume::from_value(&read(name)).expect(name)));
    let job =
        serde_json::from_value(read("jsonresume_resume-schema_sample.job.json")).expect("job");
    Some((resumes.into(), job))
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn every_corpus_resume_tailors_for_the_sample_job_and_shrinks_to_one_bullet() {
    let Some((resumes, job)) = corpus() else {
        return;
    };
    for (name, profile) in resumes {
        let mut tailored = Tailored::new(&profile, Some(&job));
        let before = tailored.bullet_count();
        assert_eq!(before, profile.bullets().len(), "{name}");
        assert!(
            tailored.skill_scores().iter().any(|s| s.value > 0.0),
            "{name}: no skill matches a web developer posting"
        );
        while tailored.drop_least_relevant().is_some() {}
        assert_eq!(tailored.bullet_count(), 1, "{name}");
        assert_eq!(tailored.dropped().len(), before - 1, "{name}");
        assert_eq!(tailored.resume().work.len(), profile.work.len(), "{name}");
    }
}
