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
