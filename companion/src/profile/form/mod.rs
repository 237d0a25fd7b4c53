//! The dashboard's profile forms as plain strings, both ways: filled from stored data for
//! display, and read back from a post (kept as typed when it has errors, so nothing the user
//! entered is lost). No HTTP here: the Profile page renders and reads them.

mod answers;
mod resume;

pub use answers::{AnswersForm, AuthorizationRow};
pub use resume::ResumeForm;

use serde_json::Value;
use shared::profile::FieldError;

fn text(value: Option<&Value>) -> String {
    value.and_then(Value::as_str).unwrap_or_default().to_owned()
}

fn field(pairs: &[(String, String)], name: &str) -> String {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_default()
}

fn fields<'a>(pairs: &'a [(String, String)], name: &'a str) -> impl Iterator<Item = String> + 'a {
    pairs
        .iter()
        .filter(move |(n, _)| n == name)
        .map(|(_, v)| v.trim().to_owned())
}

fn problem(path: &str, message: impl Into<String>) -> FieldError {
    FieldError {
        path: path.into(),
        message: message.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use shared::profile::Problems;
    use shared::profile::answers::Gender;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_resume_form_keeps_what_it_does_not_show() {
        let current = json!({
            "basics": {
                "name": "Old", "image": "me.png",
                "location": {"address": "1 Main St", "city": "Paris"},
                "profiles": [{"network": "Twitter", "url": "https://x.example/a"},
                             {"network": "linkedin", "url": "https://linkedin.example/old"}]
            },
            "work": [{"name": "Acme"}]
        });
        let form = ResumeForm::from_resume(&current, 3);
        assert_eq!(form.linkedin, "https://linkedin.example/old");
        assert!(form.advanced.contains("Acme"));
        let mut post = ResumeForm {
            name: "Ada".into(),
            city: String::new(),
            country_code: "GB".into(),
            linkedin: String::new(),
            github: "https://github.example/ada".into(),
            ..form
        };
        let resume = post.to_resume(&current).expect("valid");
        assert_eq!(resume["basics"]["name"], "Ada");
        assert_eq!(resume["basics"]["image"], "me.png");
        assert_eq!(
            resume["basics"]["location"],
            json!({"address": "1 Main St", "countryCode": "GB"})
        );
        assert_eq!(
            resume["basics"]["profiles"],
            json!([{"network": "Twitter", "url": "https://x.example/a"},
                   {"network": "GitHub", "url": "https://github.example/ada"}])
        );
        assert_eq!(resume["work"][0]["name"], "Acme");
        post.advanced = "[1]".into();
        assert!(post.to_resume(&current).is_err());
        post.advanced = "{\"basics\": {}}".into();
        assert!(post.to_resume(&current).is_err());
    }

    #[test]
    fn the_answers_form_round_trips_and_names_bad_fields() {
        let post = pairs(&[
            ("version", "2"),
            ("wa_country", "us"),
            ("wa_status", "needs_sponsorship"),
            ("wa_country", ""),
            ("wa_status", ""),
            ("needs_sponsorship", "yes"),
            ("salary_currency", "eur"),
            ("salary_minimum", "70,000"),
            ("salary_maximum", ""),
            ("salary_period", "year"),
            ("notice_amount", "4"),
            ("notice_unit", "weeks"),
            ("start", "date"),
            ("start_date", "2027-03-01"),
            ("relocation", "open"),
            ("relocation_locations", "Berlin, Amsterdam"),
            ("remote", "hybrid"),
            ("eeo_decline_by_default", "on"),
            ("eeo_gender", "decline"),
        ]);
        let form = AnswersForm::from_post(&post);
        let bank = form.to_bank().expect("valid");
        assert_eq!(bank.work_authorization.len(), 1);
        assert_eq!(bank.work_authorization[0].country, "US");
        assert_eq!(bank.salary.as_ref().map(|s| s.minimum), Some(70_000.0));
        assert_eq!(bank.eeo.gender, Some(Gender::Decline));
        let again = AnswersForm::from_bank(&bank, 2);
        assert_eq!(again.to_bank().expect("valid"), bank);
        assert_eq!(again.salary_minimum, "70000");

        let bad = AnswersForm {
            salary_minimum: "lots".into(),
            start_date: "2027-02-30".into(),
            eeo_veteran: "perhaps".into(),
            ..form
        };
        let Err(Problems(problems)) = bad.to_bank() else {
            panic!("accepted");
        };
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            ["salary.minimum", "eeo.veteran", "earliestStart.date"]
        );
    }
}
