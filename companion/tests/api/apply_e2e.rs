//! The apply job end to end with the real headless browser: a loopback page, a request
//! approved with dry run off, one submission recorded by the page's server, the request
//! applied with its evidence; then nothing submits it again.

use std::sync::{Arc, Mutex};

use axum::extract::{Request, State};
use axum::response::{Html, IntoResponse, Response};
use companion::jobs::Worker;
use reqwest::Method;
use serde_json::json;

use crate::approvals::user_with_device;
use crate::helpers::TestApp;

const PAGE: &str = r#"<!doctype html><html><head><title>Apply: Engineer</title></head><body>
<h1>Engineer</h1>
<form method="post" action="/job">
  <label for="first">First name *</label><input id="first" name="first_name" required>
  <label for="last">Last name *</label><input id="last" name="last_name" required>
  <label for="email">Email *</label><input id="email" name="email" type="email" required>
  <button type="submit">Submit application</button>
</form></body></html>"#;

/// The page on loopback; every POST body is kept and answered with a thank-you page.
async fn site() -> (u16, Arc<Mutex<Vec<String>>>) {
    let posts = Arc::new(Mutex::new(Vec::new()));
    let app = axum::Router::new()
        .fallback(answer)
        .with_state(posts.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (port, posts)
}

async fn answer(State(posts): State<Arc<Mutex<Vec<String>>>>, request: Request) -> Response {
    let post = request.method() == axum::http::Method::POST;
    let body = axum::body::to_bytes(request.into_body(), 1 << 20)
        .await
        .unwrap_or_default();
    if post {
        posts
            .lock()
            .expect("lock")
            .push(String::from_utf8_lossy(&body).into_owned());
        return Html("<!doctype html><h1>Thank you for applying!</h1>").into_response();
    }
    Html(PAGE).into_response()
}

/// A companion allowed to reach the page, and a request for it whose answers are planned
/// from the page as the plan job would plan them (the job itself is not run here).
async fn request_for_page(port: u16) -> (TestApp, crate::approvals::Caller, serde_json::Value) {
    let allow = format!("127.0.0.1:{port}");
    let app = TestApp::spawn_with(|config| {
        config.workers = 0;
        config.fetch_allow_hosts = vec![allow.clone()];
        config.apply_timeout_secs = 60;
    })
    .await;
    let (_, alice) = user_with_device(&app, "alice").await;
    let url = format!("http://127.0.0.1:{port}/job");
    let request = alice.propose(&url, "Acme", "Engineer").await;
    let snapshot = companion::forms::snapshot(PAGE, &url)
        .await
        .expect("snapshot");
    let profile = shared::forms::Profile {
        resume: json!({"basics": {"name": "Ada Lovelace", "email": "ada@example.org"}}),
        ..shared::forms::Profile::default()
    };
    let answers =
        companion::approvals::plan::planned_answers(&shared::forms::plan(&snapshot, &profile), &[]);
    assert!(answers.iter().all(|a| !a.value.is_empty()), "{answers:?}");
    let (status, edited) = alice
        .call(
            Method::PUT,
            &format!("/api/v1/agent-requests/{}", request["id"]),
            Some(json!({"version": 1, "answers": answers})),
        )
        .await;
    assert_eq!(status, 200, "{edited}");
    (app, alice, edited)
}

#[tokio::test]
async fn an_approved_request_is_submitted_once_by_the_headless_browser() {
    let (port, posts) = site().await;
    let (app, alice, request) = request_for_page(port).await;
    let url = format!("http://127.0.0.1:{port}/job");
    let id = &request["id"];
    let (status, approved) = alice
        .call(
            Method::POST,
            &format!("/api/v1/agent-requests/{id}/approve"),
            Some(json!({"dryRun": false})),
        )
        .await;
    assert_eq!(status, 200, "{approved}");

    let worker = companion::apply::register(Worker::for_app(&app.state, "e2e"), &app.state);
    while worker.run_once().await.expect("run") {}
    let (_, done) = alice
        .call(Method::GET, &format!("/api/v1/agent-requests/{id}"), None)
        .await;
    assert_eq!(done["state"], "applied", "{done}");
    assert!(done["applicationId"].is_i64());
    {
        let posts = posts.lock().expect("lock");
        assert_eq!(posts.len(), 1, "{posts:?}");
        assert!(
            posts[0].contains("first_name=Ada") && posts[0].contains("email=ada%40example.org"),
            "{posts:?}"
        );
    }
    let (_, artifacts) = alice
        .call(
            Method::GET,
            &format!("/api/v1/agent-requests/{id}/artifacts"),
            None,
        )
        .await;
    let kinds: Vec<&str> = artifacts
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|a| a["kind"].as_str())
        .collect();
    assert!(
        kinds.contains(&"screenshot") && kinds.contains(&"log") && kinds.contains(&"final_url"),
        "{artifacts}"
    );

    // A second request for the posting, approved to submit: no second POST.
    let again = alice.propose(&url, "Acme", "Engineer").await;
    alice
        .call(
            Method::POST,
            &format!("/api/v1/agent-requests/{}/approve", again["id"]),
            Some(json!({"dryRun": false})),
        )
        .await;
    while worker.run_once().await.expect("run") {}
    assert_eq!(posts.lock().expect("lock").len(), 1, "submitted once");
}

#[tokio::test]
async fn a_dry_run_stops_before_the_click_and_submit_now_submits_once() {
    let (port, posts) = site().await;
    let (app, alice, request) = request_for_page(port).await;
    let id = &request["id"];
    let (status, _) = alice.act(id, "approve", None).await;
    assert_eq!(status, 200);
    let worker = companion::apply::register(Worker::for_app(&app.state, "e2e"), &app.state);
    while worker.run_once().await.expect("run") {}
    let (_, ready) = alice
        .call(Method::GET, &format!("/api/v1/agent-requests/{id}"), None)
        .await;
    assert_eq!(ready["reason"]["code"], "ready_to_submit", "{ready}");
    assert!(
        posts.lock().expect("lock").is_empty(),
        "a dry run posts nothing"
    );
    let (_, evidence) = alice
        .call(
            Method::GET,
            &format!("/api/v1/agent-requests/{id}/artifacts"),
            None,
        )
        .await;
    assert!(
        evidence
            .as_array()
            .expect("list")
            .iter()
            .any(|a| a["kind"] == "screenshot"),
        "{evidence}"
    );

    let (status, queued) = alice.act(id, "submit", ready["version"].as_i64()).await;
    assert_eq!(status, 200, "{queued}");
    while worker.run_once().await.expect("run") {}
    let (_, done) = alice
        .call(Method::GET, &format!("/api/v1/agent-requests/{id}"), None)
        .await;
    assert_eq!(done["state"], "applied", "{done}");
    assert_eq!(posts.lock().expect("lock").len(), 1, "submitted once");
}
