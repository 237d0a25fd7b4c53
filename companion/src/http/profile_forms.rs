//! The dashboard's profile forms as plain strings, both ways: filled from stored data for
//! display, and read back from a post (kept as typed when it has errors, so nothing the user
//! entered is lost).

use serde_json::{Map, Value, json};
use shared::profile::answers::*;
use shared::profile::countries::is_country_code;
use shared::profile::{AnswerBank, FieldError, Problems};

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

/// The resume's basics as form fields, and the rest as raw JSON.
#[derive(Debug, Clone, Default)]
pub struct ResumeForm {
    pub version: i64,
    pub name: String,
    pub label: String,
    pub email: String,
    pub phone: String,
    pub url: String,
    pub city: String,
    pub country_code: String,
    pub summary: String,
    pub linkedin: String,
    pub github: String,
    /// Everything but `basics`, as JSON.
    pub advanced: String,
}

/// The two networks the form edits; other profiles stay as they are.
const NETWORKS: [&str; 2] = ["LinkedIn", "GitHub"];

fn profile_url(basics: &Value, network: &str) -> String {
    basics
        .get("profiles")
        .and_then(Value::as_array)
        .and_then(|profiles| {
            profiles.iter().find(|p| {
                p.get("network")
                    .and_then(Value::as_str)
                    .is_some_and(|n| n.eq_ignore_ascii_case(network))
            })
        })
        .map(|p| text(p.get("url")))
        .unwrap_or_default()
}

fn set_or_remove(object: &mut Map<String, Value>, key: &str, value: &str) {
    if value.is_empty() {
        object.remove(key);
    } else {
        object.insert(key.into(), Value::String(value.into()));
    }
}

impl ResumeForm {
    pub fn from_resume(resume: &Value, version: i64) -> ResumeForm {
        let basics = resume.get("basics").cloned().unwrap_or_else(|| json!({}));
        let location = basics.get("location").cloned().unwrap_or_else(|| json!({}));
        let mut rest = resume.as_object().cloned().unwrap_or_default();
        rest.remove("basics");
        ResumeForm {
            version,
            name: text(basics.get("name")),
            label: text(basics.get("label")),
            email: text(basics.get("email")),
            phone: text(basics.get("phone")),
            url: text(basics.get("url")),
            city: text(location.get("city")),
            country_code: text(location.get("countryCode")),
            summary: text(basics.get("summary")),
            linkedin: profile_url(&basics, NETWORKS[0]),
            github: profile_url(&basics, NETWORKS[1]),
            advanced: serde_json::to_string_pretty(&rest).unwrap_or_else(|_| "{}".into()),
        }
    }

    pub fn from_post(pairs: &[(String, String)]) -> ResumeForm {
        ResumeForm {
            version: field(pairs, "version").parse().unwrap_or(-1),
            name: field(pairs, "name"),
            label: field(pairs, "label"),
            email: field(pairs, "email"),
            phone: field(pairs, "phone"),
            url: field(pairs, "url"),
            city: field(pairs, "city"),
            country_code: field(pairs, "country_code").to_uppercase(),
            summary: field(pairs, "summary"),
            linkedin: field(pairs, "linkedin"),
            github: field(pairs, "github"),
            advanced: pairs
                .iter()
                .find(|(n, _)| n == "advanced")
                .map(|(_, v)| v.clone())
                .unwrap_or_default(),
        }
    }

