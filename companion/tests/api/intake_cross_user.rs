//! What user A owns in job intake, for the cross-user walk: seeded here, each intake route
//! tried as user B, and checked untouched afterwards.

use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::intake::{get_json, post_json};

/// What user A owns in job intake, for the cross-user walk.
pub struct IntakeSeed {
    pub posting_id: i64,
    pub watch_id: i64,
}

const ALICE_TITLE: &str = "Alice's secret role";
const ALICE_BOARD: &str = "alice-board";
const ALICE_BLOCKED: &str = "AliceBlockedCorp";

pub async fn seed_for_cross_user(app: &TestApp, alice: &reqwest::Client) -> IntakeSeed {
    let (status, saved) = post_json(
        alice,
        app.url("/api/v1/postings"),
        &json!({"url": "https://jobs.example.com/alice", "title": ALICE_TITLE, "company": "Acme"}),
    )
    .await;
    assert_eq!(status, 201);
    let (status, watch) = post_json(
        alice,
        app.url("/api/v1/watchlist"),
        &json!({"vendor": "lever", "board": ALICE_BOARD}),
    )
    .await;
    assert_eq!(status, 200);
    let response = alice
        .put(app.url("/api/v1/settings/intake"))
        .json(&json!({"companyBlocklist": [ALICE_BLOCKED]}))
        .send()
        .await
        .expect("settings");
    assert_eq!(response.status(), 200);
    IntakeSeed {
        posting_id: saved["posting"]["id"].as_i64().expect("id"),
        watch_id: watch["id"].as_i64().expect("id"),
    }
}

/// B's request on an intake route: it acts on B's own data or finds nothing.
pub async fn cross_user_case(
    request: reqwest::RequestBuilder,
    method: &str,
    path: &str,
    alice: &IntakeSeed,
    context: &str,
) {
    let request = match (method, path) {
        ("POST", "/api/v1/postings") => request.json(
            &json!({"url": "https://jobs.example.com/alice", "title": ALICE_TITLE, "company": "Acme"}),
        ),
        ("POST", "/api/v1/postings/import") => request
            .header("content-type", "text/csv")
            .body(format!("title,company,job_url\n{ALICE_TITLE},Acme,https://jobs.example.com/alice\n")),
        ("PUT", "/api/v1/settings/intake") => request.json(&json!({"titleExclude": ["bob"]})),
        ("POST", "/api/v1/watchlist") => request.json(&json!({"vendor": "lever", "board": ALICE_BOARD})),
        _ => request,
    };
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    let expected: &[u16] = match (method, path) {
        // B's own copy: new for the first caller, a duplicate of B's for the second.
        ("POST", "/api/v1/postings") => &[200, 201],
        ("GET", "/api/v1/postings/{posting_id}")
        | ("DELETE", "/api/v1/postings/{posting_id}")
        | ("DELETE", "/api/v1/watchlist/{watch_id}") => &[404],
        ("POST", "/api/v1/watchlist/poll") => &[202],
        _ => &[200],
    };
    assert!(expected.contains(&status), "{context}: {status} {text}");
    assert!(
        !text.contains(ALICE_BLOCKED),
        "{context}: A's settings leaked: {text}"
    );
    let Ok(body) = serde_json::from_str::<Value>(&text) else {
        return;
    };
    let (own_id, alice_id) = if path.starts_with("/api/v1/watchlist") {
        (&body["id"], alice.watch_id)
    } else if path == "/api/v1/postings/import" {
        (&body["imported"][0]["postingId"], alice.posting_id)
    } else {
        (&body["posting"]["id"], alice.posting_id)
    };
    assert_ne!(
        own_id,
        &json!(alice_id),
        "{context}: A's row reached: {text}"
    );
    if let Some(rows) = body.as_array() {
        assert!(
            rows.iter().all(|row| row["id"] != alice_id),
            "{context}: {text}"
        );
    }
}

/// A's posting, watchlist entry and settings are as A left them.
pub async fn assert_untouched(app: &TestApp, alice: &reqwest::Client, seed: &IntakeSeed) {
    let posting = alice
        .get(app.url(&format!("/api/v1/postings/{}", seed.posting_id)))
        .send()
        .await
        .expect("get");
    assert_eq!(posting.status(), 200, "B deleted A's posting");
    let watchlist: Value = get_json(alice, app.url("/api/v1/watchlist")).await;
    assert!(
        watchlist
            .as_array()
            .expect("list")
            .iter()
            .any(|w| w["id"] == seed.watch_id),
        "B removed A's board"
    );
    let settings: Value = get_json(alice, app.url("/api/v1/settings/intake")).await;
    assert_eq!(settings["companyBlocklist"], json!([ALICE_BLOCKED]));
    assert_eq!(settings["titleExclude"], json!([]));
}
