//! The one way the companion fetches a URL someone else chose (pasted postings, board polls,
//! application pages): http(s) only, every resolved address outside private, loopback,
//! link-local and metadata ranges, redirects followed by hand with each hop checked again, a
//! timeout and a size cap. The rules themselves are in [`rules`].
//!
//! The connection goes to the addresses the checking resolver returned (reqwest dials what
//! [`CheckedResolver`] hands it), so a DNS answer cannot change between check and connect.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures_util::StreamExt;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::{ACCEPT, COOKIE, HeaderValue, LOCATION};
use shared::cookies::CookieJar;
use url::Url;

use crate::error::Error;
use rules::{AllowEntry, on_allow_list, resolves_privately};
pub use rules::{check_url, checked_addrs, dial_allowed, is_forbidden};

const MAX_REDIRECTS: usize = 5;

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The URL or an address it resolves to is not allowed; the caller's fault (4xx).
    #[error("{0}")]
    Refused(String),
    /// The remote side failed, timed out or sent too much (502).
    #[error("{0}")]
    Upstream(String),
}

impl From<FetchError> for Error {
    fn from(error: FetchError) -> Self {
        match error {
            FetchError::Refused(detail) => Error::BadRequest(detail),
            FetchError::Upstream(detail) => Error::Upstream(detail),
        }
    }
}

/// Limits for one fetcher.
#[derive(Debug, Clone, Default)]
pub struct FetchPolicy {
    /// `host:port` entries let through despite a private address (a local test server or a
    /// self-hosted board); nothing else is. A bare `host` means its http and https default
    /// ports, never any port.
    pub allow_hosts: Vec<String>,
    pub timeout: Duration,
    pub max_bytes: usize,
    /// `host:port` served from another address (the `resolve` setting): an entry applies to
    /// its host on its port only.
    pub resolve: Vec<trust::Override>,
    /// A PEM file of extra CA certificates to trust; empty for none.
    pub trust_ca_file: String,
}

/// A fetched body and the URL it finally came from.
#[derive(Debug)]
pub struct Fetched {
    pub url: Url,
    pub content_type: String,
    pub body: Vec<u8>,
}

/// Clients chosen per URL, because a resolver sees a host name but neither the port nor the
/// scheme: one set for each port that has `resolve` entries (their resolver applies those
/// entries alone) and one for every other port (none applies).
#[derive(Clone)]
pub struct Fetcher {
    by_port: Vec<(u16, Clients)>,
    other_ports: Clients,
    policy: FetchPolicy,
}

/// `strict` refuses every private address; `allowed` lets the allow-list's host names
/// resolve to one, and dials only URLs whose host and port are on the list (checked per hop
/// in [`Fetcher::get_with_cookies`]).
#[derive(Clone)]
struct Clients {
    strict: reqwest::Client,
    allowed: reqwest::Client,
}

impl Fetcher {
    pub fn new(policy: FetchPolicy) -> crate::error::Result<Fetcher> {
        let names: Vec<String> = policy
            .allow_hosts
            .iter()
            .map(|entry| AllowEntry::parse(entry).host)
            .collect();
        let certificates = match policy.trust_ca_file.as_str() {
            "" => Vec::new(),
            path => trust::read_certificates(path)?,
        };
        let clients = |port: Option<u16>| -> crate::error::Result<Clients> {
            let overrides: Vec<trust::Override> = policy
                .resolve
                .iter()
                .filter(|o| Some(o.port) == port)
                .cloned()
                .collect();
            Ok(Clients {
                strict: client(&policy, &certificates, Vec::new(), overrides.clone())?,
                allowed: client(&policy, &certificates, names.clone(), overrides)?,
            })
        };
        let mut ports: Vec<u16> = policy.resolve.iter().map(|o| o.port).collect();
        ports.sort_unstable();
        ports.dedup();
        let by_port = ports
            .into_iter()
            .map(|port| Ok((port, clients(Some(port))?)))
            .collect::<crate::error::Result<_>>()?;
        Ok(Fetcher {
            by_port,
            other_ports: clients(None)?,
            policy,
        })
    }

    /// The client that may dial `url`: the one whose resolver has the `resolve` entries of
    /// the URL's port, and the permissive one only for an allow-listed host:port.
    fn client_for(&self, url: &Url) -> &reqwest::Client {
        let port = url.port_or_known_default();
        let clients = self
            .by_port
            .iter()
            .find(|(p, _)| Some(*p) == port)
            .map_or(&self.other_ports, |(_, clients)| clients);
        if on_allow_list(url, &self.policy.allow_hosts) {
            &clients.allowed
        } else {
            &clients.strict
        }
    }

    /// GETs `url`, following up to five redirects, each checked like the first URL; no
    /// cookies.
    pub async fn get(&self, url: &str, accept: &str) -> Result<Fetched, FetchError> {
        self.get_with_cookies(url, accept, &CookieJar::default())
            .await
    }

