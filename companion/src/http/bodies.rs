//! Whole mail messages as request bodies (up to `mail_max_bytes`, 25 MiB by default): only a
//! few are read at once, each straight into one buffer of its declared size, never into a
//! chain of copies, and a sender that stalls loses its place (`mail_read_timeout_secs`).

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use futures_util::{Stream, StreamExt};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

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

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A body whose bytes stopped arriving, or arrive too slowly to finish in time.
#[derive(Debug, thiserror::Error)]
#[error("the body stopped arriving")]
struct Stalled;

/// The body's data as it arrives, ended by [`Stalled`] when no byte comes for
/// `mail_read_timeout_secs` or the whole takes ten times that: a permit of [`LargeBodies`]
/// is held while it is read, and a sender dripping a byte now and then must not keep it.
pub fn paced(
    body: Body,
    config: &Config,
) -> impl Stream<Item = std::result::Result<Bytes, BoxError>> + Send + 'static {
    let idle = Duration::from_secs(config.mail_read_timeout_secs);
    let deadline = Instant::now() + idle * 10;
    let mut chunks = body.into_data_stream();
    async_stream::stream! {
        loop {
            let wait = idle.min(deadline.saturating_duration_since(Instant::now()));
            match tokio::time::timeout(wait, chunks.next()).await {
                Ok(Some(chunk)) => yield chunk.map_err(BoxError::from),
                Ok(None) => break,
                Err(_) => {
                    yield Err(BoxError::from(Stalled));
                    break;
                }
            }
        }
    }
}

/// A failed body read: the route's limit cutting it off reads as a message over
/// `mail_max_bytes`, a stalled sender as 408; anything else is the sender's malformed `what`.
pub fn read_error(error: &(dyn std::error::Error + 'static), config: &Config, what: &str) -> Error {
    if caused_by::<http_body_util::LengthLimitError>(error) {
        crate::mail::too_large(config.mail_max_bytes)
    } else if caused_by::<Stalled>(error) {
        stalled(config)
    } else {
        Error::BadRequest(format!("{what}: {error}"))
    }
}

/// The refusal of a body that arrived too slowly.
fn stalled(config: &Config) -> Error {
    let idle = config.mail_read_timeout_secs;
    Error::TimedOut(format!(
        "the message arrived too slowly (nothing for {idle} s, or over {} s in all); send it again",
        idle * 10
    ))
}

/// Whether `T` is `error` or one of its causes (the route's limit (`guard::limit_body`)
/// cutting a body off, [`Stalled`]).
fn caused_by<T: std::error::Error + 'static>(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut source = Some(error);
    while let Some(error) = source {
        if error.is::<T>() {
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
    let chunks = paced(body, config);
    futures_util::pin_mut!(chunks);
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|e| read_error(&*e, config, "the body could not be read"))?;
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}
