//! The companion's one error type. Every variant becomes an RFC 9457 problem response;
//! internal details are logged, never sent, and no variant carries a secret.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use shared::api::{Problem, problem_types};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    BadRequest(String),
    #[error("authentication required: send a device token or log in")]
    Unauthorized,
    #[error("this device token was revoked; pair the extension again")]
    TokenRevoked,
    #[error("the pairing code is wrong, expired or already used; create a new one")]
    PairingCodeInvalid,
    #[error("{0}")]
    Forbidden(String),
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    /// An edit based on an older version; the body names the current one.
    #[error("this was changed meanwhile (now at version {current}); reload and try again")]
    StaleVersion { current: i64 },
    #[error("{detail}")]
    Rejected { status: StatusCode, detail: String },
    /// A document that parsed but breaks its schema or rules: 422 with every problem.
    #[error("{detail}")]
    Invalid {
        detail: String,
        errors: Vec<shared::profile::FieldError>,
    },
    #[error("too many attempts; wait a minute and try again")]
    TooManyRequests,
    #[error(
        "this Host header is not allowed; add it to COMPANION_ALLOWED_HOSTS if you use another name"
    )]
    HostNotAllowed,
    #[error("configuration: {0}")]
    Config(String),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Internal(String),
}

impl Error {
    /// `what` names the document ("the resume", "the answer bank").
    pub fn invalid(what: &str, problems: shared::profile::Problems) -> Error {
        let count = problems.0.len();
        let plural = if count == 1 { "" } else { "s" };
        Error::Invalid {
            detail: format!("{what} has {count} problem{plural}: {problems}"),
            errors: problems.0,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn status(&self) -> StatusCode {
        match self {
            Error::BadRequest(_) | Error::HostNotAllowed => StatusCode::BAD_REQUEST,
            Error::Unauthorized | Error::TokenRevoked | Error::PairingCodeInvalid => {
                StatusCode::UNAUTHORIZED
            }
            Error::Forbidden(_) => StatusCode::FORBIDDEN,
            Error::NotFound => StatusCode::NOT_FOUND,
            Error::Conflict(_) | Error::StaleVersion { .. } => StatusCode::CONFLICT,
            Error::Rejected { status, .. } => *status,
            Error::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Error::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            Error::Config(_) | Error::Database(_) | Error::Migrate(_) | Error::Internal(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    fn slug(&self) -> &'static str {
        match self {
            Error::BadRequest(_) | Error::Rejected { .. } => "bad-request",
            Error::Unauthorized => "unauthorized",
            Error::TokenRevoked => "token-revoked",
            Error::PairingCodeInvalid => "pairing-code-invalid",
            Error::Forbidden(_) => "forbidden",
            Error::NotFound => "not-found",
            Error::Conflict(_) => "conflict",
            Error::Invalid { .. } => "invalid",
            Error::StaleVersion { .. } => "stale-version",
            Error::TooManyRequests => "rate-limited",
            Error::HostNotAllowed => "host-not-allowed",
            _ => "internal",
        }
    }

    pub fn problem(&self) -> Problem {
        let status = self.status();
        let detail = if status.is_server_error() {
            "the companion hit an internal error; its log has the details".to_owned()
        } else {
            self.to_string()
        };
        let kind = match self {
            Error::Unauthorized => problem_types::UNAUTHORIZED.to_owned(),
            Error::TokenRevoked => problem_types::TOKEN_REVOKED.to_owned(),
            Error::PairingCodeInvalid => problem_types::PAIRING_CODE_INVALID.to_owned(),
            other => format!("urn:autoresume:problem:{}", other.slug()),
        };
        Problem {
            kind,
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail,
            errors: match self {
                Error::Invalid { errors, .. } => errors.clone(),
                _ => Vec::new(),
            },
        }
    }
}

/// Writes a problem body; used by [`Error`] and by middleware that rewrites bare framework errors.
pub fn problem_response(problem: &Problem) -> Response {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_vec(problem).unwrap_or_default();
    (
        status,
        [(header::CONTENT_TYPE, "application/problem+json")],
        body,
    )
        .into_response()
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        if self.status().is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        if let Error::StaleVersion { current } = self {
            // An RFC 9457 extension member, so a client can reload or retry at that version.
            let mut body = serde_json::to_value(self.problem()).unwrap_or_default();
            body["currentVersion"] = current.into();
            return (
                self.status(),
                [(header::CONTENT_TYPE, "application/problem+json")],
                body.to_string(),
            )
                .into_response();
        }
        problem_response(&self.problem())
    }
}
