//! Workers as real OS processes, killed, stopped and resumed with signals. The test binary
//! starts copies of itself that run `worker_process` (a test kind with a side effect, which
//! must not ship in the companion binary). Every state is observed in the database.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use companion::events::EventBus;
use companion::jobs::{JobContext, JobError, Worker};
use companion::store::jobs::{self, Job, NewJob};
use companion::store::{Store, now_ms};
use serde_json::json;
use tokio::sync::watch;

use crate::helpers::TestApp;

const DATABASE_ENV: &str = "JOBS_TEST_WORKER_DATABASE_URL";
const NAME_ENV: &str = "JOBS_TEST_WORKER_NAME";
const KIND: &str = "test.side_effect";
/// Short, so takeovers happen quickly, yet a few heartbeats long for a busy machine.
const LEASE: Duration = Duration::from_secs(2);

const TABLES: [&str; 3] = [
    // The side effect; its unique key is the "exactly once" the fencing must keep.
    "CREATE TABLE IF NOT EXISTS test_side_effects (job_key TEXT PRIMARY KEY, worker TEXT NOT NULL)",
    // The test lets a handler go on by inserting its key.
    "CREATE TABLE IF NOT EXISTS test_releases (job_key TEXT PRIMARY KEY)",
    // Every write a handler tried, refused or not.
    "CREATE TABLE IF NOT EXISTS test_write_attempts (worker TEXT NOT NULL, inserted BIGINT NOT NULL)",
];

/// Not a test by itself: the body of the worker processes the tests below start (it
/// returns at once when run without them).
#[tokio::test]
async fn worker_process() {
    let (Ok(url), Ok(name)) = (std::env::var(DATABASE_ENV), std::env::var(NAME_ENV)) else {
        return;
    };
    // The parent reads the log to see what the worker did with its result.
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .try_init();
    let store = Store::connect(&url).await.expect("connect");
    let bus = EventBus::new(store.clone()).expect("bus");
    let handler_store = store.clone();
    let handler_name = name.clone();
    let worker = Worker::new(store, bus, name, LEASE)
        .poll_every(Duration::from_millis(50))
        .register(KIND, move |ctx| {
            side_effect(handler_store.clone(), handler_name.clone(), ctx)
        });
    let (_keep_running, running) = watch::channel(false);
    worker.run(running).await;
}

fn db_error(error: sqlx::Error) -> JobError {
    JobError::Failed(error.to_string())
}

/// Waits for the test's release, then writes the side effect, fenced by the attempt.
async fn side_effect(
    store: Store,
    worker: String,
    ctx: JobContext,
) -> Result<serde_json::Value, JobError> {
    let key = ctx.payload()["key"].as_str().unwrap_or_default().to_owned();
    // No checkpoint while waiting: only the worker's heartbeat holds the lease, so a worker
    // stopped here and resumed goes straight on to its write, which fencing must refuse.
    loop {
        let released: Option<(String,)> =
            sqlx::query_as("SELECT job_key FROM test_releases WHERE job_key = $1")
                .bind(&key)
                .fetch_optional(store.pool())
                .await
                .map_err(db_error)?;
        if released.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let inserted = sqlx::query(
        "INSERT INTO test_side_effects (job_key, worker)
         SELECT $1, $2 WHERE EXISTS
             (SELECT 1 FROM jobs WHERE id = $3 AND attempt = $4 AND state = 'running')
         ON CONFLICT (job_key) DO NOTHING",
    )
    .bind(&key)
    .bind(&worker)
    .bind(ctx.id())
    .bind(ctx.attempt())
    .execute(store.pool())
    .await
    .map_err(db_error)?
    .rows_affected();
    sqlx::query("INSERT INTO test_write_attempts (worker, inserted) VALUES ($1, $2)")
        .bind(&worker)
        .bind(i64::try_from(inserted).unwrap_or(-1))
        .execute(store.pool())
        .await
        .map_err(db_error)?;
    Ok(json!({"by": worker}))
}

/// A worker process and its log so far; killed when dropped so that a failing test leaves
/// none behind.
struct WorkerProcess {
    child: Child,
    log: Arc<Mutex<String>>,
}

impl WorkerProcess {
    fn start(database_url: &str, name: &str) -> WorkerProcess {
        let mut child = Command::new(std::env::current_exe().expect("test binary"))
            .args(["--exact", "jobs_process::worker_process", "--nocapture"])
            .env(DATABASE_ENV, database_url)
            .env(NAME_ENV, name)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start a worker process");
        let log = Arc::new(Mutex::new(String::new()));
        if let Some(stderr) = child.stderr.take() {
            let log = Arc::clone(&log);
            std::thread::spawn(move || {
                for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                    let mut log = log.lock().expect("log");
                    log.push_str(&line);
                    log.push('\n');
                }
            });
        }
        WorkerProcess { child, log }
    }

    async fn wait_for_log(&self, needle: &str) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            if self.log.lock().expect("log").contains(needle) {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the worker never logged {needle:?}"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([format!("-{signal}"), self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{signal} failed");
    }

    fn kill(mut self) {
        self.signal("KILL");
        self.child.wait().expect("reap the worker");
    }
}

