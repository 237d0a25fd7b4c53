#![cfg(target_arch = "wasm32")]
//! The JS-facing contract of the core, run in a real browser.

use extension_core::{
    SseParser, check_identity, describe_event, fingerprint, normalize_companion_url,
    parse_pairing_code, version,
};
use js_sys::{Array, JSON, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// base64url of 32 bytes of 0x01 and of 0x02.
const KEY_ONE: &str = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE";
const KEY_TWO: &str = "AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI";

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).expect("property read")
}

fn error_message(error: wasm_bindgen::JsError) -> String {
    let value = JsValue::from(error);
    let error: &js_sys::Error = value.dyn_ref().expect("an Error object");
    String::from(error.message())
}

#[wasm_bindgen_test]
fn version_is_the_crate_version() {
    assert_eq!(version(), env!("CARGO_PKG_VERSION"));
}

#[wasm_bindgen_test]
fn companion_url_refuses_remote_http_with_a_sentence() {
    assert_eq!(
        normalize_companion_url(" 127.0.0.1:8787/ ").expect("loopback is fine"),
        "http://127.0.0.1:8787"
    );
    let message =
        error_message(normalize_companion_url("http://example.org").expect_err("refused"));
    assert!(message.contains("https://"), "{message}");
}

/// The browser's parser does the IDNA and canonicalises addresses, as `url` does natively
/// (`shared::companion_url`'s native tests expect the same origins). Chromium's parser takes
/// `exa mple.org` as `exa%20mple.org`; shared's check refuses it as `url` and Firefox do.
#[wasm_bindgen_test]
fn companion_url_is_parsed_like_the_native_build() {
    for (input, origin) in [
        ("https://münchen.de/jobs", "https://xn--mnchen-3ya.de"),
        (
            "https://BÜCHER.example:8443",
            "https://xn--bcher-kva.example:8443",
        ),
        ("http://[0:0::1]:9000/x?y", "http://[::1]:9000"),
        ("http://0x7f.1:8787", "http://127.0.0.1:8787"),
        ("LOCALHOST:80", "http://localhost"),
    ] {
        assert_eq!(
            normalize_companion_url(input).expect(input),
            origin,
            "{input}"
        );
    }
    let message =
        error_message(normalize_companion_url("http://münchen.de").expect_err("remote http"));
    assert!(message.contains("https://"), "{message}");
    let message =
        error_message(normalize_companion_url("https://a:b@münchen.de").expect_err("credentials"));
    assert!(message.contains("user name or password"), "{message}");
    for junk in [
        "http://",
        "https://exa mple.org",
        "https://münchen.de:99999",
        "https://[::1",
    ] {
        let message = error_message(normalize_companion_url(junk).expect_err(junk));
        assert!(
            message.starts_with("not a valid URL: "),
            "{junk}: {message}"
        );
    }
    let message = error_message(normalize_companion_url("ftp://127.0.0.1").expect_err("ftp"));
    assert!(message.contains("unsupported scheme ftp"), "{message}");
}

#[wasm_bindgen_test]
fn pairing_codes_are_canonicalised() {
    assert_eq!(
        parse_pairing_code("abcd efgh1 2345o").expect("valid"),
        "ABCD-EFGH1-23450"
    );
    let message = error_message(parse_pairing_code("nope").expect_err("too short"));
    assert!(message.contains("pairing code"), "{message}");
}

#[wasm_bindgen_test]
fn fingerprints_need_32_byte_keys() {
    let shown = fingerprint(KEY_ONE).expect("valid key");
    assert_eq!(shown.split(' ').count(), 8);
    let message = error_message(fingerprint("AAAA").expect_err("3 bytes"));
    assert!(message.contains("32"), "{message}");
}

#[wasm_bindgen_test]
fn describes_an_event_object() {
    let event = JSON::parse(
        r#"{"id":4,"type":"test.ping","payload":{"message":"hi <b>"},"createdAt":1764201600000}"#,
    )
    .expect("json");
    assert_eq!(describe_event(event).expect("an event"), "hi <b>");
    assert!(describe_event(JsValue::from_str("x")).is_err());
}

#[wasm_bindgen_test]
fn identity_change_is_reported_with_both_fingerprints() {
    let same = check_identity(KEY_ONE, KEY_ONE).expect("valid keys");
    assert_eq!(get(&same, "ok"), JsValue::TRUE);

    let changed = check_identity(KEY_ONE, KEY_TWO).expect("valid keys");
    assert_eq!(get(&changed, "ok"), JsValue::FALSE);
    assert_eq!(
        get(&changed, "pinnedFingerprint").as_string(),
        fingerprint(KEY_ONE).ok()
    );
    assert_eq!(
        get(&changed, "presentedFingerprint").as_string(),
        fingerprint(KEY_TWO).ok()
    );
}

#[wasm_bindgen_test]
fn sse_parser_yields_events_across_chunks() {
    let mut parser = SseParser::new();
    let first: Array = parser
        .push(": keep-alive\n\nid: 9\ndata: {\"id\":")
        .expect("parsed")
        .unchecked_into();
    assert_eq!(first.length(), 0);
    let second: Array = parser.push("9}\n\n").expect("parsed").unchecked_into();
    assert_eq!(second.length(), 1);
    let event = second.get(0);
    assert_eq!(get(&event, "lastEventId").as_string().as_deref(), Some("9"));
    assert_eq!(
        get(&event, "data").as_string().as_deref(),
        Some("{\"id\":9}")
    );
}
