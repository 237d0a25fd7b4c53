//! The words of a resume or a posting, read one way for relevance scoring and for the
//! validator: Unicode words, with technology names such as `C++`, `C#`, `Node.js` and `.NET`
//! kept whole, hyphens and slashes splitting (`CI/CD`, `cross-functional`).

/// One word as written, and whether it begins a sentence or a line (where a capital letter
/// says nothing about a name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Word<'a> {
    pub text: &'a str,
    pub sentence_start: bool,
}

/// Characters between words that end a sentence or a list item.
const SENTENCE_ENDS: &[char] = &['.', '!', '?', ':', ';', '•', '\n', '\r'];

/// The words of `text` in order.
pub(super) fn words(text: &str) -> Vec<Word<'_>> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let alnum = |i: usize| at(i).is_some_and(char::is_alphanumeric);
    let mut found = Vec::new();
    let mut sentence_start = true;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        // `.NET`: a dot that begins a word, not one that ends the previous one.
        let dotted_start =
            c == '.' && at(i + 1).is_some_and(char::is_alphabetic) && !(i > 0 && alnum(i - 1));
        if !(c.is_alphanumeric() || dotted_start) {
            if SENTENCE_ENDS.contains(&c) {
                sentence_start = true;
            }
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        loop {
            match at(i) {
                Some(c) if c.is_alphanumeric() => i += 1,
                // Inside a word only: `node.js`, `3.5`, `o'brien`, `bachelor's`.
                Some('.' | '\'' | '’') if alnum(i + 1) => i += 1,
                _ => break,
            }
        }
        // `c++`, `c#`, `f#`: the marks end the word.
        while matches!(at(i), Some('+' | '#')) {
            i += 1;
        }
        let end = chars.get(i).map_or(text.len(), |&(at, _)| at);
        let mut word = &text[chars[start].0..end];
        for possessive in ["'s", "’s"] {
            word = word.strip_suffix(possessive).unwrap_or(word);
        }
        found.push(Word {
            text: word,
            sentence_start,
        });
        sentence_start = false;
    }
    found
}

/// Words too common to say anything about a job.
const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "across",
    "after",
    "all",
    "also",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "been",
    "being",
    "both",
    "but",
    "by",
    "can",
    "do",
    "each",
    "etc",
    "for",
    "from",
    "had",
    "has",
    "have",
    "he",
    "her",
    "his",
    "i",
    "if",
    "in",
    "including",
    "into",
    "is",
    "it",
    "its",
    "least",
    "like",
    "may",
    "me",
    "more",
    "most",
    "my",
    "new",
    "no",
    "not",
    "of",
    "on",
    "or",
    "other",
    "our",
    "out",
    "over",
    "per",
    "plus",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "up",
    "us",
    "using",
    "very",
    "via",
    "was",
    "we",
    "well",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "will",
    "with",
    "within",
    "work",
    "would",
    "year",
    "years",
    "you",
    "your",
];

/// The terms of `text` for relevance: lower-case words without stop words and numbers, plain
/// words folded to a light stem (`developed`, `developer`, `development` -> `develop`), each
/// with the word as written.
pub(super) fn terms(text: &str) -> Vec<(String, &str)> {
    words(text)
        .into_iter()
        .filter_map(|word| {
            let lower = folded(word.text);
            if STOP_WORDS.contains(&lower.as_str()) || !lower.chars().any(char::is_alphabetic) {
                return None;
            }
            Some((stem(&lower), word.text))
        })
        .collect()
}

/// A word in lower case, an acronym's plural (`APIs`) as its singular.
pub(super) fn folded(word: &str) -> String {
    let singular = word
        .strip_suffix('s')
        .filter(|rest| rest.chars().count() >= 2 && rest.chars().all(char::is_uppercase))
        .unwrap_or(word);
    singular.to_lowercase()
}

/// Suffixes folded away, longest first, when at least three letters stay.
const SUFFIXES: &[&str] = &[
    "ations", "ation", "ments", "ment", "ings", "ing", "ers", "er", "ies", "ed", "es", "ly", "s",
];

