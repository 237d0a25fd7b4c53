//! `companion bench queue`: how fast the queue enqueues, and runs no-op jobs with real
//! workers, on the database it is given (by default a throwaway SQLite file); on
//! PostgreSQL beside graphile-worker on the same server.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tokio::sync::{broadcast, mpsc, watch};

use companion::error::Result;
use companion::events::EventBus;
use companion::store::jobs::{self, NewJob};
use companion::store::{Store, now_ms, users};

const KIND: &str = "bench.noop";
/// Jobs per enqueue transaction, as a feed poll would add them.
const BATCH: usize = 500;

/// One measured phase.
pub struct Phase {
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

/// How the measured workers run: `workers` of them, each running `concurrency` jobs at once
/// and claiming `prefetch` more ahead.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub workers: usize,
    pub concurrency: usize,
    pub prefetch: usize,
}

impl Settings {
    fn worker(&self, store: &Store, bus: &EventBus, n: usize) -> companion::jobs::Worker {
        companion::jobs::Worker::new(
            store.clone(),
            bus.clone(),
            format!("bench-{}-{n}", now_ms()),
            Duration::from_secs(60),
        )
        .concurrency(self.concurrency)
        .prefetch(self.prefetch)
    }
}

/// Enqueues `count` jobs for a new user of its own, then runs them all with real workers
/// (a no-op handler): claims, handler starts, completions and their events.
pub async fn queue(store: &Store, count: usize, settings: Settings) -> Result<Vec<Phase>> {
    let user = bench_user(store, "bench").await?;
    let payload = serde_json::json!({});
    let job = noop_job(user, &payload);
    let started = Instant::now();
    let mut left = count;
    while left > 0 {
        let batch = vec![job.clone(); left.min(BATCH)];
        jobs::enqueue_many(store, &batch, now_ms()).await?;
        left -= batch.len();
    }
    let enqueue = Phase {
        jobs: count,
        elapsed: started.elapsed(),
    };
    if store.backend() == companion::store::Backend::Postgres {
        sqlx::query("ANALYZE jobs").execute(store.pool()).await?;
    }

    let bus = EventBus::new(store.clone())?;
    // Every event on this bus is a bench job's `job.state`: counting them counts the jobs
    // recorded as done (a lagging receiver is told how many it missed).
    let mut recorded = bus.subscribe();
    let (stop, stopped) = watch::channel(false);
    let started = Instant::now();
    let running: Vec<_> = (0..settings.workers.max(1))
        .map(|n| {
            let worker = settings
                .worker(store, &bus, n)
                .register(KIND, |_ctx| async { Ok(serde_json::Value::Null) });
            tokio::spawn(worker.run(stopped.clone()))
        })
        .collect();
    let mut done = 0;
    while done < count {
        done += match recorded.recv().await {
            Ok(_) => 1,
            Err(broadcast::error::RecvError::Lagged(missed)) => {
                usize::try_from(missed).unwrap_or(usize::MAX)
            }
            Err(broadcast::error::RecvError::Closed) => break,
        };
    }
    let _ = stop.send(true);
    for task in running {
        task.await
            .map_err(|e| companion::error::Error::Internal(format!("bench worker: {e}")))?;
    }
    let elapsed = started.elapsed();
    let (succeeded,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM jobs WHERE user_id = $1 AND state = 'succeeded'")
            .bind(user)
            .fetch_one(store.pool())
            .await?;
    if usize::try_from(succeeded).ok() != Some(count) {
        return Err(companion::error::Error::Internal(format!(
            "bench: {succeeded} of {count} jobs succeeded"
        )));
    }
    let run = Phase {
        jobs: count,
        elapsed,
    };
    Ok(vec![enqueue, run])
}

/// A user of its own for a bench run, with a password hash no password matches.
async fn bench_user(store: &Store, prefix: &str) -> Result<i64> {
    Ok(users::create(store, &format!("{prefix}-{}", now_ms()), "!")
        .await?
        .id)
}

fn noop_job(user_id: i64, payload: &serde_json::Value) -> NewJob<'_> {
    NewJob {
        user_id,
        kind: KIND,
        payload,
        max_attempts: 1,
        idempotency_key: None,
        run_at: 0,
        platform: None,
    }
}

