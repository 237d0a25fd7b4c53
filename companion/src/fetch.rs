//! The one way the companion fetches a URL someone else chose (pasted postings, board polls):
//! http(s) only, every resolved address outside private, loopback, link-local and metadata
//! ranges, redirects followed by hand with each hop checked again, a timeout and a size cap.
//!
//! The connection goes to the addresses the checking resolver returned (reqwest dials what
//! [`CheckedResolver`] hands it), so a DNS answer cannot change between check and connect.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

use crate::error::Error;

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
    /// Hosts served from another address (the `resolve` setting). The resolver sees no
    /// port, so the fetcher takes an entry for its host whatever the port.
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

/// Two clients, because a resolver sees a host name but not the port: `strict` refuses every
/// private address; `allowed` lets the allow-list's host names resolve to one, and dials only
/// URLs whose host and port are on the list (checked per hop in [`Fetcher::get`]).
#[derive(Clone)]
pub struct Fetcher {
    strict: reqwest::Client,
    allowed: reqwest::Client,
    policy: FetchPolicy,
}

impl Fetcher {
    pub fn new(policy: FetchPolicy) -> crate::error::Result<Fetcher> {
        let names = policy
            .allow_hosts
            .iter()
            .map(|entry| AllowEntry::parse(entry).host)
            .collect();
        let certificates = match policy.trust_ca_file.as_str() {
            "" => Vec::new(),
            path => trust::read_certificates(path)?,
        };
        Ok(Fetcher {
            strict: client(&policy, &certificates, Vec::new())?,
            allowed: client(&policy, &certificates, names)?,
            policy,
        })
    }

    /// The client that may dial `url`: the permissive one only for an allow-listed host:port.
    fn client_for(&self, url: &Url) -> &reqwest::Client {
        if on_allow_list(url, &self.policy.allow_hosts) {
            &self.allowed
        } else {
            &self.strict
        }
    }

