//! The job boards polled for new postings (`/api/v1/watchlist`).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Vendor {
    Greenhouse,
    Lever,
    Ashby,
}

impl Vendor {
    pub fn as_str(self) -> &'static str {
        match self {
            Vendor::Greenhouse => "greenhouse",
            Vendor::Lever => "lever",
            Vendor::Ashby => "ashby",
        }
    }

    pub fn parse(text: &str) -> Option<Vendor> {
        match text {
            "greenhouse" => Some(Vendor::Greenhouse),
            "lever" => Some(Vendor::Lever),
            "ashby" => Some(Vendor::Ashby),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct WatchInfo {
    pub id: i64,
    pub vendor: Vendor,
    /// The board token (Greenhouse) or company slug (Lever, Ashby).
    pub board: String,
    pub created_at: i64,
    pub last_polled_at: Option<i64>,
    /// Why the last poll of this board failed, if it did.
    pub last_error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WatchRequest {
    pub vendor: Vendor,
    pub board: String,
}

// `Queued`'s shape (mail) again: one type would merge two schemas of the OpenAPI document,
// each with its own description of the job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PollQueued {
    /// Follow it at `/api/v1/jobs/{jobId}`.
    pub job_id: i64,
}
