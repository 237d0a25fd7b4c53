//! `companion mail classify | eval | import | bench`.

use companion::config::Config;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Serialize;
use shared::mail::eval::{Outcome, Report, read_labels};
use shared::mail::{Category, Classifier};

use companion::error::{Error, Result};

use super::{find_user, open_store};
use crate::MailCommand;

pub async fn mail_command(config: &Config, command: MailCommand) -> Result<()> {
    let classifier = companion::mail::classifier(config)?;
    match command {
        MailCommand::Classify { files, json } => {
            print!("{}", classify(&classifier, &files, json)?);
        }
        MailCommand::Eval { dir, labels } => {
            print!("{}", eval(&classifier, &dir, &labels)?.render());
        }
        MailCommand::Import { path, user } => mail_import(config, &path, &user).await?,
        MailCommand::Bench { dirs, seconds } => {
            let messages = corpus(&dirs)?;
            let figures = bench(
                &classifier,
                &messages,
                std::time::Duration::from_secs(seconds),
            );
            println!(
                "{} messages ({} bytes) x {} rounds in {:.2} s on one core: {:.0} messages/s{}",
                figures.messages,
                figures.bytes,
                figures.rounds,
                figures.elapsed.as_secs_f64(),
                figures.per_second(),
                if cfg!(debug_assertions) {
                    " (debug build: a release build is several times faster)"
                } else {
                    ""
                }
            );
        }
    }
    Ok(())
}

async fn mail_import(config: &Config, path: &std::path::Path, user: &str) -> Result<()> {
    let store = open_store(config).await?;
    let user_id = find_user(&store, user).await?;
    let mut shown = std::time::Instant::now();
    let counts = companion::mail::import::import(&store, user_id, path, |done, total| {
        if done == total || shown.elapsed() >= std::time::Duration::from_secs(1) {
            eprintln!("{done}/{total} messages read");
            shown = std::time::Instant::now();
        }
    })
    .await;
    store.close().await;
    let counts = counts?;
    println!(
        "{} imported, {} duplicates skipped, {} empty skipped; the companion's workers classify them.",
        counts.imported, counts.duplicates, counts.skipped
    );
    Ok(())
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path)
        .map_err(|e| Error::BadRequest(format!("cannot read {}: {e}", path.display())))
}

/// What `classify --json` prints per file, in this key order.
#[derive(Serialize)]
struct Line<'a> {
    file: &'a str,
    category: Category,
    company: Option<String>,
    role: Option<String>,
    sentiment: f64,
}

/// One line per file: a JSON object with `json`, else a readable line. A file that cannot
/// be parsed gets a line saying why; the others are still classified.
pub fn classify(classifier: &Classifier, files: &[PathBuf], as_json: bool) -> Result<String> {
    let mut out = String::new();
    for file in files {
        let name = file.display().to_string();
        let line = match classifier.classify_raw(&read(file)?) {
            Ok(c) if as_json => serde_json::to_string(&Line {
                file: &name,
                category: c.category,
                company: c.company,
                role: c.role,
                sentiment: c.sentiment,
            })
            .map_err(|e| Error::Internal(e.to_string()))?,
            Ok(c) => format!(
                "{name}: {} | company {} | role {} | sentiment {:+.2} ({})",
                c.category,
                c.company.as_deref().unwrap_or("-"),
                c.role.as_deref().unwrap_or("-"),
                c.sentiment,
                c.rules.join(", ")
            ),
            Err(e) if as_json => {
                serde_json::json!({"file": name, "error": e.to_string()}).to_string()
            }
            Err(e) => format!("{name}: cannot be parsed: {e}"),
        };
        out.push_str(&line);
        out.push('\n');
    }
    Ok(out)
}

