//! The hiring company (votes from the sender and from phrases in the subject and body)
//! and the role.

use super::gate::Open;
use super::parse::Mail;
use super::rules::{CompanyRules, Field, Pattern};

/// One spelling of a candidate name and the votes for it.
struct Candidate {
    key: String,
    name: String,
    weight: f32,
    best_single: f32,
}

#[derive(Default)]
struct Ballot {
    candidates: Vec<Candidate>,
}

impl Ballot {
    fn vote(&mut self, rules: &CompanyRules, name: &str, weight: f32) {
        let name = trim_words(rules, name);
        let name = name.as_str();
        let key = key(name);
        if !plausible(rules, name, &key) {
            return;
        }
        match self.candidates.iter_mut().find(|c| c.key == key) {
            Some(candidate) => {
                candidate.weight += weight;
                if weight > candidate.best_single {
                    candidate.best_single = weight;
                    candidate.name = name.to_owned();
                }
            }
            None => self.candidates.push(Candidate {
                key,
                name: name.to_owned(),
                weight,
                best_single: weight,
            }),
        }
    }

    /// Adds `bonus` to the candidates spelt like the label without spaces ("acmerobotics"
    /// for "Acme Robotics"); false when there is none.
    fn boost_matching(&mut self, label: &str, bonus: f32) -> bool {
        let mut found = false;
        for candidate in &mut self.candidates {
            if candidate.key.replace(' ', "") == label.replace('-', "") {
                candidate.weight += bonus;
                found = true;
            }
        }
        found
    }

    fn winner(self) -> Option<String> {
        self.candidates
            .into_iter()
            .fold(None::<Candidate>, |best, c| match best {
                Some(b) if b.weight >= c.weight => Some(b),
                _ => Some(c),
            })
            .map(|c| c.name)
    }
}

/// The name without punctuation around it, leading words such as "Our" and trailing team
/// words ("Cognizant Campus" -> "Cognizant"); an all-lower-case name from a URL capitalised.
fn trim_words(rules: &CompanyRules, name: &str) -> String {
    let name = name.trim_matches(|c: char| c.is_whitespace() || ",.;:!?'\"()-".contains(c));
    let mut words: Vec<&str> = name.split(' ').collect();
    if let Some(last) = words.iter().rposition(|w| {
        rules.leading_words.contains(
            &w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase(),
        )
    }) {
        words.drain(..=last);
    }
    while words
        .last()
        .is_some_and(|w| rules.team_words.contains(&w.to_lowercase()))
    {
        words.pop();
    }
    let name = words.join(" ");
    if name.chars().all(|c| !c.is_uppercase()) {
        capitalise(&name)
    } else {
        name
    }
}