impl Drop for WorkerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn prepare(app: &TestApp) -> (Store, i64) {
    let store = app.state.store.clone();
    for table in TABLES {
        sqlx::query(table)
            .execute(store.pool())
            .await
            .expect("create test table");
    }
    let alice = app.create_user("alice").await;
    let payload = json!({"key": "job-1"});
    let id = jobs::enqueue(
        &store,
        &NewJob {
            user_id: alice.id,
            kind: KIND,
            payload: &payload,
            max_attempts: 5,
            idempotency_key: None,
            run_at: now_ms(),
            platform: None,
        },
        now_ms(),
    )
    .await
    .expect("enqueue");
    (store, id)
}

async fn job(store: &Store, id: i64) -> Job {
    jobs::get(store, id).await.expect("get").expect("job")
}

/// Polls until `check` holds for the job; worker processes start slowly on a busy machine.
async fn wait_for_job(store: &Store, id: i64, what: &str, check: impl Fn(&Job) -> bool) -> Job {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let current = job(store, id).await;
        if check(&current) {
            return current;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out: {what}; job is {current:?}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

async fn release(store: &Store) {
    sqlx::query("INSERT INTO test_releases (job_key) VALUES ('job-1')")
        .execute(store.pool())
        .await
        .expect("release");
}

async fn side_effects(store: &Store) -> Vec<(String, String)> {
    sqlx::query_as("SELECT job_key, worker FROM test_side_effects")
        .fetch_all(store.pool())
        .await
        .expect("side effects")
}

fn running_on(worker: &str) -> impl Fn(&Job) -> bool + '_ {
    move |job| job.state == jobs::RUNNING && job.worker.as_deref() == Some(worker)
}

/// Starts a second worker, waits until it has taken the job over (attempt 2), lets it go
/// on and waits until the job succeeded.
async fn second_worker_finishes(store: &Store, id: i64, url: &str) -> (WorkerProcess, Job) {
    let second = WorkerProcess::start(url, "second");
    let taken = wait_for_job(
        store,
        id,
        "the second worker takes it over",
        running_on("second"),
    )
    .await;
    assert_eq!(taken.attempt, 2);
    release(store).await;
    let done = wait_for_job(store, id, "the job succeeds", |j| {
        j.state == jobs::SUCCEEDED
    })
    .await;
    (second, done)
}

#[tokio::test]
async fn a_sigkilled_workers_job_is_taken_over_by_another_process() {
    let app = TestApp::spawn().await;
    let (store, id) = prepare(&app).await;
    let url = app.state.config.database_url.clone();

    let first = WorkerProcess::start(&url, "first");
    wait_for_job(
        &store,
        id,
        "the first worker runs the job",
        running_on("first"),
    )
    .await;
    first.kill();

    let (_second, done) = second_worker_finishes(&store, id, &url).await;
    assert_eq!(done.result.as_deref(), Some(r#"{"by":"second"}"#));
    assert_eq!(
        side_effects(&store).await,
        vec![("job-1".to_owned(), "second".to_owned())]
    );
}

#[tokio::test]
async fn a_stopped_workers_late_write_is_refused_after_a_takeover() {
    let app = TestApp::spawn().await;
    let (store, id) = prepare(&app).await;
    let url = app.state.config.database_url.clone();

    let stalled = WorkerProcess::start(&url, "stalled");
    wait_for_job(
        &store,
        id,
        "the first worker runs the job",
        running_on("stalled"),
    )
    .await;
    stalled.signal("STOP");

    let (_second, done) = second_worker_finishes(&store, id, &url).await;

    stalled.signal("CONT");
    stalled.wait_for_log("result dropped").await;
    let tries: Vec<(i64,)> =
        sqlx::query_as("SELECT inserted FROM test_write_attempts WHERE worker = 'stalled'")
            .fetch_all(store.pool())
            .await
            .expect("write attempts");
    assert_eq!(
        tries,
        vec![(0,)],
        "the stalled worker tried once and was refused"
    );
    assert_eq!(
        side_effects(&store).await,
        vec![("job-1".to_owned(), "second".to_owned())]
    );
    let after = job(&store, id).await;
    assert_eq!(after.state, jobs::SUCCEEDED);
    assert_eq!(after.attempt, 2);
    assert_eq!(after.result, done.result);
    assert_eq!(after.result.as_deref(), Some(r#"{"by":"second"}"#));
}