    /// The resume to save: the advanced JSON with `basics` from `current` (keeping keys the
    /// form does not show) overwritten by the form's fields.
    pub fn to_resume(&self, current: &Value) -> Result<Value, Problems> {
        let advanced = if self.advanced.trim().is_empty() {
            "{}"
        } else {
            self.advanced.as_str()
        };
        let mut resume = match serde_json::from_str::<Value>(advanced) {
            Ok(Value::Object(object)) if !object.contains_key("basics") => object,
            Ok(Value::Object(_)) => {
                return Err(Problems(vec![problem(
                    "advanced",
                    "leave basics out of the advanced JSON: the form above edits them",
                )]));
            }
            Ok(_) => {
                return Err(Problems(vec![problem(
                    "advanced",
                    "must be a JSON object such as {\"work\": []}",
                )]));
            }
            Err(e) => {
                return Err(Problems(vec![problem(
                    "advanced",
                    format!("not JSON: {e}"),
                )]));
            }
        };
        if !self.country_code.is_empty() && !is_country_code(&self.country_code) {
            return Err(Problems(vec![problem(
                "basics.location.countryCode",
                format!(
                    "{:?} is not an ISO 3166-1 alpha-2 country code (e.g. US, GB, DE)",
                    self.country_code
                ),
            )]));
        }
        let mut basics = match current.get("basics") {
            Some(Value::Object(basics)) => basics.clone(),
            _ => Map::new(),
        };
        for (key, value) in [
            ("name", &self.name),
            ("label", &self.label),
            ("email", &self.email),
            ("phone", &self.phone),
            ("url", &self.url),
            ("summary", &self.summary),
        ] {
            set_or_remove(&mut basics, key, value);
        }
        let mut location = match basics.remove("location") {
            Some(Value::Object(location)) => location,
            _ => Map::new(),
        };
        set_or_remove(&mut location, "city", &self.city);
        set_or_remove(&mut location, "countryCode", &self.country_code);
        if !location.is_empty() {
            basics.insert("location".into(), Value::Object(location));
        }
        let mut profiles = match basics.remove("profiles") {
            Some(Value::Array(profiles)) => profiles,
            _ => Vec::new(),
        };
        for (network, url) in NETWORKS.iter().zip([&self.linkedin, &self.github]) {
            let at = profiles.iter().position(|p| {
                p.get("network")
                    .and_then(Value::as_str)
                    .is_some_and(|n| n.eq_ignore_ascii_case(network))
            });
            match (at, url.is_empty()) {
                (Some(i), true) => {
                    profiles.remove(i);
                }
                (Some(i), false) => {
                    if let Some(profile) = profiles[i].as_object_mut() {
                        profile.insert("url".into(), Value::String(url.to_string()));
                    }
                }
                (None, false) => profiles.push(json!({"network": network, "url": url})),
                (None, true) => {}
            }
        }
        if !profiles.is_empty() {
            basics.insert("profiles".into(), Value::Array(profiles));
        }
        resume.insert("basics".into(), Value::Object(basics));
        Ok(Value::Object(resume))
    }
}

/// One work-authorisation row of the form.
#[derive(Debug, Clone, Default)]
pub struct AuthorizationRow {
    pub country: String,
    pub status: String,
}

/// The answer bank as form fields; every select's empty value means "not answered".
#[derive(Debug, Clone, Default)]
pub struct AnswersForm {
    pub version: i64,
    pub authorization: Vec<AuthorizationRow>,
    pub needs_sponsorship: String,
    pub salary_currency: String,
    pub salary_minimum: String,
    pub salary_maximum: String,
    pub salary_period: String,
    pub notice_amount: String,
    pub notice_unit: String,
    pub start: String,
    pub start_date: String,
    pub relocation: String,
    pub relocation_locations: String,
    pub remote: String,
    pub eeo_decline_by_default: bool,
    pub eeo_gender: String,
    pub eeo_race_ethnicity: String,
    pub eeo_veteran: String,
    pub eeo_disability: String,
}

/// A unit enum's serde name (`needs_sponsorship`), the value its select option carries.
fn wire<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn from_wire<T: serde::de::DeserializeOwned>(
    value: &str,
    path: &str,
    problems: &mut Vec<FieldError>,
) -> Option<T> {
    if value.is_empty() {
        return None;
    }
    match serde_json::from_value(Value::String(value.into())) {
        Ok(parsed) => Some(parsed),
        Err(_) => {
            problems.push(problem(
                path,
                format!("{value:?} is not one of the choices"),
            ));
            None
        }
    }
}