/// With real workers idle and waiting (woken by the enqueue, and on PostgreSQL by NOTIFY),
/// enqueues `samples` jobs one after another and times each from the enqueue call to its
/// handler starting.
pub async fn latency(store: &Store, settings: Settings, samples: usize) -> Result<Latency> {
    let user = bench_user(store, "bench-latency").await?;
    let bus = EventBus::new(store.clone())?;
    let (started_tx, mut started_rx) = mpsc::unbounded_channel::<Instant>();
    let (stop, stopped) = watch::channel(false);
    let mut running = Vec::new();
    for n in 0..settings.workers.max(1) {
        let started_tx = started_tx.clone();
        let worker = settings.worker(store, &bus, n).register(KIND, move |_ctx| {
            let _ = started_tx.send(Instant::now());
            async { Ok(serde_json::Value::Null) }
        });
        running.push(tokio::spawn(worker.run(stopped.clone())));
    }
    let payload = serde_json::json!({});
    let mut times = Vec::with_capacity(samples);
    for _ in 0..samples {
        let enqueued = Instant::now();
        jobs::enqueue(store, &noop_job(user, &payload), now_ms()).await?;
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

/// graphile-worker's figures for the same benchmark on the same server.
#[derive(Debug, serde::Deserialize)]
pub struct Peer {
    pub enqueue_per_second: f64,
    pub run_per_second: f64,
    pub latency_p50_ms: f64,
    pub latency_p99_ms: f64,
}

/// Runs `script` (tests/bench/graphile-queue.mjs) with Node against `database_url`, with
/// settings matching ours: the same jobs at once, and a local queue as large as ours when
/// we prefetch (none, graphile-worker's defaults, when we do not).
pub async fn graphile(
    script: &Path,
    database_url: &str,
    count: usize,
    settings: Settings,
    samples: usize,
) -> Result<Peer> {
    let at_once = settings.workers.max(1) * settings.concurrency.max(1);
    let local_queue = if settings.prefetch == 0 {
        0
    } else {
        at_once + settings.workers.max(1) * settings.prefetch
    };
    let output = tokio::process::Command::new("node")
        .arg(script)
        .args([
            database_url.to_owned(),
            count.to_string(),
            at_once.to_string(),
        ])
        .args([local_queue.to_string(), samples.to_string()])
        .stderr(std::process::Stdio::inherit())
        .output()
        .await
        .map_err(|e| companion::error::Error::Config(format!("cannot run node: {e}")))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    // The figures are the last line; graphile-worker logs before it.
    let last = stdout.lines().rev().find(|line| line.starts_with('{'));
    match (output.status.success(), last) {
        (true, Some(line)) => serde_json::from_str(line).map_err(|e| {
            companion::error::Error::Internal(format!("graphile-worker figures: {e}"))
        }),
        _ => Err(companion::error::Error::Internal(format!(
            "the graphile-worker bench failed ({})",
            output.status
        ))),
    }
}

/// `companion bench queue`: measures the queue on `database_url` and prints the figures,
/// beside graphile-worker's when `graphile` names its bench script (PostgreSQL only).
pub async fn report(
    database_url: &str,
    count: usize,
    settings: Settings,
    graphile: Option<&Path>,
) -> Result<()> {
    const SAMPLES: usize = 500;
    let store = Store::connect(database_url).await?;
    store.migrate().await?;
    let phases = queue(&store, count, settings).await;
    let latency = latency(&store, settings, SAMPLES).await;
    let backend = store.backend();
    store.close().await;
    let (phases, latency) = (phases?, latency?);
    let peer = match graphile {
        Some(script) if backend == companion::store::Backend::Postgres => {
            Some(self::graphile(script, database_url, count, settings, SAMPLES).await?)
        }
        Some(_) => {
            return Err(companion::error::Error::Config(
                "--graphile needs a PostgreSQL --database-url".into(),
            ));
        }
        None => None,
    };
    let Settings {
        workers,
        concurrency,
        prefetch,
    } = settings;
    println!(
        "{count} no-op jobs on {backend:?}; {workers} worker(s), {concurrency} job(s) at once \
         each, {prefetch} prefetched"
    );
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mut rows = vec![
        (
            "enqueue, jobs/s",
            phases[0].per_second(),
            peer.as_ref().map(|p| p.enqueue_per_second),
        ),
        (
            "claim + run + complete, jobs/s",
            phases[1].per_second(),
            peer.as_ref().map(|p| p.run_per_second),
        ),
    ];
    rows.push((
        "enqueue to start p50, ms",
        ms(latency.percentile(0.5)),
        peer.as_ref().map(|p| p.latency_p50_ms),
    ));
    rows.push((
        "enqueue to start p99, ms",
        ms(latency.percentile(0.99)),
        peer.as_ref().map(|p| p.latency_p99_ms),
    ));
    match peer {
        None => {
            for (name, ours, _) in rows {
                println!("{name:>32}: {ours:>10.1}");
            }
        }
        Some(_) => {
            println!(
                "{:>32}  {:>10}  {:>15}  {:>7}",
                "", "companion", "graphile-worker", "ratio"
            );
            for (name, ours, theirs) in rows {
                let theirs = theirs.unwrap_or(f64::NAN);
                println!(
                    "{name:>32}: {ours:>10.1}  {theirs:>15.1}  {:>7.2}",
                    ours / theirs
                );
            }
        }
    }
    println!(
        "(latency: {SAMPLES} jobs enqueued one at a time to idle workers; ratio = companion / graphile-worker)"
    );
    Ok(())
}

/// `companion bench queue`: on the given database, or a throwaway SQLite file.
pub async fn bench_queue(
    jobs: usize,
    settings: Settings,
    database_url: Option<String>,
    graphile: Option<PathBuf>,
) -> Result<()> {
    let scratch = std::env::temp_dir().join(format!("companion-bench-{}", std::process::id()));
    let url = database_url
        .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", scratch.join("bench.db").display()));
    let measured = report(&url, jobs, settings, graphile.as_deref()).await;
    let _ = std::fs::remove_dir_all(&scratch);
    measured
}
