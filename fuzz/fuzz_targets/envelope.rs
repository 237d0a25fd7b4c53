//! Envelopes arrive from the network: reading the header of any string must not panic, and
//! neither must opening it with some key.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shared::vault::{VaultSecretKey, inspect, open};

fuzz_target!(|text: &str| {
    let _ = inspect(text);
    let key = VaultSecretKey::derive(b"fuzz");
    let _ = open(&key, "1", "linkedin", text);
});
