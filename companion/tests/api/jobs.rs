//! The durable job queue: store operations with explicit time, and the worker end to end.
//! The app runs no workers of its own here: they would close lapsed jobs by the clock.

use std::time::Duration;

use companion::jobs::{JobError, Worker};
use companion::store::jobs::{self, Backoff, Job, NewJob};
use companion::store::{Store, now_ms};
use serde_json::json;
use tokio::sync::{mpsc, watch};

use crate::helpers::{TestApp, wait_for};

fn new_job<'a>(user_id: i64, payload: &'a serde_json::Value, key: Option<&'a str>) -> NewJob<'a> {
    NewJob {
        user_id,
        kind: "test.job",
        payload,
        max_attempts: 3,
        idempotency_key: key,
        run_at: 0,
        platform: None,
    }
}

async fn job(store: &Store, id: i64) -> Job {
    jobs::get(store, id)
        .await
        .expect("get")
        .expect("job exists")
}

#[tokio::test]
async fn an_idempotency_key_is_enqueued_once_per_user() {
    let app = TestApp::spawn_with(|c| c.workers = 0).await;
    let store = &app.state.store;
    let alice = app.create_user("alice").await;
    let bob = app.create_user("bob").await;
    let payload = json!({"n": 1});
    let first = jobs::enqueue(store, &new_job(alice.id, &payload, Some("k1")), 1)
        .await
        .expect("enqueue");
    let again = jobs::enqueue(store, &new_job(alice.id, &payload, Some("k1")), 2)
        .await
        .expect("enqueue again");
    assert_eq!(first, again);
    let other_user = jobs::enqueue(store, &new_job(bob.id, &payload, Some("k1")), 3)
        .await
        .expect("enqueue for bob");
    assert_ne!(first, other_user);
    let unkeyed_a = jobs::enqueue(store, &new_job(alice.id, &payload, None), 4)
        .await
        .expect("enqueue");
    let unkeyed_b = jobs::enqueue(store, &new_job(alice.id, &payload, None), 5)
        .await
        .expect("enqueue");
    assert_ne!(unkeyed_a, unkeyed_b);
    let stored = job(store, first).await;
    assert_eq!(
        (stored.state.as_str(), stored.attempt, stored.created_at),
        ("queued", 0, 1)
    );
}

#[tokio::test]
async fn failures_retry_with_backoff_then_the_job_is_dead_with_its_error() {
    let app = TestApp::spawn_with(|c| c.workers = 0).await;
    let store = &app.state.store;
    let alice = app.create_user("alice").await;
    let payload = json!({});
    let id = jobs::enqueue(store, &new_job(alice.id, &payload, None), 0)
        .await
        .expect("enqueue");
    let backoff = Backoff {
        base_ms: 1_000,
        cap_ms: 1_500,
    };
    let mut now = 10_000;
    for attempt in 1..=3 {
        let claimed = jobs::claim(store, "w", &["test.job"], 30_000, now)
            .await
            .expect("claim")
            .expect("a due job");
        assert_eq!((claimed.id, claimed.attempt), (id, attempt));
        let state = jobs::fail(store, id, attempt, &format!("boom {attempt}"), backoff, now)
            .await
            .expect("fail");
        let stored = job(store, id).await;
        if attempt < 3 {
            assert_eq!(state.as_deref(), Some("queued"));
            let full = (1_000 << (attempt - 1)).min(1_500);
            let delay = stored.run_at - now;
            assert!(
                (full / 2..=full).contains(&delay),
                "attempt {attempt}: delay {delay} not in [{}, {full}]",
                full / 2
            );
            // Not due before the backoff has passed.
            assert!(
                jobs::claim(store, "w", &["test.job"], 30_000, stored.run_at - 1)
                    .await
                    .expect("claim")
                    .is_none()
            );
            now = stored.run_at;
        } else {
            assert_eq!(state.as_deref(), Some("dead"));
            assert_eq!(stored.state, "dead");
            assert_eq!(stored.last_error.as_deref(), Some("boom 3"));
            assert_eq!(stored.finished_at, Some(now));
        }
    }
    assert!(
        jobs::claim(store, "w", &["test.job"], 30_000, i64::MAX / 2)
            .await
            .expect("claim")
            .is_none(),
        "a dead job is never claimed again"
    );
}

