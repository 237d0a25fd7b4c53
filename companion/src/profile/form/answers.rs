//! The answer bank as a typed form.

use serde_json::Value;
use shared::profile::answers::*;
use shared::profile::{AnswerBank, FieldError, Problems};

use super::{field, fields, problem};

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
