//! The watchlist and the board poll job against a local server speaking the Greenhouse,
//! Lever and Ashby JSON.

use companion::intake::boards;
use companion::jobs::Worker;
use serde_json::{Value, json};

use crate::intake::get_json;
use crate::intake_site;

#[tokio::test]
async fn watched_boards_are_polled_by_a_job_and_only_new_postings_are_added() {
    let site = intake_site::start().await;
    let app = intake_site::companion_for(site).await;
    let alice = app.create_user("alice").await;
    let client = app.device_client(&app.pair(alice.id, "Chrome").await.token);
    for (vendor, board) in [
        ("greenhouse", "acme"),
        ("lever", "globex"),
        ("ashby", "initech"),
        ("greenhouse", "broken"),
    ] {
        let response = client
            .post(app.url("/api/v1/watchlist"))
            .json(&json!({"vendor": vendor, "board": board}))
            .send()
            .await
            .expect("watch");
        assert_eq!(response.status(), 200, "{vendor} {board}");
    }
    let again: Value = client
        .post(app.url("/api/v1/watchlist"))
        .json(&json!({"vendor": "lever", "board": "globex"}))
        .send()
        .await
        .expect("watch")
        .json()
        .await
        .expect("json");
    let watchlist: Value = get_json(&client, app.url("/api/v1/watchlist")).await;
    assert_eq!(watchlist.as_array().map(Vec::len), Some(4));
    assert!(
        watchlist
            .as_array()
            .expect("list")
            .iter()
            .any(|w| w["id"] == again["id"])
    );

    let worker = boards::register(Worker::for_app(&app.state, "intake"), &app.state);
    for round in 0..2 {
        let response = client
            .post(app.url("/api/v1/watchlist/poll"))
            .send()
            .await
            .expect("poll");
        assert_eq!(response.status(), 202);
        let queued: Value = response.json().await.expect("json");
        assert!(worker.run_once().await.expect("run"), "round {round}");
        let job: Value = get_json(
            &client,
            app.url(&format!("/api/v1/jobs/{}", queued["jobId"])),
        )
        .await;
        assert_eq!(job["state"], "succeeded", "{job}");
        let stored =
            companion::store::jobs::get(&app.state.store, queued["jobId"].as_i64().expect("id"))
                .await
                .expect("get")
                .expect("job");
        let result: Value =
            serde_json::from_str(stored.result.as_deref().unwrap_or("null")).expect("result");
        let expected = if round == 0 {
            json!({"added": 3, "duplicates": 0, "skipped": 0, "failedBoards": 1})
        } else {
            json!({"added": 0, "duplicates": 3, "skipped": 0, "failedBoards": 1})
        };
        assert_eq!(result, expected, "round {round}");
    }

    let postings: Value = get_json(&client, app.url("/api/v1/postings")).await;
    let by_source = |source: &str| {
        postings
            .as_array()
            .and_then(|all| all.iter().find(|p| p["source"] == source))
            .cloned()
            .unwrap_or(Value::Null)
    };
    let greenhouse = by_source("greenhouse");
    assert_eq!(greenhouse["title"], "Senior Backend Engineer");
    assert_eq!(greenhouse["remote"], true);
    assert_eq!(
        greenhouse["canonicalUrl"],
        "https://boards.greenhouse.io/acme/jobs/4012345"
    );
    assert_eq!(
        greenhouse["descriptionHtml"],
        "<p>We use <strong>Rust</strong> and PostgreSQL.</p>"
    );
    let lever = by_source("lever");
    assert_eq!(
        (lever["company"].as_str(), lever["location"].as_str()),
        (Some("globex"), Some("New York, NY"))
    );
    assert_eq!(
        (
            lever["salaryMin"].as_i64(),
            lever["salaryCurrency"].as_str()
        ),
        (Some(150_000), Some("USD"))
    );
    assert!(
        lever["descriptionText"]
            .as_str()
            .is_some_and(|t| t.contains("Ship Go services")),
        "{lever}"
    );
    let ashby = by_source("ashby");
    assert_eq!(
        (ashby["title"].as_str(), ashby["remote"].as_bool()),
        (Some("Product Engineer"), Some(true))
    );
    assert_eq!(
        (
            ashby["salaryMax"].as_i64(),
            ashby["salaryCurrency"].as_str()
        ),
        (Some(100_000), Some("GBP"))
    );
    assert!(!postings.to_string().contains("Secret role"));

    let watchlist: Value = get_json(&client, app.url("/api/v1/watchlist")).await;
    let broken = watchlist
        .as_array()
        .expect("list")
        .iter()
        .find(|w| w["board"] == "broken")
        .expect("broken");
    assert!(
        broken["lastError"]
            .as_str()
            .is_some_and(|e| e.contains("500")),
        "{broken}"
    );
    let response = client
        .delete(app.url(&format!("/api/v1/watchlist/{}", broken["id"])))
        .send()
        .await
        .expect("remove");
    assert_eq!(response.status(), 204);
}

#[tokio::test]
async fn bad_watchlist_entries_are_refused() {
    let app = crate::helpers::TestApp::spawn().await;
    let alice = app.create_user("alice").await;
    let client = app.device_client(&app.pair(alice.id, "Chrome").await.token);
    for (body, expected) in [
        (json!({"vendor": "greenhouse", "board": "../admin"}), 400),
        (json!({"vendor": "greenhouse", "board": "a/b"}), 400),
        (json!({"vendor": "greenhouse", "board": ""}), 400),
        (json!({"vendor": "workday", "board": "acme"}), 422),
    ] {
        let response = client
            .post(app.url("/api/v1/watchlist"))
            .json(&body)
            .send()
            .await
            .expect("watch");
        assert_eq!(response.status(), expected, "{body}");
    }
    let response = client
        .delete(app.url("/api/v1/watchlist/999"))
        .send()
        .await
        .expect("remove");
    assert_eq!(response.status(), 404);
}
