//! Inbound mail webhooks with the providers' real captured payloads: each verified post is
//! stored raw and classified; every refused one (unknown secret, bad signature, expired
//! timestamp, replayed token, wrong basic auth, malformed form, too large) stores nothing.

use base64::Engine;
use companion::mail::credentials::{self, FreshCredentials};
use serde_json::Value;

use crate::helpers::{TestApp, wait_for};

/// The multi_mail Mailgun fixtures were signed with this key (SOURCES.md).
const MAILGUN_KEY: &str = "foo";

/// A captured post of the corpus (`webhooks`): the body after its HTTP preamble (if the file
/// has one) and its Content-Type. SendGrid's samples are saved with bare newlines; the wire
/// has CRLF.
pub fn captured(corpus: &std::path::Path, name: &str) -> (String, Vec<u8>) {
    let bytes = std::fs::read(corpus.join("webhooks").join(name)).expect("corpus file");
    let bytes = if bytes.contains(&b'\r') {
        bytes
    } else {
        String::from_utf8(bytes)
            .expect("text")
            .replace('\n', "\r\n")
            .into_bytes()
    };
    if !bytes.starts_with(b"HTTP/") {
        return ("multipart/form-data; boundary=xYzZY".into(), bytes);
    }
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of the preamble");
    let preamble = String::from_utf8_lossy(&bytes[..end]).into_owned();
    let content_type = preamble
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-type")
                .then(|| value.trim().to_owned())
        })
        .expect("a Content-Type");
    (content_type, bytes[end + 4..].to_vec())
}

pub async fn stored(app: &TestApp, user_id: i64) -> i64 {
    companion::store::account::count_rows(&app.state.store, "mail_messages", user_id)
        .await
        .expect("count")
}

/// Posts a body to one of the user's webhook URLs.
pub async fn post(
    app: &TestApp,
    secret: &str,
    provider: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/inbound/{secret}/{provider}")))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("post");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON answer"))
}

pub async fn inbound_user(app: &TestApp, name: &str) -> (i64, FreshCredentials) {
    let user = app.create_user(name).await;
    let fresh = credentials::rotate(&app.state, user.id)
        .await
        .expect("credentials");
    (user.id, fresh)
}

/// The message once the classify job has read it.
pub async fn classified(app: &TestApp, user_id: i64, id: i64) -> Value {
    let read = || async {
        companion::mail::messages::get(&app.state, user_id, id)
            .await
            .expect("message")
    };
    wait_for("the message is classified", || async {
        read().await.parse_state != "pending"
    })
    .await;
    serde_json::to_value(read().await).expect("json")
}

