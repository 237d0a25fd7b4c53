//! What a classified message does to the user's applications: it is linked to the one it
//! is about (company, then role, both fuzzy), which moves forward to the status the mail
//! announces; job mail about no known application creates one "from email".
//!
//! Users may move an application anywhere (they correct mistakes); mail only moves it
//! forward along applied -> confirmed -> assessment -> interviewing -> offer, or to
//! rejected, and never out of rejected or withdrawn: a late confirmation must not undo an
//! interview, nor a stray message revive a closed application.

use shared::api::{Application, MailMessage};

use crate::approvals::applications::{self, FromEmail};
use crate::error::{Error, Result};
use crate::state::AppState;

/// The statuses mail moves through, in order.
const FORWARD: [&str; 5] = [
    "applied",
    "confirmed",
    "assessment",
    "interviewing",
    "offer",
];

/// The status a category announces; `other` announces none.
pub fn status_for(category: &str) -> Option<&'static str> {
    match category {
        "rejection" => Some("rejected"),
        "interview" => Some("interviewing"),
        "offer" => Some("offer"),
        "assessment" => Some("assessment"),
        "confirmation" => Some("confirmed"),
        _ => None,
    }
}

/// Whether mail may move an application from `from` to `to`.
pub fn mail_may_move(from: &str, to: &str) -> bool {
    let Some(from) = FORWARD.iter().position(|s| *s == from) else {
        return false;
    };
    to == "rejected"
        || FORWARD
            .iter()
            .position(|s| *s == to)
            .is_some_and(|to| to > from)
}

/// Words that name no company or role by themselves.
const FILLER: [&str; 16] = [
    "inc",
    "llc",
    "ltd",
    "gmbh",
    "corp",
    "corporation",
    "co",
    "company",
    "the",
    "group",
    "plc",
    "a",
    "of",
    "and",
    "for",
    "at",
];

/// The words that name a company or role: lower case, split at anything not a letter or
/// digit (so `_`, `-`, `.` and spaces all separate), filler dropped. A name made of filler
/// alone ("Company_A", "The Company") keeps all its words: dropping them would leave
/// nothing, and a name that matches nothing gets a new application from every message.
fn words(text: &str) -> Vec<String> {
    let all: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let named: Vec<String> = all
        .iter()
        .filter(|w| !FILLER.contains(&w.as_str()))
        .cloned()
        .collect();
    if named.is_empty() { all } else { named }
}

/// The company and role as [`same_company`] and [`role_overlap`] see them: the key under
/// which mail records an application, unique per user, so that messages about one company
/// and role classified at once by two workers make one application.
pub fn match_key(company: &str, role: &str) -> String {
    format!("{}\n{}", words(company).join(" "), words(role).join(" "))
}

/// The same company: equal names once legal suffixes and punctuation are gone, or one
/// name's words all in the other ("Acme" and "Acme Robotics Inc.").
pub fn same_company(a: &str, b: &str) -> bool {
    let (a, b) = (words(a), words(b));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    a.iter().all(|w| b.contains(w)) || b.iter().all(|w| a.contains(w))
}

/// How much two role titles share, 0 to 1 (shared words over the shorter title's words).
pub fn role_overlap(a: &str, b: &str) -> f64 {
    let (a, b) = (words(a), words(b));
    let shorter = a.len().min(b.len());
    if shorter == 0 {
        return 0.0;
    }
    let shared = a.iter().filter(|w| b.contains(w)).count().min(shorter);
    shared as f64 / shorter as f64
}

/// A named role must share at least this much with the application's title, unless the
/// company has only that one application (extracted roles are often partial).
const ROLE_MATCH: f64 = 0.5;

/// The application the message is about: same company, the best-matching role, the most
/// recently changed on a tie.
pub fn best_match<'a>(
    applications: &'a [Application],
    company: &str,
    role: Option<&str>,
) -> Option<&'a Application> {
    let candidates: Vec<&Application> = applications
        .iter()
        .filter(|a| same_company(&a.company, company))
        .collect();
    let score = |a: &Application| role.map_or(0.0, |role| role_overlap(&a.title, role));
    let best = candidates.iter().copied().max_by(|x, y| {
        score(x)
            .total_cmp(&score(y))
            .then(x.updated_at.cmp(&y.updated_at))
            .then(x.id.cmp(&y.id))
    })?;
    let matches = role.is_none() || candidates.len() == 1 || score(best) >= ROLE_MATCH;
    matches.then_some(best)
}

