//! The one place where the crate's [`Error`] meets HTTP: its status code and its RFC 9457
//! problem body. Internal details are logged, never sent.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use shared::api::{Problem, problem_types};

use crate::error::Error;

pub fn status(error: &Error) -> StatusCode {
    match error {
        Error::BadRequest(_) | Error::HostNotAllowed => StatusCode::BAD_REQUEST,
        Error::Unauthorized
        | Error::TokenRevoked
        | Error::PairingCodeInvalid
        | Error::NotVerified(_) => StatusCode::UNAUTHORIZED,
        Error::Forbidden(_) => StatusCode::FORBIDDEN,
        Error::NotFound => StatusCode::NOT_FOUND,
        Error::Conflict(_) | Error::StaleVersion { .. } => StatusCode::CONFLICT,
        Error::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
        Error::TimedOut(_) => StatusCode::REQUEST_TIMEOUT,
        Error::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        Error::Unprocessable(_) | Error::Invalid { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        Error::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
        Error::Upstream(_) => StatusCode::BAD_GATEWAY,
        Error::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
        Error::Config(_) | Error::Database(_) | Error::Migrate(_) | Error::Internal(_) => {
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}

/// The problem type of a status, for errors the framework produces (a 405, a body cut off
/// by its limit) and for ours alike, so a client sees one type per kind of refusal.
fn status_slug(status: StatusCode) -> Option<&'static str> {
    Some(match status {
        StatusCode::BAD_REQUEST => "bad-request",
        StatusCode::UNAUTHORIZED => "unauthorized",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::NOT_FOUND => "not-found",
        StatusCode::METHOD_NOT_ALLOWED => "method-not-allowed",
        StatusCode::CONFLICT => "conflict",
        StatusCode::REQUEST_TIMEOUT => "request-timeout",
        StatusCode::PAYLOAD_TOO_LARGE => "payload-too-large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported-media-type",
        StatusCode::UNPROCESSABLE_ENTITY => "unprocessable",
        StatusCode::TOO_MANY_REQUESTS => "rate-limited",
        StatusCode::BAD_GATEWAY => "upstream",
        StatusCode::SERVICE_UNAVAILABLE => "busy",
        _ => return None,
    })
}

fn slug(error: &Error) -> &'static str {
    match error {
        Error::TokenRevoked => "token-revoked",
        Error::PairingCodeInvalid => "pairing-code-invalid",
        // A provider's webhook failed its check: not a user who should log in again.
        Error::NotVerified(_) => "not-verified",
        Error::Invalid { .. } => "invalid",
        Error::StaleVersion { .. } => "stale-version",
        Error::HostNotAllowed => "host-not-allowed",
        Error::Config(_) | Error::Database(_) | Error::Migrate(_) | Error::Internal(_) => {
            "internal"
        }
        other => status_slug(status(other)).unwrap_or("bad-request"),
    }
}

pub fn problem(error: &Error) -> Problem {
    let status = status(error);
    let detail = if status.is_server_error() && !matches!(error, Error::Busy(_)) {
        "the companion hit an internal error; its log has the details".to_owned()
    } else {
        error.to_string()
    };
    let kind = match error {
        Error::Unauthorized => problem_types::UNAUTHORIZED.to_owned(),
        Error::TokenRevoked => problem_types::TOKEN_REVOKED.to_owned(),
        Error::PairingCodeInvalid => problem_types::PAIRING_CODE_INVALID.to_owned(),
        other => kind(slug(other)),
    };
    Problem {
        kind,
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail,
        errors: match error {
            Error::Invalid { errors, .. } => errors.clone(),
            _ => Vec::new(),
        },
    }
}

fn kind(slug: &str) -> String {
    format!("urn:autoresume:problem:{slug}")
}

/// A problem for a bare status (framework errors: 405, extractor rejections, limits), typed
/// like our own errors of that status.
pub fn status_problem(status: StatusCode, detail: String) -> Problem {
    let slug = status_slug(status).map_or_else(|| format!("http-{}", status.as_u16()), Into::into);
    Problem {
        kind: kind(&slug),
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail,
        errors: Vec::new(),
    }
}

/// The answer to a method a route does not have.
pub async fn method_not_allowed() -> Response {
    problem_response(&status_problem(
        StatusCode::METHOD_NOT_ALLOWED,
        "method not allowed on this route".into(),
    ))
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

/// How long a caller turned away with 503 should wait; mail providers retry on their own.
const RETRY_AFTER_SECS: &str = "5";

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = status(&self);
        if let Error::Busy(_) = self {
            tracing::warn!(error = %self, "request turned away");
            let mut response = problem_response(&problem(&self));
            response.headers_mut().insert(
                header::RETRY_AFTER,
                header::HeaderValue::from_static(RETRY_AFTER_SECS),
            );
            return response;
        }
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        if let Error::StaleVersion { current } = self {
            // An RFC 9457 extension member, so a client can reload or retry at that version.
            let mut body = serde_json::to_value(problem(&self)).unwrap_or_default();
            body["currentVersion"] = current.into();
            return (
                status,
                [(header::CONTENT_TYPE, "application/problem+json")],
                body.to_string(),
            )
                .into_response();
        }
        problem_response(&problem(&self))
    }
}

/// A multipart body that could not be read: too large, or malformed.
pub fn unreadable_multipart(error: axum::extract::multipart::MultipartError) -> Error {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        Error::TooLarge(error.body_text())
    } else {
        Error::BadRequest(error.body_text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Error::is_client_error` (what jobs and imports go by) and the status sent agree.
    #[test]
    fn client_errors_are_4xx() {
        let errors = [
            Error::BadRequest(String::new()),
            Error::Unauthorized,
            Error::TokenRevoked,
            Error::PairingCodeInvalid,
            Error::Forbidden(String::new()),
            Error::NotFound,
            Error::Conflict(String::new()),
            Error::StaleVersion { current: 1 },
            Error::Unprocessable(String::new()),
            Error::TooLarge(String::new()),
            Error::TimedOut(String::new()),
            Error::UnsupportedMediaType(String::new()),
            Error::NotVerified(String::new()),
            Error::Upstream(String::new()),
            Error::Busy(String::new()),
            Error::TooManyRequests,
            Error::HostNotAllowed,
            Error::Config(String::new()),
            Error::Internal(String::new()),
            Error::Database(sqlx::Error::RowNotFound),
        ];
        for error in errors {
            assert_eq!(
                status(&error).is_client_error(),
                error.is_client_error(),
                "{error:?}"
            );
        }
    }
}