fn amount(value: &str, path: &str, problems: &mut Vec<FieldError>) -> Option<f64> {
    if value.is_empty() {
        return None;
    }
    match value.replace([',', '_', ' '], "").parse::<f64>() {
        Ok(amount) => Some(amount),
        Err(_) => {
            problems.push(problem(path, format!("{value:?} is not a number")));
            None
        }
    }
}

fn number_text(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        value.to_string()
    }
}

impl AnswersForm {
    pub fn from_bank(bank: &AnswerBank, version: i64) -> AnswersForm {
        let salary = bank.salary.as_ref();
        let (start, start_date) = match &bank.earliest_start {
            Some(StartDate::Immediately) => ("immediately".to_owned(), String::new()),
            Some(StartDate::Date { date }) => ("date".to_owned(), date.clone()),
            None => (String::new(), String::new()),
        };
        AnswersForm {
            version,
            authorization: bank
                .work_authorization
                .iter()
                .map(|row| AuthorizationRow {
                    country: row.country.clone(),
                    status: wire(&row.status),
                })
                .collect(),
            needs_sponsorship: match bank.needs_sponsorship {
                Some(true) => "yes".into(),
                Some(false) => "no".into(),
                None => String::new(),
            },
            salary_currency: salary.map(|s| s.currency.clone()).unwrap_or_default(),
            salary_minimum: salary.map(|s| number_text(s.minimum)).unwrap_or_default(),
            salary_maximum: salary
                .and_then(|s| s.maximum)
                .map(number_text)
                .unwrap_or_default(),
            salary_period: salary.map(|s| wire(&s.period)).unwrap_or_default(),
            notice_amount: bank
                .notice_period
                .map(|n| n.amount.to_string())
                .unwrap_or_default(),
            notice_unit: bank
                .notice_period
                .map(|n| wire(&n.unit))
                .unwrap_or_default(),
            start,
            start_date,
            relocation: bank
                .relocation
                .as_ref()
                .map(|r| wire(&r.willing))
                .unwrap_or_default(),
            relocation_locations: bank
                .relocation
                .as_ref()
                .map(|r| r.locations.join(", "))
                .unwrap_or_default(),
            remote: bank.remote.map(|r| wire(&r)).unwrap_or_default(),
            eeo_decline_by_default: bank.eeo.decline_by_default,
            eeo_gender: bank.eeo.gender.map(|v| wire(&v)).unwrap_or_default(),
            eeo_race_ethnicity: bank
                .eeo
                .race_ethnicity
                .map(|v| wire(&v))
                .unwrap_or_default(),
            eeo_veteran: bank.eeo.veteran.map(|v| wire(&v)).unwrap_or_default(),
            eeo_disability: bank.eeo.disability.map(|v| wire(&v)).unwrap_or_default(),
        }
    }

    /// Reads a post; the country and status fields repeat, one pair per row.
    pub fn from_post(pairs: &[(String, String)]) -> AnswersForm {
        AnswersForm {
            version: field(pairs, "version").parse().unwrap_or(-1),
            authorization: fields(pairs, "wa_country")
                .zip(fields(pairs, "wa_status"))
                .map(|(country, status)| AuthorizationRow {
                    country: country.to_uppercase(),
                    status,
                })
                .collect(),
            needs_sponsorship: field(pairs, "needs_sponsorship"),
            salary_currency: field(pairs, "salary_currency").to_uppercase(),
            salary_minimum: field(pairs, "salary_minimum"),
            salary_maximum: field(pairs, "salary_maximum"),
            salary_period: field(pairs, "salary_period"),
            notice_amount: field(pairs, "notice_amount"),
            notice_unit: field(pairs, "notice_unit"),
            start: field(pairs, "start"),
            start_date: field(pairs, "start_date"),
            relocation: field(pairs, "relocation"),
            relocation_locations: field(pairs, "relocation_locations"),
            remote: field(pairs, "remote"),
            eeo_decline_by_default: !field(pairs, "eeo_decline_by_default").is_empty(),
            eeo_gender: field(pairs, "eeo_gender"),
            eeo_race_ethnicity: field(pairs, "eeo_race_ethnicity"),
            eeo_veteran: field(pairs, "eeo_veteran"),
            eeo_disability: field(pairs, "eeo_disability"),
        }
    }

