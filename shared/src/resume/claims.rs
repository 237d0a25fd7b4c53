//! The facts a reworded sentence states that the validator looks up in the profile: numbers
//! with their unit (`40%`, `3x`, `$1.2M`, `10k`, `24h`) and proper names (`PostgreSQL`, `AWS`,
//! `Node.js`, a capitalised word inside a sentence).

use std::collections::HashSet;

use super::words::{Word, folded, words};

/// One fact: the key it is compared by, and the text as written (for the message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Fact {
    pub key: String,
    pub written: String,
}

/// Currency signs read as part of an amount.
const CURRENCIES: &[char] = &['$', '€', '£', '¥', '₹'];

/// Every number of `text`. The key is the value with its unit, so that `10k`, `10,000` and
/// `10000` are one claim and `40%`, `40x` and `$40` three others. Digits inside a word (`MP4`,
/// `EC2`) belong to a name, not to a number.
pub(super) fn numbers(text: &str) -> Vec<Fact> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let digit = |i: usize| at(i).is_some_and(|c| c.is_ascii_digit());
    let alnum = |i: usize| at(i).is_some_and(char::is_alphanumeric);
    let offset = |i: usize| chars.get(i).map_or(text.len(), |&(at, _)| at);
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !digit(i) {
            // Skip a whole word, so that the 4 of `MP4` is not a number.
            let in_word = alnum(i);
            i += 1;
            while in_word && (alnum(i) || matches!(at(i), Some('.') if alnum(i + 1))) {
                i += 1;
            }
            continue;
        }
        let start = if i > 0 && at(i - 1).is_some_and(|c| CURRENCIES.contains(&c)) {
            i - 1
        } else {
            i
        };
        let digits_start = i;
        while digit(i) || (matches!(at(i), Some(',' | '.')) && digit(i + 1)) {
            i += 1;
        }
        let digits = &text[offset(digits_start)..offset(i)];
        let mut unit = String::new();
        let mut scale = 1.0;
        let letters_end = (i..)
            .find(|&j| !at(j).is_some_and(char::is_alphabetic))
            .unwrap_or(i);
        let letters: String = text[offset(i)..offset(letters_end)].to_lowercase();
        match letters.as_str() {
            "" => {
                let mut j = i;
                while at(j) == Some(' ') {
                    j += 1;
                }
                let rest = text[offset(j)..].to_lowercase();
                if at(j) == Some('%') {
                    unit.push('%');
                    i = j + 1;
                } else if rest.starts_with("percent") || rest.starts_with("per cent") {
                    unit.push('%');
                } else if at(j) == Some('×') {
                    unit.push('x');
                    i = j + 1;
                }
                for (word, factor) in [("thousand", 1e3), ("million", 1e6), ("billion", 1e9)] {
                    if rest.starts_with(word) {
                        scale = factor;
                    }
                }
            }
            "k" => scale = 1e3,
            "m" | "mm" | "mn" => scale = 1e6,
            "b" | "bn" => scale = 1e9,
            "x" => unit.push('x'),
            other => unit.push_str(other),
        }
        i = i.max(letters_end);
        let currency: String = text[offset(start)..offset(digits_start)].to_owned();
        let key = format!("{currency}{}{unit}", value(digits, scale));
        found.push(Fact {
            key,
            written: text[offset(start)..offset(i)].to_owned(),
        });
    }
    found
}

/// A number's value as text: `10,000` and `10000` alike, `1.5` with a scale of a thousand
/// `1500`. What does not read as one number (`1.000.000`) stays as written.
fn value(digits: &str, scale: f64) -> String {
    // `10,000` groups thousands; `1,5` is a decimal comma.
    let thousands = digits
        .split(',')
        .skip(1)
        .all(|group| group.split('.').next().is_some_and(|g| g.len() == 3));
    let plain = if thousands {
        digits.replace(',', "")
    } else {
        digits.replace(',', ".")
    };
    match plain.parse::<f64>() {
        Ok(number) => format!("{}", (number * scale * 1e6).round() / 1e6),
        Err(_) => digits.to_owned(),
    }
}

/// Short forms that look like names but are not (`e.g.` reads as the word `e.g`).
const ABBREVIATIONS: &[&str] = &["e.g", "i.e", "etc", "vs", "approx", "incl"];

