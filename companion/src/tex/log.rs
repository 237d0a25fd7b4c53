//! Reading XeTeX's log after a run: the first error with its line, or a character that no
//! font had (templates set `\tracinglostchars=2`, so XeTeX logs each one instead of dropping
//! it silently).

use tectonic_engine_xetex::TexOutcome;

use super::Failure;

/// Lines of log after the `!` line kept for context (up to the `l.N` line).
const CONTEXT_LINES: usize = 6;

pub fn check(log: &str, outcome: Result<TexOutcome, String>) -> Result<(), Failure> {
    if let Some(failure) = first_error(log) {
        return Err(failure);
    }
    if let Some(failure) = missing_character(log) {
        return Err(failure);
    }
    match outcome {
        Ok(TexOutcome::Errors) => Err(Failure::Tex {
            excerpt: "TeX reported an error but logged none".into(),
        }),
        Ok(_) => Ok(()),
        Err(message) => Err(Failure::Engine(message)),
    }
}

fn first_error(log: &str) -> Option<Failure> {
    let lines: Vec<&str> = log.lines().collect();
    let start = lines.iter().position(|line| line.starts_with("! "))?;
    let mut excerpt = vec![lines[start]];
    for line in lines.iter().skip(start + 1).take(CONTEXT_LINES) {
        if line.starts_with("l.") {
            excerpt.push(line);
            break;
        }
    }
    Some(Failure::Tex {
        excerpt: excerpt.join("\n"),
    })
}

/// `Missing character: There is no 中 (U+4E2D) in font NotoSans-Regular.ttf!`
fn missing_character(log: &str) -> Option<Failure> {
    let line = log
        .lines()
        .find_map(|line| line.strip_prefix("Missing character: There is no "))?;
    let (character, rest) = line.split_once(" (")?;
    let code_point = rest.split(')').next().unwrap_or_default();
    let font = rest
        .split_once(" in font ")
        .map(|(_, font)| font.trim_end_matches('!'))
        .unwrap_or_default();
    Some(Failure::MissingCharacter {
        character: character.to_owned(),
        code_point: code_point.to_owned(),
        font: font
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_error_comes_with_its_line() {
        let log = "This is XeTeX\n! Undefined control sequence.\nl.3 \\foo\n       bar\n! Later.\n";
        match check(log, Ok(TexOutcome::Errors)) {
            Err(Failure::Tex { excerpt }) => {
                assert_eq!(excerpt, "! Undefined control sequence.\nl.3 \\foo");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_missing_character_is_named() {
        let log = "Missing character: There is no 中 (U+4E2D) in font [NotoSans-Regular.ttf]/OT!\n";
        match check(log, Ok(TexOutcome::Warnings)) {
            Err(Failure::MissingCharacter {
                character,
                code_point,
                ..
            }) => {
                assert_eq!((character.as_str(), code_point.as_str()), ("中", "U+4E2D"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_clean_log_passes() {
        assert!(
            check(
                "Output written on texput.xdv (1 page).\n",
                Ok(TexOutcome::Spotless)
            )
            .is_ok()
        );
    }
}
