//! The egress proxy of a headless browser run: the browser's only way out (see
//! [`EgressProxy::chromium_args`]). It answers `CONNECT host:port` (a tunnel; what passes
//! through it is TLS the proxy never opens) and absolute-form `http://` requests, resolves the
//! host itself, checks every address with the fetcher's rules ([`super::dial_allowed`]) and
//! dials the very address it checked, so a second DNS answer never gets a say. What it
//! refuses gets a 403 and a line in [`EgressProxy::refusals`] for the run's log.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures_util::future::BoxFuture;
use tokio::io::{AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use url::{Host, Url};

use super::trust::{Override, overridden};
use super::{FetchError, dial_allowed};
use crate::error::{Error, Result};

/// Connections open at once; more wait to be accepted, so a page cannot exhaust the
/// companion's sockets (Chromium itself keeps at most 32 per proxy).
const MAX_CONNECTIONS: usize = 64;
/// A tunnel or request that moves no byte either way for this long is closed.
const IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// The time a client has to send its request head, and its size limit.
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
const MAX_HEAD: usize = 16 * 1024;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Refusals kept per run: enough for a log, bounded against a page that loops.
const MAX_REFUSALS: usize = 200;

/// One connection the proxy refused. `host` is what the browser asked for, never the internal
/// address a name resolved to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub host: String,
    pub port: u16,
    pub reason: String,
}

/// How the proxy resolves and dials; the system's resolver and TCP outside tests.
pub(crate) trait Network: Send + Sync {
    fn resolve(&self, host: String, port: u16) -> BoxFuture<'static, io::Result<Vec<SocketAddr>>>;
    fn connect(&self, addr: SocketAddr) -> BoxFuture<'static, io::Result<TcpStream>>;
}

struct System;

/// The system's resolver, except for the `resolve` setting's hosts.
struct Resolving(Vec<Override>);

impl Network for Resolving {
    fn resolve(&self, host: String, port: u16) -> BoxFuture<'static, io::Result<Vec<SocketAddr>>> {
        match overridden(&self.0, &host, port) {
            Some(addr) => Box::pin(async move { Ok(vec![addr]) }),
            None => System.resolve(host, port),
        }
    }

    fn connect(&self, addr: SocketAddr) -> BoxFuture<'static, io::Result<TcpStream>> {
        System.connect(addr)
    }
}

impl Network for System {
    fn resolve(&self, host: String, port: u16) -> BoxFuture<'static, io::Result<Vec<SocketAddr>>> {
        Box::pin(async move { Ok(tokio::net::lookup_host((host, port)).await?.collect()) })
    }

    fn connect(&self, addr: SocketAddr) -> BoxFuture<'static, io::Result<TcpStream>> {
        Box::pin(TcpStream::connect(addr))
    }
}

/// A running proxy on 127.0.0.1; dropping it closes the listener and every connection.
pub struct EgressProxy {
    port: u16,
    refusals: Arc<Mutex<Vec<Refusal>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for EgressProxy {
    fn drop(&mut self) {
        // The accept loop owns the connections' JoinSet, which aborts them as it drops.
        self.task.abort();
    }
}

struct Shared {
    allow_hosts: Vec<String>,
    network: Box<dyn Network>,
    refusals: Arc<Mutex<Vec<Refusal>>>,
}

impl EgressProxy {
    /// Starts a proxy on a random loopback port that lets through what the fetch rules and
    /// `allow_hosts` (the `fetch_allow_hosts` setting) allow.
    pub async fn start(allow_hosts: Vec<String>) -> Result<EgressProxy> {
        Self::start_with(allow_hosts, Box::new(System)).await
    }

    /// [`EgressProxy::start`], dialling the `resolve` setting's address for its hosts (which
    /// the fetch rules still check).
    pub async fn start_resolving(
        allow_hosts: Vec<String>,
        overrides: Vec<Override>,
    ) -> Result<EgressProxy> {
        Self::start_with(allow_hosts, Box::new(Resolving(overrides))).await
    }

