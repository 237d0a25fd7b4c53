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
    /// self-hosted board); nothing else is.
    pub allow_hosts: Vec<String>,
    pub timeout: Duration,
    pub max_bytes: usize,
}

/// A fetched body and the URL it finally came from.
#[derive(Debug)]
pub struct Fetched {
    pub url: Url,
    pub content_type: String,
    pub body: Vec<u8>,
}

#[derive(Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    policy: FetchPolicy,
}

impl Fetcher {
    pub fn new(policy: FetchPolicy) -> crate::error::Result<Fetcher> {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(policy.timeout)
            .connect_timeout(policy.timeout)
            .no_proxy()
            .user_agent(concat!("AutoResume-companion/", env!("CARGO_PKG_VERSION")))
            .dns_resolver(Arc::new(CheckedResolver {
                allowed_names: policy
                    .allow_hosts
                    .iter()
                    .filter_map(|entry| entry.rsplit_once(':'))
                    .map(|(host, _)| host.to_ascii_lowercase())
                    .collect(),
            }))
            .build()
            .map_err(|e| Error::Internal(format!("http client: {e}")))?;
        Ok(Fetcher { client, policy })
    }

    /// GETs `url`, following up to five redirects, each checked like the first URL.
    pub async fn get(&self, url: &str, accept: &str) -> Result<Fetched, FetchError> {
        let mut url = check_url(url, &self.policy.allow_hosts)?;
        for _ in 0..=MAX_REDIRECTS {
            let response = self
                .client
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
    /// Host names of the allow-list; the resolver does not see the port.
    allowed_names: Vec<String>,
}

impl Resolve for CheckedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_ascii_lowercase();
        let allowed = self.allowed_names.contains(&host);
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if !allowed && let Some(bad) = addrs.iter().find(|a| is_forbidden(a.ip())) {
                return Err(Box::new(RefusedAddress(format!(
                    "{host} resolves to {}, a private or reserved address",
                    bad.ip()
                )))
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
            let domain = domain.trim_end_matches('.').to_ascii_lowercase();
            if !allowed
                && (domain == "localhost"
                    || domain.ends_with(".localhost")
                    || domain == "metadata.google.internal")
            {
                return Err(FetchError::Refused(format!(
                    "{domain} is a local name and is not fetched"
                )));
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

fn on_allow_list(url: &Url, allow_hosts: &[String]) -> bool {
    url.host_str().is_some_and(|host| {
        let entry = format!("{host}:{}", url.port_or_known_default().unwrap_or(0));
        allow_hosts.iter().any(|a| a.eq_ignore_ascii_case(&entry))
    })
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
    if !on_allow_list(url, allow_hosts)
        && let Some(bad) = addrs.iter().find(|a| is_forbidden(a.ip()))
    {
        return Err(FetchError::Refused(format!(
            "{host} resolves to {}, a private or reserved address",
            bad.ip()
        )));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(url: &str) -> bool {
        refused_with(url, &[])
    }

    #[test]
    fn other_schemes_are_refused() {
        for url in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "ftp://example.com/",
            "data:text/html,hi",
            "gopher://example.com/",
            "not a url",
            "",
        ] {
            assert!(refused(url), "{url}");
        }
    }

    #[test]
    fn literal_private_addresses_are_refused_in_every_spelling() {
        for url in [
            "http://127.0.0.1/",
            "http://127.1/",
            "http://0x7f.1/",
            "http://0177.0.0.1/",
            "http://2130706433/",
            "http://0x7f000001/",
            "http://0/",
            "http://0.0.0.0:8080/",
            "http://10.1.2.3/",
            "http://172.16.0.1/",
            "http://192.168.1.1/",
            "http://169.254.169.254/latest/meta-data/",
            "http://100.64.0.1/",
            "http://100.127.255.254/",
            "http://224.0.0.1/",
            "http://255.255.255.255/",
            "http://[::1]/",
            "http://[::]/",
            "http://[::ffff:127.0.0.1]/",
            "http://[::ffff:169.254.169.254]/",
            "http://[::127.0.0.1]/",
            "http://[fd00:ec2::254]/",
            "http://[fc00::1]/",
            "http://[fe80::1]/",
            "http://[ff02::1]/",
            "http://[64:ff9b::7f00:1]/",
            "http://[2002:7f00:1::]/",
            "https://localhost/",
            "https://api.localhost:8443/",
            "http://LOCALHOST./",
            "http://metadata.google.internal/computeMetadata/v1/",
            "http://user:pass@example.com/",
        ] {
            assert!(refused(url), "{url}");
        }
    }

    #[test]
    fn public_addresses_and_names_pass() {
        for url in [
            "https://example.com/jobs/1",
            "http://93.184.216.34/",
            "http://100.128.0.1/",
            "http://172.32.0.1/",
            "https://[2606:4700::1111]/",
            "https://boards-api.greenhouse.io/v1/boards/x/jobs",
        ] {
            assert!(check_url(url, &[]).is_ok(), "{url}");
        }
    }

    #[test]
    fn the_allow_list_lets_exactly_its_host_and_port_through() {
        let allow = ["127.0.0.1:8080".to_owned(), "localhost:80".to_owned()];
        assert!(check_url("http://127.0.0.1:8080/", &allow).is_ok());
        assert!(check_url("http://localhost/", &allow).is_ok());
        assert!(refused_with("http://127.0.0.1:8081/", &allow));
        assert!(refused_with("http://127.0.0.2:8080/", &allow));
        assert!(refused_with("javascript:alert(1)", &allow));
        assert!(refused_with("file:///etc/passwd", &allow));
    }

    fn refused_with(url: &str, allow: &[String]) -> bool {
        matches!(check_url(url, allow), Err(FetchError::Refused(_)))
    }

    #[tokio::test]
    async fn names_resolving_to_loopback_are_refused_at_connect() {
        let fetcher = Fetcher::new(FetchPolicy {
            allow_hosts: Vec::new(),
            timeout: Duration::from_secs(5),
            max_bytes: 1024,
        })
        .expect("fetcher");
        // check_url refuses `localhost` by name; the resolver must refuse it by address.
        let name: Name = "localhost".parse().expect("name");
        let resolved = CheckedResolver {
            allowed_names: Vec::new(),
        }
        .resolve(name)
        .await;
        assert!(resolved.is_err());
        // Through the client the refusal stays a refusal (a 4xx), not an upstream failure.
        let url = Url::parse("http://localhost:9/").expect("url");
        let error = fetcher
            .client
            .get(url.clone())
            .send()
            .await
            .expect_err("refused");
        assert!(
            matches!(describe(&url, &error), FetchError::Refused(_)),
            "{error:?}"
        );
        assert!(matches!(
            fetcher.get("http://127.0.0.1:9/", "*/*").await,
            Err(FetchError::Refused(_))
        ));
    }
}
