use companion::store::jobs::{self, NewJob};
use companion::store::now_ms;
use reqwest::Method;

use crate::helpers::TestApp;

pub async fn enqueue(app: &TestApp, user_id: i64, kind: &str) -> i64 {
    let payload = serde_json::json!({"posting": 1});
    let job = NewJob {
        user_id,
        kind,
        payload: &payload,
        max_attempts: 3,
        idempotency_key: None,
        run_at: now_ms(),
        platform: None,
    };
    jobs::enqueue(&app.state.store, &job, now_ms())
        .await
        .expect("enqueue")
}

async fn call(client: &reqwest::Client, method: Method, url: String) -> (u16, serde_json::Value) {
    let response = client.request(method, url).send().await.expect("request");
    let status = response.status().as_u16();
    (
        status,
        response.json().await.unwrap_or(serde_json::Value::Null),
    )
}

#[tokio::test]
async fn jobs_are_listed_cancelled_and_retried_without_going_backwards() {
    let app = TestApp::spawn().await;
    let alice = app.create_user("alice").await;
    let client = app.device_client(&app.pair(alice.id, "Chrome").await.token);
    let id = enqueue(&app, alice.id, "noop").await;

    let (status, list) = call(&client, Method::GET, app.url("/api/v1/jobs")).await;
    assert_eq!(status, 200);
    assert_eq!(list[0]["id"], id);
    assert_eq!(list[0]["state"], "queued");
    assert!(
        list[0].get("payload").is_none(),
        "payloads stay on the server"
    );

    let (status, job) = call(
        &client,
        Method::POST,
        app.url(&format!("/api/v1/jobs/{id}/retry")),
    )
    .await;
    assert_eq!(status, 409, "a queued job is not retried: {job}");

    let (status, job) = call(
        &client,
        Method::POST,
        app.url(&format!("/api/v1/jobs/{id}/cancel")),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(job["state"], "cancelled");
    let (status, problem) = call(
        &client,
        Method::POST,
        app.url(&format!("/api/v1/jobs/{id}/cancel")),
    )
    .await;
    assert_eq!(status, 409, "cancelling a finished job is refused");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("finished")
    );

    let (status, job) = call(
        &client,
        Method::POST,
        app.url(&format!("/api/v1/jobs/{id}/retry")),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(job["state"], "queued");
    assert_eq!(job["attempt"], 0);

    let (status, _) = call(&client, Method::GET, app.url("/api/v1/jobs/999999")).await;
    assert_eq!(status, 404);
    let (status, _) = call(&client, Method::GET, app.url("/api/v1/jobs/not-a-number")).await;
    assert_eq!(status, 400);
    let events = companion::store::events::recent(&app.state.store, alice.id, 10)
        .await
        .expect("events");
    assert!(events.iter().filter(|e| e.kind == "job.state").count() >= 2);
}
