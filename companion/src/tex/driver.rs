//! One XeTeX + xdvipdfmx run inside this process, through tectonic's engines and an I/O stack
//! of our own: the document and its outputs in memory, then the bundle, nothing else. Unlike
//! tectonic's own driver there is no filesystem layer, so `\input{/etc/passwd}` finds nothing,
//! and shell escape is off (the engine flag, the security stance and the unimplemented hook).

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::io::{Cursor, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::{Duration, Instant, SystemTime};

use tectonic_bridge_core::{CoreBridgeLauncher, DriverHooks, SecuritySettings, SecurityStance};
use tectonic_bundles::Bundle;
use tectonic_engine_xdvipdfmx::XdvipdfmxEngine;
use tectonic_engine_xetex::{TexEngine, TexOutcome};
use tectonic_io_base::{
    InputFeatures, InputHandle, InputOrigin, IoProvider, OpenResult, OutputHandle,
};
use tectonic_status_base::{MessageKind, StatusBackend};

use super::Failure;

/// The document's name inside the engine: its outputs are `texput.log`, `.xdv`, `.pdf`.
const JOB: &str = "texput";
/// The bundle file that `\input`s the LaTeX kernel when the format is made.
const FORMAT_SOURCE: &str = "tectonic-format-latex.tex";

type Files = Rc<RefCell<HashMap<String, Vec<u8>>>>;

/// The engine's state that outlives one document: the bundle and the files read from it, the
/// format (read or made once), and, when tracing, the names of every bundle file a document
/// opened. Every compile reads the same format (31 MB) and mostly the same bundle files (fonts,
/// decompressed from the zip), so the worker keeps them in memory and shares them.
pub struct Driver {
    bundle: Box<dyn Bundle>,
    /// Bundle files by name; `None` for a name the bundle does not have (TeX asks for many).
    read: HashMap<String, Option<Rc<[u8]>>>,
    format: Option<Rc<[u8]>>,
    format_path: PathBuf,
    opened: Option<BTreeSet<String>>,
}

/// A compiled document.
pub struct Output {
    pub pdf: Vec<u8>,
    pub pages: u32,
    pub timings: Timings,
}

/// Where a compile's time went (the benchmark reports it).
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Timings {
    /// Reading the format into the engine (before the document's first line).
    pub format: Duration,
    /// XeTeX on the document, after the format.
    pub tex: Duration,
    /// xdvipdfmx: XDV to PDF, with the fonts embedded.
    pub pdf: Duration,
    /// CPU time of the whole compile (the worker is single-threaded): on a busy machine the
    /// wall-clock figures above include waiting for a core, this does not.
    pub cpu: Duration,
}

impl Driver {
    /// `format_dir` holds the format made from this bundle (keyed by the bundle's digest and
    /// the engine's format serial, so a new bundle or engine makes a new one).
    pub fn new(mut bundle: Box<dyn Bundle>, format_dir: &Path) -> Result<Driver, Failure> {
        let digest = bundle
            .get_digest()
            .map_err(|e| Failure::Engine(format!("the TeX bundle has no usable SHA256SUM: {e}")))?;
        let format_path = format_dir.join(format!(
            "latex-{}-{}.fmt",
            &digest.to_string()[..16],
            tectonic_engine_xetex::FORMAT_SERIAL
        ));
        Ok(Driver {
            bundle,
            read: HashMap::new(),
            format: None,
            format_path,
            opened: None,
        })
    }

    /// Records the bundle files that later compiles open (for assembling a minimal bundle).
    pub fn trace(&mut self) {
        self.opened = Some(BTreeSet::new());
    }

    pub fn opened(&self) -> impl Iterator<Item = &str> {
        self.opened.iter().flatten().map(String::as_str)
    }

    /// Whether the first compile has to make the format first (about 3 s).
    pub fn needs_format(&self) -> bool {
        self.format.is_none() && !self.format_path.exists()
    }

    pub fn compile(&mut self, source: &str) -> Result<Output, Failure> {
        let format = self.load_format()?;
        let cpu = cpu_time();
        let start = Instant::now();
        let mut io = Io::new(self, source.as_bytes().to_vec(), Some(format));
        let outcome = io.run_tex("latex.fmt", false);
        let tex_done = Instant::now();
        let log = io.take(&format!("{JOB}.log"));
        let log = String::from_utf8_lossy(&log);
        super::log::check(&log, outcome)?;
        let xdv = io.files.borrow().get(&format!("{JOB}.xdv")).cloned();
        let xdv = xdv.ok_or_else(|| Failure::Tex {
            excerpt: "the document produced no pages".into(),
        })?;
        let pages = xdv_pages(&xdv)?;
        io.run_xdvipdfmx()?;
        let pdf = io.take(&format!("{JOB}.pdf"));
        let body = io.body_started.unwrap_or(start);
        let timings = Timings {
            format: body - start,
            tex: tex_done - body,
            pdf: tex_done.elapsed(),
            cpu: cpu_time().saturating_sub(cpu),
        };
        Ok(Output {
            pdf,
            pages,
            timings,
        })
    }

    fn load_format(&mut self) -> Result<Rc<[u8]>, Failure> {
        if let Some(format) = &self.format {
            return Ok(format.clone());
        }
        let format: Rc<[u8]> = match std::fs::read(&self.format_path) {
            Ok(bytes) => bytes.into(),
            Err(_) => self.make_format()?.into(),
        };
        self.format = Some(format.clone());
        Ok(format)
    }

    /// A bundle file, read once per worker.
    fn bundle_file(
        &mut self,
        name: &str,
        status: &mut dyn StatusBackend,
    ) -> Result<Option<Rc<[u8]>>, tectonic_errors::Error> {
        if let Some(known) = self.read.get(name) {
            return Ok(known.clone());
        }
        let data = match self.bundle.input_open_name(name, status) {
            OpenResult::Ok(mut handle) => {
                let mut data = Vec::new();
                handle.read_to_end(&mut data)?;
                if let Some(names) = &mut self.opened {
                    names.insert(name.to_owned());
                }
                Some(Rc::from(data))
            }
            OpenResult::NotAvailable => None,
            OpenResult::Err(e) => return Err(e),
        };
        self.read.insert(name.to_owned(), data.clone());
        Ok(data)
    }

    fn make_format(&mut self) -> Result<Vec<u8>, Failure> {
        let source = format!("\\input {FORMAT_SOURCE}").into_bytes();
        let mut io = Io::new(self, source, None);
        let outcome = io.run_tex("UNUSED.fmt", true);
        let log = io.take(&format!("{JOB}.log"));
        super::log::check(&String::from_utf8_lossy(&log), outcome)?;
        let format = io.take(&format!("{JOB}.fmt"));
        if format.is_empty() {
            return Err(Failure::Engine(
                "making the LaTeX format wrote nothing".into(),
            ));
        }
        // Written aside and renamed, so that another worker never reads half a format.
        let dir = self.format_path.parent().unwrap_or(Path::new("."));
        let saved = std::fs::create_dir_all(dir).and_then(|()| {
            let partial = self
                .format_path
                .with_extension(format!("{}.partial", std::process::id()));
            std::fs::write(&partial, &format)?;
            std::fs::rename(&partial, &self.format_path)
        });
        saved.map_err(|e| {
            Failure::Engine(format!(
                "cannot save the TeX format in {}: {e}",
                dir.display()
            ))
        })?;
        Ok(format)
    }
}

/// The total page count from the XDV postamble (DVI format: `post_post` points back at `post`,
/// whose last field is the number of pages).
fn xdv_pages(xdv: &[u8]) -> Result<u32, Failure> {
    let bad = || Failure::Engine("the engine wrote an unreadable XDV file".into());
    let end = xdv.iter().rposition(|&b| b != 223).ok_or_else(bad)?;
    let pointer = xdv
        .get(end.checked_sub(4).ok_or_else(bad)?..end)
        .ok_or_else(bad)?;
    let post = u32::from_be_bytes(pointer.try_into().map_err(|_| bad())?) as usize;
    let count = xdv.get(post + 27..post + 29).ok_or_else(bad)?;
    if xdv.get(post) != Some(&248) {
        return Err(bad());
    }
    Ok(u32::from(u16::from_be_bytes([count[0], count[1]])))
}

/// This process's CPU time so far.
fn cpu_time() -> Duration {
    let now = rustix::time::clock_gettime(rustix::time::ClockId::ProcessCPUTime);
    Duration::new(
        u64::try_from(now.tv_sec).unwrap_or(0),
        u32::try_from(now.tv_nsec).unwrap_or(0),
    )
}

/// A file the engine reads from memory the worker keeps (the format, a bundle file): shared,
/// not copied, and not hashed (tectonic hashes what it reads unless told the file is
/// read-only; our driver never reruns, so it has no use for the digests).
struct Shared(Cursor<Rc<[u8]>>);

impl Shared {
    fn handle(name: &str, data: Rc<[u8]>) -> InputHandle {
        InputHandle::new_read_only(name, Shared(Cursor::new(data)), InputOrigin::Other)
    }
}

impl Read for Shared {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.0.read(buf)
    }
}

