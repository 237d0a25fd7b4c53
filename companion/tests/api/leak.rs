//! Plants a random cookie value, runs a whole connect / check / rotate cycle with TRACE
//! logging, then searches every place the companion writes for the value in any common
//! encoding: the database files (SQLite and its -wal/-shm, or the PostgreSQL data folder),
//! the log, the event stream and /metrics.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

use crate::helpers::{TestApp, read_sse_until};
use crate::secrets_in_logs::capture_logs;

fn encodings(secret: &str, raw: &[u8]) -> Vec<Vec<u8>> {
    vec![
        secret.as_bytes().to_vec(),
        raw.to_vec(),
        STANDARD.encode(secret).into_bytes(),
        URL_SAFE_NO_PAD.encode(secret).into_bytes(),
        url::form_urlencoded::byte_serialize(secret.as_bytes())
            .collect::<String>()
            .into_bytes(),
        serde_json::to_string(secret).expect("json").into_bytes(),
        // The value's own characters, hex-escaped as a database dump might show bytes.
        secret
            .bytes()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
            .into_bytes(),
    ]
}

// memchr's substring search: a byte-window scan of the PostgreSQL data folder in a debug
// build took minutes.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(haystack, needle).is_some()
}

fn files_under(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_planted_cookie_value_appears_nowhere_the_companion_writes() {
    let (captured, _guard) = capture_logs();
    let raw: [u8; 32] = companion::auth::tokens::random_bytes().expect("random");
    let secret = URL_SAFE_NO_PAD.encode(raw);

    let app = TestApp::spawn_with(|c| c.metrics_token = crate::metrics::TOKEN.into()).await;
    let alice = app.create_user("alice").await;
    // The positive control: a device name is meant to be stored, so the same search must find
    // it, which proves the places searched are the ones the companion wrote.
    let control = format!("device-{}", hex::encode(&raw[..8]));
    let paired = app.pair(alice.id, &control).await;
    let client = app.device_client(&paired.token);
    let stream = client
        .get(app.url("/api/v1/events"))
        .send()
        .await
        .expect("stream");

    let envelope = crate::vault::seal_for(
        &app,
        &client,
        alice.id,
        &format!("li_at={secret}; JSESSIONID=ajax:1"),
    )
    .await;
    let stored = client
        .put(app.url("/api/v1/credentials/linkedin"))
        .json(&serde_json::json!({ "envelope": envelope }))
        .send()
        .await
        .expect("store");
    assert_eq!(stored.status(), 200);
    let listed = client
        .get(app.url("/api/v1/credentials"))
        .send()
        .await
        .expect("list")
        .text()
        .await
        .expect("text");
    let jar = app
        .state
        .vault
        .open_stored(alice.id, "linkedin")
        .await
        .expect("check");
    assert!(
        jar.cookies
            .iter()
            .any(|c| c.value.expose_secret() == secret),
        "the cycle really carries the value"
    );
    drop(jar);
    app.state
        .vault
        .rotate(&app.state.bus, alice.id)
        .await
        .expect("rotate");
    let reopened = app
        .state
        .vault
        .open_stored(alice.id, "linkedin")
        .await
        .expect("check after rotation");
    drop(reopened);
    let events = read_sse_until(stream, |text| text.contains("vault.rotated")).await;
    // Every GET of the API, so a route added later is searched too (ids that are not
    // alice's answer 404, which is searched as well).
    let spec = app.openapi().await;
    let mut answers = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        if item.get("get").is_none() || path == "/api/v1/events" {
            continue;
        }
        let filled: Vec<&str> = path
            .split('/')
            .map(|segment| match segment {
                "{platform}" => "linkedin",
                s if s.starts_with('{') => "1",
                s => s,
            })
            .collect();
        let text = client
            .get(app.url(&filled.join("/")))
            .send()
            .await
            .expect("get")
            .bytes()
            .await
            .expect("body");
        answers.push((format!("GET {path}"), text.to_vec()));
    }
    assert!(answers.len() >= 10, "the API's GETs were read");
    let metrics = reqwest::Client::new()
        .get(app.url("/metrics"))
        .bearer_auth(crate::metrics::TOKEN)
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    let database_url = app.state.config.database_url.clone();
    let data_dir = app.state.config.data_dir.clone();
    let _data_dir_kept = app.shutdown().await;

    let mut places: Vec<(String, Vec<u8>)> = vec![
        ("log".into(), captured.bytes()),
        ("event stream".into(), events.into_bytes()),
        ("/metrics".into(), metrics.into_bytes()),
        ("credential list".into(), listed.into_bytes()),
    ];
    places.extend(answers);
    let mut files = Vec::new();
    if database_url.starts_with("sqlite:") {
        for suffix in ["", "-wal", "-shm"] {
            files.push(data_dir.join(format!("companion.db{suffix}")));
        }
        assert!(files[0].exists(), "the SQLite file is where the test looks");
    } else {
        let pg_dir = std::env::var("PG_TMP_DIR")
            .expect("PG_TMP_DIR names the PostgreSQL folder of the test run");
        files_under(Path::new(&pg_dir), &mut files);
        assert!(files.len() > 100, "the PostgreSQL data folder was found");
    }
    files_under(&data_dir, &mut files);
    for file in files {
        if let Ok(bytes) = std::fs::read(&file) {
            places.push((file.display().to_string(), bytes));
        }
    }
    let log = String::from_utf8_lossy(&places[0].1);
    assert!(
        log.contains(r#"method=PUT route="/api/v1/credentials/{platform}""#),
        "the log capture saw the cycle's requests"
    );
    assert!(
        places
            .iter()
            .any(|(place, bytes)| place != "log" && contains(bytes, control.as_bytes())),
        "the stored device name {control} is found where the companion wrote"
    );
    for (place, bytes) in &places {
        for encoded in encodings(&secret, &raw) {
            assert!(
                !contains(bytes, &encoded),
                "the cookie value leaked into {place}"
            );
        }
    }
}