    /// GETs `url`, following up to five redirects, each checked like the first URL.
    pub async fn get(&self, url: &str, accept: &str) -> Result<Fetched, FetchError> {
        let mut url = check_url(url, &self.policy.allow_hosts)?;
        for _ in 0..=MAX_REDIRECTS {
            let response = self
                .client_for(&url)
                .get(url.clone())
                .header(reqwest::header::ACCEPT, accept)
                .send()
                .await
                .map_err(|e| describe(&url, &e))?;
            if response.status().is_redirection() {
                let location = response
                    .headers()
                    .get(reqwest::header::LOCATION)
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
            overrides: policy.resolve.clone(),
        }))
        .build()
        .map_err(|e| Error::Internal(format!("http client: {e}")))
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

/// Parses a URL someone gave us and refuses what the companion must never fetch: other
/// schemes, credentials in the URL, and literal addresses in forbidden ranges. Host names
/// are checked again after resolution by the resolver.
pub fn check_url(raw: &str, allow_hosts: &[String]) -> Result<Url, FetchError> {
    let url =
        Url::parse(raw.trim()).map_err(|e| FetchError::Refused(format!("invalid URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(FetchError::Refused(format!(
            "only http and https URLs are fetched, not {}:",
            url.scheme()
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(FetchError::Refused(
            "URLs with credentials are not fetched".into(),
        ));
    }
    let allowed = on_allow_list(&url, allow_hosts);
    let ip = match url.host() {
        None => return Err(FetchError::Refused("the URL has no host".into())),
        Some(Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
        Some(Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
        Some(Host::Domain(domain)) => {
            if !allowed && is_local_name(domain) {
                return Err(local_name(domain));
            }
            None
        }
    };
    if let Some(ip) = ip
        && !allowed
        && is_forbidden(ip)
    {
        return Err(FetchError::Refused(format!(
            "{ip} is a private or reserved address and is not fetched"
        )));
    }
    Ok(url)
}

/// The refusal of a name: which internal address it resolved to is not the caller's business.
fn resolves_privately(host: &str) -> String {
    format!("{host} resolves to a private or reserved address and is not fetched")
}

/// Names that mean this machine or a cloud metadata service, whatever DNS says.
fn is_local_name(domain: &str) -> bool {
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    domain == "localhost" || domain.ends_with(".localhost") || domain == "metadata.google.internal"
}

fn local_name(domain: &str) -> FetchError {
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    FetchError::Refused(format!("{domain} is a local name and is not fetched"))
}

/// The ports the egress proxy dials without an allow-list entry, and those a bare entry opens.
const WEB_PORTS: [u16; 2] = [80, 443];

/// Whether the egress proxy (`proxy`) may dial `ip`, one address `host` resolved to, for a
/// connection to `host:port` (`host` spelt as [`Url::host_str`] gives it): an allow-listed
/// host and port always; otherwise only the web ports of a public address under a name that
/// is not local. The reason of a refusal never names `ip`.
pub fn dial_allowed(
    host: &str,
    port: u16,
    ip: IpAddr,
    allow_hosts: &[String],
) -> Result<(), FetchError> {
    if allow_listed(host, port, &WEB_PORTS, allow_hosts) {
        return Ok(());
    }
    if !WEB_PORTS.contains(&port) {
        return Err(FetchError::Refused(format!(
            "port {port} of {host} is not allowed (only 80 and 443, or an allow-listed host:port)"
        )));
    }
    if is_local_name(host) {
        return Err(local_name(host));
    }
    if is_forbidden(ip) {
        return Err(FetchError::Refused(resolves_privately(host)));
    }
    Ok(())
}

/// One `fetch_allow_hosts` entry.
struct AllowEntry {
    /// Lowercase, an IPv6 address in brackets (as [`Url::host_str`] gives it).
    host: String,
    /// None for a bare host: the scheme's default port only.
    port: Option<u16>,
}

impl AllowEntry {
    fn parse(entry: &str) -> AllowEntry {
        let entry = entry.trim().to_ascii_lowercase();
        let split = match entry.rfind(':') {
            // A colon inside brackets belongs to an IPv6 address.
            Some(colon) if !entry[colon..].contains(']') => entry[colon + 1..]
                .parse()
                .ok()
                .map(|port| (entry[..colon].to_owned(), port)),
            _ => None,
        };
        match split {
            Some((host, port)) => AllowEntry {
                host,
                port: Some(port),
            },
            None => AllowEntry {
                host: entry,
                port: None,
            },
        }
    }

    /// Whether the entry names `host` and `port`; a bare entry admits the `bare_ports`.
    fn admits(&self, host: &str, port: u16, bare_ports: &[u16]) -> bool {
        host.eq_ignore_ascii_case(&self.host)
            && match self.port {
                Some(entry_port) => entry_port == port,
                None => bare_ports.contains(&port),
            }
    }
}

fn allow_listed(host: &str, port: u16, bare_ports: &[u16], allow_hosts: &[String]) -> bool {
    allow_hosts
        .iter()
        .any(|entry| AllowEntry::parse(entry).admits(host, port, bare_ports))
}

fn on_allow_list(url: &Url, allow_hosts: &[String]) -> bool {
    let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
        return false;
    };
    // A bare entry opens the URL's own scheme's default port only, which is exactly when
    // `Url::port` is None.
    let bare_ports: &[u16] = if url.port().is_none() { &[port] } else { &[] };
    allow_listed(host, port, bare_ports, allow_hosts)
}

/// The addresses a URL passed by [`check_url`] resolves to, refused when one of them is not
/// public and the host is not on the allow-list: for a client of another crate that dials
/// these pinned addresses itself (the model endpoint), so no later DNS answer can differ.
pub async fn checked_addrs(
    url: &Url,
    allow_hosts: &[String],
) -> Result<Vec<SocketAddr>, FetchError> {
    let host = match url.host() {
        Some(Host::Domain(domain)) => domain.to_owned(),
        Some(Host::Ipv4(ip)) => ip.to_string(),
        Some(Host::Ipv6(ip)) => ip.to_string(),
        None => return Err(FetchError::Refused("the URL has no host".into())),
    };
    let port = url.port_or_known_default().unwrap_or(0);
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), port))
        .await
        .map_err(|_| FetchError::Upstream(format!("{host} could not be resolved")))?
        .collect();
    if !on_allow_list(url, allow_hosts) && addrs.iter().any(|a| is_forbidden(a.ip())) {
        return Err(FetchError::Refused(resolves_privately(&host)));
    }
    Ok(addrs)
}

/// Addresses that are not on the public internet, or that reach this machine, its network
/// or a cloud metadata service.
pub fn is_forbidden(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_forbidden_v4(v4),
        IpAddr::V6(v6) => is_forbidden_v6(v6),
    }
}

fn is_forbidden_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local() // 169.254/16, the metadata address among them
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || a == 0 // "this network"
        || (a == 100 && (64..128).contains(&b)) // CGNAT 100.64/10
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240 // reserved
}

fn is_forbidden_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_forbidden_v4(v4);
    }
    let segments = ip.segments();
    let first = segments[0];
    ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local fc00::/7 (fd00:ec2::254 among them)
        || (first & 0xffc0) == 0xfe80 // link-local
        || (first & 0xffc0) == 0xfec0 // site-local (deprecated)
        || (first == 0x2001 && segments[1] == 0x0db8) // documentation
        || (first == 0x0064 && segments[1] == 0xff9b) // NAT64 reaches IPv4 space
        || first == 0x2002 // 6to4 embeds an IPv4 address
        || (first == 0x2001 && segments[1] == 0) // Teredo
        // IPv4-compatible ::a.b.c.d (deprecated but still routed by some stacks)
        || (segments[..6].iter().all(|s| *s == 0))
}

pub mod proxy;
pub mod trust;

#[cfg(test)]
mod tests;
