//! The approval queue (`/api/v1/agent-requests`): what the agent wants to apply to, the
//! planned answers and form, and the user's decisions.

use serde::{Deserialize, Serialize};

use crate::forms::{Blocker, FieldType};

/// One planned answer on the application form and where it came from. Answers planned from
/// the posting's form (`form` on the request) carry the planner's type, confidence and
/// required flag; answers added by hand carry only the first four fields.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Answer {
    /// The form field: for planned answers the CSS selector that finds its control (every
    /// member of a radio or checkbox group) with `querySelectorAll`; for answers added by
    /// hand a key made from the label.
    pub field: String,
    /// What the form calls it.
    pub label: String,
    /// The value as text: what to type, the option's text to pick, `true`/`false` for a
    /// checkbox, `resume_pdf` for the resume file input; empty when unknown.
    pub value: String,
    /// Where the value came from: `resume:<JSON Resume path>`, `answers:<answer-bank key>`,
    /// `free_answer:<stored question>`, `resume_pdf`, `draft` (written by the model),
    /// `unknown`, or `you` (typed or changed by the user).
    pub source: String,
    /// The planner's semantic type of the field (`email`, `work_authorization`, ...).
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub field_type: Option<FieldType>,
    /// 0..=1: how far the value can be used as is (0 for unknown and unapproved drafts, 1
    /// for what the user wrote or approved).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f64>,
    /// The form requires the field.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
    /// A model's draft the user has not approved yet: never fill it, and the request cannot
    /// be approved, until the user approves or edits it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub draft: bool,
}

/// A request as the dashboard, the popup and the events carry it: everything a card shows.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AgentRequest {
    pub id: i64,
    pub posting_id: Option<i64>,
    pub company: String,
    pub title: String,
    pub job_url: String,
    /// 0 to 1.
    pub confidence: f64,
    /// Why the agent is this confident, one reason a line.
    pub confidence_reasons: Vec<String>,
    pub answers: Vec<Answer>,
    /// The resume to send (a file name or reference); none means the profile's resume PDF.
    pub resume: Option<String>,
    /// pending, approved, applying, applied, needs_you, failed, declined or expired.
    pub state: String,
    /// Bumped by every change; send it back to edit, approve or decline.
    pub version: i64,
    pub application_id: Option<i64>,
    /// Unix milliseconds.
    pub created_at: i64,
    pub updated_at: i64,
    pub decided_at: Option<i64>,
    /// The posting's application form as planned; absent until the plan job has run (or
    /// when it could not load the page: see the job's error).
    pub form: Option<FormSummary>,
    /// The agent's run stops before the final click (a dry run): it ends in needs_you,
    /// "ready to submit", with its evidence.
    #[serde(default)]
    pub dry_run: bool,
    /// Why the request needs you (state needs_you).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<NeedsYouReason>,
    /// The run's last step, while the agent applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<ApplyProgress>,
}

/// Why a request needs the user.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NeedsYouReason {
    /// `ready_to_submit` (a dry run ended: Submit now or finish in your tab),
    /// `may_have_been_submitted`, `captcha`, `sign_in`, `session_expired`, `unanswered`,
    /// `changed`, `hidden`, `unexpected_page`, `no_form`, `form_errors`, `unsure`,
    /// `run_failed`, `cancelled`.
    pub code: String,
    /// The reason in a sentence.
    pub text: String,
}

/// The code of a dry run that ended before the final click; only such a request can be
/// submitted by the agent from its card (Submit now).
pub const READY_TO_SUBMIT: &str = "ready_to_submit";

/// A step of the agent's run ("filling 12 of 14 fields").
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ApplyProgress {
    /// The step's name (`open`, `fill`, `attach`, `review`, `submit`, ...).
    pub step: String,
    /// The step in words.
    pub text: String,
    pub done: u32,
    pub total: u32,
}

/// `POST /api/v1/agent-requests/{id}/approve`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ApproveBody {
    /// The version the caller saw (a different one is a 409); absent: whatever it is now.
    #[serde(default)]
    pub version: Option<i64>,
    /// Stop before the final click; absent: the user's setting (`dryRun` of
    /// `/api/v1/agent`, on by default).
    #[serde(default)]
    pub dry_run: Option<bool>,
}

/// Evidence an apply run left on a request (`/api/v1/agent-requests/{id}/artifacts`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Artifact {
    pub id: i64,
    /// `screenshot` (PNG), `log` (the step log, text) or `final_url` (text).
    pub kind: String,
    pub name: String,
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    /// The run's job and attempt.
    pub job_id: i64,
    pub attempt: i64,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// The posting's application form as planned, beside the answers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct FormSummary {
    /// The application page that was loaded and planned.
    pub url: String,
    /// What stops an unattended apply (captcha, sign-in, ...) or makes it harder.
    pub blockers: Vec<Blocker>,
    /// A blocker needs a person: only the magic link (the user's own tab) can finish it.
    pub blocked: bool,
    /// 0..=1: how far the answers complete the form as the user would, recomputed after
    /// every edit (unknown required fields and unapproved drafts lower it).
    pub confidence: f64,
    /// The match step's score; the card's confidence is this times the form's.
    pub match_score: f64,
    pub match_reasons: Vec<String>,
    /// Why the free-text answers were not drafted (the model failed); the plan job retries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft_error: Option<String>,
    /// Unix milliseconds.
    pub planned_at: i64,
}

/// `GET /api/v1/agent-requests?state=`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct AgentRequestsQuery {
    /// Only requests in this state (pending, approved, applying, applied, needs_you, failed,
    /// declined, expired).
    pub state: Option<String>,
}

/// "Ask the agent to apply to this posting": a request the user proposes by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ProposeBody {
    /// An http(s) URL.
    pub job_url: String,
    pub company: String,
    pub title: String,
}

/// The version the caller saw; a different current version is a 409. Leave it out to act
/// on whatever the request is now.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct DecisionBody {
    #[serde(default)]
    pub version: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EditBody {
    /// The version being edited.
    pub version: i64,
    pub answers: Vec<Answer>,
    /// None: the profile's resume PDF.
    #[serde(default)]
    pub resume: Option<String>,
    /// Fields (an answer's `field`) whose model drafts the user approves as written. A draft
    /// whose value the body changes becomes the user's own answer without this.
    #[serde(default)]
    pub approve_drafts: Vec<String>,
}
