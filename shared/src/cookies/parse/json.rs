//! The JSON exports: browser cookies API objects, EditThisCookie and Cookie-Editor.
//! All three share `chrome.cookies.Cookie`'s field names; only `id` and nulls tell them apart.

use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer};

use super::{ExportFormat, ParsedExport};
use crate::cookies::jar::normalise_domain;
use crate::cookies::{Cookie, CookieError, CookieJar, CookieValue, SameSite, SkipReason, Skipped};

/// Absent, explicitly `null`, or present: Cookie-Editor writes `null` where others omit or fill.
#[derive(Default)]
enum Field<T> {
    #[default]
    Absent,
    Null,
    Present(T),
}

impl<T> Field<T> {
    fn is_null(&self) -> bool {
        matches!(self, Field::Null)
    }

    fn is_present(&self) -> bool {
        matches!(self, Field::Present(_))
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            Some(value) => Field::Present(value),
            None => Field::Null,
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsonCookie {
    name: String,
    #[serde(default)]
    value: CookieValue,
    domain: Option<String>,
    path: Option<String>,
    expiration_date: Option<f64>,
    session: Option<bool>,
    host_only: Option<bool>,
    http_only: Option<bool>,
    secure: Option<bool>,
    #[serde(default)]
    same_site: Field<String>,
    #[serde(default)]
    store_id: Field<IgnoredAny>,
    #[serde(default)]
    id: Field<IgnoredAny>,
}

pub(super) fn parse(text: &str, default_domain: Option<&str>) -> Result<ParsedExport, CookieError> {
    let entries = if text.starts_with('[') {
        serde_json::from_str::<Vec<JsonCookie>>(text)
    } else {
        serde_json::from_str::<JsonCookie>(text).map(|one| vec![one])
    }
    .map_err(|error| json_error(&error))?;
    let format = detect(&entries);
    let mut cookies = Vec::with_capacity(entries.len());
    let mut skipped = Vec::new();
    for (index, entry) in entries.into_iter().enumerate() {
        match convert(entry, default_domain) {
            Ok(cookie) => cookies.push(cookie),
            Err(reason) => skipped.push(Skipped {
                position: index + 1,
                reason,
            }),
        }
    }
    Ok(ParsedExport {
        jar: CookieJar::new(cookies),
        format,
        skipped,
    })
}

fn detect(entries: &[JsonCookie]) -> ExportFormat {
    if entries.iter().any(|e| e.id.is_present()) {
        ExportFormat::EditThisCookieJson
    } else if entries
        .iter()
        .any(|e| e.store_id.is_null() || e.same_site.is_null())
    {
        ExportFormat::CookieEditorJson
    } else {
        ExportFormat::BrowserApiJson
    }
}

fn convert(entry: JsonCookie, default_domain: Option<&str>) -> Result<Cookie, SkipReason> {
    if entry.name.is_empty() {
        return Err(SkipReason::EmptyName);
    }
    let raw_domain = entry
        .domain
        .as_deref()
        .or(default_domain)
        .ok_or(SkipReason::BadDomain)?;
    let domain = normalise_domain(raw_domain).ok_or(SkipReason::BadDomain)?;
    let expires = match (entry.session, entry.expiration_date) {
        (Some(true), _) | (_, None) => None,
        (_, Some(seconds)) => Some(seconds_to_i64(seconds).ok_or(SkipReason::BadExpiry)?),
    };
    Ok(Cookie {
        host_only: entry.host_only.unwrap_or(!raw_domain.starts_with('.')),
        name: entry.name,
        value: entry.value,
        domain,
        path: entry
            .path
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| "/".into()),
        expires,
        secure: entry.secure.unwrap_or(false),
        http_only: entry.http_only.unwrap_or(false),
        same_site: match &entry.same_site {
            Field::Present(text) => SameSite::parse(text),
            Field::Absent | Field::Null => None,
        },
    })
}

/// Whole seconds of a float timestamp (the browser API keeps microseconds as a fraction).
pub(super) fn seconds_to_i64(seconds: f64) -> Option<i64> {
    // i64::MAX as f64 rounds up to 2^63, so the bound must be strict.
    let limit = 9_223_372_036_854_775_807_f64;
    (seconds.is_finite() && seconds.abs() < limit).then(|| seconds.trunc() as i64)
}

/// serde_json's own messages can quote input, which may be a cookie value: keep only the
/// position and the kind of failure.
pub(crate) fn json_error(error: &serde_json::Error) -> CookieError {
    use serde_json::error::Category;
    let cause = match error.classify() {
        Category::Syntax => "not valid JSON",
        Category::Eof => "it ends early (truncated?)",
        Category::Data => "a cookie lacks a name or has a field of the wrong type",
        Category::Io => "it could not be read",
    };
    CookieError::Json {
        line: error.line(),
        column: error.column(),
        cause,
    }
}
