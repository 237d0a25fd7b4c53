//! LaTeX to PDF, offline: tectonic's XeTeX engine in a child process of the companion.
//!
//! The engine is process-global blocking C code that cannot be interrupted, so it runs in a
//! worker (`companion tex-worker`, started through `setpriv --pdeathsig KILL` so that it dies
//! with the companion) that compiles one document at a time; the parent serialises compiles,
//! keeps the worker warm between them, and kills it (with its process group) at the time
//! limit; the next compile starts a new one. The worker reads only the local bundle (a zip of
//! Debian TeX Live files, see `scripts/tex-bundle`) and has no network code at all.

pub mod bundle;
mod driver;
mod log;
pub mod worker;

pub use driver::Timings;

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout};
use tokio::sync::Mutex;

use crate::error::{Error, Result};

/// Where the engine finds its files and how long a compile may take.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The companion binary (the worker is its hidden `tex-worker` command).
    pub program: PathBuf,
    /// The bundle: a zip (or, for tracing, a flat directory) of TeX files.
    pub bundle: PathBuf,
    /// Where the LaTeX format made from the bundle is kept between runs.
    pub format_dir: PathBuf,
    pub timeout: Duration,
}

/// Why a compile failed, as the worker reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Failure {
    /// The document is wrong: TeX's first error and the line it was on.
    #[error("TeX stopped with an error:\n{excerpt}")]
    Tex { excerpt: String },
    #[error(
        "the character {character} ({code_point}) is in no font this template uses \
         ({font}); remove it or write it in another way"
    )]
    MissingCharacter {
        character: String,
        code_point: String,
        font: String,
    },
    #[error("the TeX engine failed: {0}")]
    Engine(String),
}

impl From<Failure> for Error {
    fn from(failure: Failure) -> Error {
        match failure {
            Failure::Tex { .. } | Failure::MissingCharacter { .. } => {
                Error::Unprocessable(failure.to_string())
            }
            Failure::Engine(_) => Error::Internal(failure.to_string()),
        }
    }
}

/// A compiled PDF.
#[derive(Debug, Clone)]
pub struct Pdf {
    pub bytes: Vec<u8>,
    pub pages: u32,
    /// Measured in the worker.
    pub timings: Timings,
}

/// One line from the parent to the worker.
#[derive(Serialize, Deserialize)]
struct Request {
    source: String,
}

/// One line from the worker to the parent: zero or more notes, then a result.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
enum Reply {
    /// The format is being made (once per bundle: about 3 s).
    PreparingFormat,
    Done {
        pdf: String,
        pages: u32,
        timings: Timings,
    },
    Failed(Failure),
}

/// No `mmap` for large blocks, and no returning freed memory to the system below 1 GiB.
const MALLOC_TUNABLES: &str = "glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=1073741824";

/// The compiler: one warm worker, one compile at a time.
pub struct Engine {
    settings: Settings,
    worker: Mutex<Option<Worker>>,
}

struct Worker {
    child: Child,
    stdin: ChildStdin,
    replies: Lines<BufReader<ChildStdout>>,
}

impl Engine {
    pub fn new(settings: Settings) -> Engine {
        Engine {
            settings,
            worker: Mutex::new(None),
        }
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Compiles a LaTeX document. `on_note` hears about slow steps (making the format).
    pub async fn compile(&self, source: &str, on_note: &(dyn Fn(&str) + Sync)) -> Result<Pdf> {
        let mut slot = self.worker.lock().await;
        let worker = match slot.as_mut() {
            Some(worker) => worker,
            None => slot.insert(self.start()?),
        };
        let timeout = self.settings.timeout;
        match tokio::time::timeout(timeout, exchange(worker, source, on_note)).await {
            Ok(Ok(pdf)) => Ok(pdf),
            Ok(Err(error)) => {
                // A worker that failed to answer is in an unknown state; a document error is not.
                if !matches!(error, Error::Unprocessable(_)) {
                    stop(slot.take()).await;
                }
                Err(error)
            }
            Err(_) => {
                stop(slot.take()).await;
                Err(Error::Unprocessable(format!(
                    "the document took longer than the limit of {} s to compile and was \
                     stopped (a template or text that makes TeX loop forever does this)",
                    timeout.as_secs()
                )))
            }
        }
    }

    fn start(&self) -> Result<Worker> {
        let program = &self.settings.program;
        let mut command = tokio::process::Command::new("/usr/bin/setpriv");
        command
            .arg("--pdeathsig")
            .arg("KILL")
            .arg("--")
            .arg(program)
            .arg("tex-worker")
            .arg("--bundle")
            .arg(&self.settings.bundle)
            .arg("--format-dir")
            .arg(&self.settings.format_dir)
            // The worker needs no secret the companion's environment may hold.
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            // XeTeX allocates its large arrays afresh for every document; from glibc's own
            // heap, kept between compiles, instead of new mappings the kernel must fault in
            // and zero each time (about a fifth of a warm compile's CPU time).
            .env("GLIBC_TUNABLES", MALLOC_TUNABLES)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .process_group(0)
            .kill_on_drop(true);
        let mut child = command.spawn().map_err(|e| {
            Error::Internal(format!(
                "cannot start the TeX worker ({}): {e}",
                program.display()
            ))
        })?;
        let (Some(stdin), Some(stdout)) = (child.stdin.take(), child.stdout.take()) else {
            return Err(Error::Internal("the TeX worker has no pipes".into()));
        };
        Ok(Worker {
            child,
            stdin,
            replies: BufReader::new(stdout).lines(),
        })
    }
}

async fn exchange(
    worker: &mut Worker,
    source: &str,
    on_note: &(dyn Fn(&str) + Sync),
) -> Result<Pdf> {
    let lost = |e: std::io::Error| Error::Internal(format!("the TeX worker stopped: {e}"));
    let mut line = serde_json::to_string(&Request {
        source: source.to_owned(),
    })
    .map_err(|e| Error::Internal(e.to_string()))?;
    line.push('\n');
    worker
        .stdin
        .write_all(line.as_bytes())
        .await
        .map_err(lost)?;
    worker.stdin.flush().await.map_err(lost)?;
    loop {
        let Some(reply) = worker.replies.next_line().await.map_err(lost)? else {
            return Err(Error::Internal(
                "the TeX worker stopped without an answer (see its output above)".into(),
            ));
        };
        let reply: Reply = serde_json::from_str(&reply)
            .map_err(|e| Error::Internal(format!("the TeX worker answered nonsense: {e}")))?;
        match reply {
            Reply::PreparingFormat => on_note("preparing the TeX format, once: about 3 s"),
            Reply::Done {
                pdf,
                pages,
                timings,
            } => {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(pdf)
                    .map_err(|e| Error::Internal(format!("the TeX worker's PDF: {e}")))?;
                return Ok(Pdf {
                    bytes,
                    pages,
                    timings,
                });
            }
            Reply::Failed(failure) => return Err(failure.into()),
        }
    }
}

/// Kills the worker and everything it started (its process group), then reaps it.
async fn stop(worker: Option<Worker>) {
    let Some(mut worker) = worker else { return };
    let group = worker
        .child
        .id()
        .and_then(|pid| rustix::process::Pid::from_raw(i32::try_from(pid).ok()?));
    if let Some(group) = group {
        // The worker leads its own group (`process_group(0)`), so this never reaches ours.
        let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
    }
    let _ = worker.child.kill().await;
}
