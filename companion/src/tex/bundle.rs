//! Assembling the offline bundle: every document the templates make is compiled against the
//! whole of Debian's TeX Live (and font) trees, and only the files those compiles opened go into
//! the zip, with the format's source and a `SHA256SUM` (the key of the format cache).

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tectonic_bundles::Bundle;
use tectonic_io_base::digest::DigestData;
use tectonic_io_base::{InputHandle, InputOrigin, IoProvider, OpenResult};
use tectonic_status_base::StatusBackend;

use super::driver::Driver;
use crate::error::{Error, Result};

/// Searched in this order; the first file of a name wins (kpathsea's order on Debian).
pub const DEBIAN_TREES: &[&str] = &[
    "/var/lib/texmf",
    "/usr/share/texmf",
    "/usr/share/texlive/texmf-dist",
    "/usr/share/fonts",
];

/// Sub-trees that hold nothing a compile reads.
const SKIPPED: &[&str] = &["doc", "source", "man", "info"];

/// Makes `tectonic-format-latex.tex`: XeLaTeX with the templates' class and packages preloaded.
const FORMAT_SOURCE: (&str, &str) = (
    "tectonic-format-latex.tex",
    include_str!("../../templates/resume/format.tex"),
);

/// What was written.
#[derive(Debug)]
pub struct Assembled {
    pub files: usize,
    pub bytes: u64,
    pub digest: String,
}

/// Compiles `documents` (name, LaTeX) against `trees` and writes the files they opened to
/// `out` (a zip).
pub fn assemble(
    trees: &[PathBuf],
    documents: &[(String, String)],
    out: &Path,
) -> Result<Assembled> {
    let tree = Tree::scan(trees)?;
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    files.insert(FORMAT_SOURCE.0.into(), FORMAT_SOURCE.1.as_bytes().to_vec());
    let format_dir = tempfile_dir()?;
    let mut driver = Driver::new(Box::new(tree.clone()), &format_dir).map_err(Error::from)?;
    driver.trace();
    let compiled = documents.iter().try_for_each(|(name, source)| {
        driver
            .compile(source)
            .map(drop)
            .map_err(|failure| Error::Internal(format!("{name}: {failure}")))
    });
    let _ = std::fs::remove_dir_all(&format_dir);
    compiled?;
    for name in driver.opened() {
        if files.contains_key(name) {
            continue;
        }
        let path = tree
            .files
            .get(name)
            .ok_or_else(|| Error::Internal(format!("{name} was opened but is in no TeX tree")))?;
        let data = std::fs::read(path)
            .map_err(|e| Error::Internal(format!("reading {}: {e}", path.display())))?;
        files.insert(name.to_owned(), data);
    }
    write_zip(files, out)
}

fn write_zip(mut files: BTreeMap<String, Vec<u8>>, out: &Path) -> Result<Assembled> {
    let mut hasher = Sha256::new();
    for (name, data) in &files {
        hasher.update(name.as_bytes());
        hasher.update([0]);
        hasher.update(Sha256::digest(data));
    }
    let digest = hex::encode(hasher.finalize());
    files.insert("SHA256SUM".into(), digest.clone().into_bytes());
    let io = |e: std::io::Error| Error::Internal(format!("writing {}: {e}", out.display()));
    let partial = out.with_extension("zip.partial");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&partial).map_err(io)?);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let mut bytes = 0;
    for (name, data) in &files {
        zip.start_file(name.as_str(), options)
            .map_err(|e| Error::Internal(format!("zip: {e}")))?;
        zip.write_all(data).map_err(io)?;
        bytes += data.len() as u64;
    }
    zip.finish()
        .map_err(|e| Error::Internal(format!("zip: {e}")))?;
    std::fs::rename(&partial, out).map_err(io)?;
    Ok(Assembled {
        files: files.len(),
        bytes,
        digest,
    })
}

fn tempfile_dir() -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("autoresume-tex-trace-{}", std::process::id()));
    std::fs::create_dir_all(&dir)
        .map_err(|e| Error::Internal(format!("creating {}: {e}", dir.display())))?;
    Ok(dir)
}

/// Debian's TeX trees seen flat, as bundles are: a file by its bare name.
#[derive(Clone)]
struct Tree {
    files: HashMap<String, PathBuf>,
}

impl Tree {
    fn scan(roots: &[PathBuf]) -> Result<Tree> {
        let mut files = HashMap::new();
        for root in roots {
            if !root.is_dir() {
                return Err(Error::Config(format!(
                    "{} is missing: install the TeX Live packages (scripts/setup)",
                    root.display()
                )));
            }
            walk(root, &mut files)
                .map_err(|e| Error::Internal(format!("reading {}: {e}", root.display())))?;
        }
        Ok(Tree { files })
    }
}

fn walk(dir: &Path, files: &mut HashMap<String, PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<std::io::Result<_>>()?;
    entries.sort_by_key(|entry| entry.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if path.is_dir() {
            if !SKIPPED.contains(&name.as_str()) {
                walk(&path, files)?;
            }
        } else {
            files.entry(name).or_insert(path);
        }
    }
    Ok(())
}

impl IoProvider for Tree {
    fn input_open_name(
        &mut self,
        name: &str,
        _status: &mut dyn StatusBackend,
    ) -> OpenResult<InputHandle> {
        if name == FORMAT_SOURCE.0 {
            let source = std::io::Cursor::new(FORMAT_SOURCE.1.as_bytes().to_vec());
            return OpenResult::Ok(InputHandle::new(name, source, InputOrigin::Other));
        }
        let Some(path) = self.files.get(name) else {
            return OpenResult::NotAvailable;
        };
        match std::fs::File::open(path) {
            Ok(file) => OpenResult::Ok(InputHandle::new(name, file, InputOrigin::Other)),
            Err(e) => OpenResult::Err(e.into()),
        }
    }
}

impl Bundle for Tree {
    fn get_digest(&mut self) -> tectonic_errors::Result<DigestData> {
        // Only keys the throwaway format of the trace run.
        Ok(DigestData::zeros())
    }

    fn all_files(&self) -> Vec<String> {
        self.files.keys().cloned().collect()
    }
}
