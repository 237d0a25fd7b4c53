//! Headless Chromium over CDP (chromiumoxide): loads a saved page, or the HTML of a posting's
//! application page, and runs the snapshot script. Chromium gets no network at all: the page's
//! own scripts stay off, every host name fails to resolve and every http(s) request goes to a
//! proxy that is not there, so nothing the page names (an image on a private address, a
//! refresh to the metadata service) is ever requested. Live pages are fetched beforehand by
//! the SSRF-checked fetcher (`crate::fetch`), the one place that decides what may be reached.
//! Chromium also keeps its sandbox, however it is started (`sandbox`).

use std::path::Path;
use std::time::Duration;

use chromiumoxide::browser::{Browser, BrowserConfig};
use chromiumoxide::cdp::browser_protocol::emulation::SetScriptExecutionDisabledParams;
use chromiumoxide::cdp::browser_protocol::page::SetDocumentContentParams;
use chromiumoxide::cdp::js_protocol::runtime::EvaluateParams;
use futures_util::StreamExt;
use shared::forms::FormSnapshot;

use super::SNAPSHOT_SCRIPT;
use crate::error::{Error, Result};

mod sandbox;

const PAGE_TIMEOUT: Duration = Duration::from_secs(30);

fn browser_error(what: &str) -> impl Fn(chromiumoxide::error::CdpError) -> Error + '_ {
    move |e| Error::Internal(format!("headless Chromium: {what}: {e}"))
}

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
    let launch = sandbox::prepare()?;
    let config = BrowserConfig::builder()
        .chrome_executable(&launch.executable)
        .user_data_dir(&launch.profile)
        .envs(launch.env.iter().cloned())
        .window_size(1280, 900)
        // chromiumoxide adds the dashes: "--flag" here would reach Chromium as "----flag".
        .args([
            "disable-gpu",
            "no-first-run",
            "disable-background-networking",
            "disable-component-update",
            "disable-sync",
        ])
        .arg(("host-resolver-rules", "MAP * ~NOTFOUND"))
        // Address literals skip the resolver: every request goes to a closed port instead,
        // loopback included.
        .arg(("proxy-server", "http://127.0.0.1:9"))
        .arg(("proxy-bypass-list", "<-loopback>"))
        .build()
        .map_err(|e| Error::Internal(format!("headless Chromium: {e}")))?;
    let (mut browser, mut handler) = Browser::launch(config)
        .await
        .map_err(|e| sandbox::launch_failed(&e, &launch))?;
    let driver = tokio::spawn(async move { while handler.next().await.is_some() {} });
    let taken = tokio::time::timeout(PAGE_TIMEOUT, take(&browser, load, launch.as_user)).await;
    let _ = browser.close().await;
    let _ = browser.wait().await;
    driver.abort();
    taken.map_err(|_| Error::Internal("headless Chromium: the page did not load in 30 s".into()))?
}

async fn take(browser: &Browser, load: Load<'_>, as_user: Option<&str>) -> Result<FormSnapshot> {
    let tab = browser
        .new_page("about:blank")
        .await
        .map_err(browser_error("new page"))?;
    tab.execute(SetScriptExecutionDisabledParams::new(true))
        .await
        .map_err(browser_error("turning page scripts off"))?;
    match load {
        Load::File(url) => {
            tab.goto(url).await.map_err(|e| {
                let hint = as_user
                    .map(|user| format!(" (Chromium runs as {user}: the file and its folders must be readable by that user)"))
                    .unwrap_or_default();
                Error::Internal(format!("headless Chromium: loading the page: {e}{hint}"))
            })?;
        }
        Load::Html(html) => {
            let frame = tab
                .mainframe()
                .await
                .map_err(browser_error("finding the tab's frame"))?
                .ok_or_else(|| Error::Internal("headless Chromium: the tab has no frame".into()))?;
            tab.execute(SetDocumentContentParams::new(frame, html))
                .await
                .map_err(browser_error("setting the page's HTML"))?;
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
        .map_err(browser_error("running the snapshot script"))?
        .into_value()
        .map_err(|e| Error::Internal(format!("headless Chromium: the snapshot: {e}")))?;
    serde_json::from_value(value)
        .map_err(|e| Error::Internal(format!("the snapshot script's answer: {e}")))
}
