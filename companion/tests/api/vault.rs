use shared::api::PlatformInfo;
use shared::cookies::{KNOWN_PLATFORMS, Platform, parse_export};
use shared::vault::{VaultPublicKey, seal_jar};

use crate::helpers::TestApp;
use crate::master_key::{another_key, master_key_of, open_wrapped};

pub const LI_AT: &str = "AQEDAR-test-session-value-0123456789";

/// What the extension does: fetch the signed key, verify it against the pinned identity,
/// seal the platform's session cookies to it.
pub async fn seal_for(
    app: &TestApp,
    client: &reqwest::Client,
    user_id: i64,
    cookie_header: &str,
) -> String {
    let signed: serde_json::Value = client
        .get(app.url("/api/v1/vault/public-key"))
        .send()
        .await
        .expect("key")
        .json()
        .await
        .expect("json");
    let statement = shared::identity::vault_key_statement(
        signed["userId"].as_str().expect("userId"),
        signed["keyId"].as_str().expect("keyId"),
        signed["publicKey"].as_str().expect("publicKey"),
    );
    shared::identity::verify(
        &app.state.identity.info().public_key,
        &statement,
        signed["signature"].as_str().expect("sig"),
    )
    .expect("the key is signed by the companion's identity");
    let key: VaultPublicKey = serde_json::from_value(signed.clone()).expect("public key");
    let platform = Platform::lookup("linkedin").expect("platform");
    let jar =
        platform.filter(parse_export(cookie_header, Some("www.linkedin.com")).expect("cookies"));
    seal_jar(&key, &user_id.to_string(), &platform, &jar).expect("sealed")
}

async fn put(
    client: &reqwest::Client,
    app: &TestApp,
    platform: &str,
    body: serde_json::Value,
) -> reqwest::Response {
    client
        .put(app.url(&format!("/api/v1/credentials/{platform}")))
        .json(&body)
        .send()
        .await
        .expect("put")
}

