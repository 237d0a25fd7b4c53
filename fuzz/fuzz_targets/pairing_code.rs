//! Pairing codes are typed by people: anything parses or is refused, and what parses
//! displays as a code that parses back to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shared::pairing::parse;

fuzz_target!(|text: &str| {
    if let Ok(code) = parse(text) {
        assert_eq!(parse(&code.display()).expect("its display parses"), code);
    }
    let _ = shared::companion_url::normalize(text);
});
