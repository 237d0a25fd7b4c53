//! The test corpus: public sample data (job mail, webhook posts, saved application forms, JSON
//! Resume fixtures, cookie exports) kept in `shared/corpus` beside the repository, not in it
//! (see README, Test data). A plain clone does not have it, so the tests that read it ask here
//! first:
//!
//! ```ignore
//! let Some(corpus) = test_corpus::dir() else { return };
//! ```
//!
//! Without the corpus such a test says so on one line and returns; with `CI=true` it fails
//! instead, because a CI run that quietly skipped them would look like a pass.

use std::path::{Path, PathBuf};

/// The corpus folder of a workplace: `shared/corpus` beside the repository.
fn root() -> PathBuf {
    // This crate sits in the repository, which sits in the workplace.
    let workplace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("the repository has a parent");
    workplace.join("shared/corpus")
}

/// The corpus folder, or `None` (after one line on stderr) when there is none.
///
/// Only the folder itself is looked for: a file missing inside it fails the test that reads
/// it, as it should.
///
/// # Panics
///
/// Without the corpus when `CI` is `true`.
#[must_use]
pub fn dir() -> Option<PathBuf> {
    let root = root();
    if root.is_dir() {
        return Some(root);
    }
    if std::env::var("CI").is_ok_and(|ci| ci == "true") {
        panic!(
            "CI=true but the test corpus is missing: {} (see README, Test data)",
            root.display()
        );
    }
    // libtest runs each test on a thread named after it; a bench runs on `main`.
    let test = match std::thread::current().name() {
        Some(name) if name != "main" => format!("{name}: "),
        _ => String::new(),
    };
    eprintln!(
        "{test}skipped what needs the test corpus, which is not at {} (see README, Test data)",
        root.display()
    );
    None
}
