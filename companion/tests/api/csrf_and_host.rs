use reqwest::Method;

use crate::helpers::TestApp;

#[tokio::test]
async fn cookie_writes_need_the_csrf_token() {
    let app = TestApp::spawn().await;
    app.create_user("alice").await;
    let browser = app.login("alice").await;
    let without_token = browser
        .client
        .post(app.url("/api/v1/pairing-codes"))
        .header("origin", &app.base)
        .send()
        .await
        .expect("request");
    assert_eq!(without_token.status(), 403);
    let wrong_token = browser
        .client
        .post(app.url("/api/v1/pairing-codes"))
        .header("origin", &app.base)
        .header("x-csrf-token", "forged")
        .send()
        .await
        .expect("request");
    assert_eq!(wrong_token.status(), 403);
    let with_token = browser
        .write(Method::POST, &app.url("/api/v1/pairing-codes"))
        .send()
        .await
        .expect("request");
    assert_eq!(with_token.status(), 200);
}

#[tokio::test]
async fn cross_origin_posts_are_refused_even_with_the_token() {
    let app = TestApp::spawn().await;
    app.create_user("alice").await;
    let browser = app.login("alice").await;
    // Another app on the same host, another port: SameSite does not stop this one.
    let other_port = format!("http://127.0.0.1:{}", app.addr.port() + 1);
    let response = browser
        .client
        .post(app.url("/api/v1/pairing-codes"))
        .header("origin", other_port)
        .header("x-csrf-token", &browser.csrf)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 403);
    let body: serde_json::Value = response.json().await.expect("problem");
    assert_eq!(body["status"], 403);

    let cross_site_form = browser
        .client
        .post(app.url("/dashboard/activity/test-event"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("csrf_token", browser.csrf.as_str()), ("message", "forged")])
        .send()
        .await
        .expect("request");
    assert_eq!(cross_site_form.status(), 403);
}

#[tokio::test]
async fn a_same_origin_form_with_the_token_field_works() {
    let app = TestApp::spawn().await;
    let alice = app.create_user("alice").await;
    let browser = app.login("alice").await;
    let response = browser
        .client
        .post(app.url("/dashboard/activity/test-event"))
        .header("origin", &app.base)
        .form(&[
            ("csrf_token", browser.csrf.as_str()),
            ("message", "hello there"),
        ])
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 303);
    let events = companion::store::events::recent(&app.state.store, alice.id, 5)
        .await
        .expect("events");
    assert_eq!(
        events.last().expect("event").payload["message"],
        "hello there"
    );

    let missing_field = browser
        .client
        .post(app.url("/dashboard/activity/test-event"))
        .header("origin", &app.base)
        .form(&[("message", "no token")])
        .send()
        .await
        .expect("request");
    assert_eq!(missing_field.status(), 403);
}

#[tokio::test]
async fn a_foreign_host_header_is_refused() {
    let app = TestApp::spawn().await;
    let response = reqwest::Client::new()
        .get(app.url("/healthz"))
        .header("host", "attacker.example")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 400);
    let body: serde_json::Value = response.json().await.expect("problem");
    assert_eq!(body["type"], "urn:autoresume:problem:host-not-allowed");
    let ok = reqwest::Client::new()
        .get(app.url("/healthz"))
        .header("host", "localhost")
        .send()
        .await
        .expect("request");
    assert_eq!(ok.status(), 200);
}

#[tokio::test]
async fn no_cors_headers_are_sent() {
    let app = TestApp::spawn().await;
    let response = reqwest::Client::new()
        .request(Method::OPTIONS, app.url("/api/v1/me"))
        .header("origin", "https://evil.example")
        .header("access-control-request-method", "GET")
        .send()
        .await
        .expect("request");
    assert!(
        response
            .headers()
            .keys()
            .all(|k| !k.as_str().starts_with("access-control-"))
    );
}

#[tokio::test]
async fn the_extension_pairs_from_its_own_origin_even_beside_a_dashboard_login() {
    let app = TestApp::spawn().await;
    let alice = app.create_user("alice").await;
    let code = app.pairing_code(alice.id).await;
    let body = serde_json::json!({"code": code, "deviceName": "Chrome"});
    let from_extension = reqwest::Client::new()
        .post(app.url("/api/v1/pair"))
        .header(
            "origin",
            "chrome-extension://abcdefghijklmnopabcdefghijklmnop",
        )
        .json(&body)
        .send()
        .await
        .expect("pair");
    assert_eq!(from_extension.status(), 200);

    // With the dashboard cookie attached, a foreign origin is refused as before.
    let browser = app.login("alice").await;
    let code = app.pairing_code(alice.id).await;
    let with_cookie = browser
        .client
        .post(app.url("/api/v1/pair"))
        .header("origin", "http://127.0.0.1:1")
        .json(&serde_json::json!({"code": code, "deviceName": "Chrome"}))
        .send()
        .await
        .expect("pair");
    assert_eq!(with_cookie.status(), 403);
}