impl InputFeatures for Shared {
    fn get_size(&mut self) -> tectonic_errors::Result<usize> {
        Ok(self.0.get_ref().len())
    }

    fn try_seek(&mut self, pos: SeekFrom) -> tectonic_errors::Result<u64> {
        Ok(self.0.seek(pos)?)
    }
}

/// The I/O of one engine run.
struct Io<'a> {
    driver: &'a mut Driver,
    primary: Vec<u8>,
    format: Option<Rc<[u8]>>,
    files: Files,
    /// When the engine opened the document, i.e. had loaded the format.
    body_started: Option<Instant>,
}

impl<'a> Io<'a> {
    fn new(driver: &'a mut Driver, primary: Vec<u8>, format: Option<Rc<[u8]>>) -> Io<'a> {
        Io {
            driver,
            primary,
            format,
            files: Rc::default(),
            body_started: None,
        }
    }

    fn take(&self, name: &str) -> Vec<u8> {
        self.files.borrow_mut().remove(name).unwrap_or_default()
    }

    fn run_tex(&mut self, format: &str, initex: bool) -> Result<TexOutcome, String> {
        let mut status = Status::default();
        let mut launcher = CoreBridgeLauncher::new_with_security(
            self,
            &mut status,
            SecuritySettings::new(SecurityStance::DisableInsecures),
        );
        let mut engine = TexEngine::default();
        engine
            .halt_on_error_mode(true)
            .initex_mode(initex)
            .shell_escape(false)
            .build_date(SystemTime::UNIX_EPOCH);
        let outcome = engine.process(&mut launcher, format, &format!("{JOB}.tex"));
        outcome.map_err(|e| status.message(&e.to_string()))
    }

    fn run_xdvipdfmx(&mut self) -> Result<(), Failure> {
        let mut status = Status::default();
        let mut launcher = CoreBridgeLauncher::new_with_security(
            self,
            &mut status,
            SecuritySettings::new(SecurityStance::DisableInsecures),
        );
        XdvipdfmxEngine::default()
            .build_date(SystemTime::UNIX_EPOCH)
            .process(&mut launcher, &format!("{JOB}.xdv"), &format!("{JOB}.pdf"))
            .map_err(|e| {
                Failure::Engine(format!(
                    "making the PDF failed: {}",
                    status.message(&e.to_string())
                ))
            })
    }
}

impl DriverHooks for Io<'_> {
    fn io(&mut self) -> &mut dyn IoProvider {
        self
    }
}

