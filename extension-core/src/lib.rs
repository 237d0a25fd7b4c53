//! What the extension's JavaScript calls. Logic lives in `shared`; this only converts types.

use serde::Serialize;
use shared::api::AgentEvent;
use shared::companion_url::{self, CompanionUrlError, ParsedUrl};
use wasm_bindgen::prelude::*;

mod forms;
mod vault;
pub use forms::plan_form;
pub use vault::{platform_info, seal_browser_cookies, seal_cookie_export};

/// The core's version, shown in the popup's footer.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// Validates the companion address; errors carry the sentence the popup shows.
#[wasm_bindgen(js_name = normalizeCompanionUrl)]
pub fn normalize_companion_url(input: &str) -> Result<String, JsError> {
    let url = web_sys::Url::new(&companion_url::with_scheme(input)).map_err(|error| {
        let reason = error.dyn_ref::<js_sys::Error>().map_or_else(
            || "the browser cannot parse it".to_owned(),
            |e| e.message().into(),
        );
        JsError::new(&CompanionUrlError::Invalid(reason).to_string())
    })?;
    let protocol = url.protocol();
    companion_url::check(&ParsedUrl {
        scheme: protocol.strip_suffix(':').unwrap_or(&protocol),
        username: &url.username(),
        password: &url.password(),
        host: &url.hostname(),
        origin: &url.origin(),
    })
    .map_err(|e| JsError::new(&e.to_string()))
}

/// Accepts a code as typed (any case, spaces, O for 0) and returns the canonical form.
#[wasm_bindgen(js_name = parsePairingCode)]
pub fn parse_pairing_code(input: &str) -> Result<String, JsError> {
    shared::pairing::parse(input)
        .map(|code| code.display())
        .map_err(|e| JsError::new(&e.to_string()))
}

/// Fingerprint of a base64url (no padding) 32-byte identity key.
#[wasm_bindgen]
pub fn fingerprint(public_key: &str) -> Result<String, JsError> {
    shared::identity::fingerprint_encoded(public_key).map_err(|e| JsError::new(&e.to_string()))
}

/// One line of text for an event object as the companion sends it.
#[wasm_bindgen(js_name = describeEvent)]
pub fn describe_event(event: JsValue) -> Result<String, JsError> {
    let event: AgentEvent = serde_wasm_bindgen::from_value(event)
        .map_err(|e| JsError::new(&format!("not an event: {e}")))?;
    Ok(shared::events::describe(&event))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct IdentityCheck {
    ok: bool,
    pinned_fingerprint: String,
    presented_fingerprint: String,
}

/// `{ok, pinnedFingerprint, presentedFingerprint}` for the pinned and the presented key.
#[wasm_bindgen(js_name = checkIdentity)]
pub fn check_identity(pinned_key: &str, presented_key: &str) -> Result<JsValue, JsError> {
    let check = shared::identity::check(pinned_key, presented_key)
        .map_err(|e| JsError::new(&e.to_string()))?;
    let out = IdentityCheck {
        ok: check.ok,
        pinned_fingerprint: check.pinned_fingerprint,
        presented_fingerprint: check.presented_fingerprint,
    };
    serde_wasm_bindgen::to_value(&out).map_err(|e| JsError::new(&e.to_string()))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SseEvent {
    last_event_id: Option<String>,
    data: String,
}

/// Incremental `text/event-stream` reader: `push(chunk)` returns `[{lastEventId, data}]`.
#[wasm_bindgen]
#[derive(Default)]
pub struct SseParser(shared::sse::SseParser);

#[wasm_bindgen]
impl SseParser {
    #[wasm_bindgen(constructor)]
    pub fn new() -> SseParser {
        SseParser::default()
    }

    pub fn push(&mut self, chunk: &str) -> Result<JsValue, JsError> {
        let events: Vec<SseEvent> = self
            .0
            .push(chunk)
            .into_iter()
            .map(|m| SseEvent {
                last_event_id: m.last_event_id,
                data: m.data,
            })
            .collect();
        serde_wasm_bindgen::to_value(&events).map_err(|e| JsError::new(&e.to_string()))
    }
}