async fn detail(response: reqwest::Response) -> String {
    let body: serde_json::Value = response.json().await.expect("problem");
    body["detail"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn a_sealed_jar_is_stored_listed_opened_and_removed() {
    let app = TestApp::spawn().await;
    let alice = app.create_user("alice").await;
    let paired = app.pair(alice.id, "Chrome").await;
    let client = app.device_client(&paired.token);
    let envelope = seal_for(
        &app,
        &client,
        alice.id,
        &format!("li_at={LI_AT}; JSESSIONID=ajax:42; lang=en"),
    )
    .await;

    // Client metadata is ignored: the companion reads the jar itself.
    let stored = put(
        &client,
        &app,
        "linkedin",
        serde_json::json!({"envelope": envelope, "metadata": {"count": 99}}),
    )
    .await;
    assert_eq!(stored.status(), 200);
    let info: serde_json::Value = stored.json().await.expect("json");
    assert_eq!(info["metadata"]["count"], 2);
    assert_eq!(
        info["metadata"]["names"],
        serde_json::json!(["JSESSIONID", "li_at"])
    );

    let listed: serde_json::Value = client
        .get(app.url("/api/v1/credentials"))
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    assert_eq!(listed[0]["platform"], "linkedin");
    assert!(!listed.to_string().contains(LI_AT));

    let (stored_envelope,): (String,) =
        sqlx::query_as("SELECT encrypted_session_cookie FROM encrypted_credentials")
            .fetch_one(app.state.store.pool())
            .await
            .expect("row");
    assert_eq!(
        stored_envelope, envelope,
        "the envelope is stored as it came"
    );

    let jar = app
        .state
        .vault
        .open_stored(alice.id, "linkedin")
        .await
        .expect("opens");
    let li_at = jar
        .cookies
        .iter()
        .find(|c| c.name == "li_at")
        .expect("li_at");
    assert_eq!(li_at.value.expose_secret(), LI_AT);

    let removed = client
        .delete(app.url("/api/v1/credentials/linkedin"))
        .send()
        .await
        .expect("delete");
    assert_eq!(removed.status(), 204);
    let again = client
        .delete(app.url("/api/v1/credentials/linkedin"))
        .send()
        .await
        .expect("delete");
    assert_eq!(again.status(), 404);
    let events = companion::store::events::recent(&app.state.store, alice.id, 10)
        .await
        .expect("events");
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    assert!(
        kinds.contains(&"credentials.updated") && kinds.contains(&"credentials.removed"),
        "{kinds:?}"
    );
}

/// The extension asks for host permissions from this list: each built-in platform with the
/// origin patterns of its domains, read with the shared wire type.
#[tokio::test]
async fn platforms_list_each_built_in_platform_with_its_origins() {
    let app = TestApp::spawn().await;
    let alice = app.create_user("alice").await;
    let paired = app.pair(alice.id, "Chrome").await;
    let listed: Vec<PlatformInfo> = app
        .device_client(&paired.token)
        .get(app.url("/api/v1/platforms"))
        .send()
        .await
        .expect("platforms")
        .json()
        .await
        .expect("platform infos");

    let ids: Vec<&str> = listed.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, KNOWN_PLATFORMS);
    for info in &listed {
        let platform = Platform::lookup(&info.id).expect("known");
        assert_eq!(info.name, platform.name);
        assert_eq!(info.domains, platform.domains);
        let wanted: Vec<String> = platform
            .domains
            .iter()
            .map(|domain| format!("https://*.{domain}/*"))
            .collect();
        assert_eq!(info.origins, wanted, "{}", info.id);
    }
    assert_eq!(listed[0].origins, ["https://*.linkedin.com/*"]);
}

#[tokio::test]
async fn bad_envelopes_are_named_and_keep_the_previous_jar() {
    let app = TestApp::spawn().await;
    let alice = app.create_user("alice").await;
    let bob = app.create_user("bob").await;
    let paired = app.pair(alice.id, "Chrome").await;
    let client = app.device_client(&paired.token);
    let good = seal_for(&app, &client, alice.id, &format!("li_at={LI_AT}")).await;
    assert_eq!(
        put(
            &client,
            &app,
            "linkedin",
            serde_json::json!({"envelope": good})
        )
        .await
        .status(),
        200
    );

    let for_bob = {
        let bob_paired = app.pair(bob.id, "Bob").await;
        let bob_client = app.device_client(&bob_paired.token);
        seal_for(&app, &bob_client, alice.id, "li_at=other").await
    };
    let cases: Vec<(&str, String, u16, &str)> = vec![
        ("linkedin", "not an envelope".into(), 400, "prefix"),
        ("linkedin", truncated(&good), 400, "malformed"),
        (
            "linkedin",
            tampered(&good, good.len() - 10),
            400,
            "authentication",
        ),
        ("indeed", good.clone(), 400, "platform"),
        ("no-such-site", good.clone(), 404, "not found"),
        // Sealed with alice's user id but to bob's key: alice has no such key.
        ("linkedin", for_bob, 409, "not current"),
    ];
    for (platform, envelope, status, needle) in cases {
        let response = put(
            &client,
            &app,
            platform,
            serde_json::json!({"envelope": envelope}),
        )
        .await;
        assert_eq!(response.status(), status, "{platform} {envelope:.20}");
        let detail = detail(response).await;
        assert!(detail.contains(needle), "{detail}");
        assert!(!detail.contains(LI_AT));
    }
    let jar = app
        .state
        .vault
        .open_stored(alice.id, "linkedin")
        .await
        .expect("the previous jar is intact");
    assert_eq!(jar.cookies[0].value.expose_secret(), LI_AT);
}

#[tokio::test]
async fn a_jar_moved_to_another_user_does_not_open() {
    let app = TestApp::spawn().await;
    let alice = app.create_user("alice").await;
    let bob = app.create_user("bob").await;
    let alice_client = app.device_client(&app.pair(alice.id, "A").await.token);
    let bob_client = app.device_client(&app.pair(bob.id, "B").await.token);
    let alices = seal_for(&app, &alice_client, alice.id, &format!("li_at={LI_AT}")).await;
    let response = put(
        &bob_client,
        &app,
        "linkedin",
        serde_json::json!({"envelope": alices}),
    )
    .await;
    assert_eq!(response.status(), 400);
    assert!(detail(response).await.contains("user"));
}

#[tokio::test]
async fn rotation_reseals_jars_and_retires_the_old_key() {
    let app = TestApp::spawn().await;
    let alice = app.create_user("alice").await;
    let client = app.device_client(&app.pair(alice.id, "Chrome").await.token);
    let old = seal_for(&app, &client, alice.id, &format!("li_at={LI_AT}")).await;
    assert_eq!(
        put(
            &client,
            &app,
            "linkedin",
            serde_json::json!({"envelope": old})
        )
        .await
        .status(),
        200
    );
    let old_key = shared::vault::inspect(&old).expect("header").key_id;

    let (new_key, resealed) = app
        .state
        .vault
        .rotate(&app.state.bus, alice.id)
        .await
        .expect("rotate");
    assert_ne!(new_key.key_id, old_key);
    assert_eq!(resealed, 1);
    let jar = app
        .state
        .vault
        .open_stored(alice.id, "linkedin")
        .await
        .expect("opens with the new key");
    assert_eq!(jar.cookies[0].value.expose_secret(), LI_AT);
    let served: serde_json::Value = client
        .get(app.url("/api/v1/vault/public-key"))
        .send()
        .await
        .expect("key")
        .json()
        .await
        .expect("json");
    assert_eq!(served["keyId"], new_key.key_id.as_str());

    let stale = put(
        &client,
        &app,
        "linkedin",
        serde_json::json!({"envelope": old}),
    )
    .await;
    assert_eq!(
        stale.status(),
        409,
        "a jar sealed to the retired key is refused"
    );
    let (secrets,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM vault_keys WHERE key_id = $1 AND wrapped_secret IS NOT NULL",
    )
    .bind(&old_key)
    .fetch_one(app.state.store.pool())
    .await
    .expect("count");
    assert_eq!(secrets, 0, "the retired key keeps no secret");
}

#[tokio::test]
async fn private_keys_are_stored_only_wrapped() {
    let app = TestApp::spawn().await;
    let alice = app.create_user("alice").await;
    app.state
        .vault
        .current_public_key(alice.id)
        .await
        .expect("key");
    let (key_id, public, wrapped): (String, Vec<u8>, Vec<u8>) =
        sqlx::query_as("SELECT key_id, public_key, wrapped_secret FROM vault_keys")
            .fetch_one(app.state.store.pool())
            .await
            .expect("row");
    let master = master_key_of(&app);
    let aad = format!("autoresume/vault-private-key/v1\0{}\0{key_id}", alice.id);
    assert_eq!(
        open_wrapped(&another_key(&master), aad.as_bytes(), &wrapped),
        None,
        "another master key does not open it"
    );
    let bob = app.create_user("bob").await;
    let for_bob = format!("autoresume/vault-private-key/v1\0{}\0{key_id}", bob.id);
    assert_eq!(
        open_wrapped(&master, for_bob.as_bytes(), &wrapped),
        None,
        "it is bound to its owner"
    );
    let secret: [u8; 32] = open_wrapped(&master, aad.as_bytes(), &wrapped)
        .expect("the master key opens it")
        .try_into()
        .expect("a 32-byte secret key");
    let secret = shared::vault::VaultSecretKey::from_bytes(&secret).expect("a secret key");
    assert_eq!(
        secret.public_key().bytes.as_slice(),
        public.as_slice(),
        "what opens is the secret half of the stored public key"
    );
}

#[tokio::test]
async fn an_oversized_body_is_refused_and_the_jar_stays() {
    let app = TestApp::spawn_with(|c| c.max_body_bytes = 64 * 1024).await;
    let alice = app.create_user("alice").await;
    let client = app.device_client(&app.pair(alice.id, "Chrome").await.token);
    let good = seal_for(&app, &client, alice.id, &format!("li_at={LI_AT}")).await;
    assert_eq!(
        put(
            &client,
            &app,
            "linkedin",
            serde_json::json!({"envelope": good})
        )
        .await
        .status(),
        200
    );
    let huge = format!("arv1.{}", "A".repeat(100 * 1024));
    let response = put(
        &client,
        &app,
        "linkedin",
        serde_json::json!({"envelope": huge}),
    )
    .await;
    assert_eq!(response.status(), 413);
    let jar = app
        .state
        .vault
        .open_stored(alice.id, "linkedin")
        .await
        .expect("intact");
    assert_eq!(jar.cookies[0].value.expose_secret(), LI_AT);
}

/// `companion vault check` opens the jar through the same function and prints names, count
/// and expiry, never a value.
#[tokio::test]
async fn the_cli_check_prints_names_and_count_but_no_value() {
    let app = TestApp::spawn().await;
    let alice = app.create_user("alice").await;
    let client = app.device_client(&app.pair(alice.id, "Chrome").await.token);
    let envelope = seal_for(
        &app,
        &client,
        alice.id,
        &format!("li_at={LI_AT}; JSESSIONID=ajax:7"),
    )
    .await;
    assert_eq!(
        put(
            &client,
            &app,
            "linkedin",
            serde_json::json!({"envelope": envelope})
        )
        .await
        .status(),
        200
    );

    let output = vault_check(&app, "linkedin").await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stdout.contains("linkedin: 2 cookies"), "{stdout}");
    assert!(
        stdout.contains("li_at") && stdout.contains("JSESSIONID"),
        "{stdout}"
    );
    assert!(
        !stdout.contains(LI_AT) && !stderr.contains(LI_AT),
        "a value was printed"
    );

    let missing = vault_check(&app, "indeed").await;
    assert!(!missing.status.success());
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("no indeed session is stored for alice")
    );
}