impl IoProvider for Io<'_> {
    fn output_open_name(&mut self, name: &str) -> OpenResult<OutputHandle> {
        if name.is_empty() {
            return OpenResult::NotAvailable;
        }
        let file = MemoryFile {
            files: self.files.clone(),
            name: name.to_owned(),
            data: Vec::new(),
        };
        OpenResult::Ok(OutputHandle::new(name, file))
    }

    /// The terminal copy of the log: the log file has it all, and the worker's stdout carries
    /// its replies.
    fn output_open_stdout(&mut self) -> OpenResult<OutputHandle> {
        OpenResult::Ok(OutputHandle::new("", std::io::sink()))
    }

    fn input_open_name(
        &mut self,
        name: &str,
        status: &mut dyn StatusBackend,
    ) -> OpenResult<InputHandle> {
        if let Some(data) = self.files.borrow().get(name) {
            let data = Cursor::new(data.clone());
            return OpenResult::Ok(InputHandle::new_read_only(name, data, InputOrigin::Other));
        }
        match self.driver.bundle_file(name, status) {
            Ok(Some(data)) => OpenResult::Ok(Shared::handle(name, data)),
            Ok(None) => OpenResult::NotAvailable,
            Err(e) => OpenResult::Err(e),
        }
    }

    fn input_open_primary(&mut self, _status: &mut dyn StatusBackend) -> OpenResult<InputHandle> {
        self.body_started.get_or_insert_with(Instant::now);
        let data = Cursor::new(self.primary.clone());
        OpenResult::Ok(InputHandle::new_read_only(
            format!("{JOB}.tex"),
            data,
            InputOrigin::Other,
        ))
    }

    fn input_open_format(
        &mut self,
        name: &str,
        _status: &mut dyn StatusBackend,
    ) -> OpenResult<InputHandle> {
        match &self.format {
            Some(format) => OpenResult::Ok(Shared::handle(name, format.clone())),
            None => OpenResult::NotAvailable,
        }
    }
}

/// An output file; it lands in the run's files when the engine closes it.
struct MemoryFile {
    files: Files,
    name: String,
    data: Vec<u8>,
}

impl Write for MemoryFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.data.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for MemoryFile {
    fn drop(&mut self) {
        let data = std::mem::take(&mut self.data);
        self.files
            .borrow_mut()
            .insert(std::mem::take(&mut self.name), data);
    }
}

/// Keeps the engine's own error messages (a missing file, an aborted run) for the report.
#[derive(Default)]
struct Status {
    errors: Vec<String>,
}

impl Status {
    fn message(&self, fallback: &str) -> String {
        if self.errors.is_empty() {
            fallback.to_owned()
        } else {
            self.errors.join("; ")
        }
    }
}

impl StatusBackend for Status {
    fn report(
        &mut self,
        kind: MessageKind,
        args: std::fmt::Arguments,
        err: Option<&tectonic_errors::Error>,
    ) {
        if kind == MessageKind::Error {
            let mut text = args.to_string();
            if let Some(err) = err {
                text.push_str(&format!(": {err}"));
            }
            self.errors.push(text);
        }
    }

    fn dump_error_logs(&mut self, _output: &[u8]) {}
}
