//! Cookie exports are pasted by people and read from files: any text must give a jar or an
//! error, never a panic, and a jar read back from its own JSON must be the same jar.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shared::cookies::{CookieJar, Platform, parse_export};

fuzz_target!(|text: &str| {
    for domain in [None, Some("www.linkedin.com")] {
        if let Ok(jar) = parse_export(text, domain) {
            let json = jar.to_json_zeroizing().expect("a parsed jar serialises");
            assert_eq!(
                CookieJar::from_json(&json).expect("its own JSON parses"),
                jar
            );
            let _ = jar.metadata();
            if let Ok(platform) = Platform::lookup("linkedin") {
                let _ = platform.filter(jar);
            }
        }
    }
});