/// Lower-case words of a name without legal suffixes: "The TJX Companies, Inc." and
/// "TJX Companies" vote for the same company.
pub fn key(name: &str) -> String {
    name.split(|c: char| !c.is_alphanumeric() && c != '_')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .filter(|w| {
            !matches!(
                w.as_str(),
                "inc" | "llc" | "ltd" | "corp" | "lp" | "plc" | "gmbh" | "the" | "co"
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn plausible(rules: &CompanyRules, name: &str, key: &str) -> bool {
    let first_has_letter = name
        .split_whitespace()
        .next()
        .is_some_and(|w| w.chars().any(char::is_alphabetic));
    let last_word = key.rsplit(' ').next().unwrap_or_default();
    first_has_letter
        && !key.is_empty()
        && key.len() <= 60
        && !rules.not_companies.contains(key)
        && !rules.role_words.contains(last_word)
}

pub fn find(
    rules: &CompanyRules,
    open: &Open,
    mail: &Mail,
    subject: &str,
    text: &str,
) -> Option<String> {
    let mut ballot = Ballot::default();
    for pattern in rules.patterns.iter().filter(|p| open.has(p.slot)) {
        let haystack = match pattern.field {
            Field::Subject => subject,
            Field::Any => text,
        };
        for found in pattern.regex.captures_iter(haystack) {
            // A regex cannot repeat a group name: alternatives use name2, name3.
            let name = ["name", "name2", "name3"]
                .into_iter()
                .find_map(|group| found.name(group));
            if let Some(name) = name {
                ballot.vote(rules, name.as_str(), pattern.weight);
            }
        }
    }
    let domain = mail
        .from_address
        .as_deref()
        .and_then(|a| a.rsplit_once('@'))
        .map(|(_, domain)| domain);
    let relayed = domain.is_some_and(|d| is_relay(rules, d));
    if let Some(name) = mail.from_name.as_deref() {
        sender_name_votes(rules, &mut ballot, name, relayed);
    }
    if let Some(label) = domain
        .filter(|d| !relayed && !rules.free_mail_domains.contains(*d))
        .and_then(organisation_label)
    {
        // The domain confirms a name seen elsewhere, or is a weak name of its own.
        if !ballot.boost_matching(label, 3.0) {
            ballot.vote(rules, label, 2.0);
        }
    }
    ballot.winner()
}

fn is_relay(rules: &CompanyRules, domain: &str) -> bool {
    rules.relay_domains.iter().any(|relay| {
        domain == relay
            || domain
                .strip_suffix(relay.as_str())
                .is_some_and(|sub| sub.ends_with('.'))
    })
}

/// "Acme via SmartRecruiters", "Dana (Acme)", "Priya at Acme", "Acme Talent Team".
fn sender_name_votes(rules: &CompanyRules, ballot: &mut Ballot, name: &str, relayed: bool) {
    if let Some((company, _)) = name.split_once(" via ") {
        ballot.vote(rules, company, 6.0);
        return;
    }
    if let Some(inner) = name
        .split_once('(')
        .and_then(|(_, rest)| rest.split_once(')'))
    {
        ballot.vote(rules, inner.0, 5.0);
        return;
    }
    if let Some((_, company)) = name
        .split_once(" at ")
        .or_else(|| name.split_once(" from "))
    {
        ballot.vote(rules, company, 5.0);
        return;
    }
    let words: Vec<&str> = name.split_whitespace().collect();
    let kept: Vec<&str> = words
        .iter()
        .copied()
        .filter(|w| !rules.team_words.contains(&w.to_lowercase()))
        .collect();
    if kept.is_empty() {
        return;
    }
    let weight = if kept.len() < words.len() {
        5.0
    } else if relayed {
        // A bare name on a relay's address is the company the relay writes for.
        4.0
    } else {
        // A bare name may be a person: the domain or the body has to agree.
        1.5
    };
    ballot.vote(rules, &kept.join(" "), weight);
}

/// "careers.microsoft.com" -> "microsoft", "acme.co.uk" -> "acme".
fn organisation_label(domain: &str) -> Option<&str> {
    let labels: Vec<&str> = domain.split('.').collect();
    let n = labels.len();
    if n < 2 {
        return None;
    }
    let second = labels[n - 2];
    let label = if n >= 3 && matches!(second, "co" | "com" | "ac" | "org" | "net" | "gov") {
        labels[n - 3]
    } else {
        second
    };
    (!label.is_empty()).then_some(label)
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// How much of the text a role is looked for in: titles come early, and the role
/// patterns are the costliest to run.
const ROLE_HEAD: usize = 1200;

/// The role named by the first role pattern that matches.
pub fn role(patterns: &[Pattern], open: &Open, subject: &str, text: &str) -> Option<String> {
    let head = (0..=ROLE_HEAD.min(text.len()))
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .map_or(text, |end| &text[..end]);
    patterns
        .iter()
        .filter(|p| open.has(p.slot))
        .find_map(|pattern| {
            let haystack = match pattern.field {
                Field::Subject => subject,
                Field::Any => head,
            };
            let role = pattern.regex.captures(haystack)?.name("role")?.as_str();
            let role = role.trim_matches(|c: char| c.is_whitespace() || "\"'.,:;-".contains(c));
            // Titles are capitalised; "the above position" names none.
            role.chars()
                .any(char::is_uppercase)
                .then(|| role.to_owned())
        })
}
