//! One pass over a message that tells which rule patterns can match it at all.
//!
//! Every pattern is read (not run) once when the rules are compiled: the words one of which any
//! of its matches must contain ("filled" or "closed" for "the position has been filled") go
//! into one case-insensitive Aho-Corasick automaton. A message is scanned by it once, and a
//! pattern runs only when one of its words is there: most rules are about wording a message
//! does not have, and each skipped regex is a skipped scan of the whole text. The outcome is
//! the same as running every pattern; a pattern whose words cannot be told is always run.

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use regex_syntax::ParserBuilder;
use regex_syntax::hir::{Class, Hir, HirKind};

/// Above this many spellings a sub-pattern's words are not worth listing.
const MAX_WORDS: usize = 64;
/// Shorter words are in nearly every message: such a pattern is always run.
const MIN_WORD: usize = 2;

/// Built once from every pattern of the rule file.
#[derive(Debug)]
pub struct Gate {
    automaton: Option<AhoCorasick>,
    /// For each word of the automaton, the patterns it lets through.
    opens: Vec<Vec<usize>>,
    /// Patterns without words: open for every message.
    always: Vec<bool>,
}

/// How a pattern is compiled, which decides how it is read.
#[derive(Debug, Clone, Copy)]
pub enum Syntax {
    /// Byte regexes without Unicode classes (the category rules).
    Bytes,
    Unicode,
}

/// Which patterns can match one message.
#[derive(Debug)]
pub struct Open(Vec<bool>);

impl Open {
    pub fn has(&self, pattern: usize) -> bool {
        self.0.get(pattern).copied().unwrap_or(true)
    }
}

impl Gate {
    /// `patterns` in the order their indices are asked for in [`Open::has`].
    pub fn new(patterns: &[(&str, Syntax)]) -> Gate {
        let mut words: Vec<Vec<u8>> = Vec::new();
        let mut opens: Vec<Vec<usize>> = Vec::new();
        let mut always = vec![true; patterns.len()];
        for (index, (pattern, syntax)) in patterns.iter().enumerate() {
            let Some(required) = required_words(pattern, *syntax) else {
                continue;
            };
            always[index] = false;
            for word in required {
                match words.iter().position(|w| *w == word) {
                    Some(at) => opens[at].push(index),
                    None => {
                        words.push(word);
                        opens.push(vec![index]);
                    }
                }
            }
        }
        // A DFA: built once, the fastest to scan with; the word lists are small.
        let automaton = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&words)
            .ok();
        if automaton.is_none() {
            always.fill(true);
        }
        Gate {
            automaton,
            opens,
            always,
        }
    }

    pub fn open(&self, text: &str) -> Open {
        let mut open = self.always.clone();
        if let Some(automaton) = &self.automaton {
            for found in automaton.find_overlapping_iter(text) {
                for &pattern in &self.opens[found.pattern().as_usize()] {
                    open[pattern] = true;
                }
            }
        }
        Open(open)
    }
}

/// Lower-case words one of which every match of `pattern` contains, if it has such words of
/// [`MIN_WORD`] bytes or more.
fn required_words(pattern: &str, syntax: Syntax) -> Option<Vec<Vec<u8>>> {
    let unicode = matches!(syntax, Syntax::Unicode);
    // Read case-sensitively: the words are lower-cased and looked for in any case.
    let hir = ParserBuilder::new()
        .unicode(unicode)
        .utf8(unicode)
        .build()
        .parse(pattern)
        .ok()?;
    any_of([best(facts(&hir))]).filter(|words| words.iter().all(|w| w.len() >= MIN_WORD))
}

/// What a sub-pattern says about the text it matches.
#[derive(Debug, Default)]
struct Facts {
    /// Every string it matches (lower case), when there are few.
    exact: Option<Vec<Vec<u8>>>,
    /// Words one of which every match contains.
    required: Option<Vec<Vec<u8>>>,
}

impl Facts {
    fn exact(words: Vec<Vec<u8>>) -> Facts {
        Facts {
            exact: Some(words),
            required: None,
        }
    }
}

fn facts(hir: &Hir) -> Facts {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Facts::exact(vec![Vec::new()]),
        HirKind::Literal(literal) => Facts::exact(vec![literal.0.to_ascii_lowercase()]),
        HirKind::Class(class) => class_letters(class).map_or_else(Facts::default, Facts::exact),
        HirKind::Capture(capture) => facts(&capture.sub),
        HirKind::Repetition(repetition) => {
            let sub = facts(&repetition.sub);
            match (repetition.min, repetition.max) {
                (1, Some(1)) => sub,
                (0, Some(1)) => union([sub.exact, Some(vec![Vec::new()])])
                    .map_or_else(Facts::default, Facts::exact),
                (0, _) => Facts::default(),
                _ => Facts {
                    exact: None,
                    required: best(sub),
                },
            }
        }
        HirKind::Concat(subs) => concat(subs),
        HirKind::Alternation(subs) => {
            let all: Vec<Facts> = subs.iter().map(facts).collect();
            let exact = union(all.iter().map(|f| f.exact.clone()));
            Facts {
                exact,
                required: any_of(all.into_iter().map(best)),
            }
        }
    }
}

