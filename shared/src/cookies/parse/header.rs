//! A raw `Cookie:` request header: `a=b; c=d`, optionally with the `Cookie:` name in front.
//! It carries names and values only, so the domain comes from the caller.

use super::{ExportFormat, ParsedExport};
use crate::cookies::jar::normalise_domain;
use crate::cookies::{Cookie, CookieError, CookieJar, CookieValue};

fn strip_name(text: &str) -> &str {
    match text.get(..7) {
        Some(head) if head.eq_ignore_ascii_case("cookie:") => text[7..].trim_start(),
        _ => text,
    }
}

/// One line holding `name=value`: anything longer is a file of some other kind.
pub(super) fn looks_like(text: &str) -> bool {
    !text.contains('\n') && strip_name(text).contains('=')
}

pub(super) fn parse(text: &str, default_domain: Option<&str>) -> Result<ParsedExport, CookieError> {
    let raw_domain = default_domain.ok_or(CookieError::MissingDomain)?;
    let domain = normalise_domain(raw_domain)
        .ok_or_else(|| CookieError::InvalidDomain(raw_domain.to_owned()))?;
    let mut cookies = Vec::new();
    for (index, pair) in strip_name(text).split(';').enumerate() {
        let pair = pair.trim();
        if pair.is_empty() {
            continue;
        }
        let invalid = CookieError::InvalidHeaderPair { index: index + 1 };
        let (name, value) = pair.split_once('=').ok_or(invalid.clone())?;
        let name = name.trim();
        if !valid_name(name) || value.contains(char::is_control) {
            return Err(invalid);
        }
        cookies.push(Cookie {
            name: name.to_owned(),
            value: CookieValue::new(value.trim().to_owned()),
            domain: domain.clone(),
            path: "/".into(),
            expires: None,
            // A header says nothing about these; HTTPS-only is the safe reading for job sites.
            secure: true,
            http_only: false,
            same_site: None,
            host_only: false,
        });
    }
    Ok(ParsedExport {
        jar: CookieJar::new(cookies),
        format: ExportFormat::CookieHeader,
        skipped: Vec::new(),
    })
}

/// Lenient on purpose (real names carry `%`, `.`, `[` ...), strict on what breaks a header.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && !name
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, ';' | ',' | '=' | '"'))
}
