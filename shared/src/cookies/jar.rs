//! The normalised cookie and jar. The jar's JSON is the plaintext inside a sealed envelope,
//! so its field names are a stable format: `{"cookies":[{"name","value","domain","path",
//! "expires","secure","httpOnly","sameSite","hostOnly"}]}`.

use core::fmt;

use serde::{Deserialize, Serialize};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use super::CookieError;

/// A cookie value: a secret. Zeroed on drop; `Debug` prints `****`.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize, Zeroize, ZeroizeOnDrop)]
#[serde(transparent)]
pub struct CookieValue(String);

impl CookieValue {
    pub fn new(value: String) -> Self {
        CookieValue(value)
    }

    /// The value itself; the one way out, so every use is easy to find.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for CookieValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("****")
    }
}

/// `SameSite`; `None` in an `Option<SameSite>` means unspecified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SameSite {
    /// `SameSite=None` (the browser API calls it `no_restriction`).
    None,
    Lax,
    Strict,
}

impl SameSite {
    /// Reads the spellings of the browser API, the extensions and HTTP, in any case.
    pub(crate) fn parse(text: &str) -> Option<SameSite> {
        match text.to_ascii_lowercase().as_str() {
            "no_restriction" | "none" => Some(SameSite::None),
            "lax" => Some(SameSite::Lax),
            "strict" => Some(SameSite::Strict),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cookie {
    pub name: String,
    pub value: CookieValue,
    /// Lowercase, without a leading dot.
    pub domain: String,
    pub path: String,
    /// Unix seconds; `None` is a session cookie.
    pub expires: Option<i64>,
    pub secure: bool,
    pub http_only: bool,
    pub same_site: Option<SameSite>,
    /// Sent only to `domain` itself, not to its subdomains.
    pub host_only: bool,
}

impl Cookie {
    /// Whether this cookie is sent to `host` (ignoring path and scheme).
    pub fn applies_to_host(&self, host: &str) -> bool {
        let host = host.trim_start_matches('.').to_ascii_lowercase();
        host == self.domain || (!self.host_only && is_subdomain_of(&host, &self.domain))
    }

    /// Whether a browser sends this cookie with a request for `path` on `host` (as
    /// `Url::host_str` spells it) at `now` (Unix seconds), over https when `https`:
    /// RFC 6265 §5.4 (domain or host-only, path, `Secure`, expiry).
    pub fn is_sent_to(&self, https: bool, host: &str, path: &str, now: i64) -> bool {
        let host = host.to_ascii_lowercase();
        // An address is never a subdomain of anything (RFC 6265 §5.1.3).
        let address = host.starts_with('[') || host.parse::<core::net::IpAddr>().is_ok();
        let domain_matches = if address {
            host == self.domain
        } else {
            self.applies_to_host(&host)
        };
        domain_matches
            && path_matches(&self.path, path)
            && (https || !self.secure)
            && self.expires.is_none_or(|at| at > now)
    }
}

/// RFC 6265 §5.1.4: the cookie's path is the request's, or a prefix of it ending at a `/`.
fn path_matches(cookie_path: &str, request_path: &str) -> bool {
    let cookie_path = if cookie_path.starts_with('/') {
        cookie_path
    } else {
        "/"
    };
    let request_path = if request_path.starts_with('/') {
        request_path
    } else {
        "/"
    };
    request_path == cookie_path
        || (request_path.starts_with(cookie_path)
            && (cookie_path.ends_with('/')
                || request_path.as_bytes().get(cookie_path.len()) == Some(&b'/')))
}

/// `host` is a strict subdomain of `domain` (label boundary, not a mere suffix).
pub(crate) fn is_subdomain_of(host: &str, domain: &str) -> bool {
    host.len() > domain.len()
        && host.ends_with(domain)
        && host.as_bytes()[host.len() - domain.len() - 1] == b'.'
}

/// Lowercases and drops a leading dot; `None` for something no cookie domain can be.
pub(crate) fn normalise_domain(domain: &str) -> Option<String> {
    let domain = domain.trim().trim_start_matches('.').to_lowercase();
    let bad = |c: char| c.is_whitespace() || c.is_control() || "/;,:\\\"=?#@".contains(c);
    if domain.is_empty() || domain.ends_with('.') || domain.contains("..") || domain.contains(bad) {
        return None;
    }
    Some(domain)
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CookieJar {
    pub cookies: Vec<Cookie>,
}

/// What the companion may store and show about a jar: no values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct JarMetadata {
    /// Sorted, without repeats.
    pub names: Vec<String>,
    pub count: usize,
    /// Unix seconds of the first cookie to expire; `None` if all are session cookies.
    pub earliest_expiry: Option<i64>,
}

impl CookieJar {
    pub fn new(cookies: Vec<Cookie>) -> Self {
        let mut jar = CookieJar { cookies };
        jar.dedup();
        jar
    }

    pub fn len(&self) -> usize {
        self.cookies.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cookies.is_empty()
    }

    pub fn metadata(&self) -> JarMetadata {
        let mut names: Vec<String> = self.cookies.iter().map(|c| c.name.clone()).collect();
        names.sort();
        names.dedup();
        JarMetadata {
            names,
            count: self.cookies.len(),
            earliest_expiry: self.cookies.iter().filter_map(|c| c.expires).min(),
        }
    }

    /// Drops cookies that expired at or before `now` (unix seconds); the caller reads the clock.
    pub fn without_expired(mut self, now: i64) -> Self {
        self.cookies.retain(|c| c.expires.is_none_or(|at| at > now));
        self
    }

    /// The `Cookie` header a browser sends with a request for `path` on `host` at `now` (see
    /// [`Cookie::is_sent_to`]), longer paths first as RFC 6265 §5.4 orders them; `None` when
    /// no cookie goes. The header is a secret like the values in it.
    pub fn header_for(
        &self,
        https: bool,
        host: &str,
        path: &str,
        now: i64,
    ) -> Option<Zeroizing<String>> {
        let mut sent: Vec<&Cookie> = self
            .cookies
            .iter()
            .filter(|c| c.is_sent_to(https, host, path, now))
            .collect();
        if sent.is_empty() {
            return None;
        }
        sent.sort_by_key(|c| core::cmp::Reverse(c.path.len()));
        let size: usize = sent.iter().map(|c| c.name.len() + c.value.len() + 3).sum();
        // Sized up front so that growing it leaves no copy of a value behind.
        let mut header = Zeroizing::new(String::with_capacity(size));
        for cookie in sent {
            if !header.is_empty() {
                header.push_str("; ");
            }
            header.push_str(&cookie.name);
            header.push('=');
            header.push_str(cookie.value.expose_secret());
        }
        Some(header)
    }

    /// The same (domain, path, name) twice is one cookie: the later entry wins, as in a browser.
    fn dedup(&mut self) {
        let mut seen = std::collections::HashSet::new();
        let mut kept: Vec<Cookie> = Vec::with_capacity(self.cookies.len());
        for cookie in self.cookies.drain(..).rev() {
            if seen.insert((
                cookie.domain.clone(),
                cookie.path.clone(),
                cookie.name.clone(),
            )) {
                kept.push(cookie);
            }
        }
        kept.reverse();
        self.cookies = kept;
    }

    /// The jar's JSON in a buffer that is zeroed on drop. The buffer is sized up front so that
    /// growing it does not leave copies of the values in freed memory.
    pub fn to_json_zeroizing(&self) -> Result<Zeroizing<Vec<u8>>, CookieError> {
        let estimate: usize = self
            .cookies
            .iter()
            .map(|c| 2 * (c.name.len() + c.value.len() + c.domain.len() + c.path.len()) + 160)
            .sum();
        let mut buffer = Zeroizing::new(Vec::with_capacity(estimate + 16));
        serde_json::to_writer(&mut *buffer, self).map_err(|_| CookieError::Serialize)?;
        Ok(buffer)
    }

    /// Reads [`Self::to_json_zeroizing`].
    pub fn from_json(json: &[u8]) -> Result<Self, CookieError> {
        serde_json::from_slice(json).map_err(|error| super::parse::json_error(&error))
    }
}
