//! The one normalised copy of a message the rules read.

/// Subject and body with straight quotes, no-break spaces as spaces and runs of blanks
/// collapsed; lines are kept (signature patterns need them), blank lines dropped.
pub fn normalise(subject: Option<&str>, body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 128);
    for part in subject.into_iter().chain([body]) {
        for line in part.lines() {
            let start = out.len();
            let mut blank = false;
            for c in line.chars() {
                // One pass, no per-word split: this runs over every byte of every message.
                let c = match c {
                    ' ' | '\t' | '\u{a0}' => {
                        blank = true;
                        continue;
                    }
                    c if c.is_ascii() => c,
                    c if c.is_whitespace() => {
                        blank = true;
                        continue;
                    }
                    '\u{2018}' | '\u{2019}' | '\u{02bc}' => '\'',
                    '\u{201c}' | '\u{201d}' => '"',
                    '\u{2013}' | '\u{2014}' => '-',
                    '\u{200b}' | '\u{feff}' => continue,
                    // What a case-insensitive k and s also match: made plain for the gate's words.
                    '\u{212a}' => 'K',
                    '\u{17f}' => 's',
                    other => other,
                };
                if blank && out.len() > start {
                    out.push(' ');
                }
                blank = false;
                out.push(c);
            }
            if out.len() > start {
                out.push('\n');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn collapses_blanks_and_straightens_quotes() {
        let text = super::normalise(Some("Re:  Hi"), "We\u{2019}re  \u{a0}sorry\n\n  \nBye ");
        assert_eq!(text, "Re: Hi\nWe're sorry\nBye\n");
    }
}
