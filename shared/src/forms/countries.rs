//! Country names as forms write them, for questions ("authorised to work in the UK?") and
//! options ("United States"). Codes are ISO 3166-1 alpha-2, as in the answer bank.

use super::text::{has_phrase, words};

/// (code, the name a form shows first, other names); names in folded words.
const COUNTRIES: &[(&str, &str, &[&str])] = &[
    (
        "US",
        "United States",
        &[
            "united states",
            "united states of america",
            "usa",
            "u s",
            "u s a",
            "america",
        ],
    ),
    (
        "GB",
        "United Kingdom",
        &[
            "united kingdom",
            "uk",
            "u k",
            "great britain",
            "britain",
            "england",
            "scotland",
            "wales",
        ],
    ),
    ("CA", "Canada", &["canada"]),
    ("DE", "Germany", &["germany", "deutschland"]),
    ("FR", "France", &["france"]),
    (
        "NL",
        "Netherlands",
        &["netherlands", "the netherlands", "holland"],
    ),
    ("IE", "Ireland", &["ireland"]),
    ("ES", "Spain", &["spain"]),
    ("PT", "Portugal", &["portugal"]),
    ("IT", "Italy", &["italy"]),
    ("CH", "Switzerland", &["switzerland"]),
    ("AT", "Austria", &["austria"]),
    ("BE", "Belgium", &["belgium"]),
    ("LU", "Luxembourg", &["luxembourg"]),
    ("DK", "Denmark", &["denmark"]),
    ("SE", "Sweden", &["sweden"]),
    ("NO", "Norway", &["norway"]),
    ("FI", "Finland", &["finland"]),
    ("IS", "Iceland", &["iceland"]),
    ("PL", "Poland", &["poland"]),
    ("CZ", "Czechia", &["czechia", "czech republic"]),
    ("SK", "Slovakia", &["slovakia"]),
    ("HU", "Hungary", &["hungary"]),
    ("RO", "Romania", &["romania"]),
    ("BG", "Bulgaria", &["bulgaria"]),
    ("GR", "Greece", &["greece"]),
    ("HR", "Croatia", &["croatia"]),
    ("SI", "Slovenia", &["slovenia"]),
    ("RS", "Serbia", &["serbia"]),
    ("UA", "Ukraine", &["ukraine"]),
    ("LT", "Lithuania", &["lithuania"]),
    ("LV", "Latvia", &["latvia"]),
    ("EE", "Estonia", &["estonia"]),
    ("TR", "Turkey", &["turkey", "turkiye"]),
    ("IL", "Israel", &["israel"]),
    (
        "AE",
        "United Arab Emirates",
        &["united arab emirates", "uae"],
    ),
    ("SA", "Saudi Arabia", &["saudi arabia"]),
    ("IN", "India", &["india"]),
    ("PK", "Pakistan", &["pakistan"]),
    ("BD", "Bangladesh", &["bangladesh"]),
    ("LK", "Sri Lanka", &["sri lanka"]),
    ("CN", "China", &["china"]),
    ("HK", "Hong Kong", &["hong kong"]),
    ("TW", "Taiwan", &["taiwan"]),
    ("JP", "Japan", &["japan"]),
    (
        "KR",
        "South Korea",
        &["south korea", "korea", "republic of korea"],
    ),
    ("SG", "Singapore", &["singapore"]),
    ("MY", "Malaysia", &["malaysia"]),
    ("TH", "Thailand", &["thailand"]),
    ("VN", "Vietnam", &["vietnam", "viet nam"]),
    ("PH", "Philippines", &["philippines"]),
    ("ID", "Indonesia", &["indonesia"]),
    ("AU", "Australia", &["australia"]),
    ("NZ", "New Zealand", &["new zealand"]),
    ("MX", "Mexico", &["mexico"]),
    ("BR", "Brazil", &["brazil", "brasil"]),
    ("AR", "Argentina", &["argentina"]),
    ("CL", "Chile", &["chile"]),
    ("CO", "Colombia", &["colombia"]),
    ("PE", "Peru", &["peru"]),
    ("UY", "Uruguay", &["uruguay"]),
    ("CR", "Costa Rica", &["costa rica"]),
    ("ZA", "South Africa", &["south africa"]),
    ("NG", "Nigeria", &["nigeria"]),
    ("KE", "Kenya", &["kenya"]),
    ("EG", "Egypt", &["egypt"]),
    ("MA", "Morocco", &["morocco"]),
];

/// The name forms show for a code, e.g. `US` -> "United States".
pub fn name(code: &str) -> Option<&'static str> {
    COUNTRIES
        .iter()
        .find(|(c, _, _)| c.eq_ignore_ascii_case(code))
        .map(|(_, name, _)| *name)
}

/// The country a text names, when it names exactly one.
pub fn named_in(text: &str) -> Option<&'static str> {
    let text = words(text);
    let mut found = COUNTRIES
        .iter()
        .filter(|(_, _, names)| names.iter().any(|n| has_phrase(&text, n)))
        .map(|(code, _, _)| *code);
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

/// True when an option's text or value stands for the country `code`.
pub fn means(text: &str, value: &str, code: &str) -> bool {
    if value.eq_ignore_ascii_case(code) {
        return true;
    }
    let text = words(text);
    COUNTRIES
        .iter()
        .find(|(c, _, _)| c.eq_ignore_ascii_case(code))
        .is_some_and(|(_, _, names)| {
            names.iter().any(|n| {
                let name: Vec<&str> = n.split(' ').collect();
                text.len() == name.len() && text.iter().zip(&name).all(|(a, b)| a == b)
            })
        })
}
