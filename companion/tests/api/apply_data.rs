//! A run's evidence as the user's data (export, deletion, retention), and one run per
//! account at a time.

use companion::store::{self, account, artifacts};
use serde_json::json;

use crate::account::archive_entries;
use crate::apply_fake::{Fake, PNG, Plan, run_applies, run_one};
use crate::apply_job::approved;
use crate::approvals::user_with_device;
use crate::helpers::{PASSWORD, TestApp};

#[tokio::test]
async fn artifacts_go_with_the_export_and_the_account_and_expire() {
    let app = TestApp::spawn_with(|config| config.workers = 0).await;
    let (alice_id, alice) = user_with_device(&app, "alice").await;
    let request = approved(&alice, "https://jobs.example.com/acme/1", None).await;
    let id = &request["id"];
    run_applies(&app, &Fake::new(Plan::Form)).await;
    let store = &app.state.store;
    let artifacts_of_alice = || account::count_rows(store, "request_artifacts", alice_id);
    assert_eq!(artifacts_of_alice().await.expect("count"), 3);

    let export = alice
        .client
        .get(app.url("/api/v1/account/export"))
        .send()
        .await
        .expect("export")
        .bytes()
        .await
        .expect("zip");
    let entries = archive_entries(&export);
    let (_, rows) = entries
        .iter()
        .find(|(name, _)| name == "data/request_artifacts.json")
        .expect("the artifacts table");
    let rows: serde_json::Value = serde_json::from_str(rows).expect("json");
    let shot = rows
        .as_array()
        .expect("rows")
        .iter()
        .find(|row| row["kind"] == "screenshot")
        .expect("the screenshot");
    let file = shot["bytes"]["file"].as_str().expect("bytes as a file");
    let (_, png) = entries
        .iter()
        .find(|(name, _)| name == file)
        .expect("the PNG");
    assert_eq!(
        *png,
        String::from_utf8_lossy(PNG),
        "the PNG as it was stored"
    );
    assert!(
        entries
            .iter()
            .any(|(_, text)| text.contains("filled 3 fields")),
        "the step log"
    );

    // Older than the retention period: swept; the fresh ones stay.
    let old = store::now_ms() - 31 * 86_400_000;
    let listed = artifacts::list(store, alice_id, id.as_i64().expect("id"))
        .await
        .expect("list");
    sqlx::query("UPDATE request_artifacts SET created_at = $1 WHERE id = $2")
        .bind(old)
        .bind(listed[0].id)
        .execute(store.pool())
        .await
        .expect("age");
    let swept = companion::apply::artifacts::sweep(store, app.state.config.artifact_retention_days)
        .await
        .expect("sweep");
    assert_eq!(swept, 1);
    assert_eq!(artifacts_of_alice().await.expect("count"), 2);

    let deleted = alice
        .client
        .delete(app.url("/api/v1/account"))
        .json(&json!({"confirmName": "alice", "password": PASSWORD}))
        .send()
        .await
        .expect("delete");
    assert_eq!(deleted.status(), 200);
    for table in ["request_artifacts", "submit_ledger"] {
        assert_eq!(
            account::count_rows(store, table, alice_id)
                .await
                .expect("count"),
            0,
            "{table}"
        );
    }
}

/// The default per-platform limit (`apply_max_concurrent_per_platform` = 1) is what keeps an
/// account (user and platform) to one run at a time: a second apply on the platform waits
/// while the first runs, another platform's does not.
#[tokio::test]
async fn one_run_per_account_at_a_time() {
    let app = TestApp::spawn_with(|config| config.workers = 0).await;
    let (_, alice) = user_with_device(&app, "alice").await;
    let (_, bob) = user_with_device(&app, "bob").await;
    for (caller, url) in [
        (&alice, "https://jobs.lever.co/acme/1"),
        (&alice, "https://jobs.lever.co/acme/2"),
        (&alice, "https://boards.greenhouse.io/acme/jobs/3"),
        (&bob, "https://jobs.lever.co/acme/1"),
    ] {
        approved(caller, url, None).await;
    }
    let store = &app.state.store;
    let mut running = Vec::new();
    while let Some(job) = store::jobs::claim(store, "w", &["apply"], 60_000, store::now_ms())
        .await
        .expect("claim")
    {
        running.push((job.user_id, job.platform.clone().unwrap_or_default()));
    }
    running.sort();
    let mut accounts = running.clone();
    accounts.dedup();
    assert_eq!(
        running, accounts,
        "two runs of one account at once: {running:?}"
    );
    assert_eq!(
        running.len(),
        3,
        "alice's lever and greenhouse, bob's lever: {running:?}"
    );
}

/// A request whose apply job ended while it was applying (the worker of its last attempt
/// died) is handed to the user by the sweep: "may have been submitted" when the ledger has its
/// click, else "the run stopped".
#[tokio::test]
async fn the_sweep_hands_over_requests_their_dead_job_left_applying() {
    let app = TestApp::spawn_with(|config| config.workers = 0).await;
    let (alice_id, alice) = user_with_device(&app, "alice").await;
    let clicked = approved(&alice, "https://jobs.example.com/acme/1", Some(false)).await;
    let fake = Fake::new(Plan::DieAfterSubmitting);
    assert!(run_one(&app, &fake).await);
    let store = &app.state.store;
    // Its last attempt: the job is dead, nothing will run it again.
    sqlx::query("UPDATE jobs SET state = 'dead' WHERE kind = 'apply'")
        .execute(store.pool())
        .await
        .expect("dead");
    // A run that never reached the click, its job then closed.
    let quiet = approved(&alice, "https://jobs.example.com/acme/2", Some(false)).await;
    let request_id = quiet["id"].as_i64().expect("id");
    companion::approvals::runs::start(&app.state, alice_id, request_id)
        .await
        .expect("start")
        .expect("applying");
    let dead_job: (i64,) = sqlx::query_as("SELECT id FROM jobs WHERE state = 'dead' LIMIT 1")
        .fetch_one(store.pool())
        .await
        .expect("a dead job");
    store::agent_requests::set_apply_job(store, alice_id, request_id, dead_job.0)
        .await
        .expect("job");

    let released = companion::apply::release_stranded(&app.state)
        .await
        .expect("sweep");
    assert_eq!(released, 2);
    for (request, code) in [(clicked, "may_have_been_submitted"), (quiet, "run_failed")] {
        let path = format!("/api/v1/agent-requests/{}", request["id"]);
        let (_, card) = alice.call(reqwest::Method::GET, &path, None).await;
        assert_eq!(
            (&card["state"], &card["reason"]["code"]),
            (&json!("needs_you"), &json!(code))
        );
    }
    assert_eq!(
        companion::apply::release_stranded(&app.state)
            .await
            .expect("sweep"),
        0,
        "nothing left to release"
    );
    assert_eq!(fake.clicks(), 0);
}
