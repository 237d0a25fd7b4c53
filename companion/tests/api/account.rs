//! Data ownership: the export holds everything a user owns and nothing secret or foreign;
//! deleting an account removes every row it owns and nothing else.

use std::io::Read;

use companion::store::account;
use reqwest::Method;

use crate::helpers::{Browser, PASSWORD, TestApp};

/// Every entry of a zip archive, by name, as text (binary entries lossily).
pub fn archive_entries(bytes: &[u8]) -> Vec<(String, String)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip archive");
    (0..archive.len())
        .map(|index| {
            let mut entry = archive.by_index(index).expect("entry");
            let mut content = Vec::new();
            entry.read_to_end(&mut content).expect("read entry");
            (
                entry.name().to_owned(),
                String::from_utf8_lossy(&content).into_owned(),
            )
        })
        .collect()
}

fn entry(entries: &[(String, String)], name: &str) -> serde_json::Value {
    let (_, text) = entries
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("{name} is in the archive"));
    serde_json::from_str(text).expect("json entry")
}

/// A user with rows in several tables: a device, a session, events, a job, a vault key and
/// a sealed session.
async fn user_with_data(app: &TestApp, name: &str) -> (i64, String) {
    let user = app.create_user(name).await;
    let paired = app.pair(user.id, &format!("{name}'s browser")).await;
    app.login(name).await;
    app.state
        .bus
        .emit(
            user.id,
            "test.ping",
            serde_json::json!({"message": format!("note for {name}")}),
        )
        .await
        .expect("emit");
    crate::jobs_api::enqueue(app, user.id, &format!("{name}-job")).await;
    let client = app.device_client(&paired.token);
    let envelope =
        crate::vault::seal_for(app, &client, user.id, &format!("li_at={name}-cookie")).await;
    let stored = client
        .put(app.url("/api/v1/credentials/linkedin"))
        .json(&serde_json::json!({ "envelope": envelope }))
        .send()
        .await
        .expect("store");
    assert_eq!(stored.status(), 200);
    (user.id, paired.token)
}

#[tokio::test]
async fn export_holds_the_users_data_and_no_secrets() {
    let app = TestApp::spawn().await;
    let (alice_id, alice_token) = user_with_data(&app, "alice").await;
    user_with_data(&app, "bob").await;

    let response = app
        .device_client(&alice_token)
        .get(app.url("/api/v1/account/export"))
        .send()
        .await
        .expect("export");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/zip");
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"autoresume-alice-"),
        "{disposition}"
    );
    let entries = archive_entries(&response.bytes().await.expect("bytes"));

    let manifest = entry(&entries, "manifest.json");
    assert_eq!(manifest["user"]["name"], "alice");
    for table in account::user_tables(&app.state.store)
        .await
        .expect("tables")
    {
        if table == "sessions" || table == "pairing_codes" {
            continue;
        }
        let expected = account::count_rows(&app.state.store, &table, alice_id)
            .await
            .expect("count");
        assert_eq!(manifest["tables"][&table], expected, "{table}");
        let rows = entry(&entries, &format!("data/{table}.json"));
        assert_eq!(rows.as_array().expect("rows").len() as i64, expected);
    }
    let events = entry(&entries, "data/agent_events.json");
    assert!(events.to_string().contains("note for alice"), "{events}");
    let jobs = entry(&entries, "data/jobs.json");
    assert_eq!(jobs[0]["kind"], "alice-job");
    assert_eq!(entry(&entries, "data/users.json")[0]["name"], "alice");
    // Binary values become files referenced from their row.
    let keys = entry(&entries, "data/vault_keys.json");
    let file = keys[0]["public_key"]["file"].as_str().expect("file ref");
    assert!(entries.iter().any(|(name, _)| name == file), "{file}");

    let everything: String = entries.iter().map(|(_, text)| text.as_str()).collect();
    let secrets: Vec<(String,)> =
        sqlx::query_as("SELECT password_hash FROM users UNION ALL SELECT token_hash FROM devices")
            .fetch_all(app.state.store.pool())
            .await
            .expect("secrets");
    for (secret,) in secrets {
        assert!(!everything.contains(&secret), "a hash was exported");
    }
    for absent in [
        "password_hash",
        "token_hash",
        "csrf_token",
        "wrapped_secret",
    ] {
        assert!(!everything.contains(absent), "{absent} was exported");
    }
    assert!(!everything.contains("encrypted_session_cookie"));
    assert!(!everything.contains("arv1."), "a sealed jar was exported");
    assert!(
        !everything.contains("bob"),
        "bob's data is in alice's export"
    );
}

