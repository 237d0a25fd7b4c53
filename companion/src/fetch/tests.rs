//! The fetch rules, from literal addresses to an allow-listed name reached on another port.

use std::net::IpAddr;

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

#[test]
fn bare_and_bracketed_entries_name_their_ports() {
    let allow = ["Board.example".to_owned(), "[::1]:8080".to_owned()];
    assert!(check_url("http://[::1]:8080/", &allow).is_ok());
    assert!(refused_with("http://[::1]/", &allow));
    let bare = |url: &str| on_allow_list(&Url::parse(url).expect("url"), &allow);
    assert!(bare("http://board.example/") && bare("https://board.example:443/"));
    assert!(!bare("http://board.example:8080/") && !bare("https://board.example:80/"));
}

/// This machine's name, when it resolves to a private or loopback address (most hosts
/// file or container set-ups; the one the test machine uses).
pub(super) async fn private_hostname() -> Option<(String, IpAddr)> {
    let name = std::fs::read_to_string("/proc/sys/kernel/hostname").ok()?;
    let name = name.trim().to_ascii_lowercase();
    let ip = tokio::net::lookup_host((name.as_str(), 0))
        .await
        .ok()?
        .map(|a| a.ip())
        .find(|ip| is_forbidden(*ip))?;
    Some((name, ip))
}

/// A one-line HTTP server on `ip`: `/hop` redirects to `redirect_to`, anything else answers
/// `body` (the layer rule keeps axum out of this module).
async fn serve(ip: IpAddr, redirect_to: Option<String>, body: &'static str) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind((ip, 0)).await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut head = [0u8; 1024];
            let read = stream.read(&mut head).await.unwrap_or(0);
            let hop = head[..read].starts_with(b"GET /hop ");
            let response = match (&redirect_to, hop) {
                (Some(to), true) => format!(
                    "HTTP/1.1 302 Found\r\nlocation: {to}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                ),
                _ => format!(
                    "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                ),
            };
            let _ = stream.write_all(response.as_bytes()).await;
        }
    });
    port
}

#[tokio::test]
async fn an_allowed_host_name_opens_its_port_only_also_after_a_redirect() {
    let Some((host, ip)) = private_hostname().await else {
        eprintln!("skipped: this machine's name resolves to no private address");
        return;
    };
    let other = serve(ip, None, "reached").await;
    let allowed = serve(ip, Some(format!("http://{host}:{other}/")), "reached").await;
    let fetcher = Fetcher::new(FetchPolicy {
        allow_hosts: vec![format!("{host}:{allowed}")],
        timeout: Duration::from_secs(5),
        max_bytes: 1024,
        ..FetchPolicy::default()
    })
    .expect("fetcher");
    let page = fetcher
        .get(&format!("http://{host}:{allowed}/"), "*/*")
        .await
        .expect("the allowed port is fetched");
    assert_eq!(page.body, b"reached");
    for url in [
        format!("http://{host}:{other}/"),
        format!("http://{host}:{allowed}/hop"),
    ] {
        match fetcher.get(&url, "*/*").await {
            Err(FetchError::Refused(detail)) => {
                assert!(detail.contains("private or reserved"), "{detail}");
                assert!(
                    !detail.contains(&ip.to_string()),
                    "names the address: {detail}"
                );
            }
            other => panic!("{url}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_resolve_entry_applies_to_its_own_port_only() {
    let Some((host, ip)) = private_hostname().await else {
        eprintln!("skipped: this machine's name resolves to no private address");
        return;
    };
    // The entry sends host:A to another loopback address; host:B is left to the hosts file.
    let elsewhere: IpAddr = "127.0.0.3".parse().expect("ip");
    assert_ne!(
        ip, elsewhere,
        "the test needs the name elsewhere than {elsewhere}"
    );
    let a = serve(elsewhere, None, "served from the resolve entry").await;
    let b = serve(ip, None, "served where the name resolves").await;
    let fetcher = Fetcher::new(FetchPolicy {
        allow_hosts: vec![format!("{host}:{a}"), format!("{host}:{b}")],
        timeout: Duration::from_secs(5),
        max_bytes: 1024,
        resolve: vec![
            trust::Override::parse(&format!("{host}:{a}={elsewhere}:{a}")).expect("entry"),
        ],
        ..FetchPolicy::default()
    })
    .expect("fetcher");
    for (port, expected) in [
        (a, "served from the resolve entry"),
        (b, "served where the name resolves"),
    ] {
        let page = fetcher
            .get(&format!("http://{host}:{port}/"), "*/*")
            .await
            .unwrap_or_else(|e| panic!("port {port}: {e}"));
        assert_eq!(String::from_utf8_lossy(&page.body), expected);
    }
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
        ..FetchPolicy::default()
    })
    .expect("fetcher");
    // check_url refuses `localhost` by name; the resolver must refuse it by address.
    let name: Name = "localhost".parse().expect("name");
    let resolved = CheckedResolver {
        allowed_names: Vec::new(),
        overrides: Vec::new(),
    }
    .resolve(name)
    .await;
    assert!(resolved.is_err());
    // Through the client the refusal stays a refusal (a 4xx), not an upstream failure.
    let url = Url::parse("http://localhost:9/").expect("url");
    let error = fetcher
        .other_ports
        .strict
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
