//! Label text folded to lowercase words, so rules match words and phrases, not substrings
//! ("male" is not in "female", "name" is not in "username").

/// Lowercase words of `text`: camelCase and snake_case split, punctuation dropped, common
/// spelling variants folded ("e-mail" -> "email", "N0" -> "no").
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut previous: Option<char> = None;
    let flush = |word: &mut String, out: &mut Vec<String>| {
        if !word.is_empty() {
            out.push(fold(word));
            word.clear();
        }
    };
    for c in text.chars() {
        if c.is_alphanumeric() || c == '\'' || c == '’' {
            let camel_break =
                c.is_uppercase() && previous.is_some_and(|p| p.is_lowercase() || p.is_numeric());
            if camel_break {
                flush(&mut word, &mut out);
            }
            if c != '\'' && c != '’' {
                word.extend(c.to_lowercase());
            }
        } else {
            flush(&mut word, &mut out);
        }
        previous = Some(c);
    }
    flush(&mut word, &mut out);
    join_split_words(out)
}

fn fold(word: &str) -> String {
    match word {
        "n0" => "no".into(),
        "surname" | "lastname" | "familyname" => "surname".into(),
        "firstname" | "givenname" | "forename" => "forename".into(),
        "cv" | "résumé" => "resume".into(),
        "emailaddress" => "email".into(),
        "zipcode" | "zip" | "postcode" | "postalcode" => "postcode".into(),
        other => other.to_owned(),
    }
}

/// Rejoins words a hyphen or a space split ("e mail", "non binary", "post code").
fn join_split_words(words: Vec<String>) -> Vec<String> {
    const PAIRS: &[(&str, &str, &str)] = &[
        ("e", "mail", "email"),
        ("non", "binary", "nonbinary"),
        ("post", "code", "postcode"),
        ("postcode", "code", "postcode"),
        ("postal", "code", "postcode"),
        ("git", "hub", "github"),
        ("linked", "in", "linkedin"),
        ("first", "name", "forename"),
        ("given", "name", "forename"),
        ("last", "name", "surname"),
        ("family", "name", "surname"),
        ("full", "name", "fullname"),
        ("middle", "name", "middlename"),
        ("user", "name", "username"),
        ("pass", "word", "password"),
        ("web", "site", "website"),
        ("cover", "letter", "coverletter"),
        ("motivation", "letter", "coverletter"),
        ("motivational", "letter", "coverletter"),
        ("phone", "number", "phone"),
        ("mobile", "number", "phone"),
        ("telephone", "number", "phone"),
        ("country", "code", "countrycode"),
        ("start", "date", "startdate"),
        ("notice", "period", "noticeperiod"),
    ];
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    for word in words {
        if let Some(last) = out.last_mut()
            && let Some((_, _, joined)) = PAIRS
                .iter()
                .find(|(a, b, _)| *a == last.as_str() && *b == word.as_str())
        {
            *last = (*joined).to_owned();
            continue;
        }
        out.push(word);
    }
    out
}

/// True when `phrase` (space-separated words, already folded) occurs in `words` as whole words.
pub fn has_phrase(words: &[String], phrase: &str) -> bool {
    let needle: Vec<&str> = phrase.split(' ').collect();
    if needle.is_empty() || needle.len() > words.len() {
        return false;
    }
    words
        .windows(needle.len())
        .any(|window| window.iter().zip(&needle).all(|(w, n)| w == n))
}

pub fn has_any(words: &[String], phrases: &[&str]) -> bool {
    phrases.iter().any(|phrase| has_phrase(words, phrase))
}

/// Share of `a`'s distinct content words found in `b` (0..=1): how much of a stored question
/// a form's question repeats.
pub fn overlap(a: &[String], b: &[String]) -> f64 {
    let content: Vec<&String> = a
        .iter()
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .collect();
    let mut distinct: Vec<&String> = Vec::new();
    for word in content {
        if !distinct.contains(&word) {
            distinct.push(word);
        }
    }
    if distinct.is_empty() {
        return 0.0;
    }
    let found = distinct.iter().filter(|w| b.contains(w)).count();
    found as f64 / distinct.len() as f64
}

const STOP_WORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "of", "to", "in", "on", "for", "with", "you", "your", "are",
    "is", "do", "does", "we", "us", "our", "me", "my", "i", "please", "what", "why", "how", "this",
    "that", "at", "be", "it", "as", "if", "any", "would", "will", "can", "have", "has",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_cases_and_joins_variants() {
        assert_eq!(words("firstName"), ["forename"]);
        assert_eq!(
            words("job_application[last_name]"),
            ["job", "application", "surname"]
        );
        assert_eq!(words("E-mail address *"), ["email", "address"]);
        assert_eq!(
            words("What's your Zip Code?"),
            ["whats", "your", "postcode"]
        );
        assert_eq!(words("N0"), ["no"]);
        assert!(!has_phrase(&words("Female"), "male"));
        assert!(has_phrase(
            &words("Are you a protected veteran?"),
            "protected veteran"
        ));
    }
}