/// Columns whose names suggest a credential must be classified on purpose: exported as data
/// (listed here) or left out by the export's secret rule.
#[tokio::test]
async fn every_credential_like_column_is_classified() {
    let app = TestApp::spawn().await;
    let exported_on_purpose = [
        "key_id",
        "public_key",
        "idempotency_key",
        "platform",
        "dedupe_key",
        "match_key",
    ];
    for table in account::user_tables(&app.state.store)
        .await
        .expect("tables")
    {
        let rows = account::columns(&app.state.store, &table)
            .await
            .expect("columns");
        for column in rows {
            let suspicious = ["key", "token", "hash", "secret", "password", "cookie"]
                .iter()
                .any(|word| column.contains(word));
            if suspicious && !exported_on_purpose.contains(&column.as_str()) {
                assert!(
                    companion::account::is_secret_column(&column),
                    "{table}.{column} looks like a credential: add it to the export's secret \
                     rule or to this test's list of columns exported on purpose"
                );
            }
        }
    }
}

#[tokio::test]
async fn deleting_an_account_removes_everything_it_owns_and_nothing_else() {
    let app = TestApp::spawn().await;
    let (alice_id, alice_token) = user_with_data(&app, "alice").await;
    let (bob_id, _) = user_with_data(&app, "bob").await;
    let tables = account::user_tables(&app.state.store)
        .await
        .expect("tables");
    let mut bob_before = Vec::new();
    for table in &tables {
        let count = account::count_rows(&app.state.store, table, bob_id)
            .await
            .expect("count");
        bob_before.push(count);
    }
    let alice = app.device_client(&alice_token);

    let wrong_name = alice
        .delete(app.url("/api/v1/account"))
        .json(&serde_json::json!({"confirmName": "bob", "password": PASSWORD}))
        .send()
        .await
        .expect("delete");
    assert_eq!(wrong_name.status(), 400);
    let wrong_password = alice
        .delete(app.url("/api/v1/account"))
        .json(&serde_json::json!({"confirmName": "alice", "password": "not it at all"}))
        .send()
        .await
        .expect("delete");
    assert_eq!(wrong_password.status(), 403);
    assert_eq!(
        wrong_password.headers()["content-type"],
        "application/problem+json"
    );
    assert!(
        account::count_rows(&app.state.store, "jobs", alice_id)
            .await
            .expect("count")
            > 0,
        "a refused deletion deleted something"
    );

    let deleted = alice
        .delete(app.url("/api/v1/account"))
        .json(&serde_json::json!({"confirmName": "alice", "password": PASSWORD}))
        .send()
        .await
        .expect("delete");
    assert_eq!(deleted.status(), 200);
    for (table, bob_count) in tables.iter().zip(bob_before) {
        let left = account::count_rows(&app.state.store, table, alice_id)
            .await
            .expect("count");
        assert_eq!(left, 0, "alice still owns rows in {table}");
        let bob_now = account::count_rows(&app.state.store, table, bob_id)
            .await
            .expect("count");
        assert_eq!(bob_now, bob_count, "bob lost rows in {table}");
    }
    let after = alice.get(app.url("/api/v1/me")).send().await.expect("me");
    assert_eq!(
        after.status(),
        401,
        "the deleted account's token still works"
    );
}

/// The dashboard's delete form, sent as the browser's own page sends it.
async fn delete_from_dashboard(
    app: &TestApp,
    browser: &Browser,
    confirm_name: &str,
    password: &str,
) -> reqwest::Response {
    browser
        .write(Method::POST, &app.url("/dashboard/account/delete"))
        .form(&[
            ("csrf_token", browser.csrf.as_str()),
            ("confirm_name", confirm_name),
            ("password", password),
        ])
        .send()
        .await
        .expect("delete")
}

