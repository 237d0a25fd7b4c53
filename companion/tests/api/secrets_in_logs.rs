//! The server's log must not contain passwords, tokens or pairing codes, even at debug level.

use std::io::Write;
use std::sync::{Arc, Mutex};

use shared::api::PairRequest;

use crate::helpers::{PASSWORD, TestApp};

#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    pub fn bytes(&self) -> Vec<u8> {
        self.0.lock().expect("log buffer").clone()
    }
}

/// Captures everything logged on this thread at TRACE level until the guard drops. Tests
/// using it run on a current-thread runtime, so the server's tasks log here too.
pub fn capture_logs() -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_env_filter("trace")
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    (captured, tracing::subscriber::set_default(subscriber))
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

// One thread, so the subscriber set for this test sees the server's tasks too.
#[tokio::test(flavor = "current_thread")]
async fn no_secret_reaches_the_log() {
    let (captured, _guard) = capture_logs();

    let app = TestApp::spawn().await;
    let alice = app.create_user("alice").await;
    let code = app.pairing_code(alice.id).await;
    let client = reqwest::Client::new();
    let wrong = client
        .post(app.url("/api/v1/pair"))
        .json(&PairRequest {
            code: "ZZZZ-ZZZZZ-ZZZZZ".into(),
            device_name: "x".into(),
        })
        .send()
        .await
        .expect("request");
    assert_eq!(wrong.status(), 401);
    let paired: shared::api::PairResponse = client
        .post(app.url("/api/v1/pair"))
        .json(&PairRequest {
            code: code.clone(),
            device_name: "Chrome".into(),
        })
        .send()
        .await
        .expect("pair")
        .json()
        .await
        .expect("json");
    let browser = app.login("alice").await;
    let me = app
        .device_client(&paired.token)
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .expect("me");
    assert_eq!(me.status(), 200);
    let query = client
        .get(app.url(&format!("/api/v1/me?token={}", paired.token)))
        .send()
        .await
        .expect("query");
    assert_eq!(query.status(), 400);
    let setup = app.state.setup.issue().expect("setup token");
    client
        .get(app.url(&format!("/setup/{setup}")))
        .send()
        .await
        .expect("setup page");
    app.shutdown().await;

    let log = String::from_utf8(captured.bytes()).expect("utf-8 log");
    assert!(log.contains("/api/v1/pair"), "the capture works: {log}");
    for secret in [
        PASSWORD,
        paired.token.as_str(),
        code.as_str(),
        browser.csrf.as_str(),
        setup.as_str(),
    ] {
        assert!(!log.contains(secret), "a secret reached the log: {secret}");
    }
    let compact_code = code.replace('-', "");
    assert!(!log.contains(&compact_code));
}