#[tokio::test]
async fn sendgrid_parsed_and_raw_posts_are_stored_once_and_classified() {
    let Some(corpus) = test_corpus::dir() else {
        return;
    };
    let app = TestApp::spawn().await;
    let (alice, fresh) = inbound_user(&app, "alice").await;

    let (content_type, body) = captured(&corpus, "sendgrid-inbound-default_data.txt");
    let (status, answer) = post(&app, &fresh.secret, "sendgrid", &content_type, body.clone()).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["duplicate"], false);
    let parsed = classified(&app, alice, answer["id"].as_i64().expect("id")).await;
    assert_eq!(parsed["parseState"], "parsed", "{parsed}");
    assert_eq!(parsed["source"], "sendgrid");
    assert!(parsed["category"].is_string(), "{parsed}");

    let (again, duplicate) = post(&app, &fresh.secret, "sendgrid", &content_type, body).await;
    assert_eq!(again, 200);
    assert_eq!(duplicate["duplicate"], true, "{duplicate}");
    assert_eq!(duplicate["id"], answer["id"]);
    assert!(
        duplicate["detail"]
            .as_str()
            .expect("detail")
            .contains("not stored again"),
        "{duplicate}"
    );

    let mut raw_ids = Vec::new();
    for payload in [
        "sendgrid-inbound-raw_data.txt",
        "sendgrid-inbound-raw_data_with_attachments.txt",
        "sendgrid-inbound-valid.multipart.txt",
    ] {
        let (content_type, body) = captured(&corpus, payload);
        let (status, answer) = post(&app, &fresh.secret, "sendgrid", &content_type, body).await;
        assert_eq!(status, 200, "{payload}: {answer}");
        let message = classified(&app, alice, answer["id"].as_i64().expect("id")).await;
        assert_eq!(message["parseState"], "parsed", "{payload}: {message}");
        raw_ids.push(message["id"].as_i64().expect("id"));
    }
    let raw = companion::store::mail::raw(&app.state.store, alice, raw_ids[0])
        .await
        .expect("query")
        .expect("stored");
    let (_, posted) = captured(&corpus, "sendgrid-inbound-raw_data.txt");
    let posted = String::from_utf8(posted).expect("text");
    let email = posted
        .split("name=\"email\"\r\n\r\n")
        .nth(1)
        .and_then(|rest| rest.split("\r\n--xYzZY").next())
        .expect("the email field");
    assert_eq!(raw, email.as_bytes(), "raw MIME is kept byte for byte");
    assert_eq!(stored(&app, alice).await, 4);
}

#[tokio::test]
async fn refused_posts_store_nothing() {
    let Some(corpus) = test_corpus::dir() else {
        return;
    };
    let app = TestApp::spawn_with(|config| config.mail_max_bytes = 4096).await;
    let (alice, fresh) = inbound_user(&app, "alice").await;
    let (content_type, body) = captured(&corpus, "sendgrid-inbound-default_data.txt");

    let (status, answer) = post(
        &app,
        "not-a-secret",
        "sendgrid",
        &content_type,
        body.clone(),
    )
    .await;
    assert_eq!(status, 401, "{answer}");
    assert_eq!(answer["detail"], "unknown inbound address");

    let mut cut = body.clone();
    cut.truncate(body.len() / 2);
    let (status, answer) = post(&app, &fresh.secret, "sendgrid", &content_type, cut).await;
    assert_eq!(status, 400, "a multipart cut in half: {answer}");
    let (status, _) = post(
        &app,
        &fresh.secret,
        "sendgrid",
        "multipart/form-data; boundary=xYzZY",
        b"--xYzZY\r\nContent-Disposition: form-data; name=\"to\"\r\n\r\nme@example.com\r\n--xYzZY--\r\n".to_vec(),
    )
    .await;
    assert_eq!(status, 400, "a form without a message");
    let (status, _) = post(&app, &fresh.secret, "sendgrid", "text/plain", body).await;
    assert_eq!(status, 415);

    let (content_type, big) = captured(&corpus, "sendgrid-inbound-raw_data_with_attachments.txt");
    assert!(big.len() > 4096);
    let (status, answer) = post(&app, &fresh.secret, "sendgrid", &content_type, big).await;
    assert_eq!(status, 413, "a message over mail_max_bytes: {answer}");
    let huge = vec![b'x'; 2 * 1024 * 1024];
    let (status, answer) = post(&app, &fresh.secret, "sendgrid", &content_type, huge).await;
    assert_eq!(status, 413, "a body over the route's limit: {answer}");

    let (status, _) = post(
        &app,
        &fresh.secret,
        "postmark",
        "application/json",
        std::fs::read(corpus.join("webhooks/anymail_postmark-inbound-test-payload.json"))
            .expect("payload"),
    )
    .await;
    assert_eq!(status, 401, "Postmark without basic auth");
    assert_eq!(stored(&app, alice).await, 0);
}

