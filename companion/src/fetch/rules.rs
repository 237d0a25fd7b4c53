//! The fetch rules: which URLs, addresses and ports the companion may reach, shared by the
//! fetcher, the egress proxy and the model client.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use url::{Host, Url};

use super::FetchError;

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
pub(super) fn resolves_privately(host: &str) -> String {
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
pub(super) struct AllowEntry {
    /// Lowercase, an IPv6 address in brackets (as [`Url::host_str`] gives it).
    pub(super) host: String,
    /// None for a bare host: the scheme's default port only.
    port: Option<u16>,
}

impl AllowEntry {
    pub(super) fn parse(entry: &str) -> AllowEntry {
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

pub(super) fn on_allow_list(url: &Url, allow_hosts: &[String]) -> bool {
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
