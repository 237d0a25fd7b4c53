//! Validation of the companion address a user types into the extension.
//!
//! The rules run on a URL a WHATWG parser has already taken apart: natively the `url` crate's,
//! in the extension the browser's own `URL`. Both do full IDNA; the WASM build leaves `url` out
//! because its Unicode tables were most of the extension's download.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

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

/// The parts of a parsed URL the rules look at, as WHATWG parsers serialise them.
#[derive(Debug, Clone, Copy)]
pub struct ParsedUrl<'a> {
    /// Without the trailing `:`.
    pub scheme: &'a str,
    pub username: &'a str,
    pub password: &'a str,
    /// A punycode domain, a dotted IPv4 address or a bracketed IPv6 address; empty if none.
    pub host: &'a str,
    /// `scheme://host[:port]`, the default port left out.
    pub origin: &'a str,
}

/// What to give the parser: the input trimmed, with `http://` in front when it has no scheme.
pub fn with_scheme(input: &str) -> String {
    let trimmed = input.trim();
    if trimmed.contains("://") {
        trimmed.to_owned()
    } else {
        format!("http://{trimmed}")
    }
}

/// The parser has already turned every spelling of an address (`0x7f.1`, `[0::1]`) into this
/// one form, so plain string parsing is enough here.
fn is_loopback(host: &str) -> bool {
    if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return v6
            .parse::<Ipv6Addr>()
            .is_ok_and(|ip| IpAddr::V6(ip).is_loopback());
    }
    match host.parse::<Ipv4Addr>() {
        Ok(ip) => IpAddr::V4(ip).is_loopback(),
        Err(_) => host.eq_ignore_ascii_case("localhost"),
    }
}

/// Chromium's `URL` percent-encodes characters the URL standard refuses in a host (`exa mple`
/// becomes `exa%20mple`) where `url` and Firefox fail, so the host is checked once more here.
fn is_plain_host(host: &str) -> bool {
    match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(v6) => v6.parse::<Ipv6Addr>().is_ok(),
        None => host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_')),
    }
}

/// Returns the companion's origin (`scheme://host[:port]`) if the parsed address is allowed.
/// Plain `http://` would expose the device token on the network, so it is refused unless the
/// companion is on this machine.
pub fn check(url: &ParsedUrl<'_>) -> Result<String, CompanionUrlError> {
    if !url.username.is_empty() || !url.password.is_empty() {
        return Err(CompanionUrlError::Credentials);
    }
    if url.host.is_empty() {
        return Err(CompanionUrlError::Invalid(
            "the address has no host".to_owned(),
        ));
    }
    if !is_plain_host(url.host) {
        return Err(CompanionUrlError::Invalid(format!(
            "{} is not a host name",
            url.host
        )));
    }
    match url.scheme {
        "https" => {}
        "http" if is_loopback(url.host) => {}
        "http" => return Err(CompanionUrlError::InsecureRemote),
        other => {
            return Err(CompanionUrlError::Invalid(format!(
                "unsupported scheme {other}"
            )));
        }
    }
    Ok(url.origin.to_owned())
}

/// Parses what the user typed and returns the companion's origin (`scheme://host[:port]`).
#[cfg(not(target_arch = "wasm32"))]
pub fn normalize(input: &str) -> Result<String, CompanionUrlError> {
    let url = url::Url::parse(&with_scheme(input))
        .map_err(|e| CompanionUrlError::Invalid(e.to_string()))?;
    check(&ParsedUrl {
        scheme: url.scheme(),
        username: url.username(),
        password: url.password().unwrap_or_default(),
        host: url.host_str().unwrap_or_default(),
        origin: &url.origin().ascii_serialization(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed<'a>(scheme: &'a str, host: &'a str, origin: &'a str) -> ParsedUrl<'a> {
        ParsedUrl {
            scheme,
            username: "",
            password: "",
            host,
            origin,
        }
    }

    #[test]
    fn loopback_is_recognised_in_each_serialised_form() {
        for (host, origin) in [
            ("127.0.0.1", "http://127.0.0.1:8787"),
            ("127.8.9.10", "http://127.8.9.10"),
            ("[::1]", "http://[::1]:9000"),
            ("LocalHost", "http://localhost"),
        ] {
            assert_eq!(
                check(&parsed("http", host, origin)).as_deref(),
                Ok(origin),
                "{host}"
            );
        }
        for host in [
            "192.168.1.5",
            "[::2]",
            "[::ffff:127.0.0.1]",
            "localhost.example",
        ] {
            assert_eq!(
                check(&parsed("http", host, "http://x")),
                Err(CompanionUrlError::InsecureRemote),
                "{host}"
            );
        }
    }

    #[test]
    fn hosts_a_parser_let_through_with_odd_characters_are_refused() {
        for host in ["exa%20mple.org", "a<b>.example", "[::1", "[zz::1]"] {
            assert!(
                matches!(
                    check(&parsed("https", host, "https://x")),
                    Err(CompanionUrlError::Invalid(_))
                ),
                "{host}"
            );
        }
        assert_eq!(
            check(&parsed("https", "a_b.xn--mnchen-3ya.de", "https://x")).as_deref(),
            Ok("https://x")
        );
    }

    #[test]
    fn with_scheme_defaults_to_http() {
        assert_eq!(with_scheme(" localhost:8787 "), "http://localhost:8787");
        assert_eq!(with_scheme("https://a.example"), "https://a.example");
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod native_tests {
    use super::*;

    /// The same cases as the extension's `companion_url_is_parsed_like_the_native_build`.
    #[test]
    fn addresses_are_canonicalised_by_the_parser() {
        for (input, origin) in [
            ("http://[0:0::1]:9000/x?y", "http://[::1]:9000"),
            ("http://0x7f.1:8787", "http://127.0.0.1:8787"),
            ("LOCALHOST:80", "http://localhost"),
        ] {
            assert_eq!(normalize(input).as_deref(), Ok(origin), "{input}");
        }
        assert_eq!(
            normalize("http://münchen.de"),
            Err(CompanionUrlError::InsecureRemote)
        );
        assert_eq!(
            normalize("https://a:b@münchen.de"),
            Err(CompanionUrlError::Credentials)
        );
        for junk in [
            "https://exa mple.org",
            "https://münchen.de:99999",
            "https://[::1",
        ] {
            assert!(
                matches!(normalize(junk), Err(CompanionUrlError::Invalid(_))),
                "{junk}"
            );
        }
    }

    /// `url` resolves to a single `idna_adapter` for the whole workspace (one Cargo.lock), so
    /// this also proves the companion's own `url` still maps international domain names.
    #[test]
    fn international_domain_names_become_punycode() {
        assert_eq!(
            normalize("https://münchen.de/jobs").as_deref(),
            Ok("https://xn--mnchen-3ya.de")
        );
        assert_eq!(
            normalize("https://BÜCHER.example:8443").as_deref(),
            Ok("https://xn--bcher-kva.example:8443")
        );
        assert_eq!(
            url::Url::parse("https://faß.de").map(|u| u.host_str().map(str::to_owned)),
            Ok(Some("xn--fa-hia.de".to_owned()))
        );
    }

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