/// Runs `companion vault check --user alice --platform PLATFORM` against the test's database.
async fn vault_check(app: &TestApp, platform: &str) -> std::process::Output {
    let config = &app.state.config;
    tokio::process::Command::new(env!("CARGO_BIN_EXE_companion"))
        .args(["vault", "check", "--user", "alice", "--platform", platform])
        .env("COMPANION_DATABASE_URL", &config.database_url)
        .env("COMPANION_MASTER_KEY_FILE", &config.master_key_file)
        .env("COMPANION_DATA_DIR", &config.data_dir)
        .output()
        .await
        .expect("companion runs")
}

/// The envelope with the base64url character at `at` replaced by a different one.
/// Cut short to a length base64 can never have (4n + 1 characters after the prefix), so the
/// result is malformed whatever the random bytes were; a cut of fixed length could leave a
/// canonical shorter payload and fail authentication instead.
fn truncated(envelope: &str) -> String {
    let mut cut = envelope.len() - 10;
    while (cut - "arv1.".len()) % 4 != 1 {
        cut -= 1;
    }
    envelope[..cut].to_owned()
}

fn tampered(envelope: &str, at: usize) -> String {
    let replacement = if &envelope[at..=at] == "A" { "B" } else { "A" };
    format!("{}{replacement}{}", &envelope[..at], &envelope[at + 1..])
}
