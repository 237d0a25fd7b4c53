//! What the extension's JavaScript calls. Logic lives in `shared`; this only converts types.

use wasm_bindgen::prelude::*;

/// The core's version, shown in the popup's footer.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

/// Validates the companion address; errors carry the sentence the popup shows.
#[wasm_bindgen(js_name = normalizeCompanionUrl)]
pub fn normalize_companion_url(input: &str) -> Result<String, JsError> {
    shared::companion_url::normalize(input).map_err(|e| JsError::new(&e.to_string()))
}
