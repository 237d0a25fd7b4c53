use crate::helpers::{TestApp, read_sse_until, sse_events};

/// Opens the event stream as a device, resuming after `last_event_id`.
async fn stream_after(app: &TestApp, token: &str, last_event_id: &str) -> reqwest::Response {
    app.device_client(token)
        .get(app.url("/api/v1/events"))
        .header("last-event-id", last_event_id)
        .send()
        .await
        .expect("stream request")
}

#[tokio::test]
async fn the_stream_replays_after_last_event_id_then_goes_live() {
    let app = TestApp::spawn().await;
    let alice = app.create_user("alice").await;
    let paired = app.pair(alice.id, "Chrome").await;
    let device = app.device_client(&paired.token);
    let first = app
        .state
        .bus
        .emit(alice.id, "test.ping", serde_json::json!({"message": "one"}))
        .await
        .expect("emit");
    app.state
        .bus
        .emit(alice.id, "test.ping", serde_json::json!({"message": "two"}))
        .await
        .expect("emit");
    app.state
        .bus
        .emit(
            alice.id,
            "test.ping",
            serde_json::json!({"message": "three"}),
        )
        .await
        .expect("emit");

    let response = device
        .get(app.url("/api/v1/events"))
        .header("last-event-id", first.id.to_string())
        .send()
        .await
        .expect("stream");
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("text/event-stream")
    );

    let bus = app.state.bus.clone();
    let emitted = std::sync::atomic::AtomicBool::new(false);
    let text = read_sse_until(response, |text| {
        // Once the replay arrived, emit a live event; the read ends when it shows up.
        if text.contains("\"three\"") && !emitted.swap(true, std::sync::atomic::Ordering::SeqCst) {
            let bus = bus.clone();
            tokio::spawn(async move {
                bus.emit(
                    alice.id,
                    "test.ping",
                    serde_json::json!({"message": "four"}),
                )
                .await
                .expect("emit");
            });
        }
        text.contains("\"four\"")
    })
    .await;
    let messages: Vec<String> = sse_events(&text)
        .iter()
        .map(|e| e["payload"]["message"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(messages, ["two", "three", "four"]);
    let ids: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("id: "))
        .collect();
    assert_eq!(ids.len(), 3);
    assert!(
        text.contains("\"text\":\"two\""),
        "events carry their display text"
    );
}

#[tokio::test]
async fn without_last_event_id_recent_events_are_replayed() {
    let app = TestApp::spawn().await;
    let alice = app.create_user("alice").await;
    let paired = app.pair(alice.id, "Chrome").await;
    let response = app
        .device_client(&paired.token)
        .get(app.url("/api/v1/events"))
        .send()
        .await
        .expect("stream");
    let text = read_sse_until(response, |text| text.contains("device.paired")).await;
    assert_eq!(
        sse_events(&text)[0]["payload"]["deviceId"],
        paired.device.id.as_str()
    );
}

#[tokio::test]
async fn keep_alive_comments_are_sent() {
    let app = TestApp::spawn_with(|c| c.sse_keepalive_secs = 1).await;
    let alice = app.create_user("alice").await;
    let paired = app.pair(alice.id, "Chrome").await;
    let response = stream_after(&app, &paired.token, "999999").await;
    let text = read_sse_until(response, |text| text.contains(": keep-alive")).await;
    assert!(sse_events(&text).is_empty());
}

#[tokio::test]
async fn revoking_a_device_ends_its_stream_with_the_revocation() {
    let app = TestApp::spawn().await;
    let alice = app.create_user("alice").await;
    let paired = app.pair(alice.id, "Chrome").await;
    let response = stream_after(&app, &paired.token, "999999").await;
    companion::pairing::revoke_device(
        &app.state.store,
        &app.state.bus,
        alice.id,
        &paired.device.id,
    )
    .await
    .expect("revoke");
    let body = tokio::time::timeout(std::time::Duration::from_secs(10), response.text())
        .await
        .expect("the stream ends after the revocation")
        .expect("body");
    assert!(body.contains("device.revoked"));
}

