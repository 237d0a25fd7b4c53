//! The whole path with the companion's own workers: a posting that passes the user's filters
//! becomes a pending request; approving it runs the durable `apply` job, which (until the
//! headless apply exists) hands it to the user as a magic link; the pause switch holds it.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};

use crate::approvals::{Caller, user_with_device};
use crate::helpers::TestApp;

async fn state_reaches(caller: &Caller, id: &Value, wanted: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (_, request) = caller
            .call(Method::GET, &format!("/api/v1/agent-requests/{id}"), None)
            .await;
        if request["state"] == wanted {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "request {id} never became {wanted}: {request}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn save_posting(caller: &Caller, company: &str, url: &str) -> Value {
    let (status, saved) = caller
        .call(
            Method::POST,
            "/api/v1/postings",
            Some(
                json!({"title": "Rust Engineer", "company": company, "url": url,
                        "description": "Rust, PostgreSQL and Kubernetes"}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{saved}");
    saved
}

#[tokio::test]
async fn a_matching_posting_becomes_a_request_and_approval_runs_the_apply_job() {
    let app = TestApp::spawn().await;
    let (alice_id, alice) = user_with_device(&app, "alice").await;
    let (status, _) = alice
        .call(
            Method::PUT,
            "/api/v1/settings/intake",
            Some(json!({"companyBlocklist": ["Globex"]})),
        )
        .await;
    assert_eq!(status, 200);

    save_posting(&alice, "Globex", "https://jobs.example.com/globex/1").await;
    let saved = save_posting(&alice, "Acme", "https://jobs.example.com/acme/1").await;
    let (_, requests) = alice
        .call(Method::GET, "/api/v1/agent-requests", None)
        .await;
    let requests = requests.as_array().expect("list").clone();
    assert_eq!(requests.len(), 1, "only the passing posting: {requests:?}");
    let request = &requests[0];
    assert_eq!(request["company"], "Acme");
    assert_eq!(request["state"], "pending");
    assert_eq!(request["postingId"], saved["posting"]["id"]);
    assert!(
        request["confidenceReasons"]
            .as_array()
            .is_some_and(|r| !r.is_empty()),
        "{request}"
    );

    let (status, approved) = alice.act(&request["id"], "approve", Some(1)).await;
    assert_eq!(status, 200, "{approved}");
    state_reaches(&alice, &request["id"], "needs_you").await;
    // The handler moves the request before its job's success is written.
    let deadline = Instant::now() + Duration::from_secs(20);
    let jobs = loop {
        let jobs = companion::store::jobs::list(&app.state.store, alice_id, Some("succeeded"), 10)
            .await
            .expect("jobs");
        // The request's plan job may have succeeded too.
        let applies: Vec<_> = jobs.into_iter().filter(|j| j.kind == "apply").collect();
        if !applies.is_empty() {
            break applies;
        }
        assert!(Instant::now() < deadline, "the apply job never succeeded");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].kind, "apply");
    assert_eq!(jobs[0].platform.as_deref(), Some("jobs.example.com"));
}

#[tokio::test]
async fn the_pause_switch_holds_approved_applies_until_resumed() {
    let app = TestApp::spawn().await;
    let (_, alice) = user_with_device(&app, "alice").await;
    let (status, _) = alice
        .call(Method::PUT, "/api/v1/agent", Some(json!({"paused": true})))
        .await;
    assert_eq!(status, 200);
    let request = alice
        .propose("https://jobs.example.com/acme/2", "Acme", "Engineer")
        .await;
    let (status, _) = alice.act(&request["id"], "approve", Some(1)).await;
    assert_eq!(status, 200);
    // The apply job is queued, and a worker that runs while paused must leave it there:
    // a poll job of the same user (not an apply) runs to completion first.
    let (status, poll) = alice
        .call(Method::POST, "/api/v1/watchlist/poll", None)
        .await;
    assert_eq!(status, 202, "{poll}");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (_, job) = alice
            .call(
                Method::GET,
                &format!("/api/v1/jobs/{}", poll["jobId"]),
                None,
            )
            .await;
        if job["state"] == "succeeded" {
            break;
        }
        assert!(Instant::now() < deadline, "the poll never ran: {job}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (_, held) = alice
        .call(
            Method::GET,
            &format!("/api/v1/agent-requests/{}", request["id"]),
            None,
        )
        .await;
    assert_eq!(held["state"], "approved", "paused, yet the apply ran");

    let (status, _) = alice
        .call(Method::PUT, "/api/v1/agent", Some(json!({"paused": false})))
        .await;
    assert_eq!(status, 200);
    state_reaches(&alice, &request["id"], "needs_you").await;
}

#[tokio::test]
async fn watching_a_board_schedules_its_poll() {
    let app = TestApp::spawn().await;
    let (alice_id, alice) = user_with_device(&app, "alice").await;
    let (status, _) = alice
        .call(
            Method::POST,
            "/api/v1/watchlist",
            Some(json!({"vendor": "greenhouse", "board": "acme"})),
        )
        .await;
    assert_eq!(status, 200);
    let schedules: Vec<(String, String)> =
        sqlx::query_as("SELECT kind, cron FROM job_schedules WHERE user_id = $1 ORDER BY kind")
            .bind(alice_id)
            .fetch_all(app.state.store.pool())
            .await
            .expect("schedules");
    assert_eq!(
        schedules,
        vec![
            ("agent_requests.expire".to_owned(), "0 4 * * *".to_owned()),
            ("intake.poll_boards".to_owned(), "17 */4 * * *".to_owned())
        ]
    );
}
