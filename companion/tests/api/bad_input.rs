use crate::helpers::TestApp;

async fn assert_problem(response: reqwest::Response, status: u16) -> serde_json::Value {
    assert_eq!(response.status(), status);
    let content_type = response.headers()["content-type"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    let body: serde_json::Value = response.json().await.expect("problem JSON");
    assert_eq!(body["status"], status);
    for field in ["type", "title", "detail"] {
        assert!(
            body[field].as_str().is_some_and(|s| !s.is_empty()),
            "problem field {field}: {body}"
        );
    }
    body
}

#[tokio::test]
async fn malformed_json_wrong_type_and_oversized_bodies() {
    let app = TestApp::spawn_with(|c| c.max_body_bytes = 4096).await;
    let client = reqwest::Client::new();
    let pair = app.url("/api/v1/pair");

    let malformed = client
        .post(&pair)
        .header("content-type", "application/json")
        .body("{\"code\":")
        .send()
        .await;
    assert_problem(malformed.expect("request"), 400).await;

    let wrong_type = client
        .post(&pair)
        .header("content-type", "text/plain")
        .body("code")
        .send()
        .await;
    let wrong_type = assert_problem(wrong_type.expect("request"), 415).await;
    assert_eq!(
        wrong_type["type"],
        "urn:autoresume:problem:unsupported-media-type"
    );

    let unknown_field = client
        .post(&pair)
        .json(&serde_json::json!({"code": "x", "deviceName": "y", "admin": true}))
        .send()
        .await;
    assert_problem(unknown_field.expect("request"), 422).await;

    let huge = format!(
        "{{\"code\":\"{}\",\"deviceName\":\"x\"}}",
        "A".repeat(10_000)
    );
    let oversized = client
        .post(&pair)
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await;
    let oversized = assert_problem(oversized.expect("request"), 413).await;
    assert_eq!(
        oversized["type"],
        "urn:autoresume:problem:payload-too-large"
    );
    assert_eq!(oversized["detail"], "the body is larger than 4096 bytes");
}

/// A client that sends JSON to the raw-message upload means another route.
#[tokio::test]
async fn a_json_body_is_not_a_message_to_upload() {
    let app = TestApp::spawn().await;
    let alice = app.create_user("alice").await;
    let token = app.pair(alice.id, "Chrome").await.token;
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/mail"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"raw": "From: a@example.com"}))
        .send()
        .await
        .expect("request");
    let problem = assert_problem(response, 415).await;
    assert_eq!(
        problem["type"],
        "urn:autoresume:problem:unsupported-media-type"
    );
}

#[tokio::test]
async fn unknown_routes_and_methods() {
    let app = TestApp::spawn().await;
    let client = reqwest::Client::new();
    assert_problem(
        client
            .get(app.url("/api/v1/nothing-here"))
            .send()
            .await
            .expect("request"),
        404,
    )
    .await;
    let wrong_method = assert_problem(
        client
            .put(app.url("/api/v1/pair"))
            .send()
            .await
            .expect("request"),
        405,
    )
    .await;
    assert_eq!(
        wrong_method["type"],
        "urn:autoresume:problem:method-not-allowed"
    );
}

#[tokio::test]
async fn tokens_in_query_strings_are_refused() {
    let app = TestApp::spawn().await;
    let alice = app.create_user("alice").await;
    let paired = app.pair(alice.id, "Chrome").await;
    let client = reqwest::Client::new();
    let by_name = client
        .get(app.url("/api/v1/events?access_token=x"))
        .send()
        .await
        .expect("request");
    assert_problem(by_name, 400).await;
    let by_value = client
        .get(app.url(&format!("/api/v1/me?t={}", paired.token)))
        .send()
        .await
        .expect("request");
    assert_problem(by_value, 400).await;
}

#[tokio::test]
async fn missing_or_garbled_credentials_are_unauthorized() {
    let app = TestApp::spawn().await;
    let client = reqwest::Client::new();
    assert_problem(
        client
            .get(app.url("/api/v1/me"))
            .send()
            .await
            .expect("request"),
        401,
    )
    .await;
    let garbled = client
        .get(app.url("/api/v1/me"))
        .header("authorization", "Basic abc")
        .send()
        .await;
    assert_problem(garbled.expect("request"), 401).await;
    let unknown = client
        .get(app.url("/api/v1/me"))
        .header("authorization", "Bearer ard_nope")
        .send()
        .await;
    assert_problem(unknown.expect("request"), 401).await;
}

#[tokio::test]
async fn health_readiness_metrics_and_openapi() {
    let app = TestApp::spawn_with(|c| c.metrics_token = crate::metrics::TOKEN.into()).await;
    let expected = if std::env::var("COMPANION_TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty()) {
        companion::store::Backend::Postgres
    } else {
        companion::store::Backend::Sqlite
    };
    assert_eq!(
        app.state.store.backend(),
        expected,
        "the suite runs on the database it was given"
    );
    let client = reqwest::Client::new();
    assert_eq!(
        client
            .get(app.url("/healthz"))
            .send()
            .await
            .expect("healthz")
            .status(),
        200
    );
    assert_eq!(
        client
            .get(app.url("/readyz"))
            .send()
            .await
            .expect("readyz")
            .status(),
        200
    );
    let metrics = client
        .get(app.url("/metrics"))
        .bearer_auth(crate::metrics::TOKEN)
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    assert!(
        metrics.contains("companion_http_requests_total"),
        "{metrics}"
    );
    let spec = app.openapi().await;
    let paths: Vec<&str> = spec["paths"]
        .as_object()
        .expect("paths")
        .keys()
        .map(String::as_str)
        .collect();
    for path in [
        "/api/v1/pair",
        "/api/v1/pairing-codes",
        "/api/v1/me",
        "/api/v1/devices",
        "/api/v1/devices/{id}",
        "/api/v1/events",
    ] {
        assert!(paths.contains(&path), "{path} missing from openapi.json");
    }
}
