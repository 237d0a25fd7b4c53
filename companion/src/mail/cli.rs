//! `companion mail classify | eval | bench`: each returns the text to print.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::json;
use shared::mail::Classifier;
use shared::mail::eval::{Outcome, Report, read_labels};

use crate::error::{Error, Result};

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::BadRequest(format!("cannot read {}: {e}", path.display())))
}

/// One line per file: a JSON object with `json`, else a readable line. A file that cannot
/// be parsed gets a line saying why; the others are still classified.
pub fn classify(classifier: &Classifier, files: &[PathBuf], as_json: bool) -> Result<String> {
    let mut out = String::new();
    for file in files {
        let name = file.display().to_string();
        let line = match classifier.classify_raw(&read(file)?) {
            Ok(c) if as_json => json!({
                "file": name,
                "category": c.category,
                "company": c.company,
                "role": c.role,
                "sentiment": c.sentiment,
            })
            .to_string(),
            Ok(c) => format!(
                "{name}: {} | company {} | role {} | sentiment {:+.2} ({})",
                c.category,
                c.company.as_deref().unwrap_or("-"),
                c.role.as_deref().unwrap_or("-"),
                c.sentiment,
                c.rules.join(", ")
            ),
            Err(e) if as_json => json!({"file": name, "error": e.to_string()}).to_string(),
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
            category: result.as_ref().map_or(shared::mail::Category::Other, |r| r.category),
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
            } else if matches!(path.extension().and_then(|e| e.to_str()), Some("eml" | "txt"))
            {
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
