#![cfg(target_arch = "wasm32")]
//! Sealing in WASM, opened with `shared::vault` compiled to WASM in the same test (the native
//! open is covered by tests/e2e/wasm-node.test.mjs against a real companion).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signer, SigningKey};
use extension_core::{platform_info, seal_browser_cookies, seal_cookie_export};
use js_sys::{JSON, Reflect};
use serde_json::json;
use shared::cookies::Platform;
use shared::vault::{VaultError, VaultSecretKey, open_jar};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const EXPORT: &str = "# Netscape HTTP Cookie File\n\
.linkedin.com\tTRUE\t/\tTRUE\t4000000000\tli_at\tsecret-a\n\
.linkedin.com\tTRUE\t/\tTRUE\t4000000000\tJSESSIONID\tsecret-b\n\
.linkedin.com\tTRUE\t/\tFALSE\t4000000000\tanalytics\tnot-kept\n";

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn identity(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

fn signed_key(signer: &SigningKey, user_id: &str, vault: &VaultSecretKey) -> serde_json::Value {
    let public_key = vault.public_key().to_base64url();
    let statement = shared::identity::vault_key_statement(user_id, vault.key_id(), &public_key);
    json!({
        "userId": user_id,
        "keyId": vault.key_id(),
        "publicKey": public_key,
        "signature": b64(&signer.sign(&statement).to_bytes()),
        "identityKey": b64(&signer.verifying_key().to_bytes()),
    })
}

fn request(signed: serde_json::Value, pinned: &SigningKey, user_id: &str) -> serde_json::Value {
    json!({
        "signedKey": signed,
        "pinnedIdentityKey": b64(&pinned.verifying_key().to_bytes()),
        "userId": user_id,
        "platform": "linkedin",
        "exportText": EXPORT,
    })
}

fn js(value: &serde_json::Value) -> JsValue {
    JSON::parse(&value.to_string()).expect("valid JSON")
}

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).expect("property read")
}

fn message(error: wasm_bindgen::JsError) -> String {
    let value = JsValue::from(error);
    String::from(
        value
            .dyn_ref::<js_sys::Error>()
            .expect("an Error")
            .message(),
    )
}

fn linkedin() -> Platform {
    Platform::lookup("linkedin").expect("known")
}

#[wasm_bindgen_test]
fn sealed_in_wasm_opens_only_for_its_user_platform_and_key() {
    let signer = identity(1);
    let vault = VaultSecretKey::derive(b"extension-core vault test key material");
    let sealed = seal_cookie_export(js(&request(signed_key(&signer, "7", &vault), &signer, "7")))
        .expect("sealed");
    let envelope = get(&sealed, "envelope").as_string().expect("text");
    let metadata = get(&sealed, "metadata");
    assert_eq!(get(&metadata, "count").as_f64(), Some(2.0));
    assert_eq!(
        String::from(JSON::stringify(&get(&metadata, "names")).expect("json")),
        r#"["JSESSIONID","li_at"]"#
    );

    let jar = open_jar(&vault, "7", &linkedin(), &envelope).expect("opens");
    assert_eq!(jar.len(), 2);

    let mut tampered = envelope.clone().into_bytes();
    let last = tampered.len() - 2;
    tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).expect("ascii");
    assert!(open_jar(&vault, "7", &linkedin(), &tampered).is_err());
    assert!(matches!(
        open_jar(&vault, "8", &linkedin(), &envelope),
        Err(VaultError::WrongUser { .. })
    ));
    let indeed = Platform::lookup("indeed").expect("known");
    assert!(matches!(
        open_jar(&vault, "7", &indeed, &envelope),
        Err(VaultError::WrongPlatform { .. })
    ));
    let other = VaultSecretKey::derive(b"another vault key, not the one sealed to");
    assert!(matches!(
        open_jar(&other, "7", &linkedin(), &envelope),
        Err(VaultError::WrongKey { .. })
    ));
}

#[wasm_bindgen_test]
fn a_key_signed_by_another_identity_is_refused_with_its_fingerprint() {
    let pinned = identity(1);
    let impostor = identity(2);
    let vault = VaultSecretKey::derive(b"extension-core vault test key material");
    let error = message(
        seal_cookie_export(js(&request(
            signed_key(&impostor, "7", &vault),
            &pinned,
            "7",
        )))
        .expect_err("refused"),
    );
    let presented = shared::identity::fingerprint(&impostor.verifying_key().to_bytes());
    assert!(error.contains(&presented), "{error}");
}

#[wasm_bindgen_test]
fn a_key_for_another_user_is_refused() {
    let signer = identity(1);
    let vault = VaultSecretKey::derive(b"extension-core vault test key material");
    let error = message(
        seal_cookie_export(js(&request(signed_key(&signer, "8", &vault), &signer, "7")))
            .expect_err("refused"),
    );
    assert!(error.contains("user 8"), "{error}");
}

#[wasm_bindgen_test]
fn browser_cookie_objects_are_sealed_like_an_export() {
    let signer = identity(1);
    let vault = VaultSecretKey::derive(b"extension-core vault test key material");
    let mut req = request(signed_key(&signer, "7", &vault), &signer, "7");
    req["userId"] = json!(7);
    req["cookies"] = json!([
        {"name": "li_at", "value": "v", "domain": ".linkedin.com", "path": "/", "secure": true,
         "httpOnly": true, "hostOnly": false, "session": false, "expirationDate": 4000000000.5,
         "sameSite": "no_restriction", "storeId": "0"},
        {"name": "lang", "value": "en", "domain": ".linkedin.com", "path": "/", "secure": true,
         "httpOnly": false, "hostOnly": false, "session": true, "sameSite": "lax", "storeId": "0"},
    ]);
    let sealed = seal_browser_cookies(js(&req)).expect("sealed");
    let envelope = get(&sealed, "envelope").as_string().expect("text");
    let jar = open_jar(&vault, "7", &linkedin(), &envelope).expect("opens");
    assert_eq!(jar.len(), 1);
    assert_eq!(jar.cookies[0].name, "li_at");
}

#[wasm_bindgen_test]
fn platform_info_gives_origins_for_built_in_and_custom_platforms() {
    let info = platform_info("linkedin").expect("known");
    assert_eq!(get(&info, "name").as_string().as_deref(), Some("LinkedIn"));
    assert_eq!(
        String::from(JSON::stringify(&get(&info, "origins")).expect("json")),
        r#"["https://*.linkedin.com/*"]"#
    );
    let custom = platform_info("custom:jobs.example.com").expect("custom");
    assert_eq!(
        get(&custom, "id").as_string().as_deref(),
        Some("custom:jobs.example.com")
    );
    assert!(platform_info("myspace").is_err());
}
