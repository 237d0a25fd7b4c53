//! Batched claims and completions, and workers that run several jobs at once or claim
//! ahead into a local queue.

use std::sync::Arc;
use std::time::Duration;

use companion::config::ApplyLimits;
use companion::jobs::Worker;
use companion::store::jobs::{self, ClaimRequest, Completion, Job, NewJob};
use companion::store::{Store, now_ms};
use serde_json::json;
use tokio::sync::{Barrier, mpsc, watch};

use crate::helpers::{TestApp, wait_for};

const KIND: &str = "test.batch";

async fn enqueue(store: &Store, user_id: i64, run_at: i64) -> i64 {
    let payload = json!({});
    let job = NewJob {
        user_id,
        kind: KIND,
        payload: &payload,
        max_attempts: 3,
        idempotency_key: None,
        run_at,
        platform: None,
    };
    jobs::enqueue(store, &job, 0).await.expect("enqueue")
}

async fn claim(store: &Store, worker: &str, max: usize, lease_ms: i64, now: i64) -> Vec<Job> {
    let request = ClaimRequest {
        worker,
        kinds: &[KIND],
        lease_ms,
        limits: ApplyLimits::default(),
    };
    jobs::claim_batch(store, &request, max, now)
        .await
        .expect("claim")
}

async fn stored(store: &Store, id: i64) -> Job {
    jobs::get(store, id).await.expect("get").expect("job")
}

fn ids(claimed: &[Job]) -> Vec<i64> {
    claimed.iter().map(|job| job.id).collect()
}

#[tokio::test]
async fn a_batch_claim_takes_due_jobs_oldest_first_up_to_its_size() {
    let app = TestApp::spawn_with(|c| c.workers = 0).await;
    let store = &app.state.store;
    let alice = app.create_user("alice").await.id;
    let mut due = Vec::new();
    for run_at in [5, 1, 4, 2, 3] {
        due.push((run_at, enqueue(store, alice, run_at).await));
    }
    let later = enqueue(store, alice, 1_000).await;
    due.sort();
    let oldest: Vec<i64> = due.iter().map(|(_, id)| *id).collect();

    let first = claim(store, "w", 3, 60_000, 10).await;
    assert_eq!(ids(&first), oldest[..3]);
    assert!(
        first
            .iter()
            .all(|job| job.state == "running" && job.attempt == 1)
    );
    let second = claim(store, "w", 3, 60_000, 10).await;
    assert_eq!(
        ids(&second),
        oldest[3..],
        "only what is due, and nothing twice"
    );
    assert!(claim(store, "w", 3, 60_000, 10).await.is_empty());
    assert_eq!(stored(store, later).await.state, "queued");
}

