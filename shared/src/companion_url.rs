//! Validation of the companion address a user types into the extension.

use std::net::IpAddr;
use url::{Host, Url};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CompanionUrlError {
    #[error("not a valid URL: {0}")]
    Invalid(String),
    #[error(
        "the companion address must start with https:// (http:// is allowed only for 127.0.0.1, ::1 and localhost)"
    )]
    InsecureRemote,
    #[error("the companion address must not contain a user name or password")]
    Credentials,
}

fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(name) => name.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
        Host::Ipv6(ip) => IpAddr::V6(*ip).is_loopback(),
    }
}

/// Parses what the user typed and returns the companion's origin (`scheme://host[:port]`).
/// Plain `http://` would expose the device token on the network, so it is refused unless
/// the companion is on this machine.
pub fn normalize(input: &str) -> Result<String, CompanionUrlError> {
    let trimmed = input.trim();
    let with_scheme = if trimmed.contains("://") {
        trimmed.to_owned()
    } else {
        format!("http://{trimmed}")
    };
    let url = Url::parse(&with_scheme).map_err(|e| CompanionUrlError::Invalid(e.to_string()))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(CompanionUrlError::Credentials);
    }
    let host = url
        .host()
        .ok_or_else(|| CompanionUrlError::Invalid("the address has no host".to_owned()))?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&host) => {}
        "http" => return Err(CompanionUrlError::InsecureRemote),
        other => {
            return Err(CompanionUrlError::Invalid(format!(
                "unsupported scheme {other}"
            )));
        }
    }
    Ok(url.origin().ascii_serialization())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_loopback_http_and_any_https() {
        assert_eq!(
            normalize("http://127.0.0.1:8787/").as_deref(),
            Ok("http://127.0.0.1:8787")
        );
        assert_eq!(
            normalize("localhost:8787").as_deref(),
            Ok("http://localhost:8787")
        );
        assert_eq!(
            normalize("http://[::1]:9000/x?y").as_deref(),
            Ok("http://[::1]:9000")
        );
        assert_eq!(
            normalize("https://jobs.example.org").as_deref(),
            Ok("https://jobs.example.org")
        );
    }

    #[test]
    fn refuses_remote_http_credentials_and_junk() {
        assert_eq!(
            normalize("http://192.168.1.5:8787"),
            Err(CompanionUrlError::InsecureRemote)
        );
        assert_eq!(
            normalize("http://example.org"),
            Err(CompanionUrlError::InsecureRemote)
        );
        assert_eq!(
            normalize("https://a:b@example.org"),
            Err(CompanionUrlError::Credentials)
        );
        assert!(matches!(
            normalize("ftp://127.0.0.1"),
            Err(CompanionUrlError::Invalid(_))
        ));
        assert!(matches!(
            normalize("http://"),
            Err(CompanionUrlError::Invalid(_))
        ));
    }
}
