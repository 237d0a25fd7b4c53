//! The event stream comes from the network in chunks split anywhere: splitting must not
//! change what is read.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shared::sse::SseParser;

fuzz_target!(|input: (&str, usize)| {
    let (text, split) = input;
    let mut whole = SseParser::new();
    let at_once = whole.push(text);
    let mut cut = split % (text.len() + 1);
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    let mut pieces = SseParser::new();
    let mut in_pieces = pieces.push(&text[..cut]);
    in_pieces.extend(pieces.push(&text[cut..]));
    assert_eq!(at_once, in_pieces);
});