#[tokio::test]
async fn a_verified_message_with_broken_mime_is_kept_and_marked_unparseable() {
    let app = TestApp::spawn().await;
    let (alice, fresh) = inbound_user(&app, "alice").await;
    let broken = b"--xYzZY\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\nFrom: someone@example.com\r\nContent-Type: multipart/mixed; boundary=\"never-used\"\r\n\r\nno parts here\r\n--xYzZY--\r\n";
    let (status, answer) = post(
        &app,
        &fresh.secret,
        "sendgrid",
        "multipart/form-data; boundary=xYzZY",
        broken.to_vec(),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let message = classified(&app, alice, answer["id"].as_i64().expect("id")).await;
    assert_eq!(message["parseState"], "unparseable", "{message}");
    assert!(message["parseError"].is_string(), "{message}");
    assert_eq!(message["category"], Value::Null);
    assert_eq!(stored(&app, alice).await, 1);
}

/// 2013's signatures pass only with a window that reaches back to them.
const YEARS: u64 = 30 * 365 * 86_400;

#[tokio::test]
async fn mailgun_posts_verify_with_the_signing_key_and_never_twice() {
    let Some(corpus) = test_corpus::dir() else {
        return;
    };
    let app = TestApp::spawn_with(|config| config.mailgun_timestamp_window_secs = YEARS).await;
    let (alice, alice_fresh) = inbound_user(&app, "alice").await;
    let (bob, bob_fresh) = inbound_user(&app, "bob").await;
    let (parsed_type, parsed) = captured(&corpus, "mailgun-parsed-valid.multipart.txt");
    let (mime_type, mime) = captured(&corpus, "mailgun-raw-valid.multipart.txt");

    let (status, answer) = post(
        &app,
        &alice_fresh.secret,
        "mailgun",
        &parsed_type,
        parsed.clone(),
    )
    .await;
    assert_eq!(status, 401, "no key set yet: {answer}");
    credentials::set_mailgun_key(&app.state, alice, "not-the-key")
        .await
        .expect("key");
    let (status, answer) = post(
        &app,
        &alice_fresh.secret,
        "mailgun",
        &parsed_type,
        parsed.clone(),
    )
    .await;
    assert_eq!(status, 401, "{answer}");
    assert_eq!(answer["detail"], "the Mailgun signature does not match");

    credentials::set_mailgun_key(&app.state, alice, MAILGUN_KEY)
        .await
        .expect("key");
    let (status, answer) = post(
        &app,
        &alice_fresh.secret,
        "mailgun",
        &parsed_type,
        parsed.clone(),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let message = classified(&app, alice, answer["id"].as_i64().expect("id")).await;
    assert_eq!(message["parseState"], "parsed", "{message}");
    assert_eq!(message["fromAddress"], "james@opennorth.ca", "{message}");

    // Both fixtures carry the same token: the second is a replay, even on the other route.
    let (status, answer) = post(
        &app,
        &alice_fresh.secret,
        "mailgun/mime",
        &mime_type,
        mime.clone(),
    )
    .await;
    assert_eq!(status, 401, "{answer}");
    assert_eq!(
        answer["detail"],
        "this Mailgun token was used before (a replay)"
    );
    assert_eq!(stored(&app, alice).await, 1);

    credentials::set_mailgun_key(&app.state, bob, MAILGUN_KEY)
        .await
        .expect("key");
    let (status, answer) = post(&app, &bob_fresh.secret, "mailgun/mime", &mime_type, mime).await;
    assert_eq!(status, 200, "the replay cache is per user: {answer}");
    let message = classified(&app, bob, answer["id"].as_i64().expect("id")).await;
    assert_eq!(message["parseState"], "parsed", "{message}");
    assert_eq!(message["subject"], "Test");
}

#[tokio::test]
async fn mailgun_refuses_expired_timestamps_and_forgets_old_tokens() {
    let Some(corpus) = test_corpus::dir() else {
        return;
    };
    let app = TestApp::spawn().await;
    let (alice, fresh) = inbound_user(&app, "alice").await;
    credentials::set_mailgun_key(&app.state, alice, MAILGUN_KEY)
        .await
        .expect("key");
    let (content_type, body) = captured(&corpus, "mailgun-parsed-valid.multipart.txt");
    let (status, answer) = post(&app, &fresh.secret, "mailgun", &content_type, body).await;
    assert_eq!(status, 401, "{answer}");
    assert_eq!(
        answer["detail"],
        "the Mailgun timestamp is outside the accepted window"
    );
    let (status, _) = post(
        &app,
        &fresh.secret,
        "mailgun",
        "multipart/form-data; boundary=b",
        b"--b\r\nContent-Disposition: form-data; name=\"timestamp\"\r\n\r\n1".to_vec(),
    )
    .await;
    assert_eq!(status, 400, "malformed multipart");
    assert_eq!(stored(&app, alice).await, 0);

    companion::store::mail_inbound::remember_token(&app.state.store, alice, "old", 1_000)
        .await
        .expect("remember");
    let removed = companion::store::mail_inbound::delete_expired_tokens(&app.state.store, 2_000)
        .await
        .expect("cleanup");
    assert_eq!(removed, 1);
}

fn basic(user: &str, password: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    )
}

#[tokio::test]
async fn postmark_needs_the_basic_auth_it_was_given() {
    let Some(corpus) = test_corpus::dir() else {
        return;
    };
    let app = TestApp::spawn().await;
    let (alice, fresh) = inbound_user(&app, "alice").await;
    let send = |authorization: String, body: Vec<u8>| {
        let url = app.url(&format!("/api/v1/inbound/{}/postmark", fresh.secret));
        async move {
            let response = reqwest::Client::new()
                .post(url)
                .header("content-type", "application/json")
                .header("authorization", authorization)
                .body(body)
                .send()
                .await
                .expect("post");
            let status = response.status().as_u16();
            (status, response.json::<Value>().await.expect("json"))
        }
    };
    let modern = std::fs::read(corpus.join("webhooks/anymail_postmark-inbound-test-payload.json"))
        .expect("payload");
    let (status, answer) = send(basic(&fresh.postmark_user, "wrong"), modern.clone()).await;
    assert_eq!(status, 401, "{answer}");
    let (status, answer) = send(basic("someone", &fresh.postmark_password), modern.clone()).await;
    assert_eq!(status, 401, "{answer}");
    let (status, answer) = send(
        basic(&fresh.postmark_user, &fresh.postmark_password),
        b"{not json".to_vec(),
    )
    .await;
    assert_eq!(status, 400, "{answer}");
    assert_eq!(stored(&app, alice).await, 0);

    let auth = basic(&fresh.postmark_user, &fresh.postmark_password);
    let (status, answer) = send(auth.clone(), modern).await;
    assert_eq!(status, 200, "{answer}");
    let message = classified(&app, alice, answer["id"].as_i64().expect("id")).await;
    assert_eq!(message["parseState"], "parsed", "{message}");

    let (_, old_schema) = captured(&corpus, "postmark-inbound-valid.http.txt");
    let (status, answer) = send(auth.clone(), old_schema).await;
    assert_eq!(status, 200, "{answer}");
    let message = classified(&app, alice, answer["id"].as_i64().expect("id")).await;
    assert_eq!(message["fromName"], "James McKinney", "{message}");

    let with_raw =
        std::fs::read(corpus.join("webhooks/anymail_postmark-inbound-test-payload-with-raw.json"))
            .expect("payload");
    let (status, answer) = send(auth, with_raw).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(stored(&app, alice).await, 3);

    let rotated = credentials::rotate(&app.state, alice)
        .await
        .expect("rotate");
    let (status, _) = post(
        &app,
        &fresh.secret,
        "postmark",
        "application/json",
        b"{}".to_vec(),
    )
    .await;
    assert_eq!(status, 401, "the old secret stops working");
    assert_ne!(rotated.secret, fresh.secret);
}
