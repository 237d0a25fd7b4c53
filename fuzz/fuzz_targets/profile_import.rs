//! Profile import files and answer banks come from users' disks: anything parses or is
//! refused with field paths, and what parses re-serialises to a file that parses the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shared::profile::{AnswerBank, ProfileExport};

fuzz_target!(|text: &str| {
    if let Ok(file) = ProfileExport::parse(text) {
        let again = serde_json::to_string(&file).expect("an export serialises");
        assert_eq!(ProfileExport::parse(&again).expect("its output parses"), file);
    }
    if let Ok(bank) = AnswerBank::parse(text) {
        let again = serde_json::to_string(&bank).expect("a bank serialises");
        assert_eq!(AnswerBank::parse(&again).expect("its output parses"), bank);
    }
});
