//! Reading cookie exports, with format detection.

mod header;
mod json;
mod netscape;

pub(crate) use json::json_error;

use super::{CookieError, CookieJar, Skipped};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// `chrome.cookies.getAll` / `browser.cookies.getAll` objects.
    BrowserApiJson,
    /// EditThisCookie's export: browser objects plus a numeric `id`.
    EditThisCookieJson,
    /// Cookie-Editor's export: browser objects with `storeId` and often `sameSite` null.
    CookieEditorJson,
    /// Netscape / curl / yt-dlp `cookies.txt`.
    Netscape,
    /// A raw `Cookie:` request header.
    CookieHeader,
}

#[derive(Debug)]
pub struct ParsedExport {
    pub jar: CookieJar,
    pub format: ExportFormat,
    /// Entries left out (malformed lines of a cookies.txt, unusable JSON entries).
    pub skipped: Vec<Skipped>,
}

/// Reads any supported export into a jar. `default_domain` is the site a `Cookie:` header (or
/// a JSON cookie without a domain) belongs to.
pub fn parse_export(text: &str, default_domain: Option<&str>) -> Result<CookieJar, CookieError> {
    parse_export_detailed(text, default_domain).map(|parsed| parsed.jar)
}

/// [`parse_export`], also saying which format was read and which entries were skipped.
/// An export in which nothing could be read is an error, not an empty jar.
pub fn parse_export_detailed(
    text: &str,
    default_domain: Option<&str>,
) -> Result<ParsedExport, CookieError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(CookieError::Empty);
    }
    let parsed = if trimmed.starts_with('[') || trimmed.starts_with('{') {
        json::parse(trimmed, default_domain)?
    } else if netscape::looks_like(trimmed) {
        netscape::parse(text)
    } else if header::looks_like(trimmed) {
        header::parse(trimmed, default_domain)?
    } else {
        return Err(CookieError::UnrecognisedFormat);
    };
    if parsed.jar.is_empty() {
        return Err(CookieError::NoCookies {
            skipped: parsed.skipped,
        });
    }
    Ok(parsed)
}