#[tokio::test]
async fn a_late_write_from_a_worker_that_lost_its_lease_is_refused() {
    let app = TestApp::spawn_with(|c| c.workers = 0).await;
    let store = &app.state.store;
    let alice = app.create_user("alice").await;
    let payload = json!({});
    let id = jobs::enqueue(store, &new_job(alice.id, &payload, None), 0)
        .await
        .expect("enqueue");
    let first = jobs::claim(store, "w1", &["test.job"], 10, 1_000)
        .await
        .expect("claim")
        .expect("job");
    // Still leased: nobody else gets it.
    assert!(
        jobs::claim(store, "w2", &["test.job"], 10, 1_010)
            .await
            .expect("claim")
            .is_none()
    );
    let second = jobs::claim(store, "w2", &["test.job"], 10_000, 1_011)
        .await
        .expect("claim")
        .expect("taken over after the lease ran out");
    assert_eq!((second.id, second.attempt), (id, first.attempt + 1));

    assert!(
        !jobs::heartbeat(store, id, first.attempt, 10, 1_012)
            .await
            .expect("heartbeat")
    );
    assert!(
        !jobs::complete(store, id, first.attempt, &json!({"by": "w1"}), 1_013)
            .await
            .expect("complete")
    );
    assert_eq!(
        jobs::fail(store, id, first.attempt, "late", Backoff::default(), 1_013)
            .await
            .expect("fail"),
        None
    );
    assert!(
        jobs::complete(store, id, second.attempt, &json!({"by": "w2"}), 1_014)
            .await
            .expect("complete")
    );
    // And the first worker cannot overwrite the finished job either.
    assert!(
        !jobs::complete(store, id, first.attempt, &json!({"by": "w1"}), 1_015)
            .await
            .expect("complete")
    );
    let stored = job(store, id).await;
    assert_eq!(stored.state, "succeeded");
    assert_eq!(stored.worker.as_deref(), Some("w2"));
    assert_eq!(stored.result.as_deref(), Some(r#"{"by":"w2"}"#));
}

#[tokio::test]
async fn an_expired_lease_on_the_last_attempt_makes_the_job_dead() {
    let app = TestApp::spawn_with(|c| c.workers = 0).await;
    let store = &app.state.store;
    let alice = app.create_user("alice").await;
    let payload = json!({});
    let id = jobs::enqueue(
        store,
        &NewJob {
            max_attempts: 1,
            ..new_job(alice.id, &payload, None)
        },
        0,
    )
    .await
    .expect("enqueue");
    jobs::claim(store, "w1", &["test.job"], 10, 100)
        .await
        .expect("claim")
        .expect("job");
    assert!(
        jobs::claim(store, "w2", &["test.job"], 10, 200)
            .await
            .expect("claim")
            .is_none()
    );
    let stored = job(store, id).await;
    assert_eq!(stored.state, "dead");
    assert!(stored.last_error.is_some());
}

#[tokio::test]
async fn a_killed_workers_job_is_taken_over_after_its_lease() {
    let app = TestApp::spawn_with(|c| c.workers = 0).await;
    let store = app.state.store.clone();
    let alice = app.create_user("alice").await;
    let payload = json!({"x": 7});
    let id = jobs::enqueue(&store, &new_job(alice.id, &payload, None), now_ms())
        .await
        .expect("enqueue");
    // The "killed" worker claims with a short lease and never comes back.
    let dead = jobs::claim(&store, "killed", &["test.job"], 100, now_ms())
        .await
        .expect("claim")
        .expect("job");

    let worker = Worker::new(
        store.clone(),
        app.state.bus.clone(),
        "survivor",
        Duration::from_secs(5),
    )
    .register("test.job", |ctx| async move {
        ctx.checkpoint().await?;
        Ok(json!({"x": ctx.payload()["x"], "attempt": ctx.attempt()}))
    });
    wait_for("the survivor takes the job over", || async {
        worker.run_once().await.expect("run")
    })
    .await;
    let stored = job(&store, id).await;
    assert_eq!(stored.state, "succeeded");
    assert_eq!(stored.worker.as_deref(), Some("survivor"));
    assert_eq!(stored.attempt, dead.attempt + 1);
    let result: serde_json::Value =
        serde_json::from_str(stored.result.as_deref().expect("result")).expect("json");
    assert_eq!(result, json!({"x": 7, "attempt": 2}));
    assert!(
        !jobs::complete(&store, id, dead.attempt, &json!({}), now_ms())
            .await
            .expect("complete"),
        "the killed worker's late result is refused"
    );
}

#[tokio::test]
async fn a_long_job_keeps_its_lease_by_heartbeat() {
    let app = TestApp::spawn_with(|c| c.workers = 0).await;
    let store = app.state.store.clone();
    let alice = app.create_user("alice").await;
    let payload = json!({});
    let id = jobs::enqueue(&store, &new_job(alice.id, &payload, None), now_ms())
        .await
        .expect("enqueue");
    // Long enough that a busy machine's scheduling delay cannot eat a whole lease.
    let lease = Duration::from_millis(1500);
    let (release, released) = watch::channel(false);
    let worker = Worker::new(store.clone(), app.state.bus.clone(), "long", lease).register(
        "test.job",
        move |_ctx| {
            let mut released = released.clone();
            async move {
                // A long step without checkpoints: only the worker's heartbeat keeps the lease.
                let _ = released.wait_for(|r| *r).await;
                Ok(json!("done"))
            }
        },
    );
    let running = tokio::spawn(async move { worker.run_once().await.expect("run") });
    wait_for("the job is claimed", || async {
        job(&store, id).await.state == "running"
    })
    .await;
    let first_lease = job(&store, id).await.lease_until.expect("leased");
    // Wait until the lease was renewed twice (every lease/3 = 500 ms).
    wait_for("the lease is renewed", || async {
        job(&store, id).await.lease_until.expect("leased") > first_lease + 1000
    })
    .await;
    assert!(
        jobs::claim(&store, "thief", &["test.job"], 1_000, now_ms())
            .await
            .expect("claim")
            .is_none(),
        "a renewed lease is not taken over"
    );
    release.send(true).expect("release");
    assert!(running.await.expect("worker task"));
    let stored = job(&store, id).await;
    assert_eq!((stored.state.as_str(), stored.attempt), ("succeeded", 1));
}

#[tokio::test]
async fn cancellation_reaches_a_running_job_at_its_next_checkpoint() {
    let app = TestApp::spawn_with(|c| c.workers = 0).await;
    let store = app.state.store.clone();
    let alice = app.create_user("alice").await;
    let bob = app.create_user("bob").await;
    let payload = json!({});
    let id = jobs::enqueue(&store, &new_job(alice.id, &payload, None), now_ms())
        .await
        .expect("enqueue");
    let (started, mut started_rx) = mpsc::channel::<()>(1);
    let worker = Worker::new(
        store.clone(),
        app.state.bus.clone(),
        "w",
        Duration::from_secs(5),
    )
    .poll_every(Duration::from_millis(20))
    .register("test.job", move |ctx| {
        let started = started.clone();
        async move {
            ctx.progress(10, "started").await?;
            let _ = started.send(()).await;
            loop {
                ctx.checkpoint().await?;
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            #[allow(unreachable_code)]
            Ok::<_, JobError>(json!(null))
        }
    });
    let (stop, stop_rx) = watch::channel(false);
    let running = tokio::spawn(worker.run(stop_rx));
    started_rx.recv().await.expect("the job started");

    assert!(
        !jobs::request_cancel(&store, bob.id, id, now_ms())
            .await
            .expect("cancel"),
        "another user cannot cancel it"
    );
    assert!(
        jobs::request_cancel(&store, alice.id, id, now_ms())
            .await
            .expect("cancel")
    );
    wait_for("the job is cancelled", || async {
        job(&store, id).await.state == "cancelled"
    })
    .await;
    stop.send(true).expect("stop");
    running.await.expect("worker stops");

    let stored = job(&store, id).await;
    assert_eq!(stored.cancel_requested, 1);
    assert!(stored.finished_at.is_some());
    let events = companion::store::events::recent(&store, alice.id, 10)
        .await
        .expect("events");
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["job.progress", "job.state"]);
    assert_eq!(events[0].payload["percent"], 10);
    assert_eq!(events[1].payload["state"], "cancelled");
}

#[tokio::test]
async fn a_queued_job_is_cancelled_at_once() {
    let app = TestApp::spawn_with(|c| c.workers = 0).await;
    let store = &app.state.store;
    let alice = app.create_user("alice").await;
    let payload = json!({});
    let id = jobs::enqueue(store, &new_job(alice.id, &payload, None), 0)
        .await
        .expect("enqueue");
    assert!(
        jobs::request_cancel(store, alice.id, id, 5)
            .await
            .expect("cancel")
    );
    assert_eq!(job(store, id).await.state, "cancelled");
    assert!(
        jobs::claim(store, "w", &["test.job"], 1_000, 10)
            .await
            .expect("claim")
            .is_none()
    );
}

#[tokio::test]
async fn a_failure_after_a_cancel_request_ends_cancelled_not_requeued() {
    let app = TestApp::spawn_with(|c| c.workers = 0).await;
    let store = &app.state.store;
    let alice = app.create_user("alice").await;
    let payload = json!({});
    let id = jobs::enqueue(store, &new_job(alice.id, &payload, None), 0)
        .await
        .expect("enqueue");
    let claimed = jobs::claim(store, "w", &["test.job"], 1_000, 10)
        .await
        .expect("claim")
        .expect("job");
    assert!(
        jobs::request_cancel(store, alice.id, id, 20)
            .await
            .expect("cancel")
    );
    let state = jobs::fail(store, id, claimed.attempt, "boom", Backoff::default(), 30)
        .await
        .expect("fail");
    assert_eq!(state.as_deref(), Some("cancelled"));
    assert!(
        jobs::claim(store, "w", &["test.job"], 1_000, i64::MAX / 2)
            .await
            .expect("claim")
            .is_none()
    );
}

#[tokio::test]
async fn concurrent_claimers_never_get_the_same_job() {
    let app = TestApp::spawn_with(|c| c.workers = 0).await;
    let store = app.state.store.clone();
    let alice = app.create_user("alice").await;
    let payload = json!({});
    let mut enqueued = Vec::new();
    for _ in 0..24 {
        enqueued.push(
            jobs::enqueue(&store, &new_job(alice.id, &payload, None), 0)
                .await
                .expect("enqueue"),
        );
    }
    let claimers: Vec<_> = (0..4)
        .map(|n| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut got = Vec::new();
                while let Some(job) =
                    jobs::claim(&store, &format!("w{n}"), &["test.job"], 60_000, 1_000)
                        .await
                        .expect("claim")
                {
                    got.push(job.id);
                }
                got
            })
        })
        .collect();
    let mut claimed = Vec::new();
    for claimer in claimers {
        claimed.extend(claimer.await.expect("claimer"));
    }
    claimed.sort_unstable();
    assert_eq!(claimed, enqueued, "every job claimed exactly once");
}

#[tokio::test]
async fn a_panicking_handler_fails_its_job_and_the_worker_goes_on() {
    let app = TestApp::spawn_with(|c| c.workers = 0).await;
    let store = app.state.store.clone();
    let alice = app.create_user("alice").await;
    let payload = json!({});
    let id = jobs::enqueue(&store, &new_job(alice.id, &payload, None), now_ms())
        .await
        .expect("enqueue");
    let worker = Worker::for_app(&app.state, "w").register("test.job", |_ctx| async move {
        if true {
            panic!("handler bug");
        }
        Ok(json!(null))
    });
    assert!(worker.run_once().await.expect("run"));
    let stored = job(&store, id).await;
    assert_eq!((stored.state.as_str(), stored.attempt), ("queued", 1));
    assert!(
        stored
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("handler stopped")),
        "{:?}",
        stored.last_error
    );
}