    /// [`Self::get`] with the user's session: each hop carries only the cookies of `jar` that
    /// a browser would send to that hop's URL, so a redirect to another site gets none of
    /// them. Cookies the answers set are not kept: the jar is the user's browser's copy.
    pub async fn get_with_cookies(
        &self,
        url: &str,
        accept: &str,
        jar: &CookieJar,
    ) -> Result<Fetched, FetchError> {
        let mut url = check_url(url, &self.policy.allow_hosts)?;
        for _ in 0..=MAX_REDIRECTS {
            let mut request = self
                .client_for(&url)
                .get(url.clone())
                .header(ACCEPT, accept);
            if let Some(cookies) = cookie_header(jar, &url)? {
                request = request.header(COOKIE, cookies);
            }
            let response = request.send().await.map_err(|e| describe(&url, &e))?;
            if response.status().is_redirection() {
                let location = response
                    .headers()
                    .get(LOCATION)
                    .and_then(|l| l.to_str().ok())
                    .ok_or_else(|| {
                        FetchError::Upstream(format!("{url} redirected without a Location"))
                    })?;
                let next = url.join(location).map_err(|_| {
                    FetchError::Refused(format!("{url} redirected to an invalid URL"))
                })?;
                url = check_url(next.as_str(), &self.policy.allow_hosts)?;
                continue;
            }
            if !response.status().is_success() {
                return Err(FetchError::Upstream(format!(
                    "{url} answered {}",
                    response.status()
                )));
            }
            let content_type = response
                .headers()
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|c| c.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            let body = self.read_capped(response, &url).await?;
            return Ok(Fetched {
                url,
                content_type,
                body,
            });
        }
        Err(FetchError::Upstream(format!(
            "more than {MAX_REDIRECTS} redirects"
        )))
    }

    async fn read_capped(
        &self,
        response: reqwest::Response,
        url: &Url,
    ) -> Result<Vec<u8>, FetchError> {
        let too_large = || {
            FetchError::Upstream(format!(
                "{url} sent more than {} bytes",
                self.policy.max_bytes
            ))
        };
        if response
            .content_length()
            .is_some_and(|n| n > self.policy.max_bytes as u64)
        {
            return Err(too_large());
        }
        let mut body = Vec::new();
        let mut stream = response.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| describe(url, &e))?;
            if body.len() + chunk.len() > self.policy.max_bytes {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }
}

fn client(
    policy: &FetchPolicy,
    certificates: &[Vec<u8>],
    allowed_names: Vec<String>,
    overrides: Vec<trust::Override>,
) -> crate::error::Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder();
    for der in certificates {
        let certificate = reqwest::Certificate::from_der(der)
            .map_err(|e| Error::Config(format!("trust_ca_file: {e}")))?;
        builder = builder.add_root_certificate(certificate);
    }
    builder
        .redirect(reqwest::redirect::Policy::none())
        .timeout(policy.timeout)
        .connect_timeout(policy.timeout)
        .no_proxy()
        .user_agent(concat!("AutoResume-companion/", env!("CARGO_PKG_VERSION")))
        .dns_resolver(Arc::new(CheckedResolver {
            allowed_names,
            overrides,
        }))
        .build()
        .map_err(|e| Error::Internal(format!("http client: {e}")))
}

/// The `Cookie` header of `jar` for `url`, marked sensitive so that no `Debug` prints it.
/// A refusal never quotes the cookie.
fn cookie_header(jar: &CookieJar, url: &Url) -> Result<Option<HeaderValue>, FetchError> {
    // Cookie expiries are Unix seconds.
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    let host = url.host_str().unwrap_or_default();
    let Some(text) = jar.header_for(url.scheme() == "https", host, url.path(), now) else {
        return Ok(None);
    };
    let mut value = HeaderValue::from_str(&text)
        .map_err(|_| FetchError::Refused(format!("a stored cookie for {host} cannot be sent")))?;
    value.set_sensitive(true);
    Ok(Some(value))
}

/// Keeps the refusal from the resolver a 4xx rather than a generic upstream failure.
fn describe(url: &Url, error: &reqwest::Error) -> FetchError {
    let mut source: Option<&dyn std::error::Error> = Some(error);
    while let Some(inner) = source {
        if let Some(refused) = inner.downcast_ref::<RefusedAddress>() {
            return FetchError::Refused(refused.0.clone());
        }
        source = inner.source();
    }
    if error.is_timeout() {
        return FetchError::Upstream(format!("{url} timed out"));
    }
    FetchError::Upstream(format!("{url} could not be fetched"))
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct RefusedAddress(String);

/// Resolves a host name and refuses it when any of its addresses is not public.
struct CheckedResolver {
    /// Host names of the allow-list; the resolver does not see the port, so only the client
    /// that dials allow-listed host:port pairs has any.
    allowed_names: Vec<String>,
    /// The `resolve` entries of the one port this resolver's client dials.
    overrides: Vec<trust::Override>,
}

impl Resolve for CheckedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_ascii_lowercase();
        let allowed = self.allowed_names.contains(&host);
        let overridden: Vec<SocketAddr> = self
            .overrides
            .iter()
            .filter(|o| o.host == host)
            .map(|o| o.addr)
            .collect();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = if overridden.is_empty() {
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect()
            } else {
                overridden
            };
            if !allowed && addrs.iter().any(|a| is_forbidden(a.ip())) {
                return Err(Box::new(RefusedAddress(resolves_privately(&host)))
                    as Box<dyn std::error::Error + Send + Sync>);
            }
            let addrs: Addrs = Box::new(addrs.into_iter());
            Ok(addrs)
        })
    }
}

pub mod proxy;
mod rules;
pub mod trust;

#[cfg(test)]
mod tests;
