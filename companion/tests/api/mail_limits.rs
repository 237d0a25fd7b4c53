//! Large bodies on the mail routes: an unknown secret (or Postmark's basic auth) is refused
//! before the body is read, only a few bodies are read at once, and a message over
//! `mail_max_bytes` gets one answer however far over it is and however it was sent, and a
//! sender that stalls is cut off.

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};

use crate::helpers::{TestApp, wait_for};
use crate::mail_inbound::{inbound_user, post, stored};

const FORM: &str = "multipart/form-data; boundary=xYzZY";

/// A request sent by hand over its own connection: the head, then as much of the body as
/// the test wants. The connection stays open (the body unfinished) while the value lives.
struct Raw {
    read: OwnedReadHalf,
    write: Option<OwnedWriteHalf>,
}

impl Raw {
    /// `length`: a declared Content-Length, or None for a chunked body.
    async fn start(
        app: &TestApp,
        path: &str,
        headers: &[(&str, &str)],
        length: Option<usize>,
    ) -> Raw {
        let mut head = format!("POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        match length {
            Some(length) => head.push_str(&format!("Content-Length: {length}\r\n\r\n")),
            None => head.push_str("Transfer-Encoding: chunked\r\n\r\n"),
        }
        let (read, mut write) = TcpStream::connect(app.addr)
            .await
            .expect("connect")
            .into_split();
        write.write_all(head.as_bytes()).await.expect("head");
        Raw {
            read,
            write: Some(write),
        }
    }

    async fn send(&mut self, bytes: &[u8]) {
        let write = self.write.as_mut().expect("still writing");
        write.write_all(bytes).await.expect("body");
    }

    /// Sends `body` in chunks from a task of its own, so that the answer is read meanwhile:
    /// the server may answer, and stop reading, before the end.
    fn stream_chunked(&mut self, body: Vec<u8>) {
        let mut write = self.write.take().expect("still writing");
        tokio::spawn(async move {
            for chunk in body.chunks(64 * 1024) {
                let framed = [format!("{:x}\r\n", chunk.len()).as_bytes(), chunk, b"\r\n"].concat();
                if write.write_all(&framed).await.is_err() {
                    return;
                }
            }
            let _ = write.write_all(b"0\r\n\r\n").await;
        });
    }

    /// The answer's status and problem body. The body may still be unfinished: an answer
    /// that needs all of it never comes, and the wait fails.
    async fn answer(mut self) -> (u16, Value, String) {
        let mut read = Vec::new();
        let answer = tokio::time::timeout(Duration::from_secs(10), async {
            let mut buffer = [0u8; 4096];
            loop {
                let n = self.read.read(&mut buffer).await.expect("read");
                read.extend_from_slice(&buffer[..n]);
                let text = String::from_utf8_lossy(&read).into_owned();
                if let Some((head, body)) = text.split_once("\r\n\r\n")
                    && let Ok(json) = serde_json::from_str::<Value>(body)
                {
                    return (head.to_owned(), json);
                }
                assert!(n > 0, "the connection closed without an answer: {text}");
            }
        })
        .await;
        let (head, json) = answer.expect("an answer while the body was still unsent");
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("a status line");
        (status, json, head.to_ascii_lowercase())
    }
}

#[tokio::test]
async fn unknown_secrets_and_wrong_basic_auth_are_refused_before_the_body_is_read() {
    let app = TestApp::spawn().await;
    let (_, fresh) = inbound_user(&app, "alice").await;
    let twenty_mb = Some(20_000_000);

    let mut unknown = Raw::start(
        &app,
        "/api/v1/inbound/not-a-secret/sendgrid",
        &[("Content-Type", FORM)],
        twenty_mb,
    )
    .await;
    unknown.send(b"--xYzZY\r\n").await;
    let (status, problem, _) = unknown.answer().await;
    assert_eq!(status, 401, "{problem}");
    assert_eq!(problem["type"], "urn:autoresume:problem:not-verified");

    let path = format!("/api/v1/inbound/{}/postmark", fresh.secret);
    let mut no_auth = Raw::start(
        &app,
        &path,
        &[("Content-Type", "application/json")],
        twenty_mb,
    )
    .await;
    no_auth.send(b"{\"RawEmail\": \"").await;
    let (status, problem, _) = no_auth.answer().await;
    assert_eq!(status, 401, "{problem}");
    assert_eq!(problem["detail"], "Postmark posts need basic auth");
}

