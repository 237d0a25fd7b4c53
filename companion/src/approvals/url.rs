//! Job URLs: only http(s) is accepted, and one posting has one canonical form however it
//! was linked (tracking parameters, fragments, a trailing slash), so it is applied to once.

use crate::error::{Error, Result};

/// Query parameters that track where a click came from and never pick a different posting.
const TRACKING: [&str; 9] = [
    "gh_src",
    "ref",
    "source",
    "src",
    "trk",
    "trackingid",
    "refid",
    "lipi",
    "fbclid",
];

pub fn invalid(detail: impl Into<String>) -> Error {
    Error::Unprocessable(detail.into())
}

/// The URL, parsed, if it is an absolute http(s) URL with a host.
pub fn parse_job_url(raw: &str) -> Result<url::Url> {
    let trimmed = raw.trim();
    if trimmed.len() > 2048 {
        return Err(invalid("the job URL is longer than 2048 characters"));
    }
    let url = url::Url::parse(trimmed)
        .map_err(|_| invalid("the job URL must be an absolute http(s) URL"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("the job URL must be an http(s) URL"));
    }
    Ok(url)
}

/// The posting's identity: lower-case host, no fragment, no tracking parameters, sorted
/// query, no trailing slash.
pub fn canonical(url: &url::Url) -> String {
    let mut url = url.clone();
    url.set_fragment(None);
    let mut pairs: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(name, _)| {
            let name = name.to_ascii_lowercase();
            !name.starts_with("utm_") && !TRACKING.contains(&name.as_str())
        })
        .map(|(n, v)| (n.into_owned(), v.into_owned()))
        .collect();
    pairs.sort();
    if pairs.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(pairs);
    }
    let path = url.path().trim_end_matches('/').to_owned();
    url.set_path(if path.is_empty() { "/" } else { &path });
    let _ = url.set_scheme("https");
    url.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_posting_one_canonical_url() {
        let canon = |s: &str| canonical(&parse_job_url(s).expect("valid"));
        assert_eq!(
            canon("https://Boards.Greenhouse.io/acme/jobs/42/?gh_src=abc&utm_source=x#apply"),
            "https://boards.greenhouse.io/acme/jobs/42"
        );
        assert_eq!(
            canon("http://example.com/job?b=2&a=1"),
            canon("https://example.com/job/?a=1&b=2")
        );
        assert_ne!(
            canon("https://example.com/job?id=1"),
            canon("https://example.com/job?id=2")
        );
    }

    #[test]
    fn only_http_urls() {
        for bad in [
            "javascript:alert(1)",
            "data:text/html,hi",
            "file:///etc/passwd",
            "ftp://example.com/x",
            "/relative",
            "",
        ] {
            assert!(parse_job_url(bad).is_err(), "{bad}");
        }
    }
}
