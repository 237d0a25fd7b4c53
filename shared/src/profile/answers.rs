//! The typed answer bank: what a resume does not say but application forms ask. The form
//! planner takes work authorisation, sponsorship, salary and EEO answers from here only, so
//! every value is typed and an unanswered key stays `None` (the planner's "unknown").

use serde::{Deserialize, Serialize};

use super::countries::is_country_code;
use super::dates::is_iso_date;
use super::{FieldError, Problems};

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AnswerBank {
    /// One row per country; a country without a row is unknown.
    #[serde(default)]
    pub work_authorization: Vec<WorkAuthorization>,
    pub needs_sponsorship: Option<bool>,
    pub salary: Option<SalaryExpectation>,
    pub notice_period: Option<NoticePeriod>,
    pub earliest_start: Option<StartDate>,
    pub relocation: Option<Relocation>,
    pub remote: Option<RemotePreference>,
    #[serde(default)]
    pub eeo: EeoAnswers,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct WorkAuthorization {
    /// ISO 3166-1 alpha-2, upper case (`US`, `GB`, `DE`).
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Z]{2}$"))]
    pub country: String,
    pub status: WorkStatus,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WorkStatus {
    Citizen,
    PermanentResident,
    /// Authorised through a visa or permit that needs no new sponsorship.
    VisaHolder,
    NeedsSponsorship,
    NotAuthorized,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SalaryExpectation {
    /// ISO 4217 code, upper case (`USD`, `EUR`).
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Z]{3}$"))]
    pub currency: String,
    /// The amount asked for, or the lower end of a range.
    pub minimum: f64,
    /// The upper end of a range; absent for a single amount.
    pub maximum: Option<f64>,
    pub period: PayPeriod,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PayPeriod {
    Hour,
    Day,
    Week,
    Month,
    Year,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NoticePeriod {
    /// 0 means no notice to serve.
    pub amount: u32,
    pub unit: NoticeUnit,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NoticeUnit {
    Days,
    Weeks,
}

impl NoticePeriod {
    pub fn days(&self) -> u32 {
        match self.unit {
            NoticeUnit::Days => self.amount,
            NoticeUnit::Weeks => self.amount.saturating_mul(7),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum StartDate {
    Immediately,
    /// `YYYY-MM-DD`.
    Date {
        date: String,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Relocation {
    pub willing: Willingness,
    /// Places the user would move to; empty means anywhere (for `yes`) or unspecified.
    #[serde(default)]
    pub locations: Vec<String>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Willingness {
    Yes,
    No,
    /// Open to it for the right role.
    Open,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RemotePreference {
    Remote,
    Hybrid,
    Onsite,
    /// Any of the three.
    Flexible,
}

/// Voluntary self-identification (US EEO-1 categories). Every question has an explicit
/// `decline`; `decline_by_default` answers `decline` to every question left unanswered.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EeoAnswers {
    #[serde(default)]
    pub decline_by_default: bool,
    pub gender: Option<Gender>,
    pub race_ethnicity: Option<RaceEthnicity>,
    pub veteran: Option<VeteranStatus>,
    pub disability: Option<DisabilityStatus>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Female,
    Male,
    NonBinary,
    Decline,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RaceEthnicity {
    HispanicOrLatino,
    White,
    BlackOrAfricanAmerican,
    Asian,
    NativeHawaiianOrPacificIslander,
    AmericanIndianOrAlaskaNative,
    TwoOrMoreRaces,
    Decline,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VeteranStatus {
    ProtectedVeteran,
    NotAProtectedVeteran,
    Decline,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DisabilityStatus {
    Yes,
    No,
    Decline,
}

/// An EEO answer type with an explicit "decline to answer".
pub trait Declinable: Copy {
    const DECLINE: Self;
}

impl Declinable for Gender {
    const DECLINE: Self = Gender::Decline;
}
impl Declinable for RaceEthnicity {
    const DECLINE: Self = RaceEthnicity::Decline;
}
impl Declinable for VeteranStatus {
    const DECLINE: Self = VeteranStatus::Decline;
}
impl Declinable for DisabilityStatus {
    const DECLINE: Self = DisabilityStatus::Decline;
}

impl EeoAnswers {
    /// The answer to give: the user's own, else `decline` when they chose that default,
    /// else unknown. `eeo.resolve(eeo.gender)`.
    pub fn resolve<T: Declinable>(&self, answer: Option<T>) -> Option<T> {
        answer.or(self.decline_by_default.then_some(T::DECLINE))
    }
}

const MAX_COUNTRIES: usize = 50;
const MAX_LOCATIONS: usize = 20;
const MAX_LOCATION_CHARS: usize = 100;
/// More than this is a typo, not a salary or a rate.
const MAX_AMOUNT: f64 = 1e12;
const MAX_NOTICE_DAYS: u32 = 366;

impl AnswerBank {
    /// Parses and validates JSON; every problem names its field.
    pub fn parse(json: &str) -> Result<AnswerBank, Problems> {
        let bank: AnswerBank = super::parse_json(json)?;
        bank.validate()?;
        Ok(bank)
    }

    /// Checks values serde cannot: codes, amounts, dates, sizes. Reports all problems.
    pub fn validate(&self) -> Result<(), Problems> {
        self.validate_at("")
    }

    pub(super) fn validate_at(&self, prefix: &str) -> Result<(), Problems> {
        let mut problems = Vec::new();
        let mut push = |path: String, message: String| {
            problems.push(FieldError {
                path: format!("{prefix}{path}"),
                message,
            })
        };
        if self.work_authorization.len() > MAX_COUNTRIES {
            push(
                "workAuthorization".into(),
                format!("at most {MAX_COUNTRIES} countries"),
            );
        }
        for (i, row) in self.work_authorization.iter().enumerate() {
            if !is_country_code(&row.country) {
                push(
                    format!("workAuthorization[{i}].country"),
                    format!(
                        "{:?} is not an ISO 3166-1 alpha-2 country code (two capital letters, e.g. US, GB, DE)",
                        row.country
                    ),
                );
            } else if self.work_authorization[..i]
                .iter()
                .any(|earlier| earlier.country == row.country)
            {
                push(
                    format!("workAuthorization[{i}].country"),
                    format!("{} is listed twice", row.country),
                );
            }
        }
        if let Some(salary) = &self.salary {
            if !is_currency_code(&salary.currency) {
                push(
                    "salary.currency".into(),
                    format!(
                        "{:?} is not an ISO 4217 currency code (three capital letters, e.g. USD, EUR)",
                        salary.currency
                    ),
                );
            }
            let positive = |amount: f64| amount.is_finite() && amount > 0.0 && amount < MAX_AMOUNT;
            if !positive(salary.minimum) {
                push("salary.minimum".into(), "must be a positive amount".into());
            }
            match salary.maximum {
                Some(maximum) if !positive(maximum) => {
                    push("salary.maximum".into(), "must be a positive amount".into());
                }
                Some(maximum) if maximum < salary.minimum => push(
                    "salary.maximum".into(),
                    "must not be below the minimum".into(),
                ),
                _ => {}
            }
        }
        if let Some(notice) = &self.notice_period
            && notice.days() > MAX_NOTICE_DAYS
        {
            push(
                "noticePeriod.amount".into(),
                format!("at most {MAX_NOTICE_DAYS} days (a year)"),
            );
        }
        if let Some(StartDate::Date { date }) = &self.earliest_start
            && !is_iso_date(date)
        {
            push(
                "earliestStart.date".into(),
                format!("{date:?} is not a date written YYYY-MM-DD"),
            );
        }
        if let Some(relocation) = &self.relocation {
            if relocation.locations.len() > MAX_LOCATIONS {
                push(
                    "relocation.locations".into(),
                    format!("at most {MAX_LOCATIONS} locations"),
                );
            }
            for (i, location) in relocation.locations.iter().enumerate() {
                let chars = location.trim().chars().count();
                if chars == 0 || chars > MAX_LOCATION_CHARS {
                    push(
                        format!("relocation.locations[{i}]"),
                        format!("must be 1 to {MAX_LOCATION_CHARS} characters"),
                    );
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(Problems(problems))
        }
    }
}

/// The shape of an ISO 4217 code. The list changes too often to pin here.
fn is_currency_code(code: &str) -> bool {
    code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())
}