#[tokio::test]
async fn the_dashboard_exports_and_deletes_with_confirmation() {
    let app = TestApp::spawn().await;
    user_with_data(&app, "alice").await;
    let browser = app.login("alice").await;

    let page = browser
        .client
        .get(app.url("/dashboard/account"))
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(html.contains("/dashboard/account/export"), "{html}");
    let download = browser
        .client
        .get(app.url("/dashboard/account/export"))
        .send()
        .await
        .expect("download");
    assert_eq!(download.status(), 200);
    let entries = archive_entries(&download.bytes().await.expect("bytes"));
    assert_eq!(entry(&entries, "manifest.json")["user"]["name"], "alice");

    let refused = delete_from_dashboard(&app, &browser, "alice ", PASSWORD).await;
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .expect("html")
            .contains("type your user name")
    );
    assert!(
        companion::store::users::find_by_name(&app.state.store, "alice")
            .await
            .expect("query")
            .is_some()
    );

    let deleted = delete_from_dashboard(&app, &browser, "alice", PASSWORD).await;
    assert_eq!(deleted.status(), 303);
    assert_eq!(deleted.headers()["location"], "/login");
    assert!(
        companion::store::users::find_by_name(&app.state.store, "alice")
            .await
            .expect("query")
            .is_none()
    );
}

#[tokio::test]
async fn the_cli_exports_and_deletes_a_user() {
    let app = TestApp::spawn().await;
    let (alice_id, _) = user_with_data(&app, "alice").await;
    let database_url = app.state.config.database_url.clone();
    let out = tempfile::tempdir().expect("dir");
    let archive = out.path().join("alice.zip");
    let run = |args: Vec<String>| {
        std::process::Command::new(env!("CARGO_BIN_EXE_companion"))
            .args(args)
            .env("COMPANION_DATABASE_URL", &database_url)
            .env("COMPANION_LOG", "warn")
            .stdin(std::process::Stdio::null())
            .output()
            .expect("companion runs")
    };
    let exported = run(vec![
        "user".into(),
        "export".into(),
        "alice".into(),
        "--out".into(),
        archive.display().to_string(),
    ]);
    assert!(exported.status.success(), "{exported:?}");
    let entries = archive_entries(&std::fs::read(&archive).expect("archive written"));
    assert_eq!(entry(&entries, "data/jobs.json")[0]["kind"], "alice-job");

    let unconfirmed = run(vec!["user".into(), "delete".into(), "alice".into()]);
    assert!(!unconfirmed.status.success());
    assert!(String::from_utf8_lossy(&unconfirmed.stderr).contains("--yes"));
    let deleted = run(vec![
        "user".into(),
        "delete".into(),
        "alice".into(),
        "--yes".into(),
    ]);
    assert!(deleted.status.success(), "{deleted:?}");
    assert_eq!(
        account::count_rows(&app.state.store, "jobs", alice_id)
            .await
            .expect("count"),
        0
    );
}

/// Deleting asks for the password, so it is a password oracle for whoever holds a session or
/// a device token: its wrong guesses share the login's limit.
#[tokio::test]
async fn wrong_deletion_passwords_are_limited_like_logins() {
    let app = TestApp::spawn_with(|c| c.auth_attempts_per_minute = 3).await;
    let alice = app.create_user("alice").await;
    let token = app.pair(alice.id, "Alice's Chrome").await.token;
    let browser = app.login("alice").await;
    let device = app.device_client(&token);
    let wrong = serde_json::json!({"confirmName": "alice", "password": "not it at all"});
    let mut statuses = Vec::new();
    for _ in 0..15 {
        let response = device
            .delete(app.url("/api/v1/account"))
            .json(&wrong)
            .send()
            .await
            .expect("delete");
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses[..3], [403, 403, 403], "{statuses:?}");
    assert!(statuses[3..].iter().all(|s| *s == 429), "{statuses:?}");

    let from_dashboard = delete_from_dashboard(&app, &browser, "alice", PASSWORD).await;
    assert_eq!(from_dashboard.status(), 429);
    let login = crate::login::post_login(&app, &reqwest::Client::new(), PASSWORD).await;
    assert_eq!(login.status(), 429, "deletion guesses count for logins too");
    assert!(
        companion::store::users::find_by_name(&app.state.store, "alice")
            .await
            .expect("query")
            .is_some()
    );
}
