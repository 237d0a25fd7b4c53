//! Memory of large uploads, measured where it matters: in a real `companion serve` process,
//! from its /proc status. Ten 25 MB messages in a row must not leave the companion holding
//! several copies of each (the issue saw 937 MB at peak, 836 MB left resident).

use std::time::Duration;

use companion::store::Backend;

use crate::helpers::TestApp;

const MESSAGES: usize = 10;
const MESSAGE_BYTES: usize = 25_000_000;
const MIB: u64 = 1024 * 1024;
/// glibc's threshold pinned (as the Docker image does): every large buffer is its own
/// mapping, returned when freed, so the figures count the copies held at once rather than
/// what glibc's per-thread arenas keep cached after a dynamic threshold rose to 25 MB.
const MMAP_THRESHOLD: &str = "glibc.malloc.mmap_threshold=1048576";

/// A message of exactly `MESSAGE_BYTES`: headers, then 76-character lines.
fn message(index: usize) -> Vec<u8> {
    let mut raw = format!(
        "From: Recruiter <jobs@acme.example>\r\nSubject: Attachment {index}\r\nMessage-ID: <big-{index}@acme.example>\r\n\r\n"
    )
    .into_bytes();
    let line = [b'x'; 76];
    while raw.len() + 78 <= MESSAGE_BYTES {
        raw.extend_from_slice(&line);
        raw.extend_from_slice(b"\r\n");
    }
    raw.resize(MESSAGE_BYTES, b'y');
    raw
}

/// SendGrid's "post raw MIME" form around a message.
fn sendgrid_post(raw: &[u8]) -> Vec<u8> {
    let mut body = b"--xYzZY\r\nContent-Disposition: form-data; name=\"to\"\r\n\r\nme@example.com\r\n--xYzZY\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\n".to_vec();
    body.extend_from_slice(raw);
    body.extend_from_slice(b"\r\n--xYzZY--\r\n");
    body
}

/// A field of /proc/PID/status in bytes (`VmRSS`, `VmHWM`).
fn status_bytes(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
    let kib: u64 = status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("the field in /proc status");
    kib * 1024
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

#[tokio::test]
async fn ten_large_uploads_do_not_pile_up_in_memory() {
    let app = TestApp::spawn().await;
    let alice = app.create_user("alice").await;
    let token = app.pair(alice.id, "Chrome").await.token;
    let fresh = companion::mail::credentials::rotate(&app.state, alice.id)
        .await
        .expect("inbound address");
    let config = &app.state.config;
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    // No workers: this measures taking messages in, not classifying them.
    let mut server = tokio::process::Command::new(env!("CARGO_BIN_EXE_companion"))
        .arg("serve")
        .env("COMPANION_BIND", format!("127.0.0.1:{port}"))
        .env("COMPANION_DATABASE_URL", &config.database_url)
        .env("COMPANION_MASTER_KEY_FILE", &config.master_key_file)
        .env("COMPANION_DATA_DIR", &config.data_dir)
        .env("COMPANION_WORKERS", "0")
        .env("GLIBC_TUNABLES", MMAP_THRESHOLD)
        .stdout(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("companion serve starts");
    let pid = server.id().expect("pid");
    let client = reqwest::Client::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while client.get(format!("{base}/healthz")).send().await.is_err() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the companion never answered"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let before = status_bytes(pid, "VmRSS");

    // Half as uploads, half as SendGrid posts (raw MIME in a multipart form).
    for index in 0..MESSAGES {
        let request = if index % 2 == 0 {
            client
                .post(format!("{base}/api/v1/mail"))
                .bearer_auth(&token)
                .header("content-type", "message/rfc822")
                .body(message(index))
        } else {
            client
                .post(format!("{base}/api/v1/inbound/{}/sendgrid", fresh.secret))
                .header("content-type", "multipart/form-data; boundary=xYzZY")
                .body(sendgrid_post(&message(index)))
        };
        let response = request.send().await.expect("post");
        let status = response.status();
        assert!(status.is_success(), "{status}: {:?}", response.text().await);
    }

    let peak = status_bytes(pid, "VmHWM");
    let after = status_bytes(pid, "VmRSS");
    let _ = server.kill().await;
    eprintln!(
        "companion RSS before {} MiB, peak {} MiB, after {} MiB",
        before / MIB,
        peak / MIB,
        after / MIB
    );
    let message = u64::try_from(MESSAGE_BYTES).expect("size");
    // Storing holds copies beside ours: on SQLite the driver's two and SQLite's own; on
    // PostgreSQL the driver's, its encoded arguments and the socket's write buffer, which
    // keeps its capacity in the pooled connection afterwards.
    let (at_peak, after_all) = match app.state.store.backend() {
        Backend::Sqlite => (5, 2),
        Backend::Postgres => (7, 4),
    };
    assert!(
        peak.saturating_sub(before) < at_peak * message,
        "peak grew by {} MiB for {MESSAGES} messages of {} MiB",
        peak.saturating_sub(before) / MIB,
        message / MIB
    );
    assert!(
        after.saturating_sub(before) < after_all * message,
        "{} MiB stayed resident",
        after.saturating_sub(before) / MIB
    );
}
