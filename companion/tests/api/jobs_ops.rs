//! Operating the queue: per-platform limits and the rate governor for applies, the pause
//! switch (`/api/v1/agent`), concurrent workers, and schedules.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use companion::config::ApplyLimits;
use companion::jobs::{Worker, scheduler};
use companion::store::agent::{self, PlatformLimit};
use companion::store::jobs::{self, ClaimRequest, Job, NewJob};
use companion::store::{self, Store, schedules};
use serde_json::json;
use tokio::sync::watch;

use crate::helpers::TestApp;

const KINDS: [&str; 2] = ["test.apply", "test.job"];
const HOUR_MS: i64 = 3_600_000;

async fn enqueue(store: &Store, user_id: i64, platform: Option<&str>) -> i64 {
    let payload = json!({});
    let job = NewJob {
        user_id,
        kind: if platform.is_some() {
            "test.apply"
        } else {
            "test.job"
        },
        payload: &payload,
        max_attempts: 3,
        idempotency_key: None,
        run_at: 0,
        platform,
    };
    jobs::enqueue(store, &job, 0).await.expect("enqueue")
}

async fn claim_at(store: &Store, limits: ApplyLimits, now: i64) -> Option<i64> {
    let request = ClaimRequest {
        worker: "w",
        kinds: &KINDS,
        lease_ms: 60_000,
        limits,
    };
    jobs::claim_with(store, &request, now)
        .await
        .expect("claim")
        .map(|job| job.id)
}

async fn complete(store: &Store, id: i64, now: i64) {
    let job = jobs::get(store, id).await.expect("get").expect("job");
    assert!(
        jobs::complete(store, id, job.attempt, &json!(null), now)
            .await
            .expect("complete")
    );
}

#[tokio::test]
async fn a_user_runs_one_apply_per_platform_at_a_time_by_default() {
    let app = TestApp::spawn_with(|c| c.workers = 0).await;
    let store = &app.state.store;
    let alice = app.create_user("alice").await.id;
    let bob = app.create_user("bob").await.id;
    let first = enqueue(store, alice, Some("linkedin")).await;
    let second = enqueue(store, alice, Some("linkedin")).await;
    let other_platform = enqueue(store, alice, Some("indeed")).await;
    let plain = enqueue(store, alice, None).await;
    let bobs = enqueue(store, bob, Some("linkedin")).await;
    let limits = ApplyLimits::default();

    // The second LinkedIn apply waits; everything else may run beside the first (jobs
    // without a platform are claimed before applies).
    let mut claimed = Vec::new();
    while let Some(id) = claim_at(store, limits, 1_000).await {
        claimed.push(id);
    }
    assert_eq!(claimed, vec![plain, first, other_platform, bobs]);
    complete(store, first, 2_000).await;
    assert_eq!(claim_at(store, limits, 2_000).await, Some(second));
}

#[tokio::test]
async fn the_hourly_limit_holds_applies_back_until_the_hour_has_passed() {
    let app = TestApp::spawn_with(|c| c.workers = 0).await;
    let store = &app.state.store;
    let alice = app.create_user("alice").await.id;
    // A user override raises concurrency and lowers the hourly rate for one platform only.
    agent::replace_limits(
        store,
        alice,
        &[PlatformLimit {
            platform: "linkedin".into(),
            max_concurrent: Some(5),
            per_hour: Some(2),
        }],
        0,
    )
    .await
    .expect("limits");
    let applies = [
        enqueue(store, alice, Some("linkedin")).await,
        enqueue(store, alice, Some("linkedin")).await,
        enqueue(store, alice, Some("linkedin")).await,
    ];
    let limits = ApplyLimits {
        max_concurrent: 1,
        per_hour: 100,
    };
    let start = 10 * HOUR_MS;
    assert_eq!(claim_at(store, limits, start).await, Some(applies[0]));
    assert_eq!(claim_at(store, limits, start + 1).await, Some(applies[1]));
    assert_eq!(claim_at(store, limits, start + 2).await, None);
    complete(store, applies[0], start + 10).await;
    complete(store, applies[1], start + 10).await;
    assert_eq!(claim_at(store, limits, start + HOUR_MS - 1).await, None);
    let third = jobs::get(store, applies[2])
        .await
        .expect("get")
        .expect("job");
    assert_eq!(third.state, "queued", "a held-back apply stays queued");
    assert_eq!(
        claim_at(store, limits, start + HOUR_MS + 1).await,
        Some(applies[2])
    );
}

