//! What the run does to its tab over CDP: scripts in an isolated world (the page's own scripts
//! run beside them but cannot reach or replace them), the jar as CDP cookies, screenshots and
//! the trusted click.

use base64::Engine as _;
use chromiumoxide::Page;
use chromiumoxide::cdp::browser_protocol::input::{
    DispatchMouseEventParams, DispatchMouseEventType, MouseButton,
};
use chromiumoxide::cdp::browser_protocol::network::{CookieParam, CookieSameSite, TimeSinceEpoch};
use chromiumoxide::cdp::browser_protocol::page::{
    CaptureScreenshotFormat, CreateIsolatedWorldParams,
};
use chromiumoxide::cdp::js_protocol::runtime::EvaluateParams;
use chromiumoxide::page::ScreenshotParams;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use shared::cookies::{CookieJar, SameSite};
use shared::forms::FormSnapshot;
use shared::forms::apply::FillField;

use super::ResumeFile;
use crate::browser::cdp_error;
use crate::error::{Error, Result};
use crate::forms::SNAPSHOT_SCRIPT;

const FILL_SCRIPT: &str = include_str!("../../../extension/form-fill.js");
const PAGE_SCRIPT: &str = include_str!("page.js");
const WORLD: &str = "autoresume-apply";

/// Runs `expression` in a new isolated world of the tab's main frame and returns its value
/// (a promise awaited).
async fn evaluate<T: DeserializeOwned>(tab: &Page, expression: &str) -> Result<T> {
    let frame = tab
        .mainframe()
        .await
        .map_err(cdp_error("finding the tab's frame"))?
        .ok_or_else(|| Error::Internal("headless Chromium: the tab has no frame".into()))?;
    let world = CreateIsolatedWorldParams::builder()
        .frame_id(frame)
        .world_name(WORLD)
        .build()
        .map_err(|e| Error::Internal(format!("headless Chromium: {e}")))?;
    let context = tab
        .execute(world)
        .await
        .map_err(cdp_error("creating an isolated world"))?
        .result
        .execution_context_id;
    let evaluate = EvaluateParams::builder()
        .expression(expression)
        .context_id(context)
        .await_promise(true)
        .return_by_value(true)
        .build()
        .map_err(|e| Error::Internal(format!("headless Chromium: {e}")))?;
    let answer = tab
        .execute(evaluate)
        .await
        .map_err(cdp_error("running a script"))?
        .result;
    if let Some(exception) = answer.exception_details {
        let what = exception
            .exception
            .and_then(|e| e.description)
            .unwrap_or(exception.text);
        return Err(Error::Internal(format!(
            "headless Chromium: a script threw: {what}"
        )));
    }
    let value = answer.result.value.unwrap_or(serde_json::Value::Null);
    serde_json::from_value(value)
        .map_err(|e| Error::Internal(format!("headless Chromium: a script's answer: {e}")))
}

pub async fn snapshot(tab: &Page) -> Result<FormSnapshot> {
    evaluate(tab, SNAPSHOT_SCRIPT).await
}

/// One field's outcome from `form-fill.js`.
#[derive(Debug, Deserialize)]
pub struct Outcome {
    pub selector: String,
    pub label: String,
    pub required: bool,
    /// filled, kept or needs_you.
    pub status: String,
    #[serde(default)]
    pub note: String,
}

pub async fn fill(
    tab: &Page,
    fields: &[FillField],
    resume: Option<&ResumeFile>,
) -> Result<Vec<Outcome>> {
    let job = serde_json::json!({
        "fields": fields,
        "resume": resume.map(|r| serde_json::json!({
            "name": r.name,
            "base64": base64::engine::general_purpose::STANDARD.encode(&r.bytes),
        })),
        "blockers": [],
    });
    evaluate(
        tab,
        &format!("{FILL_SCRIPT}\n;globalThis.autoresumeFill.fill({job})"),
    )
    .await
}

/// Calls one function of `page.js` with JSON arguments.
pub async fn call<T: DeserializeOwned>(tab: &Page, function: &str, args: &str) -> Result<T> {
    evaluate(
        tab,
        &format!("{PAGE_SCRIPT}\n;globalThis.autoresumeApply.{function}({args})"),
    )
    .await
}

/// The button `page.js` found, at its centre in the viewport.
#[derive(Debug, Clone, Deserialize)]
pub struct Button {
    /// next or submit.
    pub kind: String,
    pub text: String,
    pub x: f64,
    pub y: f64,
}

/// What the page shows after a click.
#[derive(Debug, Deserialize)]
pub struct Seen {
    pub confirmation: Option<String>,
    pub errors: Vec<String>,
}

/// A click as a person's: pressed and released at `button`'s centre (`isTrusted` events).
pub async fn click(tab: &Page, button: &Button) -> Result<()> {
    for kind in [
        DispatchMouseEventType::MouseMoved,
        DispatchMouseEventType::MousePressed,
        DispatchMouseEventType::MouseReleased,
    ] {
        let mut event = DispatchMouseEventParams::new(kind.clone(), button.x, button.y);
        if kind != DispatchMouseEventType::MouseMoved {
            event.button = Some(MouseButton::Left);
            event.click_count = Some(1);
        }
        tab.execute(event).await.map_err(cdp_error("clicking"))?;
    }
    Ok(())
}

pub async fn screenshot(tab: &Page) -> Result<Vec<u8>> {
    tab.screenshot(
        ScreenshotParams::builder()
            .format(CaptureScreenshotFormat::Png)
            .build(),
    )
    .await
    .map_err(cdp_error("taking a screenshot"))
}

pub async fn url(tab: &Page) -> String {
    tab.url().await.ok().flatten().unwrap_or_default()
}

/// The jar as CDP cookies. A host-only cookie is set by URL, which is what keeps it from the
/// domain's subdomains.
pub fn cookies(jar: &CookieJar) -> Vec<CookieParam> {
    jar.cookies
        .iter()
        .map(|cookie| {
            let mut param = CookieParam::new(cookie.name.clone(), cookie.value.expose_secret());
            let scheme = if cookie.secure { "https" } else { "http" };
            if cookie.host_only {
                param.url = Some(format!("{scheme}://{}{}", cookie.domain, cookie.path));
            } else {
                param.domain = Some(format!(".{}", cookie.domain));
            }
            param.path = Some(cookie.path.clone());
            param.secure = Some(cookie.secure);
            param.http_only = Some(cookie.http_only);
            param.same_site = cookie.same_site.map(|same_site| match same_site {
                SameSite::None => CookieSameSite::None,
                SameSite::Lax => CookieSameSite::Lax,
                SameSite::Strict => CookieSameSite::Strict,
            });
            param.expires = cookie.expires.map(|at| TimeSinceEpoch::new(at as f64));
            param
        })
        .collect()
}
