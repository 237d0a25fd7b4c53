use shared::api::{MeResponse, PairRequest, problem_types};

use crate::helpers::TestApp;

async fn redeem(app: &TestApp, code: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(app.url("/api/v1/pair"))
        .json(&PairRequest {
            code: code.to_owned(),
            device_name: "Test browser".into(),
        })
        .send()
        .await
        .expect("request")
}

async fn problem_type(response: reqwest::Response) -> String {
    let body: serde_json::Value = response.json().await.expect("problem JSON");
    body["type"].as_str().expect("type").to_owned()
}

#[tokio::test]
async fn a_code_pairs_once_and_the_token_identifies_the_user() {
    let app = TestApp::spawn().await;
    let alice = app.create_user("alice").await;
    let code = app.pairing_code(alice.id).await;

    let response = redeem(&app, &code.to_lowercase()).await;
    assert_eq!(response.status(), 200);
    let paired: shared::api::PairResponse = response.json().await.expect("json");
    assert_eq!(paired.user, alice);
    assert!(paired.token.starts_with("ard_"));
    assert_eq!(paired.identity, app.state.identity.info());

    let me: MeResponse = app
        .device_client(&paired.token)
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .expect("me")
        .json()
        .await
        .expect("json");
    assert_eq!(me.user, alice);
    assert_eq!(me.device.expect("device").id, paired.device.id);

    let again = redeem(&app, &code).await;
    assert_eq!(again.status(), 401);
    assert_eq!(
        problem_type(again).await,
        problem_types::PAIRING_CODE_INVALID
    );
}

#[tokio::test]
async fn the_token_is_stored_only_as_a_hash() {
    let app = TestApp::spawn().await;
    let alice = app.create_user("alice").await;
    let paired = app.pair(alice.id, "Chrome").await;
    let (stored,): (String,) = sqlx::query_as("SELECT token_hash FROM devices")
        .fetch_one(app.state.store.pool())
        .await
        .expect("row");
    assert_ne!(stored, paired.token);
    assert!(!stored.contains(&paired.token));
}

#[tokio::test]
async fn five_wrong_tries_burn_the_code() {
    let app = TestApp::spawn().await;
    let alice = app.create_user("alice").await;
    let code = app.pairing_code(alice.id).await;
    let parsed = shared::pairing::parse(&code).expect("valid");
    // Same lookup, wrong secret.
    let wrong_secret = if parsed.secret.starts_with('0') {
        "1"
    } else {
        "0"
    };
    let wrong = format!("{}{}{}", parsed.lookup, wrong_secret, &parsed.secret[1..]);
    for _ in 0..5 {
        assert_eq!(redeem(&app, &wrong).await.status(), 401);
    }
    let response = redeem(&app, &code).await;
    assert_eq!(
        response.status(),
        401,
        "the right code after five wrong tries must fail"
    );
}

#[tokio::test]
async fn an_expired_code_is_refused() {
    let app = TestApp::spawn().await;
    let alice = app.create_user("alice").await;
    let code = app.pairing_code(alice.id).await;
    sqlx::query("UPDATE pairing_codes SET expires_at = 0")
        .execute(app.state.store.pool())
        .await
        .expect("expire");
    assert_eq!(redeem(&app, &code).await.status(), 401);
}

#[tokio::test]
async fn malformed_codes_and_names_are_clear_errors() {
    let app = TestApp::spawn().await;
    let alice = app.create_user("alice").await;
    assert_eq!(redeem(&app, "not a code").await.status(), 401);
    let code = app.pairing_code(alice.id).await;
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/pair"))
        .json(&PairRequest {
            code,
            device_name: " ".into(),
        })
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn wrong_codes_from_one_address_are_rate_limited() {
    let app = TestApp::spawn_with(|c| c.auth_attempts_per_minute = 3).await;
    app.create_user("alice").await;
    for _ in 0..3 {
        assert_eq!(redeem(&app, "0000-00000-00000").await.status(), 401);
    }
    assert_eq!(redeem(&app, "0000-00000-00000").await.status(), 429);
}

#[tokio::test]
async fn device_tokens_cannot_manage_devices_or_make_codes() {
    let app = TestApp::spawn().await;
    let alice = app.create_user("alice").await;
    let paired = app.pair(alice.id, "Chrome").await;
    let device = app.device_client(&paired.token);
    let codes = device
        .post(app.url("/api/v1/pairing-codes"))
        .send()
        .await
        .expect("request");
    assert_eq!(codes.status(), 403);
    assert_eq!(
        device
            .get(app.url("/api/v1/devices"))
            .send()
            .await
            .expect("request")
            .status(),
        403
    );
    let revoke = device
        .delete(app.url(&format!("/api/v1/devices/{}", paired.device.id)))
        .send()
        .await
        .expect("request");
    assert_eq!(revoke.status(), 403);
}

#[tokio::test]
async fn a_revoked_token_gets_a_token_revoked_problem() {
    let app = TestApp::spawn().await;
    let alice = app.create_user("alice").await;
    let paired = app.pair(alice.id, "Chrome").await;
    let browser = app.login("alice").await;
    let listed: Vec<shared::api::DeviceInfo> = browser
        .client
        .get(app.url("/api/v1/devices"))
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    assert_eq!(listed.len(), 1);
    let revoked = browser
        .write(
            reqwest::Method::DELETE,
            &app.url(&format!("/api/v1/devices/{}", paired.device.id)),
        )
        .send()
        .await
        .expect("revoke");
    assert_eq!(revoked.status(), 200);

    let response = app
        .device_client(&paired.token)
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .expect("me");
    assert_eq!(response.status(), 401);
    assert_eq!(problem_type(response).await, problem_types::TOKEN_REVOKED);
}