#[tokio::test]
async fn configured_defaults_apply_where_the_user_set_no_limit() {
    let app = TestApp::spawn_with(|c| c.workers = 0).await;
    let store = &app.state.store;
    let alice = app.create_user("alice").await.id;
    let ids = [
        enqueue(store, alice, Some("indeed")).await,
        enqueue(store, alice, Some("indeed")).await,
        enqueue(store, alice, Some("indeed")).await,
    ];
    let limits = ApplyLimits {
        max_concurrent: 2,
        per_hour: 100,
    };
    assert_eq!(claim_at(store, limits, 1_000).await, Some(ids[0]));
    assert_eq!(claim_at(store, limits, 1_000).await, Some(ids[1]));
    assert_eq!(claim_at(store, limits, 1_000).await, None);
}

fn apply_worker(app: &TestApp, name: &str) -> Worker {
    Worker::new(
        app.state.store.clone(),
        app.state.bus.clone(),
        name,
        Duration::from_secs(10),
    )
    .poll_every(Duration::from_millis(20))
    .register("test.apply", |_ctx| async { Ok(json!("applied")) })
    .register("test.job", |_ctx| async { Ok(json!("done")) })
}

async fn job(store: &Store, id: i64) -> Job {
    jobs::get(store, id).await.expect("get").expect("job")
}

async fn agent_events(app: &TestApp, user_id: i64) -> Vec<String> {
    companion::store::events::after(&app.state.store, user_id, 0, 100)
        .await
        .expect("events")
        .into_iter()
        .map(|e| e.kind)
        .filter(|kind| kind.starts_with("agent."))
        .collect()
}

#[tokio::test]
async fn a_paused_agent_keeps_applies_queued_and_runs_them_once_resumed() {
    let app = TestApp::spawn_with(|c| c.workers = 0).await;
    let alice = app.create_user("alice").await;
    let browser = app.login("alice").await;
    let store = &app.state.store;
    let paused = browser
        .write(reqwest::Method::PUT, &app.url("/api/v1/agent"))
        .json(&json!({"paused": true}))
        .send()
        .await
        .expect("pause");
    assert_eq!(paused.status(), 200);
    let body: serde_json::Value = paused.json().await.expect("json");
    assert_eq!(body["paused"], true);
    assert!(body["pausedAt"].is_i64());

    let apply = enqueue(store, alice.id, Some("linkedin")).await;
    let plain = enqueue(store, alice.id, None).await;
    let worker = apply_worker(&app, "w");
    assert!(worker.run_once().await.expect("run"), "the plain job runs");
    assert!(!worker.run_once().await.expect("run"), "the apply waits");
    assert_eq!(job(store, plain).await.state, "succeeded");
    assert_eq!(job(store, apply).await.state, "queued");

    let resumed = browser
        .write(reqwest::Method::PUT, &app.url("/api/v1/agent"))
        .json(&json!({"paused": false}))
        .send()
        .await
        .expect("resume");
    assert_eq!(resumed.status(), 200);
    assert!(worker.run_once().await.expect("run"));
    assert_eq!(job(store, apply).await.state, "succeeded");
    assert_eq!(
        agent_events(&app, alice.id).await,
        ["agent.paused", "agent.resumed"]
    );
}

