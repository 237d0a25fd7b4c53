//! The egress proxy's rules, through reqwest and raw CONNECTs: loopback, metadata and private
//! names refused unless their exact host:port is allow-listed, and the address checked is the
//! one dialled.

use std::collections::HashMap;
use std::net::IpAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::*;
use crate::fetch::tests::private_hostname;

/// A loopback listener that is never served: after the proxy answered, a connection it made
/// is already in the accept queue, so `reached` needs no waiting.
struct Target {
    listener: std::net::TcpListener,
    port: u16,
}

impl Target {
    fn new() -> Target {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let port = listener.local_addr().expect("addr").port();
        Target { listener, port }
    }

    fn reached(&self) -> bool {
        match self.listener.accept() {
            Ok(_) => true,
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => false,
            Err(e) => panic!("accept: {e}"),
        }
    }
}

/// The proxy's status line and body for `CONNECT authority`.
async fn tunnel(proxy: &EgressProxy, authority: &str) -> (String, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", proxy.port()))
        .await
        .expect("proxy");
    stream
        .write_all(format!("CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n\r\n").as_bytes())
        .await
        .expect("send");
    let mut answer = Vec::new();
    let mut chunk = [0u8; 1024];
    // A refusal ends with the connection; an open tunnel after its blank line.
    while !answer.ends_with(b"\r\n\r\n") || answer.starts_with(b"HTTP/1.1 403") {
        let read = stream.read(&mut chunk).await.expect("read");
        if read == 0 {
            break;
        }
        answer.extend_from_slice(&chunk[..read]);
    }
    let answer = String::from_utf8(answer).expect("utf-8");
    let (head, body) = answer.split_once("\r\n\r\n").expect("a head");
    (
        head.lines().next().unwrap_or_default().to_owned(),
        body.to_owned(),
    )
}

fn client(proxy: &EgressProxy) -> reqwest::Client {
    let proxy_url = format!("http://127.0.0.1:{}", proxy.port());
    reqwest::Client::builder()
        .proxy(reqwest::Proxy::all(proxy_url).expect("proxy"))
        .build()
        .expect("client")
}

fn refused(proxy: &EgressProxy, host: &str, port: u16) -> bool {
    proxy
        .refusals()
        .iter()
        .any(|refusal| refusal.host == host && refusal.port == port)
}

#[tokio::test]
async fn loopback_is_reached_only_at_an_allow_listed_host_and_port() {
    let (target, other) = (Target::new(), Target::new());
    let closed = EgressProxy::start(Vec::new()).await.expect("proxy");
    let (status, reason) = tunnel(&closed, &format!("127.0.0.1:{}", target.port)).await;
    assert!(status.starts_with("HTTP/1.1 403"), "{status}");
    assert!(reason.contains("port"), "{reason}");
    assert!(!target.reached());
    assert!(refused(&closed, "127.0.0.1", target.port));

    let open = EgressProxy::start(vec![format!("127.0.0.1:{}", target.port)])
        .await
        .expect("proxy");
    let (status, _) = tunnel(&open, &format!("127.0.0.1:{}", target.port)).await;
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    assert!(target.reached());
    let (status, _) = tunnel(&open, &format!("127.0.0.1:{}", other.port)).await;
    assert!(status.starts_with("HTTP/1.1 403"), "{status}");
    assert!(!other.reached());
    // Forwarded plain http obeys the same rules.
    let response = client(&open)
        .get(format!("http://127.0.0.1:{}/", other.port))
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status().as_u16(), 403);
    assert!(!other.reached());
    assert!(refused(&open, "127.0.0.1", other.port));
    assert!(!refused(&open, "127.0.0.1", target.port));
}

#[tokio::test]
async fn names_of_this_machine_are_refused_on_the_web_ports() {
    let proxy = EgressProxy::start(Vec::new()).await.expect("proxy");
    let mut names = vec![("localhost".to_owned(), None)];
    if let Some((name, ip)) = private_hostname().await {
        names.push((name, Some(ip)));
    }
    for (name, ip) in names {
        for port in [80, 443] {
            let (status, reason) = tunnel(&proxy, &format!("{name}:{port}")).await;
            assert!(status.starts_with("HTTP/1.1 403"), "{name}: {status}");
            if let Some(ip) = ip {
                assert!(reason.contains("private or reserved"), "{reason}");
                assert!(!reason.contains(&ip.to_string()), "names the address");
            }
            assert!(refused(&proxy, &name, port), "{name}:{port}");
        }
        let response = client(&proxy)
            .get(format!("http://{name}/"))
            .send()
            .await
            .expect("an answer");
        assert_eq!(response.status().as_u16(), 403, "{name}");
    }
}

/// What a fake network was asked, and where it really connects (a local fixture) when asked
/// to dial anything.
#[derive(Default)]
struct Log {
    resolved: Vec<String>,
    dialled: Vec<SocketAddr>,
}

struct Fake {
    names: HashMap<String, Vec<IpAddr>>,
    fixture: Option<SocketAddr>,
    log: Arc<Mutex<Log>>,
}

