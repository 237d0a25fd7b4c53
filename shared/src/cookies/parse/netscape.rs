//! Netscape `cookies.txt` (curl, wget, yt-dlp, Cookie-Editor's export):
//! `domain \t include-subdomains \t path \t secure \t expires \t name \t value` per line,
//! `#` comments, and the `#HttpOnly_` domain prefix curl uses for HttpOnly cookies.

use super::json::seconds_to_i64;
use super::{ExportFormat, ParsedExport};
use crate::cookies::jar::normalise_domain;
use crate::cookies::{Cookie, CookieJar, CookieValue, SkipReason, Skipped};

const HTTP_ONLY_PREFIX: &str = "#HttpOnly_";

/// The conventional first line, or at least one line that has the seven fields.
pub(super) fn looks_like(text: &str) -> bool {
    let first = text.lines().next().unwrap_or_default();
    if first.starts_with('#') && first.contains("HTTP Cookie File") {
        return true;
    }
    text.lines().any(|line| {
        let line = line.strip_prefix(HTTP_ONLY_PREFIX).unwrap_or(line);
        !line.starts_with('#') && line.split('\t').count() == 7
    })
}

/// A malformed line is skipped and counted rather than failing the file: exports from real
/// browsers contain odd lines, and one bad cookie should not cost the session.
pub(super) fn parse(text: &str) -> ParsedExport {
    let mut cookies = Vec::new();
    let mut skipped = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        let (line, http_only) = match line.strip_prefix(HTTP_ONLY_PREFIX) {
            Some(rest) => (rest, true),
            None => (line, false),
        };
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        match parse_line(line, http_only) {
            Ok(cookie) => cookies.push(cookie),
            Err(reason) => skipped.push(Skipped {
                position: index + 1,
                reason,
            }),
        }
    }
    ParsedExport {
        jar: CookieJar::new(cookies),
        format: ExportFormat::Netscape,
        skipped,
    }
}

fn parse_line(line: &str, http_only: bool) -> Result<Cookie, SkipReason> {
    let fields: Vec<&str> = line.split('\t').collect();
    let [domain, subdomains, path, secure, expires, name, value] = fields[..] else {
        return Err(SkipReason::FieldCount(fields.len()));
    };
    let include_subdomains = flag(subdomains).ok_or(SkipReason::BadFlag("include-subdomains"))?;
    let secure = flag(secure).ok_or(SkipReason::BadFlag("secure"))?;
    if name.is_empty() {
        return Err(SkipReason::EmptyName);
    }
    Ok(Cookie {
        name: name.to_owned(),
        value: CookieValue::new(value.to_owned()),
        domain: normalise_domain(domain).ok_or(SkipReason::BadDomain)?,
        path: if path.is_empty() { "/" } else { path }.to_owned(),
        expires: expiry(expires)?,
        secure,
        http_only,
        same_site: None,
        host_only: !include_subdomains,
    })
}

fn flag(text: &str) -> Option<bool> {
    match text.trim().to_ascii_uppercase().as_str() {
        "TRUE" => Some(true),
        "FALSE" => Some(false),
        _ => None,
    }
}

/// Empty or 0 is a session cookie (curl and yt-dlp write both). Some tools write fractions.
fn expiry(text: &str) -> Result<Option<i64>, SkipReason> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let seconds = match text.parse::<i64>() {
        Ok(seconds) => seconds,
        Err(_) => text
            .parse::<f64>()
            .ok()
            .and_then(seconds_to_i64)
            .ok_or(SkipReason::BadExpiry)?,
    };
    Ok((seconds > 0).then_some(seconds))
}