/// Classifies every labelled file (paths in the labels are relative to `dir`) and scores
/// the result against the labels.
pub fn eval(classifier: &Classifier, dir: &Path, labels: &Path) -> Result<Report> {
    let labels = String::from_utf8(read(labels)?)
        .map_err(|_| Error::BadRequest("the labels file is not UTF-8".into()))?;
    let labels = read_labels(&labels).map_err(Error::BadRequest)?;
    let mut outcomes = Vec::with_capacity(labels.len());
    for label in labels {
        let result = classifier.classify_raw(&read(&dir.join(&label.file))?).ok();
        outcomes.push(Outcome {
            category: result.as_ref().map_or(Category::Other, |r| r.category),
            company: result.and_then(|r| r.company),
            label,
        });
    }
    Ok(Report::new(&outcomes))
}

/// Every `.eml` and `.txt` file under `dirs` (one level of subfolders), as raw bytes.
pub fn corpus(dirs: &[PathBuf]) -> Result<Vec<Vec<u8>>> {
    let mut messages = Vec::new();
    let mut pending: Vec<(PathBuf, bool)> = dirs.iter().map(|d| (d.clone(), true)).collect();
    while let Some((dir, descend)) = pending.pop() {
        let entries = std::fs::read_dir(&dir)
            .map_err(|e| Error::BadRequest(format!("cannot read {}: {e}", dir.display())))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() && descend {
                pending.push((path, false));
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("eml" | "txt")
            ) {
                messages.push(read(&path)?);
            }
        }
    }
    Ok(messages)
}

pub struct BenchFigures {
    pub messages: usize,
    pub bytes: usize,
    pub rounds: usize,
    pub elapsed: Duration,
}

impl BenchFigures {
    pub fn per_second(&self) -> f64 {
        (self.messages * self.rounds) as f64 / self.elapsed.as_secs_f64().max(f64::EPSILON)
    }
}

/// Parses and classifies the messages over and over on this thread for about `duration`.
pub fn bench(classifier: &Classifier, messages: &[Vec<u8>], duration: Duration) -> BenchFigures {
    let start = Instant::now();
    let mut rounds = 0;
    while rounds == 0 || start.elapsed() < duration {
        for raw in messages {
            std::hint::black_box(classifier.classify_raw(std::hint::black_box(raw)).ok());
        }
        rounds += 1;
    }
    BenchFigures {
        messages: messages.len(),
        bytes: messages.iter().map(Vec::len).sum(),
        rounds,
        elapsed: start.elapsed(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classifier() -> Classifier {
        Classifier::builtin().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn classify_prints_one_json_object_per_file_in_key_order() {
        let Some(corpus) = test_corpus::dir() else {
            return;
        };
        let files = [
            corpus.join("job_emails_eml/041_autoapplier.eml"),
            corpus.join("job_emails/emails/seth_066.txt"),
        ];
        let out = classify(&classifier(), &files, true).unwrap_or_else(|e| panic!("{e}"));
        let lines: Vec<serde_json::Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["category"], "rejection");
        assert_eq!(lines[0]["company"], "Globex");
        assert_eq!(lines[1]["category"], "interview");
        assert!(out.starts_with("{\"file\":"), "{out}");
        let readable =
            classify(&classifier(), &files[..1], false).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            readable.contains(": rejection | company Globex"),
            "{readable}"
        );
    }

    #[test]
    fn a_missing_file_is_a_clear_error() {
        let missing = [PathBuf::from("/nonexistent/mail.eml")];
        let error = classify(&classifier(), &missing, true)
            .err()
            .map(|e| e.to_string());
        assert!(error.is_some_and(|e| e.contains("cannot read /nonexistent/mail.eml")));
    }

    #[test]
    fn eval_and_bench_read_the_corpus() {
        let Some(corpus_dir) = test_corpus::dir() else {
            return;
        };
        let dir = corpus_dir.join("job_emails_eml");
        let report =
            eval(&classifier(), &dir, &dir.join("labels.csv")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(report.messages, 31);
        let messages = corpus(&[dir]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(messages.len(), 31);
        let figures = bench(&classifier(), &messages, Duration::ZERO);
        assert_eq!((figures.rounds, figures.messages), (1, 31));
        assert!(figures.per_second() > 0.0);
    }
}
