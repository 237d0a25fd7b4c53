//! Which endpoint and key a user's drafts use: the operator's key goes to the operator's
//! `model_base_url` only; a user's own endpoint gets the key the user set for it, or none.

use reqwest::Method;
use serde_json::{Value, json};

use crate::form_site::{Alice, Site, alice_with_profile, start, worker};
use crate::helpers::TestApp;

const OPERATOR_KEY: &str = "sk-operator-only";
const ALICE_KEY: &str = "sk-alice-own";

/// Plans a new request for the essay page (one free-text question) and returns its draft.
async fn draft(app: &TestApp, alice: &Alice, page: &str) -> Value {
    let id = alice.propose(app, page).await;
    assert!(worker(app).run_once().await.expect("run"));
    let request = alice.request(app, id).await;
    request["answers"]
        .as_array()
        .expect("answers")
        .iter()
        .find(|a| a["field"] == "#bug")
        .cloned()
        .unwrap_or_else(|| panic!("no essay answer: {request}"))
}

async fn put_model(app: &TestApp, alice: &Alice, model: Value) -> Value {
    let (status, settings) = alice
        .call(
            app,
            Method::PUT,
            "/api/v1/settings/intake",
            Some(json!({ "model": model })),
        )
        .await;
    assert_eq!(status, 200, "{settings}");
    settings
}

fn calls(site: &Site) -> Vec<String> {
    site.authorizations.lock().expect("calls").clone()
}

#[tokio::test]
async fn the_operator_key_goes_to_the_operator_endpoint_only_and_a_users_key_to_theirs() {
    let (pages, own) = start(None).await;
    let (operator, operators) = start(None).await;
    let app = TestApp::spawn_with(|config| {
        config.fetch_allow_hosts = vec![pages.to_string(), operator.to_string()];
        config.model_base_url = format!("http://{operator}/v1");
        config.model_name = "operator-model".into();
        config.model_api_key = OPERATOR_KEY.into();
        config.workers = 0;
    })
    .await;
    let alice = alice_with_profile(&app).await;

    // No endpoint of her own: the operator's, with the operator's key.
    let drafted = draft(&app, &alice, &format!("http://{pages}/essay?n=1")).await;
    assert_eq!(drafted["draft"], true, "{drafted}");
    assert_eq!(calls(&operators), [format!("Bearer {OPERATOR_KEY}")]);

    // Her own endpoint without a key of hers: it gets no key at all.
    let own_url = format!("http://{pages}/v1");
    let settings = put_model(&app, &alice, json!({"baseUrl": own_url, "model": "mine"})).await;
    assert_eq!(settings["model"]["apiKeySet"], false, "{settings}");
    let drafted = draft(&app, &alice, &format!("http://{pages}/essay?n=2")).await;
    assert_eq!(drafted["draft"], true, "{drafted}");
    assert_eq!(calls(&own).len(), 1);
    assert!(
        calls(&own).iter().all(|auth| !auth.contains(OPERATOR_KEY)),
        "the operator's key reached a user's URL: {:?}",
        calls(&own)
    );

    // With her key: it reaches her endpoint, and no answer shows it.
    let settings = put_model(
        &app,
        &alice,
        json!({"baseUrl": own_url, "model": "mine", "apiKey": ALICE_KEY}),
    )
    .await;
    assert_eq!(settings["model"]["apiKeySet"], true, "{settings}");
    let (_, shown) = alice
        .call(&app, Method::GET, "/api/v1/settings/intake", None)
        .await;
    assert_eq!(shown["model"]["apiKeySet"], true, "{shown}");
    assert!(!format!("{settings}{shown}").contains(ALICE_KEY));
    draft(&app, &alice, &format!("http://{pages}/essay?n=3")).await;
    assert_eq!(
        calls(&own).last().map(String::as_str),
        Some(format!("Bearer {ALICE_KEY}").as_str())
    );
    let (stored,): (String,) = sqlx::query_as("SELECT settings FROM intake_settings")
        .fetch_one(app.state.store.pool())
        .await
        .expect("alice's settings, the only ones");
    assert!(!stored.contains(ALICE_KEY), "{stored}");

    // A key belongs to the URL it was set for: a new URL starts without one.
    let moved = put_model(
        &app,
        &alice,
        json!({"baseUrl": format!("http://{pages}/v2"), "model": "mine"}),
    )
    .await;
    assert_eq!(moved["model"]["apiKeySet"], false, "{moved}");
    let back = put_model(&app, &alice, json!({"baseUrl": own_url, "model": "mine"})).await;
    assert_eq!(back["model"]["apiKeySet"], false, "{back}");

    // A key without an endpoint of her own is refused; "" forgets one.
    let (status, problem) = alice
        .call(
            &app,
            Method::PUT,
            "/api/v1/settings/intake",
            Some(json!({"model": {"apiKey": ALICE_KEY}})),
        )
        .await;
    assert_eq!(status, 400, "{problem}");
    for refused in [
        "http://169.254.169.254/v1",
        "file:///etc/passwd",
        "http://[::1]:11434/v1",
    ] {
        let (status, problem) = alice
            .call(
                &app,
                Method::PUT,
                "/api/v1/settings/intake",
                Some(json!({"model": {"baseUrl": refused, "apiKey": ALICE_KEY}})),
            )
            .await;
        assert_eq!(status, 400, "{refused}: {problem}");
    }
    put_model(
        &app,
        &alice,
        json!({"baseUrl": own_url, "model": "mine", "apiKey": ALICE_KEY}),
    )
    .await;
    let cleared = put_model(
        &app,
        &alice,
        json!({"baseUrl": own_url, "model": "mine", "apiKey": ""}),
    )
    .await;
    assert_eq!(cleared["model"]["apiKeySet"], false, "{cleared}");
    assert_eq!(
        calls(&operators).len(),
        1,
        "only the first draft was the operator's"
    );
}

/// The settings page takes a key it never shows again: "set" or "not set", and a way to
/// forget it.
#[tokio::test]
async fn the_settings_page_sets_and_forgets_a_key_without_showing_it() {
    let app = TestApp::spawn().await;
    app.create_user("alice").await;
    let browser = app.login("alice").await;
    let save = |fields: &[(&str, &str)]| {
        let mut fields: Vec<(&str, &str)> = fields.to_vec();
        fields.push(("csrf_token", &browser.csrf));
        fields.push(("model_base_url", "https://models.example/v1"));
        fields.push(("model_name", "mine"));
        let request = browser
            .client
            .post(app.url("/dashboard/settings"))
            .header("origin", &browser.origin)
            .form(&fields);
        async move {
            let response = request.send().await.expect("save");
            assert_eq!(response.status(), 200);
            response.text().await.expect("html")
        }
    };
    let state = |page: &str| {
        let start = page.find(r#"id="model-key-state">"#).expect("key state") + 21;
        page[start..]
            .split('<')
            .next()
            .unwrap_or_default()
            .to_owned()
    };
    let page = save(&[("model_api_key", ALICE_KEY)]).await;
    assert_eq!(state(&page), "set", "{page}");
    assert!(!page.contains(ALICE_KEY));
    let page = save(&[("model_api_key", "")]).await;
    assert_eq!(state(&page), "set", "an empty field keeps the key");
    let page = save(&[("model_api_key_clear", "on")]).await;
    assert_eq!(state(&page), "not set", "{page}");
}
