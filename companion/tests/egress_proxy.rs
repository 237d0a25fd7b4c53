#![cfg(feature = "browser")]
//! Real headless Chromium behind the egress proxy (`companion::fetch::proxy`), started as the
//! companion starts it (`companion::browser`: sandboxed, as the browser user when root): a page
//! served from an allow-listed local server asks for other loopback ports, the metadata service
//! and a STUN server over UDP, and none of them is reached; the proxy's refusals name them.

use std::net::{TcpListener as StdListener, UdpSocket};
use std::time::Duration;

use companion::browser::{self, Network, Options};
use companion::fetch::proxy::EgressProxy;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const PAGE_TIMEOUT: Duration = Duration::from_secs(30);

/// A loopback port nobody serves: after the proxy answered, a connection made to it is
/// already in the accept queue, so looking needs no waiting.
fn unserved() -> (StdListener, u16) {
    let listener = StdListener::bind("127.0.0.1:0").expect("bind");
    listener.set_nonblocking(true).expect("nonblocking");
    let port = listener.local_addr().expect("addr").port();
    (listener, port)
}

fn reached(listener: &StdListener) -> bool {
    match listener.accept() {
        Ok(_) => true,
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => false,
        Err(e) => panic!("accept: {e}"),
    }
}

/// Serves `page` to every request, one request a connection.
async fn fixture(page: String) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut head = [0u8; 4096];
            let _ = stream.read(&mut head).await;
            let response = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\n\
                 connection: close\r\n\r\n{page}",
                page.len()
            );
            let _ = stream.write_all(response.as_bytes()).await;
        }
    });
    port
}

/// The page: an image and two fetches to where it must not go, and a WebRTC offer whose ICE
/// gathering would send a STUN request over UDP. `window.finished` settles when all did.
fn page(other: u16, image: u16, stun: u16) -> String {
    format!(
        r#"<!doctype html><title>fixture</title>
<img id="pixel" src="http://127.0.0.1:{image}/pixel.png">
<script>
const settle = p => p.then(() => 'loaded', () => 'failed');
const image = new Promise(done => {{
  const pixel = document.getElementById('pixel');
  if (pixel.complete) done(pixel.naturalWidth ? 'loaded' : 'failed');
  pixel.onload = () => done('loaded');
  pixel.onerror = () => done('failed');
}});
const ice = (async () => {{
  const peer = new RTCPeerConnection({{iceServers: [{{urls: 'stun:127.0.0.1:{stun}'}}]}});
  peer.createDataChannel('probe');
  const gathered = new Promise(done => {{
    peer.onicegatheringstatechange = () => peer.iceGatheringState === 'complete' && done();
  }});
  await peer.setLocalDescription(await peer.createOffer());
  await gathered;
  return 'gathered';
}})();
window.finished = Promise.all([
  settle(fetch('http://127.0.0.1:{other}/')),
  settle(fetch('http://169.254.169.254/latest/meta-data/')),
  image,
  ice,
]);
</script>"#
    )
}

#[tokio::test]
async fn a_page_reaches_nothing_but_the_allow_listed_server() {
    let (other, other_port) = unserved();
    let (image, image_port) = unserved();
    let stun = UdpSocket::bind("127.0.0.1:0").expect("udp");
    stun.set_nonblocking(true).expect("nonblocking");
    let stun_port = stun.local_addr().expect("addr").port();
    let served = fixture(page(other_port, image_port, stun_port)).await;
    let proxy = EgressProxy::start(vec![format!("127.0.0.1:{served}")])
        .await
        .expect("proxy");

    let session = browser::launch(Options {
        network: Network::Through(&proxy),
        scripts: true,
        trusted_spki: &[],
    })
    .await
    .expect("chromium starts");
    // A request that got around the proxy hangs on its unserved port (the page's load with
    // it): bounded, and then the listeners below say which one it was.
    let run = tokio::time::timeout(PAGE_TIMEOUT, async {
        let tab = session.tab().await.expect("a tab");
        tab.goto(format!("http://127.0.0.1:{served}/"))
            .await
            .expect("the allow-listed page loads");
        let title: String = tab
            .evaluate("document.title")
            .await
            .expect("title")
            .into_value()
            .expect("a string");
        let outcomes: Vec<String> = tab
            .evaluate("window.finished")
            .await
            .expect("the page's requests settle")
            .into_value()
            .expect("outcomes");
        (title, outcomes)
    })
    .await;
    session.close().await;

    assert!(!reached(&other), "the fetch reached another loopback port");
    assert!(!reached(&image), "the image reached another loopback port");
    let (title, outcomes) = run.expect("the page loads and its requests settle in time");
    assert_eq!(title, "fixture");
    assert_eq!(outcomes, ["failed", "failed", "failed", "gathered"]);
    let mut datagram = [0u8; 512];
    assert!(
        stun.recv_from(&mut datagram).is_err(),
        "WebRTC sent UDP around the proxy"
    );
    let refusals = proxy.refusals();
    for (host, port) in [
        ("127.0.0.1", other_port),
        ("127.0.0.1", image_port),
        ("169.254.169.254", 80),
    ] {
        assert!(
            refusals.iter().any(|r| r.host == host && r.port == port),
            "{host}:{port} not among the refusals {refusals:?}"
        );
    }
}