#[tokio::test]
async fn a_batch_completion_drops_results_of_attempts_that_lost_their_job() {
    let app = TestApp::spawn_with(|c| c.workers = 0).await;
    let store = &app.state.store;
    let alice = app.create_user("alice").await.id;
    let (a, b) = (
        enqueue(store, alice, 0).await,
        enqueue(store, alice, 0).await,
    );
    let held = claim(store, "slow", 2, 10, 100).await;
    assert_eq!(ids(&held), vec![a, b]);
    // Both leases ran out; another worker takes the first over.
    let taken = claim(store, "thief", 1, 60_000, 200).await;
    assert_eq!(ids(&taken), vec![a]);

    let results: Vec<Completion> = held
        .iter()
        .map(|job| Completion {
            id: job.id,
            attempt: job.attempt,
            result: json!({"by": "slow"}),
        })
        .collect();
    let mut conn = store.pool().acquire().await.expect("connection");
    let completed = jobs::complete_many(&mut conn, &results, 201)
        .await
        .expect("complete");
    drop(conn);
    assert_eq!(
        completed,
        vec![b],
        "the late attempt on the taken job is refused"
    );
    let a_now = stored(store, a).await;
    assert_eq!(
        (a_now.state.as_str(), a_now.attempt, a_now.worker.as_deref()),
        ("running", 2, Some("thief"))
    );
    let b_now = stored(store, b).await;
    assert_eq!(b_now.state, "succeeded");
    assert_eq!(b_now.result.as_deref(), Some(r#"{"by":"slow"}"#));
}

#[tokio::test]
async fn a_worker_runs_up_to_its_concurrency_at_once() {
    let app = TestApp::spawn_with(|c| c.workers = 0).await;
    let store = app.state.store.clone();
    let alice = app.create_user("alice").await.id;
    let mut queued = Vec::new();
    for _ in 0..3 {
        queued.push(enqueue(&store, alice, 0).await);
    }
    // Each handler waits for the other two: they can only finish if all three run at once.
    let together = Arc::new(Barrier::new(3));
    let worker = Worker::new(
        store.clone(),
        app.state.bus.clone(),
        "wide",
        Duration::from_secs(30),
    )
    .concurrency(3)
    .register(KIND, move |_ctx| {
        let together = together.clone();
        async move {
            together.wait().await;
            Ok(json!("done"))
        }
    });
    let (stop, stopped) = watch::channel(false);
    let running = tokio::spawn(worker.run(stopped));
    wait_for("all three jobs succeeded", || async {
        let mut done = true;
        for id in &queued {
            done &= stored(&store, *id).await.state == "succeeded";
        }
        done
    })
    .await;
    stop.send(true).expect("stop");
    running.await.expect("worker");
}

#[tokio::test]
async fn claimed_ahead_jobs_keep_their_lease_and_go_back_when_the_worker_stops() {
    let app = TestApp::spawn_with(|c| c.workers = 0).await;
    let store = app.state.store.clone();
    let alice = app.create_user("alice").await.id;
    let first = enqueue(&store, alice, 0).await;
    let waiting = [
        enqueue(&store, alice, 1).await,
        enqueue(&store, alice, 2).await,
    ];
    let (started_tx, mut started) = mpsc::unbounded_channel::<i64>();
    // Long enough that a busy machine's scheduling delay cannot eat a whole lease.
    let lease = Duration::from_millis(1500);
    let worker = Worker::new(store.clone(), app.state.bus.clone(), "ahead", lease)
        .prefetch(2)
        .register(KIND, move |ctx| {
            let _ = started_tx.send(ctx.id());
            // The first job never ends on its own: the others wait behind it.
            std::future::pending::<Result<serde_json::Value, companion::jobs::JobError>>()
        });
    let (stop, stopped) = watch::channel(false);
    let running = tokio::spawn(worker.run(stopped));
    assert_eq!(started.recv().await, Some(first));
    let claimed_until = stored(&store, waiting[1])
        .await
        .lease_until
        .expect("leased");
    wait_for("the waiting jobs' leases are renewed", || async {
        stored(&store, waiting[1])
            .await
            .lease_until
            .expect("leased")
            > claimed_until + 400
    })
    .await;
    assert!(
        claim(&store, "thief", 3, 60_000, now_ms()).await.is_empty(),
        "jobs held in a local queue are not taken over"
    );

    stop.send(true).expect("stop");
    running.await.expect("worker");
    for id in waiting {
        let job = stored(&store, id).await;
        assert_eq!(
            (job.state.as_str(), job.attempt, job.worker, job.started_at),
            ("queued", 0, None, None),
            "a job that never started goes back as if never claimed"
        );
    }
    assert_eq!(
        stored(&store, first).await.state,
        "running",
        "the interrupted job is left to its lease"
    );
}

#[tokio::test]
async fn a_bulk_enqueue_gives_ids_in_order_and_reuses_keys() {
    let app = TestApp::spawn_with(|c| c.workers = 0).await;
    let store = &app.state.store;
    let alice = app.create_user("alice").await.id;
    let bob = app.create_user("bob").await.id;
    let payload = json!({});
    let job = |user_id, key, run_at| NewJob {
        user_id,
        kind: KIND,
        payload: &payload,
        max_attempts: 3,
        idempotency_key: key,
        run_at,
        platform: None,
    };
    let before = jobs::enqueue(store, &job(alice, Some("seen"), 0), 0)
        .await
        .expect("enqueue");
    let batch = [
        job(alice, None, 1),
        job(alice, Some("seen"), 2),
        job(alice, Some("new"), 3),
        job(bob, Some("seen"), 4),
        job(alice, None, 5),
        job(alice, Some("new"), 6),
        job(bob, None, 7),
    ];
    let ids = jobs::enqueue_many(store, &batch, 0).await.expect("enqueue");
    assert_eq!(ids.len(), batch.len());
    assert_eq!(
        ids[1], before,
        "a key used before gives the job stored under it"
    );
    assert_eq!(ids[5], ids[2], "a key repeated in the batch is stored once");
    assert_ne!(ids[3], before, "keys are per user");
    // The new ones (all but the two repeated keys) are the jobs asked for, in order.
    for n in [0, 2, 3, 4, 6] {
        let stored = stored(store, ids[n]).await;
        assert_eq!(
            (stored.user_id, stored.run_at),
            (batch[n].user_id, batch[n].run_at),
            "job {n} of the batch"
        );
    }
    let (rows,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM jobs")
        .fetch_one(store.pool())
        .await
        .expect("count");
    assert_eq!(rows, 6, "one before, five new: two keys were already used");
}