/// Runs of sub-patterns with few spellings are joined into words ("not" + " " + "selected");
/// the most telling run or sub-pattern is what the whole requires.
fn concat(subs: &[Hir]) -> Facts {
    let mut candidates = Vec::new();
    let mut run = Some(vec![Vec::new()]);
    let mut whole_exact = true;
    for sub in subs {
        let sub = facts(sub);
        let joined = match (&run, &sub.exact) {
            (Some(run), Some(exact)) => product(run, exact),
            _ => None,
        };
        if joined.is_some() {
            run = joined;
            continue;
        }
        whole_exact = false;
        candidates.push(run.take());
        match sub.exact {
            Some(exact) => run = Some(exact),
            None => {
                candidates.push(sub.required);
                run = Some(vec![Vec::new()]);
            }
        }
    }
    if whole_exact {
        return Facts::exact(run.unwrap_or_default());
    }
    candidates.push(run);
    Facts {
        exact: None,
        required: candidates.into_iter().flatten().max_by_key(|w| score(w)),
    }
}

fn best(facts: Facts) -> Option<Vec<Vec<u8>>> {
    [facts.exact, facts.required]
        .into_iter()
        .flatten()
        .max_by_key(|w| score(w))
}

/// Longer shortest words are rarer; fewer words are cheaper.
fn score(words: &[Vec<u8>]) -> (usize, std::cmp::Reverse<usize>) {
    let shortest = words.iter().map(Vec::len).min().unwrap_or(0);
    (shortest, std::cmp::Reverse(words.len()))
}

fn union(sets: impl IntoIterator<Item = Option<Vec<Vec<u8>>>>) -> Option<Vec<Vec<u8>>> {
    let mut all: Vec<Vec<u8>> = Vec::new();
    for set in sets {
        all.extend(set?);
    }
    all.sort();
    all.dedup();
    (all.len() <= MAX_WORDS).then_some(all)
}

/// Words one of which is in any text that has one of `sets`'s: without the words that contain
/// another one ("jobs" is found wherever "job" is).
fn any_of(sets: impl IntoIterator<Item = Option<Vec<Vec<u8>>>>) -> Option<Vec<Vec<u8>>> {
    let mut all: Vec<Vec<u8>> = Vec::new();
    for set in sets {
        all.extend(set?);
    }
    let contains = |long: &[u8], short: &[u8]| {
        short.is_empty() || long.windows(short.len()).any(|w| w == short)
    };
    let kept: Vec<Vec<u8>> = all
        .iter()
        .filter(|word| {
            !all.iter()
                .any(|other| other.len() < word.len() && contains(word, other))
        })
        .cloned()
        .collect();
    union([Some(kept)])
}

fn product(left: &[Vec<u8>], right: &[Vec<u8>]) -> Option<Vec<Vec<u8>>> {
    if left.len() * right.len() > MAX_WORDS {
        return None;
    }
    let joined = left.iter().flat_map(|l| {
        right.iter().map(move |r| {
            let mut word = l.clone();
            word.extend_from_slice(r);
            word
        })
    });
    union([Some(joined.collect())])
}

/// The letters of a small class, lower-cased: `[Pp]` (a case-insensitive "p") is "p". The
/// Kelvin sign and the long s, which a Unicode case-insensitive class adds to k and s, are
/// made ASCII by [`super::text::normalise`] before any pattern runs.
fn class_letters(class: &Class) -> Option<Vec<Vec<u8>>> {
    let chars: Vec<char> = match class {
        Class::Unicode(class) => {
            let mut chars = Vec::new();
            for range in class.iter() {
                if range.len() > MAX_WORDS || chars.len() > MAX_WORDS {
                    return None;
                }
                chars.extend(range.start()..=range.end());
            }
            chars
        }
        Class::Bytes(class) => {
            let mut chars = Vec::new();
            for range in class.iter() {
                if range.end() >= 0x80 || chars.len() > MAX_WORDS {
                    return None;
                }
                chars.extend((range.start()..=range.end()).map(char::from));
            }
            chars
        }
    };
    let words = chars.into_iter().map(|c| {
        let c = match c {
            '\u{212a}' => 'k',
            '\u{17f}' => 's',
            c => c.to_ascii_lowercase(),
        };
        c.to_string().into_bytes()
    });
    union([Some(words.collect())]).filter(|words| words.len() <= 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(pattern: &str) -> Option<Vec<String>> {
        required_words(pattern, Syntax::Unicode).map(|words| {
            words
                .into_iter()
                .map(|w| String::from_utf8_lossy(&w).into_owned())
                .collect()
        })
    }

    #[test]
    fn reads_the_words_every_match_contains() {
        assert_eq!(
            words(r"\b(?:position|role)\b[^.]{0,60}?\b(?:been\s+)?(?:filled|closed)"),
            Some(vec!["closed".into(), "filled".into()])
        );
        assert_eq!(words(r"(?i:Not)\s+selected"), Some(vec!["selected".into()]));
        assert_eq!(
            words(r"(?i:job)s?|career"),
            Some(vec!["career".into(), "job".into()])
        );
        assert_eq!(
            words(r"(?i:offer) letter"),
            Some(vec!["offer letter".into()])
        );
        assert_eq!(words(r"\w+ing|k"), None, "no word in one branch");
        assert_eq!(words(r"[A-Z]\w+ Inc"), Some(vec![" inc".into()]));
    }

    #[test]
    fn opens_only_patterns_whose_words_are_there() {
        let gate = Gate::new(&[
            (r"\bnot\s+selected\b", Syntax::Bytes),
            (r"(?i:offer)\s+letter", Syntax::Unicode),
            (r"\w+", Syntax::Unicode),
        ]);
        let open = gate.open("You were NOT Selected, sorry");
        assert!(open.has(0) && !open.has(1) && open.has(2));
    }
}
