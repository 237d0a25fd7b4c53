//! Durable background jobs (`/api/v1/jobs`).

use serde::{Deserialize, Serialize};

/// A job as the dashboard and the extension see it (the payload stays on the server).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct JobInfo {
    pub id: i64,
    pub kind: String,
    /// queued, running, succeeded, dead or cancelled.
    pub state: String,
    pub attempt: i64,
    pub max_attempts: i64,
    pub cancel_requested: bool,
    pub last_error: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub progress: Option<serde_json::Value>,
    /// Unix milliseconds.
    pub run_at: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub finished_at: Option<i64>,
    /// Set for applies (jobs acting on a job site).
    pub platform: Option<String>,
    /// The first claim; with `finishedAt`, the job's duration.
    pub started_at: Option<i64>,
}
