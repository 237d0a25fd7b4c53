//! Parsing and classifying every message of the labelled mail corpus (native only).
//! `cargo bench -p shared --bench mail`; throughput is in messages per second.

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::hint::black_box;
    use std::path::Path;

    use criterion::{Criterion, Throughput};
    use shared::mail::{Classifier, parse};

    /// Every labelled message of both folders, as raw bytes.
    fn messages(corpus: &Path) -> Vec<Vec<u8>> {
        let mut messages = Vec::new();
        for folder in ["job_emails/emails", "job_emails_eml"] {
            let dir = corpus.join(folder);
            let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{folder}: {e}"));
            for entry in entries.flatten() {
                let path = entry.path();
                if matches!(
                    path.extension().and_then(|e| e.to_str()),
                    Some("txt" | "eml")
                ) {
                    messages.push(std::fs::read(&path).unwrap_or_else(|e| panic!("{e}")));
                }
            }
        }
        messages
    }

    pub fn benches() {
        let Some(corpus) = test_corpus::dir() else {
            return;
        };
        let mut criterion = Criterion::default().configure_from_args();
        let classifier = Classifier::builtin().unwrap_or_else(|e| panic!("{e}"));
        let messages = messages(&corpus);
        let bytes: usize = messages.iter().map(Vec::len).sum();
        println!("{} messages, {bytes} bytes", messages.len());
        let mut group = criterion.benchmark_group("mail");
        group.throughput(Throughput::Elements(messages.len() as u64));
        group.bench_function("parse and classify the corpus", |b| {
            b.iter(|| {
                for raw in &messages {
                    let _ = black_box(classifier.classify_raw(black_box(raw)));
                }
            })
        });
        // The two stages apart: MIME, HTML and forwards; then the rules, company and role.
        group.bench_function("parse only", |b| {
            b.iter(|| {
                for raw in &messages {
                    let _ = black_box(parse(black_box(raw)));
                }
            })
        });
        let parsed: Vec<_> = messages.iter().filter_map(|raw| parse(raw).ok()).collect();
        group.bench_function("classify parsed mail only", |b| {
            b.iter(|| {
                for mail in &parsed {
                    black_box(classifier.classify(black_box(mail)));
                }
            })
        });
        group.finish();
        criterion.final_summary();
    }
}

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    native::benches();
}
