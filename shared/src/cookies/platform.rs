//! Job platforms, their domains and the cookies that make a session there.
//!
//! Only the cookies named here leave the browser: a session, not the user's whole profile.
//! A name ending in `*` is a prefix. Sources (facts checked 2026-11-27; names change, so the
//! lists are data, not logic):
//! * LinkedIn: the LinkedIn Cookie Table (linkedin.com/legal/l/cookie-table, "Authentication":
//!   `li_at` authenticates members, `liap` marks the logged-in state on non-www domains,
//!   `li_rm` is "remember me"; `li_a` and `li_ep_auth_context` authenticate Recruiter / Sales
//!   Navigator and enterprise users). `JSESSIONID` is sent back as the CSRF token of the Voyager
//!   API (docs.scaleabm.org "Sessions & Cookies": `li_at` and `JSESSIONID` required).
//!   `bcookie` / `bscookie` (browser id, misuse detection) and `lidc` (data-centre routing)
//!   are listed as strictly necessary; without them a replayed session is challenged.
//! * Workday: Workday's "Workday Cookie Details" (community-content.workday.com), External
//!   Career Sites: session experience `PLAY_SESSION`, `PLAY_LANG`, `timezoneOffset`,
//!   `wd-browser-id`, `wday_vps_cookie`, `CXS_SESSION`; security `TS*`, `CALYPSO_CSRF_TOKEN`,
//!   `__cf_bm`; load balancing `WorkdayLB_*`; Cloudflare `__cflb`, `_cfuvid` (the same list on
//!   employers' Workday cookie pages).
//! * Indeed: `CTK` (client tracking key), `SOCK` and `SHOE` (the login session pair), `PPID`
//!   (the signed-in account), `INDEED_CSRF_TOKEN`. NOT yet confirmed against a primary source
//!   (no published Indeed cookie table was found); verify with a real export.
//! * Glassdoor: `GSESSIONID`, `JSESSIONID`, `gdId`, `at`, `rt`, `cass`, plus Cloudflare's
//!   `__cf_bm` / `cf_clearance`. NOT yet confirmed against a primary source; verify likewise.

use serde::{Deserialize, Serialize};

use super::jar::{is_subdomain_of, normalise_domain};
use super::{CookieError, CookieJar};

/// The ids of the built-in platforms, for menus and validation.
pub const KNOWN_PLATFORMS: [&str; 4] = ["linkedin", "indeed", "glassdoor", "workday"];

const CUSTOM_PREFIX: &str = "custom:";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Platform {
    /// `linkedin`, `indeed`, `glassdoor`, `workday` or `custom:<domain>`.
    pub id: String,
    pub name: String,
    /// Registrable domains; each also covers all of its subdomains (`www.`, `wd5.`, tenants).
    pub domains: Vec<String>,
    /// Cookie names that make a session (`*` at the end: a prefix). Empty: every cookie on
    /// the domains, which is what a user-added domain gets.
    pub session_cookie_names: Vec<String>,
}