    pub(crate) async fn start_with(
        allow_hosts: Vec<String>,
        network: Box<dyn Network>,
    ) -> Result<EgressProxy> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .map_err(|e| Error::Internal(format!("egress proxy: binding a port: {e}")))?;
        let port = listener
            .local_addr()
            .map_err(|e| Error::Internal(format!("egress proxy: its port: {e}")))?
            .port();
        let refusals = Arc::new(Mutex::new(Vec::new()));
        let shared = Arc::new(Shared {
            allow_hosts,
            network,
            refusals: refusals.clone(),
        });
        let task = tokio::spawn(accept(listener, shared));
        Ok(EgressProxy {
            port,
            refusals,
            task,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// What was refused so far, oldest first.
    pub fn refusals(&self) -> Vec<Refusal> {
        self.refusals
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Chromium's flags (without their dashes, as chromiumoxide wants them) that leave the
    /// proxy its only way out.
    pub fn chromium_args(&self) -> Vec<(&'static str, String)> {
        chromium_args(self.port)
    }
}

/// Chromium's flags that leave the proxy on loopback `port` its only way out.
pub fn chromium_args(port: u16) -> Vec<(&'static str, String)> {
    let policy = "disable_non_proxied_udp".to_owned();
    vec![
        ("proxy-server", format!("http://127.0.0.1:{port}")),
        // Chromium sends loopback addresses around any proxy unless told not to.
        ("proxy-bypass-list", "<-loopback>".to_owned()),
        // WebRTC may only use the proxy, which carries no UDP. Debian's Chromium reads
        // the first name, older builds the second.
        ("webrtc-ip-handling-policy", policy.clone()),
        ("force-webrtc-ip-handling-policy", policy),
        // QUIC is UDP, which an HTTP proxy does not carry.
        ("disable-quic", String::new()),
        // Chromium's own resolver answers nothing (prefetching included): names travel to
        // the proxy, which resolves and checks them.
        (
            "host-resolver-rules",
            "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1".to_owned(),
        ),
    ]
}

async fn accept(listener: TcpListener, shared: Arc<Shared>) {
    let permits = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut connections = JoinSet::new();
    loop {
        let Ok(permit) = permits.clone().acquire_owned().await else {
            return;
        };
        // Finished connections are reaped here so the set does not grow with the run.
        while connections.try_join_next().is_some() {}
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let shared = shared.clone();
        connections.spawn(async move {
            let _permit = permit;
            serve(stream, &shared).await;
        });
    }
}

/// What a client asked for.
struct Request {
    tunnel: bool,
    url: Url,
    /// The head to send upstream (a forwarded request's), empty for a tunnel.
    head: Vec<u8>,
    /// Bytes the client sent after its head.
    rest: Vec<u8>,
}

async fn serve(mut client: TcpStream, shared: &Shared) {
    let request = match tokio::time::timeout(HEAD_TIMEOUT, read_request(&mut client)).await {
        Ok(Ok(request)) => request,
        Ok(Err(reason)) => return answer(&mut client, "400 Bad Request", &reason).await,
        Err(_) => return,
    };
    let (Some(host), Some(port)) = (request.url.host_str(), request.url.port_or_known_default())
    else {
        return answer(&mut client, "400 Bad Request", "no host").await;
    };
    let mut upstream = match dial(shared, &request.url, host, port).await {
        Ok(upstream) => upstream,
        Err(FetchError::Refused(reason)) => {
            shared.refuse(host, port, &reason);
            return answer(&mut client, "403 Forbidden", &reason).await;
        }
        Err(FetchError::Upstream(reason)) => {
            return answer(&mut client, "502 Bad Gateway", &reason).await;
        }
    };
    let started = if request.tunnel {
        client
            .write_all(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            .await
    } else {
        upstream.write_all(&request.head).await
    };
    if started.is_ok() && upstream.write_all(&request.rest).await.is_ok() {
        relay(client, upstream).await;
    }
}

impl Shared {
    fn refuse(&self, host: &str, port: u16, reason: &str) {
        let mut refusals = self.refusals.lock().unwrap_or_else(PoisonError::into_inner);
        if refusals.len() < MAX_REFUSALS {
            refusals.push(Refusal {
                host: host.to_owned(),
                port,
                reason: reason.to_owned(),
            });
        }
    }
}

/// Resolves `url`'s host once, checks every address and connects to one of those.
async fn dial(
    shared: &Shared,
    url: &Url,
    host: &str,
    port: u16,
) -> std::result::Result<TcpStream, FetchError> {
    let lookup = match url.host() {
        Some(Host::Domain(domain)) => domain.to_owned(),
        Some(Host::Ipv4(ip)) => ip.to_string(),
        Some(Host::Ipv6(ip)) => ip.to_string(),
        None => return Err(FetchError::Refused("no host".into())),
    };
    let addrs = shared
        .network
        .resolve(lookup, port)
        .await
        .map_err(|_| FetchError::Upstream(format!("{host} could not be resolved")))?;
    if addrs.is_empty() {
        return Err(FetchError::Upstream(format!(
            "{host} could not be resolved"
        )));
    }
    for addr in &addrs {
        dial_allowed(host, port, addr.ip(), &shared.allow_hosts)?;
    }
    for addr in addrs {
        let connect = tokio::time::timeout(CONNECT_TIMEOUT, shared.network.connect(addr));
        if let Ok(Ok(stream)) = connect.await {
            return Ok(stream);
        }
    }
    Err(FetchError::Upstream(format!(
        "{host}:{port} could not be reached"
    )))
}

/// Reads the request head and turns it into what to dial and what to send there.
async fn read_request(client: &mut TcpStream) -> std::result::Result<Request, String> {
    let mut buffer = Vec::new();
    let end = loop {
        let end = buffer.windows(4).position(|w| w == b"\r\n\r\n");
        if end.unwrap_or(buffer.len()) > MAX_HEAD {
            return Err("request head too large".into());
        }
        if let Some(end) = end {
            break end + 4;
        }
        let mut chunk = [0u8; 4096];
        let read = client
            .read(&mut chunk)
            .await
            .map_err(|_| "request head not read".to_owned())?;
        if read == 0 {
            return Err("request head cut short".into());
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let rest = buffer.split_off(end);
    let head = String::from_utf8(buffer).map_err(|_| "request head not UTF-8".to_owned())?;
    let mut lines = head.split("\r\n");
    let mut words = lines.next().unwrap_or_default().split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (words.next(), words.next(), words.next(), words.next())
    else {
        return Err("malformed request line".into());
    };
    if method == "CONNECT" {
        let url = Url::parse(&format!("http://{target}/"))
            .ok()
            .filter(|url| is_bare_authority(url, target))
            .ok_or("CONNECT needs host:port")?;
        return Ok(Request {
            tunnel: true,
            url,
            head: Vec::new(),
            rest,
        });
    }
    let url = Url::parse(target)
        .ok()
        .filter(|url| url.scheme() == "http" && url.username().is_empty())
        .filter(|url| url.password().is_none())
        .ok_or("only CONNECT and absolute http:// requests are proxied")?;
    let mut upstream = format!("{method} {} {version}\r\n", origin_form(&url));
    for line in lines.filter(|line| !line.is_empty()) {
        let name = line
            .split(':')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        // Hop-by-hop: the proxy ends the exchange after one response.
        if !name.starts_with("proxy-") && name != "connection" && name != "keep-alive" {
            upstream.push_str(line);
            upstream.push_str("\r\n");
        }
    }
    upstream.push_str("Connection: close\r\n\r\n");
    Ok(Request {
        tunnel: false,
        url,
        head: upstream.into_bytes(),
        rest,
    })
}

/// A CONNECT target is `host:port` and nothing else (no user, path or query).
fn is_bare_authority(url: &Url, target: &str) -> bool {
    url.username().is_empty()
        && url.password().is_none()
        && url.path() == "/"
        && url.query().is_none()
        && url.fragment().is_none()
        && target
            .rsplit_once(':')
            .is_some_and(|(_, port)| port.parse::<u16>().is_ok())
}

fn origin_form(url: &Url) -> String {
    match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    }
}

async fn answer(client: &mut TcpStream, status: &str, reason: &str) {
    let response = format!(
        "HTTP/1.1 {status}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: {}\r\n\
         connection: close\r\n\r\n{reason}",
        reason.len()
    );
    let _ = client.write_all(response.as_bytes()).await;
    let _ = client.shutdown().await;
}

/// Copies both ways until both sides are done or nothing moves for [`IDLE_TIMEOUT`].
async fn relay(client: TcpStream, upstream: TcpStream) {
    let (mut client_read, mut client_write) = client.into_split();
    let (mut upstream_read, mut upstream_write) = upstream.into_split();
    let mut from_client = [0u8; 16 * 1024];
    let mut from_upstream = [0u8; 16 * 1024];
    let (mut client_open, mut upstream_open) = (true, true);
    while client_open || upstream_open {
        let moved = tokio::time::timeout(IDLE_TIMEOUT, async {
            tokio::select! {
                read = client_read.read(&mut from_client), if client_open => {
                    client_open = forward(read, &from_client, &mut upstream_write).await;
                }
                read = upstream_read.read(&mut from_upstream), if upstream_open => {
                    upstream_open = forward(read, &from_upstream, &mut client_write).await;
                }
            }
        })
        .await;
        if moved.is_err() {
            return;
        }
    }
}

/// Writes what one side sent to the other; false once that side is finished, after passing
/// its end on.
async fn forward(
    read: io::Result<usize>,
    buffer: &[u8],
    to: &mut (impl AsyncWrite + Unpin),
) -> bool {
    match read {
        Ok(read) if read > 0 && to.write_all(&buffer[..read]).await.is_ok() => true,
        _ => {
            let _ = to.shutdown().await;
            false
        }
    }
}

#[cfg(test)]
mod tests;
