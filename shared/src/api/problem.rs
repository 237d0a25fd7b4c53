//! Error responses.

use serde::{Deserialize, Serialize};

/// RFC 9457 problem details: the body of every error response.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    /// A stable URI naming the kind of problem, e.g. `urn:autoresume:problem:token-revoked`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// For 422 on a document (resume, answer bank, import): every problem, by JSON path.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<crate::profile::FieldError>,
}

/// Problem type URIs the extension reacts to.
pub mod problem_types {
    pub const UNAUTHORIZED: &str = "urn:autoresume:problem:unauthorized";
    pub const TOKEN_REVOKED: &str = "urn:autoresume:problem:token-revoked";
    pub const PAIRING_CODE_INVALID: &str = "urn:autoresume:problem:pairing-code-invalid";
}