#[tokio::test]
async fn only_a_few_large_bodies_are_read_at_once() {
    let app = TestApp::spawn().await;
    let (alice, fresh) = inbound_user(&app, "alice").await;
    let path = format!("/api/v1/inbound/{}/sendgrid", fresh.secret);
    let empty_form = b"--xYzZY--\r\n".to_vec();

    let mut held = Vec::new();
    for _ in 0..companion::http::bodies::AT_ONCE {
        let mut slow = Raw::start(&app, &path, &[("Content-Type", FORM)], Some(20_000_000)).await;
        slow.send(b"--xYzZY\r\n").await;
        held.push(slow);
    }
    // The held posts take their permits as the server gets to them.
    let refused = std::sync::Mutex::new(None);
    wait_for("a post beyond the cap is turned away", || async {
        let response = reqwest::Client::new()
            .post(app.url(&path))
            .header("content-type", FORM)
            .body(empty_form.clone())
            .send()
            .await
            .expect("post");
        if response.status() != 503 {
            return false;
        }
        let retry_after = response.headers().get("retry-after").cloned();
        let problem = response.json::<Value>().await.expect("problem");
        *refused.lock().expect("lock") = Some((retry_after, problem));
        true
    })
    .await;
    let (retry_after, problem) = refused.into_inner().expect("lock").expect("refused");
    assert_eq!(retry_after.expect("Retry-After"), "5");
    assert_eq!(problem["type"], "urn:autoresume:problem:busy", "{problem}");

    drop(held);
    wait_for("the permits come back with the connections", || async {
        post(&app, &fresh.secret, "sendgrid", FORM, empty_form.clone())
            .await
            .0
            == 400
    })
    .await;
    assert_eq!(stored(&app, alice).await, 0);
}

#[tokio::test]
async fn a_sender_that_stalls_gets_408_and_gives_its_place_back() {
    let app = TestApp::spawn_with(|config| config.mail_read_timeout_secs = 1).await;
    let (alice, fresh) = inbound_user(&app, "alice").await;
    let token = app.pair(alice, "Chrome").await.token;
    let path = format!("/api/v1/inbound/{}/sendgrid", fresh.secret);

    // Every place taken by a stalled sender: multipart posts, and a plain upload.
    let mut stalled = Vec::new();
    for _ in 1..companion::http::bodies::AT_ONCE {
        let mut post = Raw::start(&app, &path, &[("Content-Type", FORM)], Some(20_000)).await;
        post.send(b"--xYzZY\r\n").await;
        stalled.push(post);
    }
    let bearer = format!("Bearer {token}");
    let headers = [
        ("Content-Type", "message/rfc822"),
        ("Authorization", bearer.as_str()),
    ];
    let mut upload = Raw::start(&app, "/api/v1/mail", &headers, Some(20_000)).await;
    upload.send(b"From: a@example.com\r\n").await;
    stalled.push(upload);

    for post in stalled {
        let (status, problem, _) = post.answer().await;
        assert_eq!(status, 408, "{problem}");
        assert_eq!(
            problem["type"], "urn:autoresume:problem:request-timeout",
            "{problem}"
        );
        assert!(
            problem["detail"]
                .as_str()
                .is_some_and(|d| d.contains("too slowly")),
            "{problem}"
        );
    }
    // The Inbox page's upload form: the page again, saying why.
    let browser = app.login("alice").await;
    let upload_url = app.url(&format!(
        "/dashboard/inbox/upload?csrf_token={}",
        browser.csrf
    ));
    let start =
        "--xYzZY\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.eml\"\r\n\r\nFrom:";
    let stalling = futures_util::stream::iter([Ok::<_, std::io::Error>(start.as_bytes().to_vec())])
        .chain(futures_util::stream::pending());
    let page = browser
        .write(reqwest::Method::POST, &upload_url)
        .header("content-type", FORM)
        .body(reqwest::Body::wrap_stream(stalling))
        .send()
        .await
        .expect("upload");
    assert_eq!(page.status(), 408);
    let html = page.text().await.expect("html");
    assert!(html.contains("too slowly"), "{html}");

    // The places are free again: a whole post is read (and refused for its empty form).
    let (status, _) = post(
        &app,
        &fresh.secret,
        "sendgrid",
        FORM,
        b"--xYzZY--\r\n".to_vec(),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(stored(&app, alice).await, 0);
}

/// Uploads `raw` to `/api/v1/mail`; its status and problem.
async fn upload(app: &TestApp, token: &str, raw: Vec<u8>) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/mail"))
        .bearer_auth(token)
        .header("content-type", "message/rfc822")
        .body(raw)
        .send()
        .await
        .expect("upload");
    (
        response.status().as_u16(),
        response.json().await.expect("JSON"),
    )
}