/// A light stem of a lower-case word: plain words lose one common suffix, then a final `e`
/// or `y` (so `create`, `created`, `creating` meet, and `technology` meets `technologies`).
/// Words with digits or marks (`c++`, `node.js`, `s3`) are names and stay as they are.
pub(super) fn stem(word: &str) -> String {
    if !word.chars().all(char::is_alphabetic) || word.chars().count() <= 3 {
        return word.to_owned();
    }
    let mut stem = word;
    if !word.ends_with("ss") && !word.ends_with("us") && !word.ends_with("is") {
        for suffix in SUFFIXES {
            if let Some(rest) = word.strip_suffix(suffix)
                && rest.chars().count() >= 3
            {
                stem = rest;
                break;
            }
        }
    }
    let stem = stem
        .strip_suffix('e')
        .or_else(|| stem.strip_suffix('y'))
        .or_else(|| stem.strip_suffix('i'))
        .filter(|rest| rest.chars().count() >= 3)
        .unwrap_or(stem);
    stem.to_owned()
}

/// A field's text for comparing claims: lower case, dots and apostrophes inside or after a
/// word dropped, every other run of punctuation and spaces one space. `Pied Piper, Inc.` is
/// `pied piper inc` and `Ph.D.` is `PhD`, while `C++` and `C`, `4.5%` and `45%` stay apart.
pub(super) fn normal(text: &str) -> String {
    let chars: Vec<char> = text.chars().flat_map(char::to_lowercase).collect();
    let digit = |i: usize| chars.get(i).is_some_and(char::is_ascii_digit);
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        let decimal_point = c == '.' && i > 0 && digit(i - 1) && digit(i + 1);
        if c.is_alphanumeric() || "+#%$€£¥₹".contains(c) || decimal_point {
            out.push(c);
        } else if matches!(c, '.' | '\'' | '’') {
            continue;
        } else if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    }
    out.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<&str> {
        words(text).into_iter().map(|w| w.text).collect()
    }

    #[test]
    fn technology_names_stay_whole() {
        assert_eq!(
            texts("C++, C#, Node.js and .NET on AWS; CI/CD, cross-functional (ROS)."),
            [
                "C++",
                "C#",
                "Node.js",
                "and",
                ".NET",
                "on",
                "AWS",
                "CI",
                "CD",
                "cross",
                "functional",
                "ROS"
            ]
        );
        assert_eq!(
            texts("Acme's 3.5x faster, 40% less. Über Straße"),
            ["Acme", "3.5x", "faster", "40", "less", "Über", "Straße"]
        );
    }

    #[test]
    fn sentence_starts_are_marked() {
        let starts: Vec<&str> = words("Led the team. Built Kafka: Shipped it\nRan AWS")
            .into_iter()
            .filter(|w| w.sentence_start)
            .map(|w| w.text)
            .collect();
        assert_eq!(starts, ["Led", "Built", "Shipped", "Ran"]);
    }

    #[test]
    fn stems_meet() {
        for group in [
            &[
                "develop",
                "developed",
                "developer",
                "development",
                "developing",
            ][..],
            &["create", "created", "creating"],
            &["technology", "technologies"],
            &["application", "applications"],
            &["scale", "scaled", "scaling"],
        ] {
            let stems: Vec<String> = group.iter().map(|w| stem(w)).collect();
            assert!(stems.iter().all(|s| *s == stems[0]), "{group:?}: {stems:?}");
        }
        assert_eq!(stem("node.js"), "node.js");
        assert_eq!(stem("class"), "class");
        assert_ne!(stem("postgres"), stem("postgresql"));
    }

    #[test]
    fn terms_drop_stop_words_and_numbers() {
        let terms: Vec<String> = terms("Built the APIs for 3 teams with Node.js")
            .into_iter()
            .map(|(t, _)| t)
            .collect();
        assert_eq!(terms, ["built", "api", "team", "node.js"]);
    }

    #[test]
    fn normal_ignores_case_and_punctuation_only() {
        assert_eq!(normal("Pied Piper, Inc."), normal("pied piper inc"));
        assert_eq!(normal("CEO/President"), normal("CEO / President"));
        assert_ne!(normal("C++"), normal("C"));
        assert_ne!(normal("Postgres"), normal("PostgreSQL"));
        assert_eq!(normal("Ph.D."), normal("PhD"));
        assert_ne!(normal("cut 4.5% off"), normal("cut 45% off"));
        assert_ne!(normal("40%"), normal("40"));
        assert_eq!(normal("2019-05-01"), "2019 05 01");
    }
}