fn owned(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

impl Platform {
    /// The name people know a platform id by (`LinkedIn`, a custom site's domain); the id
    /// itself when it names none.
    pub fn name_of(id: &str) -> String {
        Platform::lookup(id).map_or_else(|_| id.to_owned(), |p| p.name)
    }

    /// A built-in platform, or `custom:<domain>`.
    pub fn lookup(id: &str) -> Result<Platform, CookieError> {
        let (name, domains, names): (&str, &[&str], &[&str]) = match id {
            "linkedin" => (
                "LinkedIn",
                &["linkedin.com"],
                &[
                    "li_at",
                    "JSESSIONID",
                    "liap",
                    "li_rm",
                    "li_a",
                    "li_ep_auth_context",
                    "bcookie",
                    "bscookie",
                    "lidc",
                ],
            ),
            "indeed" => (
                "Indeed",
                &["indeed.com"],
                &["CTK", "SOCK", "SHOE", "PPID", "INDEED_CSRF_TOKEN"],
            ),
            "glassdoor" => (
                "Glassdoor",
                &[
                    "glassdoor.com",
                    "glassdoor.co.uk",
                    "glassdoor.ca",
                    "glassdoor.de",
                    "glassdoor.fr",
                    "glassdoor.co.in",
                    "glassdoor.com.au",
                ],
                &[
                    "GSESSIONID",
                    "JSESSIONID",
                    "gdId",
                    "at",
                    "rt",
                    "cass",
                    "__cf_bm",
                    "cf_clearance",
                ],
            ),
            "workday" => (
                "Workday",
                // Tenants live at <tenant>.wd1..wd5.myworkdayjobs.com and wd*.myworkday.com.
                &["myworkdayjobs.com", "myworkday.com", "myworkdaysite.com"],
                &[
                    "PLAY_SESSION",
                    "PLAY_LANG",
                    "timezoneOffset",
                    "wd-browser-id",
                    "wday_vps_cookie",
                    "CXS_SESSION",
                    "CALYPSO_CSRF_TOKEN",
                    "TS*",
                    "WorkdayLB_*",
                    "__cf_bm",
                    "__cflb",
                    "_cfuvid",
                ],
            ),
            other => {
                return match other.strip_prefix(CUSTOM_PREFIX) {
                    Some(domain) => Platform::custom(domain),
                    None => Err(CookieError::UnknownPlatform(other.to_owned())),
                };
            }
        };
        Ok(Platform {
            id: id.to_owned(),
            name: name.to_owned(),
            domains: owned(domains),
            session_cookie_names: owned(names),
        })
    }

    /// A domain the user adds: every cookie of the domain and its subdomains is taken.
    /// Accepts `jobs.example.com`, `.example.com`, `*.example.com` or a URL.
    pub fn custom(domain: &str) -> Result<Platform, CookieError> {
        let invalid = || CookieError::InvalidDomain(domain.to_owned());
        let host = domain.trim();
        let host = host
            .strip_prefix("https://")
            .or_else(|| host.strip_prefix("http://"))
            .unwrap_or(host);
        let host = host.split(['/', '?', '#']).next().unwrap_or_default();
        let host = host.strip_prefix("*.").unwrap_or(host);
        let host = normalise_domain(host).ok_or_else(invalid)?;
        let label_ok = |label: &str| {
            (1..=63).contains(&label.len())
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        };
        // Two labels at least: a bare "com" would take every cookie of a whole TLD.
        if host.len() > 253 || !host.contains('.') || !host.split('.').all(label_ok) {
            return Err(invalid());
        }
        Ok(Platform {
            id: format!("{CUSTOM_PREFIX}{host}"),
            name: host.clone(),
            domains: vec![host],
            session_cookie_names: Vec::new(),
        })
    }

    /// The platform an apply to a page on `host` counts against (for the per-platform limits):
    /// a built-in platform's id when the host is one of its domains, else the host itself.
    pub fn id_for_host(host: &str) -> String {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        KNOWN_PLATFORMS
            .iter()
            .filter_map(|id| Platform::lookup(id).ok())
            .find(|platform| platform.matches_domain(&host))
            .map(|platform| platform.id)
            .unwrap_or_else(|| host.trim_start_matches("www.").to_owned())
    }

    pub fn is_custom(&self) -> bool {
        self.id.starts_with(CUSTOM_PREFIX)
    }

    /// Whether a cookie domain (or host) belongs to this platform.
    pub fn matches_domain(&self, domain: &str) -> bool {
        let domain = domain.trim_start_matches('.').to_ascii_lowercase();
        self.domains
            .iter()
            .any(|own| domain == *own || is_subdomain_of(&domain, own))
    }

    /// Whether a cookie name is one that makes a session here.
    pub fn is_session_cookie(&self, name: &str) -> bool {
        self.session_cookie_names.is_empty()
            || self
                .session_cookie_names
                .iter()
                .any(|rule| match rule.strip_suffix('*') {
                    Some(prefix) => name.starts_with(prefix),
                    None => name == rule,
                })
    }

    /// Keeps only this platform's session cookies; expiry and flags are kept as they are.
    pub fn filter(&self, jar: CookieJar) -> CookieJar {
        let mut jar = jar;
        jar.cookies
            .retain(|c| self.matches_domain(&c.domain) && self.is_session_cookie(&c.name));
        jar
    }

    /// The extension's host permissions for this platform: Chrome match patterns, where
    /// `*.example.com` covers example.com itself and every subdomain.
    pub fn chrome_origins(&self) -> Vec<String> {
        self.domains
            .iter()
            .map(|domain| format!("https://*.{domain}/*"))
            .collect()
    }
}
