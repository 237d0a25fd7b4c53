//! The quality target of issue 7 on both labelled folders of `../shared/corpus` (beside the
//! repository), read at test time.

use std::path::Path;

use super::Classifier;
use super::eval::{Outcome, Report, read_labels};
use super::parse::parse;
use super::rules::Rules;
use super::text::normalise;

fn evaluate(dir: &Path) -> Report {
    let folder = dir.file_name().unwrap_or_default().to_string_lossy();
    let labels = std::fs::read_to_string(dir.join("labels.csv"))
        .unwrap_or_else(|e| panic!("{folder}/labels.csv: {e}"));
    let classifier = Classifier::builtin().unwrap_or_else(|e| panic!("{e}"));
    let outcomes: Vec<Outcome> = read_labels(&labels)
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|label| {
            let raw = std::fs::read(dir.join(&label.file))
                .unwrap_or_else(|e| panic!("{}: {e}", label.file));
            let result = classifier
                .classify_raw(&raw)
                .unwrap_or_else(|e| panic!("{}: {e}", label.file));
            Outcome {
                label,
                category: result.category,
                company: result.company,
            }
        })
        .collect();
    let report = Report::new(&outcomes);
    println!("{folder}\n{}", report.render());
    report
}

/// Just under today's figures (README), so a regression of a few messages fails: issue 7's
/// targets (97% accuracy, 98% rejection recall, 90% company) would let one through.
fn assert_target(report: &Report) {
    let c = &report.classifier;
    assert!(c.accuracy >= 0.99, "category accuracy {}", c.accuracy);
    assert!(
        c.rejection_recall >= 0.99,
        "rejection recall {}",
        c.rejection_recall
    );
    assert!(
        report.company_accuracy() >= 0.95,
        "company {}",
        report.company_accuracy()
    );
    assert!(
        c.other_called_job <= 0.01,
        "other called job {}",
        c.other_called_job
    );
}

#[test]
fn job_email_bodies_meet_the_quality_target() {
    let Some(corpus) = test_corpus::dir() else {
        return;
    };
    let report = evaluate(&corpus.join("job_emails"));
    assert_eq!(report.messages, 146);
    assert_target(&report);
}

#[test]
fn full_messages_meet_the_quality_target() {
    let Some(corpus) = test_corpus::dir() else {
        return;
    };
    let report = evaluate(&corpus.join("job_emails_eml"));
    assert_eq!(report.messages, 31);
    assert_target(&report);
}

/// The gate only skips work: every pattern that matches a message is open for it.
#[test]
fn the_gate_opens_every_pattern_that_matches() {
    let Some(corpus) = test_corpus::dir() else {
        return;
    };
    let rules = Rules::load(None).unwrap_or_else(|e| panic!("{e}"));
    let mut checked = 0;
    for folder in [
        "job_emails/emails",
        "job_emails_eml",
        "job_emails/forwarded_formats/crisp-oss_email-forward-parser",
    ] {
        let entries =
            std::fs::read_dir(corpus.join(folder)).unwrap_or_else(|e| panic!("{folder}: {e}"));
        for path in entries.flatten().map(|entry| entry.path()) {
            let raw = std::fs::read(&path).unwrap_or_else(|e| panic!("{e}"));
            let Ok(mail) = parse(&raw) else { continue };
            let text = normalise(mail.subject.as_deref(), &mail.body);
            let open = rules.gate.open(&text);
            for rule in &rules.rules {
                let matched = rule.regex.is_match(text.as_bytes());
                assert!(
                    !matched || open.has(rule.slot),
                    "{}: {}",
                    path.display(),
                    rule.id
                );
            }
            for pattern in rules.company.patterns.iter().chain(&rules.roles) {
                let matched = pattern.regex.is_match(&text);
                assert!(
                    !matched || open.has(pattern.slot),
                    "{}: {}",
                    path.display(),
                    pattern.regex
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 170, "{checked} messages");
}
