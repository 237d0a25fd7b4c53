//! Whole mail messages as request bodies (up to `mail_max_bytes`, 25 MiB by default): only a
//! few are read at once, each straight into one buffer of its declared size, never into a
//! chain of copies.

use std::sync::Arc;

use axum::body::{Body, HttpBody};
use futures_util::StreamExt;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::config::Config;
use crate::error::{Error, Result};

/// Large bodies read at once. Each costs its size several times over while it is stored (the
/// database driver copies it), so this bounds the companion's memory; a provider turned away
/// with 503 retries, a person retries in a moment.
pub const AT_ONCE: usize = 4;

/// The permits for large bodies, shared by every mail route (an `Extension` of the router).
#[derive(Clone)]
pub struct LargeBodies(Arc<Semaphore>);

impl Default for LargeBodies {
    fn default() -> LargeBodies {
        LargeBodies(Arc::new(Semaphore::new(AT_ONCE)))
    }
}

impl LargeBodies {
    /// A permit held while the body is read and stored; 503 when all are taken. Not waited
    /// for: a slow sender holding its permit must not queue the others behind it.
    pub fn admit(&self) -> Result<OwnedSemaphorePermit> {
        Arc::clone(&self.0).try_acquire_owned().map_err(|_| {
            Error::Busy(format!(
                "{AT_ONCE} large messages are being received already; try again in a few seconds"
            ))
        })
    }
}

/// A failed body read: the route's limit cutting it off reads as a message over
/// `mail_max_bytes`; anything else is the sender's malformed `what`.
pub fn read_error(error: &(dyn std::error::Error + 'static), config: &Config, what: &str) -> Error {
    if over_limit(error) {
        crate::mail::too_large(config.mail_max_bytes)
    } else {
        Error::BadRequest(format!("{what}: {error}"))
    }
}

/// Whether a read error is the route's limit (`guard::limit_body`) cutting the body off.
fn over_limit(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut source = Some(error);
    while let Some(error) = source {
        if error.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = error.source();
    }
    false
}

/// Reads a whole body into one buffer sized by its declared length. The route's limit
/// (`guard::limit_body`) caps it; hitting that is refused like a message over
/// `mail_max_bytes`.
pub async fn read(body: Body, config: &Config) -> Result<Vec<u8>> {
    let declared = usize::try_from(body.size_hint().lower()).unwrap_or(0);
    let mut out = Vec::with_capacity(declared);
    let mut chunks = body.into_data_stream();
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|e| read_error(&e, config, "the body could not be read"))?;
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}
