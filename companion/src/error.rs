//! The companion's one error type. It knows nothing of HTTP: `http::problem` turns every
//! variant into a status and an RFC 9457 problem body, so that capabilities, jobs and the
//! command line share it. No variant carries a secret.

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
    /// The input is well-formed but cannot be used (a job URL that is not http, a file that is
    /// not a PDF).
    #[error("{0}")]
    Unprocessable(String),
    #[error("{0}")]
    TooLarge(String),
    /// The caller stopped sending its request body (408).
    #[error("{0}")]
    TimedOut(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// A caller that is not a user (a mail provider's webhook) failed its check; the detail
    /// says which, since the provider's delivery log shows it.
    #[error("{0}")]
    NotVerified(String),
    /// A server someone else runs (a job board, a posting's page) failed or refused.
    #[error("{0}")]
    Upstream(String),
    /// A document that parsed but breaks its schema or rules: 422 with every problem.
    #[error("{detail}")]
    Invalid {
        detail: String,
        errors: Vec<shared::profile::FieldError>,
    },
    /// Too much work of this kind is in flight (large bodies being read); try again shortly.
    #[error("{0}")]
    Busy(String),
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
    /// Whether the caller's input caused it (retrying the same input fails the same way),
    /// as opposed to this companion, its database or a server it called.
    pub fn is_client_error(&self) -> bool {
        !matches!(
            self,
            Error::Upstream(_)
                | Error::Busy(_)
                | Error::Config(_)
                | Error::Database(_)
                | Error::Migrate(_)
                | Error::Internal(_)
        )
    }
}
