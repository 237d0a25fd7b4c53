//! Sealing cookie jars for the credential vault; the checks and the sealing live in
//! `shared::seal_export`.

use serde::{Deserialize, Serialize};
use shared::api::SignedVaultKey;
use shared::cookies::Platform;
use shared::seal_export;
use wasm_bindgen::prelude::*;

/// The popup sends the user id as the pairing response's number, the dashboard as text.
#[derive(Deserialize)]
#[serde(untagged)]
enum UserId {
    Text(String),
    Number(i64),
}

impl UserId {
    fn into_string(self) -> String {
        match self {
            UserId::Text(text) => text,
            UserId::Number(number) => number.to_string(),
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SealRequest {
    signed_key: SignedVaultKey,
    pinned_identity_key: String,
    user_id: UserId,
    platform: String,
    #[serde(default)]
    export_text: Option<String>,
}

fn js_error(error: impl std::fmt::Display) -> JsError {
    JsError::new(&error.to_string())
}

fn to_js(value: &impl Serialize) -> Result<JsValue, JsError> {
    // json_compatible: a missing expiry is `null`, not `undefined`, as in the API's JSON.
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(js_error)
}

fn now_seconds() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

fn seal(request: SealRequest, export_text: &str) -> Result<JsValue, JsError> {
    let sealed = seal_export::seal_export(
        &request.signed_key,
        &request.pinned_identity_key,
        &request.user_id.into_string(),
        &request.platform,
        export_text,
        now_seconds(),
    )
    .map_err(js_error)?;
    to_js(&sealed)
}

fn read_request(request: JsValue) -> Result<SealRequest, JsError> {
    serde_wasm_bindgen::from_value(request)
        .map_err(|e| JsError::new(&format!("invalid sealing request: {e}")))
}

/// `{signedKey, pinnedIdentityKey, userId, platform, exportText}` → `{envelope, metadata}`:
/// a pasted cookies.txt, JSON export or `Cookie:` header, sealed to the verified vault key.
#[wasm_bindgen(js_name = sealCookieExport)]
pub fn seal_cookie_export(request: JsValue) -> Result<JsValue, JsError> {
    let mut request = read_request(request)?;
    let text = request
        .export_text
        .take()
        .ok_or_else(|| JsError::new("exportText is missing"))?;
    seal(request, &text)
}

/// Like `sealCookieExport`, with `cookies`: the `chrome.cookies.getAll` results.
#[wasm_bindgen(js_name = sealBrowserCookies)]
pub fn seal_browser_cookies(request: JsValue) -> Result<JsValue, JsError> {
    let cookies = js_sys::Reflect::get(&request, &JsValue::from_str("cookies"))
        .map_err(|_| JsError::new("cookies is missing"))?;
    if !js_sys::Array::is_array(&cookies) {
        return Err(JsError::new("cookies must be an array"));
    }
    // The browser-API JSON reader in shared knows this shape already.
    let text = String::from(
        js_sys::JSON::stringify(&cookies).map_err(|_| JsError::new("cookies are not JSON"))?,
    );
    seal(read_request(request)?, &text)
}

/// `shared::api::PlatformInfo` and the session cookies' names, which only the browser needs.
/// Its fields written out again rather than the API type `#[serde(flatten)]`ed: flattening
/// brings serde's map machinery into the WASM (about 1.5 KB) for one field.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PlatformView {
    id: String,
    name: String,
    domains: Vec<String>,
    origins: Vec<String>,
    session_cookie_names: Vec<String>,
}

/// `{id, name, domains, origins, sessionCookieNames}` of a built-in or `custom:<domain>` platform.
#[wasm_bindgen(js_name = platformInfo)]
pub fn platform_info(id: &str) -> Result<JsValue, JsError> {
    let platform = Platform::lookup(id).map_err(js_error)?;
    to_js(&PlatformView {
        origins: platform.chrome_origins(),
        id: platform.id,
        name: platform.name,
        domains: platform.domains,
        session_cookie_names: platform.session_cookie_names,
    })
}