#[tokio::test]
async fn a_message_over_the_limit_gets_one_answer_however_it_arrives() {
    const LIMIT: usize = 4096;
    let app = TestApp::spawn_with(|config| config.mail_max_bytes = LIMIT).await;
    let (alice, fresh) = inbound_user(&app, "alice").await;
    let token = app.pair(alice, "Chrome").await.token;
    let mut message = b"From: a@example.com\r\nSubject: big\r\n\r\n".to_vec();
    message.resize(LIMIT + 1, b'x');
    let mut far_over = message.clone();
    far_over.resize(2 * 1024 * 1024, b'x');
    let mut sendgrid_form =
        b"--xYzZY\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\n".to_vec();
    sendgrid_form.extend_from_slice(&message);
    sendgrid_form.extend_from_slice(b"\r\n--xYzZY--\r\n");

    let mut answers = vec![
        ("just over", upload(&app, &token, message.clone()).await),
        (
            "far over, by its length",
            upload(&app, &token, far_over.clone()).await,
        ),
        (
            "just over, in a SendGrid post",
            post(&app, &fresh.secret, "sendgrid", FORM, sendgrid_form).await,
        ),
    ];
    let authorization = format!("Bearer {token}");
    let mut chunked = Raw::start(
        &app,
        "/api/v1/mail",
        &[
            ("Content-Type", "message/rfc822"),
            ("Authorization", &authorization),
        ],
        None,
    )
    .await;
    chunked.stream_chunked(far_over);
    let (status, problem, _) = chunked.answer().await;
    answers.push(("far over, streamed", (status, problem)));

    for (how, (status, problem)) in answers {
        assert_eq!(status, 413, "{how}: {problem}");
        assert_eq!(
            problem["type"], "urn:autoresume:problem:payload-too-large",
            "{how}"
        );
        assert_eq!(
            problem["detail"],
            format!("the message is larger than {LIMIT} bytes"),
            "{how}"
        );
    }
    assert_eq!(stored(&app, alice).await, 0);
}

/// The Inbox page's upload says the same, on its page, whether the message was just over or
/// the form streamed past the route's limit.
#[tokio::test]
async fn the_inbox_upload_gives_the_same_answer() {
    const LIMIT: usize = 4096;
    let app = TestApp::spawn_with(|config| config.mail_max_bytes = LIMIT).await;
    let (alice, _) = inbound_user(&app, "alice").await;
    let browser = app.login("alice").await;
    let upload_url = app.url(&format!(
        "/dashboard/inbox/upload?csrf_token={}",
        browser.csrf
    ));
    let mut message = b"From: a@example.com\r\nSubject: big\r\n\r\n".to_vec();
    message.resize(LIMIT + 1, b'x');
    let far_over = vec![b'x'; 2 * 1024 * 1024];
    // A streamed part has no length, so the form goes chunked and the limit is hit reading it.
    let streamed = reqwest::Body::wrap_stream(futures_util::stream::iter(
        far_over
            .chunks(64 * 1024)
            .map(|chunk| Ok::<_, std::io::Error>(chunk.to_vec()))
            .collect::<Vec<_>>(),
    ));
    for (how, part) in [
        ("just over", reqwest::multipart::Part::bytes(message)),
        (
            "streamed past the limit",
            reqwest::multipart::Part::stream(streamed),
        ),
    ] {
        let form = reqwest::multipart::Form::new().part("file", part.file_name("big.eml"));
        let page = browser
            .write(reqwest::Method::POST, &upload_url)
            .multipart(form)
            .send()
            .await
            .expect("upload");
        assert_eq!(page.status(), 413, "{how}");
        assert!(
            page.headers()["content-type"]
                .to_str()
                .is_ok_and(|t| t.starts_with("text/html")),
            "{how}: the Inbox page, not a problem document"
        );
        let html = page.text().await.expect("html");
        assert!(
            html.contains(&format!("the message is larger than {LIMIT} bytes")),
            "{how}: {html}"
        );
    }
    assert_eq!(stored(&app, alice).await, 0);
}
