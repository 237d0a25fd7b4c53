//! The cookie module's one error type. Messages name positions and causes, never values.

use core::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CookieError {
    #[error("the cookie export is empty")]
    Empty,
    #[error(
        "the cookie export is in no format we read: browser, EditThisCookie or Cookie-Editor JSON, Netscape cookies.txt, or a Cookie: header"
    )]
    UnrecognisedFormat,
    #[error("the JSON cookie export is invalid at line {line}, column {column}: {cause}")]
    Json {
        line: usize,
        column: usize,
        cause: &'static str,
    },
    #[error("the cookie export holds no usable cookie{}", skipped_summary(.skipped))]
    NoCookies { skipped: Vec<Skipped> },
    #[error("a Cookie: header does not say which site it belongs to: give its domain")]
    MissingDomain,
    #[error("part {index} of the Cookie: header is not name=value")]
    InvalidHeaderPair { index: usize },
    #[error("{0:?} is not a domain name")]
    InvalidDomain(String),
    #[error(
        "unknown platform {0:?}: expected linkedin, indeed, glassdoor, workday or custom:<domain>"
    )]
    UnknownPlatform(String),
    #[error("the cookie jar could not be written as JSON")]
    Serialize,
}

fn skipped_summary(skipped: &[Skipped]) -> String {
    match skipped.first() {
        None => String::new(),
        Some(first) => format!(
            ": {} entr{} skipped, the first because {}",
            skipped.len(),
            if skipped.len() == 1 {
                "y was"
            } else {
                "ies were"
            },
            first
        ),
    }
}

/// An entry of an export that was left out, and why. `position` is the 1-based line of a
/// cookies.txt file or the 1-based index of a cookie in a JSON array.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub position: usize,
    pub reason: SkipReason,
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "entry {} {}", self.position, self.reason)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SkipReason {
    #[error("has {0} tab-separated fields instead of 7")]
    FieldCount(usize),
    #[error("has a {0} flag that is neither TRUE nor FALSE")]
    BadFlag(&'static str),
    #[error("has an expiry that is not a time in seconds")]
    BadExpiry,
    #[error("has an empty name")]
    EmptyName,
    #[error("has no valid domain")]
    BadDomain,
}