    /// The typed bank, validated; rows left blank are skipped.
    pub fn to_bank(&self) -> Result<AnswerBank, Problems> {
        let mut problems = Vec::new();
        let mut work_authorization = Vec::new();
        for (i, row) in self.authorization.iter().enumerate() {
            if row.country.is_empty() && row.status.is_empty() {
                continue;
            }
            let path = format!("workAuthorization[{i}].status");
            if row.status.is_empty() {
                problems.push(problem(&path, "choose a status for this country"));
            } else if let Some(status) = from_wire(&row.status, &path, &mut problems) {
                work_authorization.push(WorkAuthorization {
                    country: row.country.clone(),
                    status,
                });
            }
        }
        let salary = if self.salary_minimum.is_empty() && self.salary_maximum.is_empty() {
            None
        } else {
            let minimum = amount(&self.salary_minimum, "salary.minimum", &mut problems);
            let maximum = amount(&self.salary_maximum, "salary.maximum", &mut problems);
            let period = from_wire(&self.salary_period, "salary.period", &mut problems);
            if minimum.is_none() && !self.salary_maximum.is_empty() {
                problems.push(problem(
                    "salary.minimum",
                    "enter the amount or the lower end",
                ));
            }
            if period.is_none() && self.salary_period.is_empty() {
                problems.push(problem("salary.period", "choose per hour, month, year…"));
            }
            match (minimum, period) {
                (Some(minimum), Some(period)) => Some(SalaryExpectation {
                    currency: self.salary_currency.clone(),
                    minimum,
                    maximum,
                    period,
                }),
                _ => None,
            }
        };
        let notice_period = if self.notice_amount.is_empty() {
            None
        } else {
            match self.notice_amount.parse::<u32>() {
                Ok(amount) => Some(NoticePeriod {
                    amount,
                    unit: from_wire(&self.notice_unit, "noticePeriod.unit", &mut problems)
                        .unwrap_or(NoticeUnit::Weeks),
                }),
                Err(_) => {
                    problems.push(problem(
                        "noticePeriod.amount",
                        "enter a whole number of days or weeks",
                    ));
                    None
                }
            }
        };
        let earliest_start = match self.start.as_str() {
            "" => None,
            "immediately" => Some(StartDate::Immediately),
            _ => Some(StartDate::Date {
                date: self.start_date.clone(),
            }),
        };
        let relocation =
            from_wire(&self.relocation, "relocation.willing", &mut problems).map(|willing| {
                Relocation {
                    willing,
                    locations: self
                        .relocation_locations
                        .split(',')
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(str::to_owned)
                        .collect(),
                }
            });
        let bank = AnswerBank {
            work_authorization,
            needs_sponsorship: match self.needs_sponsorship.as_str() {
                "yes" => Some(true),
                "no" => Some(false),
                _ => None,
            },
            salary,
            notice_period,
            earliest_start,
            relocation,
            remote: from_wire(&self.remote, "remote", &mut problems),
            eeo: EeoAnswers {
                decline_by_default: self.eeo_decline_by_default,
                gender: from_wire(&self.eeo_gender, "eeo.gender", &mut problems),
                race_ethnicity: from_wire(
                    &self.eeo_race_ethnicity,
                    "eeo.raceEthnicity",
                    &mut problems,
                ),
                veteran: from_wire(&self.eeo_veteran, "eeo.veteran", &mut problems),
                disability: from_wire(&self.eeo_disability, "eeo.disability", &mut problems),
            },
        };
        if let Err(Problems(found)) = bank.validate() {
            problems.extend(found);
        }
        if problems.is_empty() {
            Ok(bank)
        } else {
            Err(Problems(problems))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
