//! The one LaTeX escaper: every piece of user text that goes into a resume's TeX source passes
//! through [`escape`], so that it prints as itself and can never be read as TeX (no commands,
//! no `^^` notation, no comments, no unbalanced groups, no math).

/// `text` as LaTeX that typesets exactly `text` (line breaks become spaces; other control
/// characters, which no font draws, become spaces too).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '\\' => out.push_str(r"\textbackslash{}"),
            '{' | '}' | '%' | '#' | '&' | '$' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str(r"\textasciitilde{}"),
            '^' => out.push_str(r"\textasciicircum{}"),
            // After `\\` or an item, a bracket would start an optional argument.
            '[' => out.push_str("{[}"),
            ']' => out.push_str("{]}"),
            // A space after a control word is swallowed; a run of spaces is one anyway.
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A URL as the target of `\href`: characters outside a plain set are percent-encoded, so the
/// only TeX specials left are `%` and `#`, which hyperref takes escaped.
pub fn escape_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for byte in url.trim().bytes() {
        match byte {
            b'%' => out.push_str(r"\%"),
            b'#' => out.push_str(r"\#"),
            b if b.is_ascii_alphanumeric() || b"-./:?=@+,!*'()".contains(&b) => {
                out.push(char::from(b));
            }
            b => out.push_str(&format!(r"\%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `latex` as TeX's tokenizer would with LaTeX's catcodes, checking that every
    /// special character is escaped and the groups it opens it also closes, never closing one
    /// it did not open.
    fn stays_in_its_group(latex: &str) -> Result<(), String> {
        let mut depth = 0i64;
        let mut chars = latex.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some(n) if n.is_ascii_alphabetic() => {
                        let mut word = n.to_string();
                        while let Some(&m) = chars.peek().filter(|m| m.is_ascii_alphabetic()) {
                            word.push(m);
                            chars.next();
                        }
                        if !["textbackslash", "textasciitilde", "textasciicircum"]
                            .contains(&word.as_str())
                        {
                            return Err(format!("control word \\{word}"));
                        }
                    }
                    Some(n) if "{}%#&$_".contains(n) => {}
                    other => return Err(format!("control symbol {other:?}")),
                },
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth < 0 {
                        return Err("closes a group it did not open".into());
                    }
                }
                '%' | '#' | '&' | '$' | '_' | '^' | '~' => return Err(format!("bare {c}")),
                c if c.is_control() && c != ' ' => return Err(format!("control {c:?}")),
                _ => {}
            }
        }
        if depth == 0 {
            Ok(())
        } else {
            Err("leaves a group open".into())
        }
    }

    #[test]
    fn injections_become_text() {
        for attack in [
            r"\input{/etc/passwd}",
            r"\write18{rm -rf /}",
            r"\csname end\endcsname",
            "^^5cinput",
            "}}}{",
            r"100% #1 & ~ $x$ a_b c^d \\ [x]",
        ] {
            let escaped = escape(attack);
            stays_in_its_group(&escaped).unwrap_or_else(|e| panic!("{attack}: {e}"));
        }
        assert_eq!(escape(r"\input{x}"), r"\textbackslash{}input\{x\}");
        assert_eq!(escape("Ελληνικά Кириллица été"), "Ελληνικά Кириллица été");
        assert_eq!(
            escape_url("https://x.dev/a b#c%"),
            r"https://x.dev/a\%20b\#c\%"
        );
    }

    /// proptest is a native-only dev-dependency (see shared/Cargo.toml).
    #[cfg(not(target_arch = "wasm32"))]
    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn escaped_text_never_leaves_its_group(text in any::<String>()) {
                prop_assert_eq!(stays_in_its_group(&escape(&text)), Ok(()));
            }

            #[test]
            fn escaped_specials_never_leave_their_group(text in r"[\\{}%#&$_^~\[\] a-z\n]{0,40}") {
                prop_assert_eq!(stays_in_its_group(&escape(&text)), Ok(()));
            }
        }
    }
}
