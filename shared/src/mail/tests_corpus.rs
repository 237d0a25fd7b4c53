//! The quality target of issue 7 on both labelled folders of `../shared/corpus` (beside the
//! repository), read at test time.

use std::path::Path;

use super::Classifier;
use super::eval::{Outcome, Report, read_labels};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus");

fn evaluate(folder: &str) -> Report {
    let dir = Path::new(CORPUS).join(folder);
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

fn assert_target(report: &Report) {
    let c = &report.classifier;
    assert!(c.accuracy >= 0.97, "category accuracy {}", c.accuracy);
    assert!(
        c.rejection_recall >= 0.98,
        "rejection recall {}",
        c.rejection_recall
    );
    assert!(
        report.company_accuracy() >= 0.90,
        "company {}",
        report.company_accuracy()
    );
    assert!(
        c.other_called_job <= 0.02,
        "other called job {}",
        c.other_called_job
    );
}

#[test]
fn job_email_bodies_meet_the_quality_target() {
    let report = evaluate("job_emails");
    assert_eq!(report.messages, 146);
    assert_target(&report);
}

#[test]
fn full_messages_meet_the_quality_target() {
    let report = evaluate("job_emails_eml");
    assert_eq!(report.messages, 31);
    assert_target(&report);
}
