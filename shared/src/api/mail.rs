//! Recruiting mail (`/api/v1/mail`): stored messages and what the classifier made of them.

use serde::{Deserialize, Serialize};

/// A stored message as the API, the Inbox page and events show it (never its bytes).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MailMessage {
    pub id: i64,
    /// sendgrid, mailgun, postmark, upload or import.
    pub source: String,
    /// The Message-ID header, without angle brackets.
    pub message_id: Option<String>,
    /// Unix milliseconds.
    pub received_at: i64,
    /// pending (not read yet), parsed or unparseable (kept raw, see `parseError`).
    pub parse_state: String,
    pub parse_error: Option<String>,
    /// The original sender and subject (a forward is unwrapped).
    pub from_name: Option<String>,
    pub from_address: Option<String>,
    pub subject: Option<String>,
    /// rejection, interview, offer, confirmation, assessment or other.
    pub category: Option<String>,
    pub company: Option<String>,
    pub role: Option<String>,
    /// From -1 (bad news) to 1 (good news).
    pub sentiment: Option<f64>,
    /// The classification rules that fired.
    pub rules: Vec<String>,
    /// The application this message was linked to.
    pub application_id: Option<i64>,
    pub classified_at: Option<i64>,
    /// Size of the raw message in bytes.
    pub size: i64,
}

/// What storing one message did.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Received {
    /// The stored message (the earlier one for a duplicate).
    pub id: i64,
    /// True when the message was there already (same Message-ID, or the same bytes for a
    /// message without one) and was not stored again.
    pub duplicate: bool,
    pub detail: String,
}

/// `GET /api/v1/mail?category=`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct MailQuery {
    /// Only messages of this category.
    pub category: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Queued {
    /// The `mail.classify` job (see `/api/v1/jobs/{job_id}`).
    pub job_id: i64,
}
