//! Form snapshots in headless Chromium (`crate::browser`): loads a saved page, or the HTML of a
//! posting's application page, and runs the snapshot script. Chromium gets no network at all
//! and the page's own scripts stay off, so nothing the page names (an image on a private
//! address, a refresh to the metadata service) is ever requested. Live pages are fetched
//! beforehand by the SSRF-checked fetcher (`crate::fetch`), the one place that decides what may
//! be reached.

use std::path::Path;
use std::time::Duration;

use chromiumoxide::cdp::browser_protocol::page::SetDocumentContentParams;
use chromiumoxide::cdp::js_protocol::runtime::EvaluateParams;
use shared::forms::FormSnapshot;

use super::SNAPSHOT_SCRIPT;
use crate::browser::{self, Network, Options, Session, cdp_error};
use crate::error::{Error, Result};

const PAGE_TIMEOUT: Duration = Duration::from_secs(30);

/// What to load into the tab.
enum Load<'a> {
    /// A `file://` URL of a saved page.
    File(&'a str),
    /// HTML fetched beforehand, set as the document of a blank tab.
    Html(&'a str),
}

/// The form snapshot of a saved HTML file, taken in a fresh headless Chromium.
pub async fn snapshot_file(page: &Path) -> Result<FormSnapshot> {
    let page = std::fs::canonicalize(page)
        .map_err(|e| Error::BadRequest(format!("cannot open {}: {e}", page.display())))?;
    let url = url::Url::from_file_path(&page)
        .map_err(|()| Error::BadRequest(format!("{} is not a file path", page.display())))?;
    let mut snapshot = in_browser(Load::File(url.as_str())).await?;
    // The file's place on this machine is not part of the page.
    snapshot.url = page
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(snapshot)
}

/// The form snapshot of a page's HTML (fetched from `url` by the caller), taken in a fresh
/// headless Chromium without network.
pub async fn snapshot_html(html: &str, url: &str) -> Result<FormSnapshot> {
    let mut snapshot = in_browser(Load::Html(html)).await?;
    snapshot.url = url.to_owned();
    Ok(snapshot)
}

async fn in_browser(load: Load<'_>) -> Result<FormSnapshot> {
    let session = browser::launch(Options {
        network: Network::Off,
        scripts: false,
        trusted_spki: &[],
    })
    .await?;
    let taken = tokio::time::timeout(PAGE_TIMEOUT, take(&session, load)).await;
    session.close().await;
    taken.map_err(|_| Error::Internal("headless Chromium: the page did not load in 30 s".into()))?
}

async fn take(session: &Session, load: Load<'_>) -> Result<FormSnapshot> {
    let tab = session.tab().await?;
    match load {
        Load::File(url) => {
            tab.goto(url).await.map_err(|e| {
                let hint = session
                    .as_user()
                    .map(|user| format!(" (Chromium runs as {user}: the file and its folders must be readable by that user)"))
                    .unwrap_or_default();
                Error::Internal(format!("headless Chromium: loading the page: {e}{hint}"))
            })?;
        }
        Load::Html(html) => {
            let frame = tab
                .mainframe()
                .await
                .map_err(cdp_error("finding the tab's frame"))?
                .ok_or_else(|| Error::Internal("headless Chromium: the tab has no frame".into()))?;
            tab.execute(SetDocumentContentParams::new(frame, html))
                .await
                .map_err(cdp_error("setting the page's HTML"))?;
        }
    }
    let evaluate = EvaluateParams::builder()
        .expression(SNAPSHOT_SCRIPT)
        .return_by_value(true)
        .build()
        .map_err(|e| Error::Internal(format!("headless Chromium: {e}")))?;
    let value: serde_json::Value = tab
        .evaluate_expression(evaluate)
        .await
        .map_err(cdp_error("running the snapshot script"))?
        .into_value()
        .map_err(|e| Error::Internal(format!("headless Chromium: the snapshot: {e}")))?;
    serde_json::from_value(value)
        .map_err(|e| Error::Internal(format!("the snapshot script's answer: {e}")))
}