#[tokio::test]
async fn a_malformed_last_event_id_is_a_bad_request() {
    let app = TestApp::spawn().await;
    let alice = app.create_user("alice").await;
    let paired = app.pair(alice.id, "Chrome").await;
    let response = stream_after(&app, &paired.token, "yesterday").await;
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn shutdown_ends_open_streams() {
    let app = TestApp::spawn().await;
    let alice = app.create_user("alice").await;
    let paired = app.pair(alice.id, "Chrome").await;
    let response = app
        .device_client(&paired.token)
        .get(app.url("/api/v1/events"))
        .send()
        .await
        .expect("stream");
    assert_eq!(response.status(), 200);
    tokio::time::timeout(std::time::Duration::from_secs(10), app.shutdown())
        .await
        .expect("graceful shutdown does not hang on an open stream");
    drop(response);
}

/// Two companions on one PostgreSQL database: an event written through one reaches a stream
/// served by the other. (On SQLite there is one companion per database file.)
#[tokio::test]
async fn events_cross_companions_sharing_postgres() {
    let first = TestApp::spawn().await;
    if first.state.store.backend() != companion::store::Backend::Postgres {
        return;
    }
    let shared_url = first.state.config.database_url.clone();
    let key_file = first.state.config.master_key_file.clone();
    let second = TestApp::spawn_with(|c| {
        c.database_url = shared_url;
        c.master_key_file = key_file;
    })
    .await;
    let alice = first.create_user("alice").await;
    let paired = first.pair(alice.id, "Chrome").await;
    let response = second
        .device_client(&paired.token)
        .get(second.url("/api/v1/events"))
        .header("last-event-id", "999999")
        .send()
        .await
        .expect("stream from the second companion");
    assert_eq!(response.status(), 200);
    // The headers arrived, so the second companion's stream is subscribed.
    first
        .state
        .bus
        .emit(
            alice.id,
            "test.ping",
            serde_json::json!({"message": "via the first"}),
        )
        .await
        .expect("emit");
    let text = read_sse_until(response, |text| text.contains("via the first")).await;
    assert_eq!(sse_events(&text).len(), 1);
}

/// Job completions written in one batch on one companion reach a stream served by the
/// other: the batch's NOTIFY names every event.
#[tokio::test]
async fn a_batch_of_job_completions_crosses_companions() {
    use companion::store::jobs::{self, ClaimRequest, Completion, NewJob};
    let first = TestApp::spawn_with(|c| c.workers = 0).await;
    if first.state.store.backend() != companion::store::Backend::Postgres {
        return;
    }
    let shared_url = first.state.config.database_url.clone();
    let key_file = first.state.config.master_key_file.clone();
    let second = TestApp::spawn_with(|c| {
        c.database_url = shared_url;
        c.master_key_file = key_file;
        c.workers = 0;
    })
    .await;
    let alice = first.create_user("alice").await;
    let paired = first.pair(alice.id, "Chrome").await;
    let store = &first.state.store;
    let payload = serde_json::json!({});
    let job = NewJob {
        user_id: alice.id,
        kind: "test.cross",
        payload: &payload,
        max_attempts: 1,
        idempotency_key: None,
        run_at: 0,
        platform: None,
    };
    let ids = jobs::enqueue_many(store, &[job.clone(), job], 0)
        .await
        .expect("enqueue");
    let request = ClaimRequest {
        worker: "cross",
        kinds: &["test.cross"],
        lease_ms: 60_000,
        limits: Default::default(),
    };
    let claimed = jobs::claim_batch(store, &request, 2, 1)
        .await
        .expect("claim");
    assert_eq!(claimed.len(), 2);
    let response = second
        .device_client(&paired.token)
        .get(second.url("/api/v1/events"))
        .header("last-event-id", "999999")
        .send()
        .await
        .expect("stream from the second companion");
    assert_eq!(response.status(), 200);
    let done: Vec<Completion> = claimed
        .iter()
        .map(|job| Completion {
            id: job.id,
            attempt: job.attempt,
            result: serde_json::json!({"ok": true}),
        })
        .collect();
    let (channel, prefix) = first.state.bus.notice();
    let written = jobs::complete_many_notified(store, &done, (channel, &prefix), 2)
        .await
        .expect("complete");
    assert_eq!(written.len(), 2);
    let text = read_sse_until(response, |text| text.matches("job.state").count() >= 2).await;
    assert_eq!(sse_events(&text).len(), 2, "each completion once: {text}");
    for id in ids {
        assert!(text.contains(&id.to_string()), "job {id} in {text}");
    }
}

/// `companion bench sse` runs its streams in a second process of the same binary and reports
/// the companion's own memory per stream.
#[tokio::test]
async fn the_sse_bench_measures_streams_opened_by_another_process() {
    let scratch = tempfile::tempdir().expect("temp dir");
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_companion"))
        .args(["bench", "sse", "--clients", "20"])
        .env("TMPDIR", scratch.path())
        .output()
        .await
        .expect("companion bench sse runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("20 streams connected and subscribed"),
        "{stdout}"
    );
    assert!(
        stdout.contains("event insert to arrival at every stream: p50"),
        "{stdout}"
    );
    assert!(stdout.contains("KiB more per open stream"), "{stdout}");
}
