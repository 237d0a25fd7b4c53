//! `companion bench queue`: how fast the queue enqueues, and claims and completes with
//! several workers, on the database it is given (by default a throwaway SQLite file).

use std::time::{Duration, Instant};

use tokio::sync::{mpsc, watch};

use crate::error::Result;
use crate::store::agent::ApplyLimits;
use crate::store::jobs::{self, ClaimRequest, NewJob};
use crate::store::{Backend, Store, now_ms, users};

const KIND: &str = "bench.noop";
/// Jobs per enqueue transaction, as a feed poll would add them.
const BATCH: usize = 500;

/// One measured phase.
pub struct Phase {
    pub name: &'static str,
    pub jobs: usize,
    pub elapsed: Duration,
}

impl Phase {
    pub fn per_second(&self) -> f64 {
        self.jobs as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Enqueue-to-start times of jobs enqueued one at a time into an idle queue, sorted.
pub struct Latency {
    pub samples: Vec<Duration>,
}

impl Latency {
    pub fn percentile(&self, p: f64) -> Duration {
        let last = self.samples.len().saturating_sub(1);
        let index = ((last as f64) * p).round() as usize;
        self.samples.get(index).copied().unwrap_or_default()
    }
}

/// Enqueues `count` jobs for a new user of its own, then claims and completes them all with
/// `workers` concurrent workers.
pub async fn queue(store: &Store, count: usize, workers: usize) -> Result<Vec<Phase>> {
    // A password hash no password matches: the bench user cannot log in.
    let user = users::create(store, &format!("bench-{}", now_ms()), "!").await?;
    let payload = serde_json::json!({});
    let job = NewJob {
        user_id: user.id,
        kind: KIND,
        payload: &payload,
        max_attempts: 1,
        idempotency_key: None,
        run_at: 0,
        platform: None,
    };
    let started = Instant::now();
    let mut left = count;
    while left > 0 {
        let batch = vec![job.clone(); left.min(BATCH)];
        jobs::enqueue_many(store, &batch, now_ms()).await?;
        left -= batch.len();
    }
    let enqueue = Phase {
        name: "enqueue",
        jobs: count,
        elapsed: started.elapsed(),
    };
    if store.backend() == Backend::Postgres {
        sqlx::query("ANALYZE jobs").execute(store.pool()).await?;
    }

    let started = Instant::now();
    let tasks: Vec<_> = (0..workers.max(1))
        .map(|n| tokio::spawn(drain(store.clone(), format!("bench-{n}"))))
        .collect();
    let mut done = 0;
    for task in tasks {
        done += task
            .await
            .map_err(|e| crate::error::Error::Internal(format!("bench worker: {e}")))??;
    }
    let run = Phase {
        name: "claim + complete",
        jobs: done,
        elapsed: started.elapsed(),
    };
    Ok(vec![enqueue, run])
}

/// Claims and completes bench jobs until none is left; returns how many it did.
async fn drain(store: Store, worker: String) -> Result<usize> {
    let kinds = [KIND];
    let request = ClaimRequest {
        worker: &worker,
        kinds: &kinds,
        lease_ms: 60_000,
        limits: ApplyLimits::default(),
    };
    let result = serde_json::json!(null);
    let mut done = 0;
    while let Some(job) = jobs::claim_with(&store, &request, now_ms()).await? {
        jobs::complete(&store, job.id, job.attempt, &result, now_ms()).await?;
        done += 1;
    }
    Ok(done)
}

/// With `workers` real workers idle and waiting (woken by the enqueue, and on PostgreSQL by
/// NOTIFY), enqueues `samples` jobs one after another and times each from the enqueue call
/// to its handler starting.
pub async fn latency(store: &Store, workers: usize, samples: usize) -> Result<Latency> {
    let user = users::create(store, &format!("bench-latency-{}", now_ms()), "!").await?;
    let bus = crate::events::EventBus::new(store.clone())?;
    let (started_tx, mut started_rx) = mpsc::unbounded_channel::<Instant>();
    let (stop, stopped) = watch::channel(false);
    let mut running = Vec::new();
    for n in 0..workers.max(1) {
        let started_tx = started_tx.clone();
        let worker = super::Worker::new(
            store.clone(),
            bus.clone(),
            format!("bench-latency-{n}"),
            Duration::from_secs(60),
        )
        .register(KIND, move |_ctx| {
            let _ = started_tx.send(Instant::now());
            async { Ok(serde_json::Value::Null) }
        });
        running.push(tokio::spawn(worker.run(stopped.clone())));
    }
    let payload = serde_json::json!({});
    let mut times = Vec::with_capacity(samples);
    for _ in 0..samples {
        let job = NewJob {
            user_id: user.id,
            kind: KIND,
            payload: &payload,
            max_attempts: 1,
            idempotency_key: None,
            run_at: 0,
            platform: None,
        };
        let enqueued = Instant::now();
        jobs::enqueue(store, &job, now_ms()).await?;
        let Some(started) = started_rx.recv().await else {
            break;
        };
        times.push(started.saturating_duration_since(enqueued));
    }
    let _ = stop.send(true);
    for task in running {
        let _ = task.await;
    }
    times.sort();
    Ok(Latency { samples: times })
}
