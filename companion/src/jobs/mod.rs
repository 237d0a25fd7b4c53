//! Durable jobs: handlers registered by kind, run by a [`Worker`] that claims jobs from
//! the database (`store::jobs`), keeps their lease alive while they run and records the
//! outcome. Handlers call [`JobContext::checkpoint`] between steps: that is where a cancel
//! request or a lost lease stops them.

pub mod bench;
pub mod kinds;
pub mod runner;
pub mod scheduler;

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::events::EventBus;
use crate::store::agent::ApplyLimits;
use crate::store::jobs::{self, Backoff, ClaimRequest, Job};
use crate::store::{Store, now_ms};

/// Why a handler stopped without a result.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// The user cancelled the job; it ends as `cancelled`.
    #[error("the job was cancelled")]
    Cancelled,
    /// Another worker took the job over (or it was finished elsewhere); nothing is written.
    #[error("the job's lease was lost to another worker")]
    LostLease,
    /// The attempt failed; the job is retried with backoff, or dead after its last attempt.
    #[error("{0}")]
    Failed(String),
}

impl From<crate::error::Error> for JobError {
    fn from(error: crate::error::Error) -> Self {
        JobError::Failed(error.to_string())
    }
}

/// What a handler gets: the job and the means to report on it. Cheap to clone.
#[derive(Clone)]
pub struct JobContext {
    store: Store,
    bus: EventBus,
    job: Arc<Job>,
    payload: Arc<serde_json::Value>,
    lease_ms: i64,
}

impl JobContext {
    pub fn id(&self) -> i64 {
        self.job.id
    }

    pub fn user_id(&self) -> i64 {
        self.job.user_id
    }

    /// The attempt this run holds (1 on the first run); the fencing token of every write.
    pub fn attempt(&self) -> i64 {
        self.job.attempt
    }

    pub fn payload(&self) -> &serde_json::Value {
        &self.payload
    }

    /// Renews the lease; Err when the job was cancelled or taken over, and the handler
    /// must stop.
    pub async fn checkpoint(&self) -> Result<(), JobError> {
        let job = &self.job;
        if jobs::heartbeat(&self.store, job.id, job.attempt, self.lease_ms, now_ms()).await? {
            return Ok(());
        }
        match jobs::get(&self.store, job.id).await? {
            Some(now)
                if now.attempt == job.attempt
                    && now.state == jobs::RUNNING
                    && now.cancel_requested == 1 =>
            {
                Err(JobError::Cancelled)
            }
            _ => Err(JobError::LostLease),
        }
    }

    /// Records progress on the job and emits a `job.progress` event to its user.
    pub async fn progress(&self, percent: u8, message: &str) -> Result<(), JobError> {
        let job = &self.job;
        let progress = serde_json::json!({"percent": percent.min(100), "message": message});
        if !jobs::set_progress(&self.store, job.id, job.attempt, &progress, now_ms()).await? {
            return Err(JobError::LostLease);
        }
        self.bus
            .emit(
                job.user_id,
                "job.progress",
                serde_json::json!({
                    "job_id": job.id,
                    "kind": job.kind,
                    "percent": percent.min(100),
                    "message": message,
                }),
            )
            .await?;
        Ok(())
    }
}

struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

type HandlerFuture = Pin<Box<dyn Future<Output = Result<serde_json::Value, JobError>> + Send>>;
type Handler = Arc<dyn Fn(JobContext) -> HandlerFuture + Send + Sync>;

/// Claims jobs of the registered kinds one at a time and runs them.
pub struct Worker {
    store: Store,
    bus: EventBus,
    name: String,
    lease: Duration,
    poll: Duration,
    backoff: Backoff,
    limits: ApplyLimits,
    handlers: HashMap<String, Handler>,
}

impl Worker {
    /// A worker named `name` (shown in the `worker` column) with the given lease.
    pub fn new(store: Store, bus: EventBus, name: impl Into<String>, lease: Duration) -> Worker {
        Worker {
            store,
            bus,
            name: name.into(),
            lease,
            poll: Duration::from_millis(500),
            backoff: Backoff::default(),
            limits: ApplyLimits::default(),
            handlers: HashMap::new(),
        }
    }

    /// A worker for this companion, with the configured lease (`job_lease_secs`) and apply
    /// limits.
    pub fn for_app(state: &crate::state::AppState, name: impl Into<String>) -> Worker {
        Worker::new(
            state.store.clone(),
            state.bus.clone(),
            name,
            Duration::from_secs(state.config.job_lease_secs),
        )
        .apply_limits(state.config.apply_limits())
    }

    /// The per-platform limits applies run under where a user set none.
    pub fn apply_limits(mut self, limits: ApplyLimits) -> Worker {
        self.limits = limits;
        self
    }

    /// How long to wait before looking again when no job is due.
    pub fn poll_every(mut self, poll: Duration) -> Worker {
        self.poll = poll;
        self
    }

    pub fn backoff(mut self, backoff: Backoff) -> Worker {
        self.backoff = backoff;
        self
    }

