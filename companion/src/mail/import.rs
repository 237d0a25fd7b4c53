//! `companion mail import PATH`: an mbox file or a folder of .eml files, stored like any
//! other received mail (duplicates skipped) and classified by the companion's workers.

use std::path::{Path, PathBuf};

use super::messages::{self, Source};
use crate::error::{Error, Result};
use crate::store::Store;

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportCounts {
    pub imported: usize,
    pub duplicates: usize,
    /// Empty messages (nothing to store).
    pub skipped: usize,
}

/// The messages of an mbox file: each starts at a `From ` line (which is not part of it);
/// `>From ` lines are unescaped (mboxrd).
pub fn split_mbox(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut messages = Vec::new();
    let mut current: Option<Vec<u8>> = None;
    for line in bytes.split_inclusive(|&b| b == b'\n') {
        if line.starts_with(b"From ") {
            messages.extend(current.take());
            current = Some(Vec::new());
            continue;
        }
        let Some(message) = current.as_mut() else {
            continue;
        };
        let quoted = line.iter().position(|&b| b != b'>');
        match quoted {
            Some(depth) if depth > 0 && line[depth..].starts_with(b"From ") => {
                message.extend_from_slice(&line[1..]);
            }
            _ => message.extend_from_slice(line),
        }
    }
    messages.extend(current);
    messages
}

/// Every .eml file under `dir`, in name order.
fn eml_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir)
            .map_err(|e| Error::BadRequest(format!("cannot read {}: {e}", dir.display())))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("eml"))
            {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path)
        .map_err(|e| Error::BadRequest(format!("cannot read {}: {e}", path.display())))
}

/// Imports `path` for the user; `progress(done, total)` is called after each message.
pub async fn import(
    store: &Store,
    user_id: i64,
    path: &Path,
    mut progress: impl FnMut(usize, usize),
) -> Result<ImportCounts> {
    let messages: Vec<Vec<u8>> = if path.is_dir() {
        eml_files(path)?
            .iter()
            .map(|file| read(file))
            .collect::<Result<_>>()?
    } else {
        split_mbox(&read(path)?)
    };
    let mut counts = ImportCounts::default();
    for (done, raw) in messages.iter().enumerate() {
        if raw.iter().all(u8::is_ascii_whitespace) {
            counts.skipped += 1;
        } else if messages::receive(store, user_id, Source::Import, raw)
            .await?
            .duplicate
        {
            counts.duplicates += 1;
        } else {
            counts.imported += 1;
        }
        progress(done + 1, messages.len());
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mbox_splits_at_from_lines_and_unescapes() {
        let mbox = b"From a@x Mon Jan  1 00:00:00 2024\nSubject: one\n\n>From the start\n\nFrom b@x Tue Jan  2 00:00:00 2024\nSubject: two\n\nbody\n";
        let messages = split_mbox(mbox);
        assert_eq!(messages.len(), 2);
        assert_eq!(messages[0], b"Subject: one\n\nFrom the start\n\n");
        assert_eq!(messages[1], b"Subject: two\n\nbody\n");
        assert!(split_mbox(b"no separator").is_empty());
    }
}