#[tokio::test]
async fn agent_settings_round_trip_and_bad_limits_are_400() {
    let app = TestApp::spawn_with(|c| c.workers = 0).await;
    let alice = app.create_user("alice").await;
    let device = app.pair(alice.id, "Chrome").await;
    let client = app.device_client(&device.token);
    let settings: serde_json::Value = client
        .get(app.url("/api/v1/agent"))
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(
        settings,
        json!({"paused": false, "pausedAt": null, "defaults": {"maxConcurrent": 1, "perHour": 10}, "limits": [], "dryRun": true})
    );
    let put = client
        .put(app.url("/api/v1/agent"))
        .json(&json!({"limits": [{"platform": "workday", "maxConcurrent": 0, "perHour": null}]}))
        .send()
        .await
        .expect("put");
    assert_eq!(put.status(), 200);
    let body: serde_json::Value = put.json().await.expect("json");
    assert_eq!(
        body["limits"],
        json!([{"platform": "workday", "maxConcurrent": 0, "perHour": null}])
    );
    for bad in [
        json!({"limits": [{"platform": "myspace", "maxConcurrent": 1}]}),
        json!({"limits": [{"platform": "indeed"}, {"platform": "indeed"}]}),
        json!({"limits": [{"platform": "indeed", "perHour": -1}]}),
        json!({"limits": [{"platform": "indeed", "maxConcurrent": 1000}]}),
        // Two runs on one account at once: never.
        json!({"limits": [{"platform": "indeed", "maxConcurrent": 2}]}),
    ] {
        let response = client
            .put(app.url("/api/v1/agent"))
            .json(&bad)
            .send()
            .await
            .expect("put");
        assert_eq!(response.status(), 400, "{bad}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
    }
    let wrong_shape = client
        .put(app.url("/api/v1/agent"))
        .json(&json!({"paused": "yes"}))
        .send()
        .await
        .expect("put");
    assert_eq!(wrong_shape.status(), 422);
    let unchanged = agent::limits(&app.state.store, alice.id)
        .await
        .expect("limits");
    assert_eq!(unchanged.len(), 1, "a refused update changes nothing");
    assert!(agent_events(&app, alice.id).await.is_empty());
}

#[tokio::test]
async fn concurrent_workers_keep_to_the_per_platform_limit() {
    let app = TestApp::spawn_with(|c| c.workers = 0).await;
    let store = app.state.store.clone();
    let alice = app.create_user("alice").await.id;
    let ids: Vec<i64> =
        futures_util::future::join_all((0..8).map(|_| enqueue(&store, alice, Some("glassdoor"))))
            .await;
    let running = Arc::new(AtomicI64::new(0));
    let most = Arc::new(AtomicI64::new(0));
    let (stop, stopped) = watch::channel(false);
    let mut workers = Vec::new();
    for n in 0..4 {
        let (running, most) = (Arc::clone(&running), Arc::clone(&most));
        let worker = Worker::new(
            store.clone(),
            app.state.bus.clone(),
            format!("w{n}"),
            Duration::from_secs(10),
        )
        .poll_every(Duration::from_millis(10))
        .apply_limits(ApplyLimits {
            max_concurrent: 2,
            per_hour: 100,
        })
        .register("test.apply", move |ctx| {
            let (running, most) = (Arc::clone(&running), Arc::clone(&most));
            async move {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                // Long enough for the other workers to try claiming meanwhile.
                for _ in 0..10 {
                    ctx.checkpoint().await?;
                    tokio::time::sleep(Duration::from_millis(15)).await;
                }
                running.fetch_sub(1, Ordering::SeqCst);
                Ok(json!(null))
            }
        });
        workers.push(tokio::spawn(worker.run(stopped.clone())));
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let mut done = 0;
        for id in &ids {
            if job(&store, *id).await.state == "succeeded" {
                done += 1;
            }
        }
        if done == ids.len() {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{done} of 8 done");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    stop.send(true).expect("stop");
    for worker in workers {
        worker.await.expect("worker");
    }
    assert_eq!(
        most.load(Ordering::SeqCst),
        2,
        "at most two applies at once, and two did run together"
    );
}

#[tokio::test]
async fn a_schedule_enqueues_each_slot_once_and_moves_on() {
    let app = TestApp::spawn_with(|c| c.workers = 0).await;
    let store = &app.state.store;
    // A bare user row, without the schedules a new account gets: this one is the only one.
    let alice = store::users::create(store, "alice", "!")
        .await
        .expect("user")
        .id;
    // 2100-01-01 10:00:30 UTC: far enough ahead that the app's own scheduler leaves it.
    let now = 4_102_480_830_000;
    let id = schedules::upsert(
        store,
        alice,
        "hourly poll",
        "0 * * * *",
        "test.job",
        &json!({"feed": 1}),
        now,
    )
    .await
    .expect("upsert");
    let listed = schedules::list(store, alice).await.expect("list");
    let slot = 4_102_484_400_000; // 11:00:00
    assert_eq!(listed[0].next_run_at, slot);
    assert_eq!(
        scheduler::enqueue_due(store, slot - 1).await.expect("tick"),
        0
    );
    // Two processes ticking at the same moment enqueue the slot once.
    let (a, b) = tokio::join!(
        scheduler::enqueue_due(store, slot + 5),
        scheduler::enqueue_due(store, slot + 5)
    );
    assert!(a.expect("tick") + b.expect("tick") >= 1);
    let queued = jobs::list(store, alice, None, 10).await.expect("jobs");
    assert_eq!(queued.len(), 1);
    assert_eq!(
        queued[0].idempotency_key.as_deref(),
        Some(format!("schedule:{id}:{slot}").as_str())
    );
    assert_eq!(queued[0].payload, r#"{"feed":1}"#);
    let moved = schedules::list(store, alice).await.expect("list");
    assert_eq!(moved[0].next_run_at, slot + HOUR_MS);
    assert_eq!(moved[0].last_run_at, Some(slot));

    let bad = schedules::upsert(
        store,
        alice,
        "bad",
        "61 * * * *",
        "test.job",
        &json!({}),
        now,
    )
    .await
    .expect_err("a bad expression is refused");
    assert!(bad.to_string().contains("cron"), "{bad}");
}