    pub fn register<F, Fut>(mut self, kind: &str, handler: F) -> Worker
    where
        F: Fn(JobContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<serde_json::Value, JobError>> + Send + 'static,
    {
        let handler: Handler = Arc::new(move |ctx| Box::pin(handler(ctx)));
        self.handlers.insert(kind.to_owned(), handler);
        self
    }

    fn lease_ms(&self) -> i64 {
        i64::try_from(self.lease.as_millis()).unwrap_or(i64::MAX)
    }

    /// Runs jobs until `shutdown` turns true. A job running at shutdown is dropped; its
    /// lease runs out and another worker takes it over. Idle, it looks again after the poll
    /// interval or as soon as a job is enqueued.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let store = self.store.clone();
        loop {
            if *shutdown.borrow() {
                return;
            }
            // Listening before the claim, so an enqueue between the two is not missed.
            let enqueued = store.job_wakeup().notified();
            tokio::pin!(enqueued);
            enqueued.as_mut().enable();
            let ran = tokio::select! {
                _ = shutdown.changed() => return,
                ran = self.run_once() => ran,
            };
            match ran {
                Ok(true) => continue,
                Ok(false) => {}
                Err(error) => tracing::warn!(%error, "job worker: claim failed"),
            }
            tokio::select! {
                _ = shutdown.changed() => return,
                () = &mut enqueued => {}
                () = tokio::time::sleep(self.poll) => {}
            }
        }
    }

    /// Claims and runs one due job; false when none was due.
    pub async fn run_once(&self) -> crate::error::Result<bool> {
        let kinds: Vec<&str> = self.handlers.keys().map(String::as_str).collect();
        let request = ClaimRequest {
            worker: &self.name,
            kinds: &kinds,
            lease_ms: self.lease_ms(),
            limits: self.limits,
        };
        let Some(job) = jobs::claim_with(&self.store, &request, now_ms()).await? else {
            return Ok(false);
        };
        let Some(handler) = self.handlers.get(&job.kind).cloned() else {
            return Ok(false);
        };
        let payload = serde_json::from_str(&job.payload).unwrap_or(serde_json::Value::Null);
        let ctx = JobContext {
            store: self.store.clone(),
            bus: self.bus.clone(),
            job: Arc::new(job),
            payload: Arc::new(payload),
            lease_ms: self.lease_ms(),
        };
        let outcome = self.run_with_heartbeat(handler(ctx.clone()), &ctx).await;
        self.record(&ctx, outcome).await?;
        Ok(true)
    }

    /// Drives the handler while renewing the lease a few times per lease period, so that a
    /// long step between checkpoints keeps the job.
    async fn run_with_heartbeat(
        &self,
        handler: HandlerFuture,
        ctx: &JobContext,
    ) -> Result<serde_json::Value, JobError> {
        // Spawned so that a panicking handler fails its job instead of the worker; aborted
        // if the worker stops (shutdown) before the handler ends.
        let mut handler = AbortOnDrop(tokio::spawn(handler));
        let mut renew = tokio::time::interval((self.lease / 3).max(Duration::from_millis(10)));
        renew.tick().await;
        let mut renewing = true;
        loop {
            tokio::select! {
                joined = &mut handler.0 => {
                    return joined.unwrap_or_else(|error| {
                        Err(JobError::Failed(format!("the handler stopped: {error}")))
                    });
                }
                _ = renew.tick(), if renewing => {
                    let id = ctx.id();
                    match jobs::heartbeat(&self.store, id, ctx.attempt(), self.lease_ms(), now_ms()).await {
                        Ok(true) => {}
                        // Cancelled or taken over: the handler learns it at its next checkpoint.
                        Ok(false) => renewing = false,
                        Err(error) => tracing::warn!(%error, job = id, "job heartbeat failed"),
                    }
                }
            }
        }
    }

    async fn record(
        &self,
        ctx: &JobContext,
        outcome: Result<serde_json::Value, JobError>,
    ) -> crate::error::Result<()> {
        let (id, attempt, now) = (ctx.id(), ctx.attempt(), now_ms());
        let state = match outcome {
            Ok(result) => jobs::complete(&self.store, id, attempt, &result, now)
                .await?
                .then_some(jobs::SUCCEEDED.to_owned()),
            Err(JobError::Cancelled) => jobs::mark_cancelled(&self.store, id, attempt, now)
                .await?
                .then_some(jobs::CANCELLED.to_owned()),
            Err(JobError::LostLease) => None,
            Err(JobError::Failed(error)) => {
                jobs::fail(&self.store, id, attempt, &error, self.backoff, now).await?
            }
        };
        match state {
            Some(state) => {
                self.bus
                    .emit(
                        ctx.user_id(),
                        "job.state",
                        serde_json::json!({"job_id": id, "kind": ctx.job.kind, "state": state}),
                    )
                    .await?;
            }
            None => tracing::info!(
                job = id,
                attempt,
                "job lost to another worker; result dropped"
            ),
        }
        Ok(())
    }
}
