//! Applications and their timelines (`/api/v1/applications`).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Application {
    pub id: i64,
    pub company: String,
    pub title: String,
    pub job_url: String,
    /// agent, magic_link, manual or email.
    pub source: String,
    /// applied, confirmed, assessment, interviewing, offer, rejected or withdrawn.
    pub status: String,
    pub agent_request_id: Option<i64>,
    /// Unix milliseconds.
    pub created_at: i64,
    pub updated_at: i64,
}

/// One entry of an application's timeline.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TimelineEntry {
    pub id: i64,
    /// `created` or `status`.
    pub kind: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub note: Option<String>,
    /// Unix milliseconds.
    pub at: i64,
}

/// An application the user adds by hand (or mail parsing finds).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NewApplication {
    pub company: String,
    pub title: String,
    pub job_url: String,
    /// Defaults to applied.
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// `GET /api/v1/applications?status=`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "openapi",
    derive(utoipa::IntoParams),
    into_params(parameter_in = Query)
)]
pub struct ApplicationsQuery {
    /// Only applications in this status.
    pub status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StatusBody {
    /// applied, confirmed, assessment, interviewing, offer, rejected or withdrawn.
    pub status: String,
    #[serde(default)]
    pub note: Option<String>,
}