fn note(message: &MailMessage) -> String {
    let subject = message.subject.as_deref().unwrap_or("(no subject)");
    let mut note = format!(
        "Email: {} ({})",
        subject.chars().take(300).collect::<String>(),
        message.category.as_deref().unwrap_or("other")
    );
    if !message.rules.is_empty() {
        note.push_str(&format!("; rules: {}", message.rules.join(", ")));
    }
    note.chars().take(2000).collect()
}

/// Links and moves; returns the application the message belongs to, if any.
pub async fn apply(state: &AppState, user_id: i64, message: &MailMessage) -> Result<Option<i64>> {
    let Some(target) = message.category.as_deref().and_then(status_for) else {
        return Ok(message.application_id);
    };
    let linked = match message.application_id {
        Some(id) => match applications::get(state, user_id, id).await {
            Ok(application) => Some(application),
            Err(Error::NotFound) => None,
            Err(error) => return Err(error),
        },
        None => None,
    };
    let application = match (linked, message.company.as_deref()) {
        (Some(application), _) => application,
        (None, None) => return Ok(None),
        (None, Some(company)) => {
            let all = applications::list(state, user_id, None).await?;
            match best_match(&all, company, message.role.as_deref()) {
                Some(found) => found.clone(),
                None => {
                    let title = message
                        .role
                        .as_deref()
                        .unwrap_or("Role not named in the mail");
                    let key = match_key(company, title);
                    let note = note(message);
                    match applications::from_email(
                        state, user_id, company, title, target, &note, &key,
                    )
                    .await?
                    {
                        FromEmail::Created(created) => return Ok(Some(created.id)),
                        FromEmail::Existing(existing) => existing,
                    }
                }
            }
        }
    };
    if mail_may_move(&application.status, target) {
        applications::set_status(state, user_id, application.id, target, Some(&note(message)))
            .await?;
    }
    Ok(Some(application.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn application(id: i64, company: &str, title: &str, updated_at: i64) -> Application {
        Application {
            id,
            company: company.into(),
            title: title.into(),
            job_url: String::new(),
            source: "manual".into(),
            status: "applied".into(),
            agent_request_id: None,
            created_at: 0,
            updated_at,
        }
    }

    #[test]
    fn mail_only_moves_forward_or_to_rejected() {
        assert!(mail_may_move("applied", "interviewing"));
        assert!(mail_may_move("interviewing", "offer"));
        assert!(mail_may_move("offer", "rejected"));
        assert!(!mail_may_move("interviewing", "confirmed"));
        assert!(!mail_may_move("offer", "offer"));
        assert!(!mail_may_move("rejected", "interviewing"));
        assert!(!mail_may_move("withdrawn", "rejected"));
    }

    #[test]
    fn companies_and_roles_match_fuzzily() {
        assert!(same_company("Acme", "ACME Robotics, Inc."));
        assert!(same_company("The Globex Corporation", "globex"));
        assert!(!same_company("Acme", "Initech"));
        assert!(!same_company("Inc.", "Acme"));
        let apps = [
            application(1, "Acme Inc", "Backend Engineer", 10),
            application(2, "Acme", "Senior Data Scientist", 20),
            application(3, "Initech", "Backend Engineer", 30),
        ];
        let found = |company, role| best_match(&apps, company, role).map(|a| a.id);
        assert_eq!(found("ACME", Some("Data Scientist")), Some(2));
        assert_eq!(found("Acme", Some("backend engineer (remote)")), Some(1));
        assert_eq!(
            found("Acme", None),
            Some(2),
            "the most recent without a role"
        );
        assert_eq!(found("Acme", Some("Office Manager")), None);
        assert_eq!(
            found("Initech", Some("Office Manager")),
            Some(3),
            "its only one"
        );
        assert_eq!(found("Hooli", None), None);
    }

    #[test]
    fn names_made_of_filler_words_still_match_themselves() {
        for name in [
            "Company_A",
            "The Company",
            "A.C.",
            "Co",
            "company-of-the-group",
        ] {
            assert!(same_company(name, name), "{name}");
            assert!(same_company(name, &name.to_uppercase()), "{name}");
            assert!(same_company(name, &format!("  {name} ")), "{name}");
        }
        assert!(same_company("Company_A", "company a"));
        assert!(!same_company("Company_A", "Company_B"));
        assert!(!same_company("Company_A", "The Company"));
        let apps = [application(1, "Company_A", "Backend Engineer", 10)];
        assert_eq!(
            best_match(&apps, "Company_A", Some("Backend Engineer")).map(|a| a.id),
            Some(1)
        );
        assert_eq!(
            match_key("Company_A", "Backend Engineer"),
            match_key("company a", "backend-engineer")
        );
        assert_ne!(
            match_key("Company_A", "Backend Engineer"),
            match_key("Company_B", "Backend Engineer")
        );
    }
}