impl Network for Fake {
    fn resolve(&self, host: String, port: u16) -> BoxFuture<'static, io::Result<Vec<SocketAddr>>> {
        let ips = match host.parse::<IpAddr>() {
            Ok(ip) => vec![ip],
            Err(_) => self.names.get(&host).cloned().unwrap_or_default(),
        };
        self.log.lock().expect("log").resolved.push(host);
        let addrs = ips
            .into_iter()
            .map(|ip| SocketAddr::new(ip, port))
            .collect();
        Box::pin(async move { Ok(addrs) })
    }

    fn connect(&self, addr: SocketAddr) -> BoxFuture<'static, io::Result<TcpStream>> {
        self.log.lock().expect("log").dialled.push(addr);
        let fixture = self.fixture;
        Box::pin(async move {
            match fixture {
                Some(fixture) => TcpStream::connect(fixture).await,
                None => Err(io::ErrorKind::ConnectionRefused.into()),
            }
        })
    }
}

async fn fake_proxy(
    names: &[(&str, &[&str])],
    fixture: Option<SocketAddr>,
) -> (EgressProxy, Arc<Mutex<Log>>) {
    let log = Arc::new(Mutex::new(Log::default()));
    let names = names
        .iter()
        .map(|(name, ips)| {
            let ips = ips.iter().map(|ip| ip.parse().expect("ip")).collect();
            ((*name).to_owned(), ips)
        })
        .collect();
    let network = Fake {
        names,
        fixture,
        log: log.clone(),
    };
    let proxy = EgressProxy::start_with(Vec::new(), Box::new(network))
        .await
        .expect("proxy");
    (proxy, log)
}

#[tokio::test]
async fn the_metadata_service_and_private_answers_are_never_dialled() {
    let (proxy, log) = fake_proxy(
        &[("rebound.example.com", &["93.184.216.34", "10.0.0.7"])],
        None,
    )
    .await;
    let response = client(&proxy)
        .get("http://169.254.169.254/latest/meta-data/")
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status().as_u16(), 403);
    let (status, _) = tunnel(&proxy, "169.254.169.254:443").await;
    assert!(status.starts_with("HTTP/1.1 403"), "{status}");
    // One private answer among public ones is enough to refuse the name.
    let (status, reason) = tunnel(&proxy, "rebound.example.com:443").await;
    assert!(status.starts_with("HTTP/1.1 403"), "{status}");
    assert!(!reason.contains("10.0.0.7"), "{reason}");
    assert!(log.lock().expect("log").dialled.is_empty());
    assert!(refused(&proxy, "169.254.169.254", 80));
    assert!(refused(&proxy, "169.254.169.254", 443));
    assert!(
        proxy
            .refusals()
            .iter()
            .all(|refusal| !refusal.reason.contains("10.0.0.7"))
    );
}

/// A one-request HTTP server that answers with the request line it got.
async fn echo_request_line() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.expect("accept");
        let mut head = [0u8; 2048];
        let read = stream.read(&mut head).await.expect("read");
        let head = String::from_utf8_lossy(&head[..read]).into_owned();
        let line = head.lines().next().unwrap_or_default().to_owned();
        let response = format!(
            "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{line}",
            line.len()
        );
        stream.write_all(response.as_bytes()).await.expect("write");
    });
    addr
}

#[tokio::test]
async fn a_public_name_is_resolved_once_and_dialled_at_the_address_checked() {
    let fixture = echo_request_line().await;
    let (proxy, log) = fake_proxy(&[("jobs.example.com", &["93.184.216.34"])], Some(fixture)).await;
    let response = client(&proxy)
        .get("http://jobs.example.com/apply?id=7")
        .send()
        .await
        .expect("an answer");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        response.text().await.expect("body"),
        "GET /apply?id=7 HTTP/1.1"
    );
    let log = log.lock().expect("log");
    assert_eq!(log.resolved, ["jobs.example.com"]);
    assert_eq!(
        log.dialled,
        ["93.184.216.34:80".parse::<SocketAddr>().expect("addr")]
    );
    assert!(proxy.refusals().is_empty());
}

#[tokio::test]
async fn other_ports_of_a_public_name_are_refused() {
    let (proxy, log) = fake_proxy(&[("jobs.example.com", &["93.184.216.34"])], None).await;
    let (status, reason) = tunnel(&proxy, "jobs.example.com:22").await;
    assert!(status.starts_with("HTTP/1.1 403"), "{status}");
    assert!(reason.contains("port 22"), "{reason}");
    assert!(log.lock().expect("log").dialled.is_empty());
}

#[tokio::test]
async fn what_is_not_a_proxy_request_gets_a_400() {
    let proxy = EgressProxy::start(Vec::new()).await.expect("proxy");
    for request in [
        "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n".to_owned(),
        "CONNECT user@example.com:443 HTTP/1.1\r\n\r\n".to_owned(),
        "CONNECT example.com HTTP/1.1\r\n\r\n".to_owned(),
        format!(
            "GET http://example.com/{} HTTP/1.1\r\n\r\n",
            "a".repeat(MAX_HEAD)
        ),
    ] {
        let mut stream = TcpStream::connect(("127.0.0.1", proxy.port()))
            .await
            .expect("proxy");
        stream.write_all(request.as_bytes()).await.expect("send");
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.expect("read");
        assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    }
}
