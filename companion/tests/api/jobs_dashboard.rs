//! The jobs dashboard page (plain forms, no JavaScript) and the `companion worker` command.

use std::time::Duration;

use companion::store::jobs::{self, NewJob};
use companion::store::{agent, now_ms, schedules};
use serde_json::json;

use crate::helpers::{Browser, TestApp};

async fn enqueue(app: &TestApp, user_id: i64, kind: &str, platform: Option<&str>) -> i64 {
    let payload = json!({});
    let job = NewJob {
        user_id,
        kind,
        payload: &payload,
        max_attempts: 1,
        idempotency_key: None,
        run_at: now_ms() + 60_000,
        platform,
    };
    jobs::enqueue(&app.state.store, &job, now_ms())
        .await
        .expect("enqueue")
}

async fn page(app: &TestApp, browser: &Browser, query: &str) -> String {
    let response = browser
        .client
        .get(app.url(&format!("/dashboard/jobs{query}")))
        .send()
        .await
        .expect("page");
    assert_eq!(response.status(), 200);
    response.text().await.expect("html")
}

async fn post_form(app: &TestApp, browser: &Browser, path: &str, fields: &[(&str, &str)]) -> u16 {
    let mut form = vec![("csrf_token", browser.csrf.as_str())];
    form.extend_from_slice(fields);
    browser
        .write(reqwest::Method::POST, &app.url(path))
        .form(&form)
        .send()
        .await
        .expect("post")
        .status()
        .as_u16()
}

#[tokio::test]
async fn the_jobs_page_lists_filters_cancels_retries_and_pauses_without_javascript() {
    let app = TestApp::spawn().await;
    let alice = app.create_user("alice").await;
    let bob = app.create_user("bob").await;
    let browser = app.login("alice").await;
    let apply = enqueue(&app, alice.id, "apply.submit", Some("linkedin")).await;
    let digest = enqueue(&app, alice.id, "mail.<digest>", None).await;
    enqueue(&app, bob.id, "bobs.secret.kind", None).await;

    let html = page(&app, &browser, "").await;
    assert!(html.contains(r#"aria-current="page">Jobs</a>"#), "{html}");
    assert!(html.contains("apply.submit") && html.contains("linkedin"));
    assert!(
        html.contains("digest") && !html.contains("<digest>"),
        "kinds are escaped"
    );
    assert!(!html.contains("bobs.secret.kind"), "only the user's jobs");
    assert!(html.contains("Agent running"));

    assert_eq!(
        post_form(
            &app,
            &browser,
            &format!("/dashboard/jobs/{digest}/cancel"),
            &[]
        )
        .await,
        303
    );
    let cancelled = page(&app, &browser, "?state=cancelled").await;
    assert!(cancelled.contains("digest") && !cancelled.contains("apply.submit"));
    assert!(cancelled.contains(&format!("/dashboard/jobs/{digest}/retry")));
    assert_eq!(
        post_form(
            &app,
            &browser,
            &format!("/dashboard/jobs/{digest}/retry"),
            &[]
        )
        .await,
        303
    );
    let queued = page(&app, &browser, "?state=queued").await;
    assert!(queued.contains("digest") && queued.contains("apply.submit"));
    // Another user's job is not found; a finished one cannot be cancelled.
    let bobs = enqueue(&app, bob.id, "x", None).await;
    assert_eq!(
        post_form(
            &app,
            &browser,
            &format!("/dashboard/jobs/{bobs}/cancel"),
            &[]
        )
        .await,
        404
    );

    assert_eq!(
        post_form(
            &app,
            &browser,
            "/dashboard/agent/pause",
            &[("paused", "true")]
        )
        .await,
        303
    );
    assert!(page(&app, &browser, "").await.contains("Agent paused"));
    assert!(
        agent::pause_state(&app.state.store, alice.id)
            .await
            .expect("state")
            .paused
    );
    assert_eq!(
        post_form(
            &app,
            &browser,
            "/dashboard/agent/limits",
            &[
                ("max_concurrent.indeed", "0"),
                ("per_hour.indeed", ""),
                ("per_hour.workday", "4")
            ]
        )
        .await,
        303
    );
    let limits = agent::limits(&app.state.store, alice.id)
        .await
        .expect("limits");
    assert_eq!(
        limits
            .iter()
            .map(|l| (l.platform.as_str(), l.max_concurrent, l.per_hour))
            .collect::<Vec<_>>(),
        [("indeed", Some(0), None), ("workday", None, Some(4))]
    );
    assert!(
        page(&app, &browser, "")
            .await
            .contains(r#"name="max_concurrent.indeed" value="0""#)
    );
    assert_eq!(
        post_form(
            &app,
            &browser,
            "/dashboard/agent/limits",
            &[("per_hour.indeed", "lots")]
        )
        .await,
        400
    );
    assert_eq!(
        jobs::get(&app.state.store, apply)
            .await
            .expect("get")
            .expect("job")
            .state,
        "queued"
    );
}

#[tokio::test]
async fn companion_worker_runs_the_scheduler_and_stops_on_sigterm() {
    // No workers in the server, so the schedule can only be run by the worker process.
    let app = TestApp::spawn_with(|config| config.workers = 0).await;
    let store = &app.state.store;
    let alice = app.create_user("alice").await;
    let schedule = schedules::upsert(
        store,
        alice.id,
        "nightly",
        "0 3 * * *",
        "test.nightly",
        &json!({}),
        now_ms(),
    )
    .await
    .expect("schedule");
    // Make the schedule due now rather than at 03:00.
    sqlx::query("UPDATE job_schedules SET next_run_at = $1 WHERE id = $2")
        .bind(now_ms() - 1_000)
        .bind(schedule)
        .execute(store.pool())
        .await
        .expect("due");

    let config = &app.state.config;
    let mut worker = tokio::process::Command::new(env!("CARGO_BIN_EXE_companion"))
        .args(["worker", "--name", "test-worker", "--workers", "2"])
        .env("COMPANION_DATABASE_URL", &config.database_url)
        .env("COMPANION_MASTER_KEY_FILE", &config.master_key_file)
        .env("COMPANION_DATA_DIR", &config.data_dir)
        .kill_on_drop(true)
        .spawn()
        .expect("companion worker starts");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while jobs::list(store, alice.id, None, 10)
        .await
        .expect("jobs")
        .is_empty()
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the worker's scheduler enqueued nothing"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let pid = worker.id().expect("pid").to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    let status = tokio::time::timeout(Duration::from_secs(30), worker.wait())
        .await
        .expect("the worker stops on SIGTERM")
        .expect("wait");
    assert!(status.success(), "{status:?}");
}