/// Every proper name of `text`, keyed by its folded form (`APIs` -> `api`).
pub(super) fn names(text: &str) -> Vec<Fact> {
    words(text)
        .into_iter()
        .filter(is_name)
        .map(|word| Fact {
            key: folded(word.text),
            written: word.text.to_owned(),
        })
        .collect()
}

/// A name: a word with marks or digits (`C++`, `Node.js`, `S3`), with a capital after its
/// first letter (`PostgreSQL`, `AWS`, `iOS`), or capitalised inside a sentence.
fn is_name(word: &Word<'_>) -> bool {
    let text = word.text;
    let Some(first) = text.chars().next() else {
        return false;
    };
    if first.is_ascii_digit()
        || text == "I"
        || ABBREVIATIONS.contains(&text.to_lowercase().as_str())
    {
        return false;
    }
    text.contains(['+', '#', '.'])
        || text.chars().any(|c| c.is_ascii_digit())
        || text.chars().skip(1).any(char::is_uppercase)
        || first.is_uppercase() && !word.sentence_start
}

/// What some texts of the profile state: their numbers and all their words (any case), so
/// that a name the profile writes in lower case is still known.
#[derive(Debug, Default)]
pub(super) struct Known {
    numbers: HashSet<String>,
    words: HashSet<String>,
}

impl Known {
    pub fn of<'a>(texts: impl IntoIterator<Item = &'a str>) -> Known {
        let mut known = Known::default();
        for text in texts {
            known
                .numbers
                .extend(numbers(text).into_iter().map(|fact| fact.key));
            known
                .words
                .extend(words(text).into_iter().map(|word| folded(word.text)));
        }
        known
    }

    pub fn has_number(&self, fact: &Fact) -> bool {
        self.numbers.contains(&fact.key)
    }

    pub fn has_word(&self, fact: &Fact) -> bool {
        self.words.contains(&fact.key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(facts: Vec<Fact>) -> Vec<String> {
        facts.into_iter().map(|f| f.key).collect()
    }

    fn written(facts: Vec<Fact>) -> Vec<String> {
        facts.into_iter().map(|f| f.written).collect()
    }

    #[test]
    fn numbers_keep_their_unit() {
        let text = "Cut costs 40% ($1.2M) for 10k users, 3x faster in 24h; 12 MP4 files on EC2";
        assert_eq!(
            written(numbers(text)),
            ["40%", "$1.2M", "10k", "3x", "24h", "12"]
        );
        assert_eq!(
            keys(numbers(text)),
            ["40%", "$1200000", "10000", "3x", "24h", "12"]
        );
    }

    #[test]
    fn one_amount_written_differently_is_one_claim() {
        for (a, b) in [
            ("10k", "10,000"),
            ("10000", "10 thousand"),
            ("40%", "40 percent"),
            ("40 %", "40%"),
            ("3x", "3×"),
            ("2.5", "2.50"),
        ] {
            assert_eq!(keys(numbers(a)), keys(numbers(b)), "{a} / {b}");
        }
        for (a, b) in [("40%", "40"), ("3x", "3"), ("$40", "40"), ("10k", "10")] {
            assert_ne!(keys(numbers(a)), keys(numbers(b)), "{a} / {b}");
        }
    }

    #[test]
    fn names_are_capitalised_inside_sentences_or_technical() {
        let text = "Moved billing to PostgreSQL on AWS with Node.js and c++. Then Kafka, \
                    e.g. for the APIs of Globex; I led it. Built iOS apps";
        assert_eq!(
            written(names(text)),
            [
                "PostgreSQL",
                "AWS",
                "Node.js",
                "c++",
                "Kafka",
                "APIs",
                "Globex",
                "iOS"
            ]
        );
        assert_eq!(keys(names("the APIs"))[0], "api");
    }

    #[test]
    fn known_words_ignore_case() {
        let known = Known::of(["migrated to postgresql, 40% faster"]);
        assert!(
            names("Moved to PostgreSQL")
                .iter()
                .all(|n| known.has_word(n))
        );
        assert!(numbers("40 percent").iter().all(|n| known.has_number(n)));
        assert!(!numbers("45%").iter().all(|n| known.has_number(n)));
        assert!(!names("Moved to Postgres").iter().all(|n| known.has_word(n)));
    }
}
