//! The planner's answer: per field a type, a value and where the value came from.

use serde::{Deserialize, Serialize};

use super::field_type::FieldType;
use super::snapshot::{Blocker, ControlKind, FieldOption};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct FormPlan {
    pub url: String,
    pub title: String,
    pub fields: Vec<PlannedField>,
    pub blockers: Vec<Blocker>,
    /// A blocker needs a person (captcha, sign-in, account, no form): no unattended apply.
    pub blocked: bool,
    /// 0..=1: how far the planned answers can be trusted to complete the form as the user would.
    pub confidence: f64,
    /// Required fields without an answer (a draft counts as none until the user approves it).
    pub unknown_required: Vec<FieldRef>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldRef {
    pub selector: String,
    pub label: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PlannedField {
    pub selector: String,
    pub label: String,
    pub kind: ControlKind,
    pub required: bool,
    pub field_type: FieldType,
    /// How sure the planner is of the type, before looking for a value.
    pub type_confidence: f64,
    pub value: Option<PlannedValue>,
    pub source: Source,
    /// 0..=1 for the value as planned; 0 without one.
    pub confidence: f64,
    /// Nobody can see it on the page (`sight::visible`): never filled.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub hidden: bool,
}

impl PlannedField {
    /// A field a person would fill: neither a bot trap nor hidden from them. Only these count
    /// towards the form's confidence and its unknown required fields.
    pub fn fillable(&self) -> bool {
        !self.hidden && self.field_type != FieldType::Honeypot
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PlannedValue {
    /// Typed into a text control; for a choice whose options the page has not rendered yet,
    /// the answer to look for when it opens.
    Text {
        text: String,
    },
    /// One of the options the form offers.
    Choice {
        value: String,
        text: String,
    },
    Checked {
        checked: bool,
    },
    /// A document to attach.
    File {
        document: Document,
    },
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Document {
    ResumePdf,
}

impl PlannedValue {
    pub fn choice(option: &FieldOption) -> PlannedValue {
        PlannedValue::Choice {
            value: option.value.clone(),
            text: option.text.clone(),
        }
    }

    /// One line for tables and comparisons: the text, the option's text, `true`, `resume_pdf`.
    pub fn display(&self) -> String {
        match self {
            PlannedValue::Text { text } | PlannedValue::Choice { text, .. } => text.clone(),
            PlannedValue::Checked { checked } => checked.to_string(),
            PlannedValue::File {
                document: Document::ResumePdf,
            } => "resume_pdf".into(),
        }
    }
}

/// Where a value came from. Work authorisation, sponsorship, salary and EEO answers only ever
/// come from `answer_bank`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    /// A JSON Resume path such as `basics.email` or `basics.profiles[1].url`.
    Resume {
        path: String,
    },
    /// A typed answer-bank key such as `workAuthorization.US` or `eeo.gender`.
    AnswerBank {
        key: String,
    },
    /// A stored answer to a recurring question.
    FreeAnswer {
        question: String,
    },
    /// The stored resume PDF.
    Document,
    /// A question for the applicant's own words with no stored answer: a draft to write.
    NeedsDraft,
    Unknown,
    /// Never filled (a honeypot, a password, a hidden field).
    NeverFill {
        reason: String,
    },
}

impl Source {
    pub fn resume(path: impl Into<String>) -> Source {
        Source::Resume { path: path.into() }
    }

    pub fn bank(key: impl Into<String>) -> Source {
        Source::AnswerBank { key: key.into() }
    }

    /// One short word for tables: `resume`, `answer_bank`, …
    pub fn display(&self) -> String {
        match self {
            Source::Resume { path } => format!("resume:{path}"),
            Source::AnswerBank { key } => format!("answers:{key}"),
            Source::FreeAnswer { .. } => "free_answer".into(),
            Source::Document => "resume_pdf".into(),
            Source::NeedsDraft => "needs_draft".into(),
            Source::Unknown => "unknown".into(),
            Source::NeverFill { .. } => "never_fill".into(),
        }
    }
}
