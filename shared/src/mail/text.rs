//! The one normalised copy of a message the rules read.

/// Subject and body with straight quotes, no-break spaces as spaces and runs of blanks
/// collapsed; lines are kept (signature patterns need them), blank lines dropped.
pub fn normalise(subject: Option<&str>, body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 128);
    for part in subject.into_iter().chain([body]) {
        for line in part.lines() {
            let start = out.len();
            for word in line.split(|c: char| c.is_whitespace() || c == '\u{a0}') {
                if word.is_empty() {
                    continue;
                }
                if out.len() > start {
                    out.push(' ');
                }
                push_straight(&mut out, word);
            }
            if out.len() > start {
                out.push('\n');
            }
        }
    }
    out
}

fn push_straight(out: &mut String, word: &str) {
    for c in word.chars() {
        out.push(match c {
            '\u{2018}' | '\u{2019}' | '\u{02bc}' => '\'',
            '\u{201c}' | '\u{201d}' => '"',
            '\u{2013}' | '\u{2014}' => '-',
            '\u{200b}' | '\u{feff}' => continue,
            // What a case-insensitive k and s also match: made plain for the gate's words.
            '\u{212a}' => 'K',
            '\u{17f}' => 's',
            other => other,
        });
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn collapses_blanks_and_straightens_quotes() {
        let text = super::normalise(Some("Re:  Hi"), "We\u{2019}re  \u{a0}sorry\n\n  \nBye ");
        assert_eq!(text, "Re: Hi\nWe're sorry\nBye\n");
    }
}