/// Whether the agent of the user behind `client` (cookie or token) is paused.
async fn paused(app: &TestApp, client: &reqwest::Client) -> bool {
    let agent: serde_json::Value = client
        .get(app.url("/api/v1/agent"))
        .send()
        .await
        .expect("agent")
        .json()
        .await
        .expect("json");
    agent["paused"].as_bool().expect("paused flag")
}

/// Browsers attach cached Basic credentials by themselves (a dashboard behind a basic-auth
/// proxy), so only a valid device token may stand in for the CSRF check; any other
/// Authorization value leaves a cookie write to it.
#[tokio::test]
async fn an_authorization_header_other_than_a_device_token_does_not_skip_csrf() {
    let app = TestApp::spawn().await;
    app.create_user("alice").await;
    let browser = app.login("alice").await;
    let foreign = format!("http://127.0.0.1:{}", app.addr.port() + 1);
    let values = [
        "Basic YWxpY2U6c2VjcmV0",
        "Bearer",
        "Bearer   ",
        "bearer ard_x",
        "Bearer not-a-device-token",
        "Bearer ard_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ];
    for authorization in values {
        for (path, field) in [
            ("/dashboard/agent/pause", ("paused", "true")),
            ("/dashboard/settings", ("scoring_enabled", "on")),
        ] {
            let response = browser
                .client
                .post(app.url(path))
                .header("origin", &foreign)
                .header("authorization", authorization)
                .form(&[field])
                .send()
                .await
                .expect("request");
            assert_eq!(response.status(), 403, "{authorization:?} on {path}");
        }
    }
    assert!(
        !paused(&app, &browser.client).await,
        "a forged write paused the agent"
    );

    // Behind a basic-auth proxy the dashboard's own writes keep working, CSRF checked.
    let api_write = browser
        .write(Method::POST, &app.url("/api/v1/pairing-codes"))
        .header("authorization", "Basic YWxpY2U6c2VjcmV0")
        .send()
        .await
        .expect("request");
    assert_eq!(api_write.status(), 200);
    let form_write = browser
        .client
        .post(app.url("/dashboard/agent/pause"))
        .header("origin", &app.base)
        .header("authorization", "Basic YWxpY2U6c2VjcmV0")
        .form(&[("csrf_token", browser.csrf.as_str()), ("paused", "true")])
        .send()
        .await
        .expect("request");
    assert_eq!(form_write.status(), 303);
    assert!(paused(&app, &browser.client).await);
}

/// A valid device token authenticates the request as its own user: the cookie beside it
/// (another user's, sent by the browser) must not be acted for without the CSRF check.
#[tokio::test]
async fn another_users_device_token_does_not_lend_the_cookie_authority() {
    let app = TestApp::spawn().await;
    app.create_user("alice").await;
    let bob = app.create_user("bob").await;
    let bob_token = app.pair(bob.id, "Bob's Firefox").await.token;
    let alice = app.login("alice").await;
    let foreign = format!("http://127.0.0.1:{}", app.addr.port() + 1);
    let dashboard = alice
        .client
        .post(app.url("/dashboard/agent/pause"))
        .header("origin", &foreign)
        .header("authorization", format!("Bearer {bob_token}"))
        .form(&[("paused", "true")])
        .send()
        .await
        .expect("request");
    assert_ne!(dashboard.status(), 200);
    let api = alice
        .client
        .put(app.url("/api/v1/agent"))
        .header("origin", &foreign)
        .header("authorization", format!("Bearer {bob_token}"))
        .json(&serde_json::json!({"paused": true}))
        .send()
        .await
        .expect("request");
    assert!(
        api.status() == 200 || api.status() == 403,
        "{}",
        api.status()
    );
    assert!(
        !paused(&app, &alice.client).await,
        "bob's token paused alice's agent through her cookie"
    );
    let bob_client = app.device_client(&bob_token);
    assert_eq!(paused(&app, &bob_client).await, api.status() == 200);
}
