//! The worker's side (`companion tex-worker`): one JSON request a line on stdin, one JSON reply
//! a line on stdout, one compile at a time, until stdin closes.

use std::io::{BufRead, Write};
use std::path::Path;

use base64::Engine as _;
use tectonic_bundles::Bundle;
use tectonic_bundles::dir::DirBundle;
use tectonic_bundles::zip::ZipBundle;

use super::driver::Driver;
use super::{Reply, Request};
use crate::error::{Error, Result};

/// A zip bundle, or a flat directory (the full tree the bundle is traced from).
pub fn open_bundle(path: &Path) -> Result<Box<dyn Bundle>> {
    if path.is_dir() {
        return Ok(Box::new(DirBundle::new(path)));
    }
    let bundle = ZipBundle::<std::fs::File>::open(path).map_err(|e| {
        Error::Config(format!(
            "the TeX bundle {} cannot be opened ({e}); run scripts/tex-bundle",
            path.display()
        ))
    })?;
    Ok(Box::new(bundle))
}

pub fn serve(bundle: &Path, format_dir: &Path) -> Result<()> {
    let mut driver = Driver::new(open_bundle(bundle)?, format_dir).map_err(Error::from)?;
    let mut out = std::io::stdout().lock();
    for line in std::io::stdin().lock().lines() {
        let line = line.map_err(|e| Error::Internal(format!("reading a request: {e}")))?;
        let request: Request = serde_json::from_str(&line)
            .map_err(|e| Error::Internal(format!("a request that is not one: {e}")))?;
        if driver.needs_format() {
            send(&mut out, &Reply::PreparingFormat)?;
        }
        let reply = match driver.compile(&request.source) {
            Ok(output) => Reply::Done {
                pdf: base64::engine::general_purpose::STANDARD.encode(output.pdf),
                pages: output.pages,
                timings: output.timings,
            },
            Err(failure) => Reply::Failed(failure),
        };
        send(&mut out, &reply)?;
    }
    Ok(())
}

fn send(out: &mut impl Write, reply: &Reply) -> Result<()> {
    let line = serde_json::to_string(reply).map_err(|e| Error::Internal(e.to_string()))?;
    writeln!(out, "{line}")
        .and_then(|()| out.flush())
        .map_err(|e| Error::Internal(format!("answering the companion: {e}")))
}
