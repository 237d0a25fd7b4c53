//! Durable jobs: handlers registered by kind, run by a [`Worker`] that claims jobs from
//! the database (`store::jobs`), keeps their lease alive while they run and records the
//! outcome. Handlers call [`JobContext::checkpoint`] between steps: that is where a cancel
//! request or a lost lease stops them.

pub mod bench;
pub mod kinds;
pub mod runner;
pub mod scheduler;

use std::collections::{HashMap, HashSet, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::events::EventBus;
use crate::store::agent::ApplyLimits;
use crate::store::events::NewEvent;
use crate::store::jobs::{self, Backoff, ClaimRequest, Job};
use crate::store::{Backend, Store, now_ms};

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

type HandlerFuture = Pin<Box<dyn Future<Output = Result<serde_json::Value, JobError>> + Send>>;
type Handler = Arc<dyn Fn(JobContext) -> HandlerFuture + Send + Sync>;
type Outcome = Result<serde_json::Value, JobError>;

/// Successes are written together once this many wait (or when nothing else is ready).
const COMPLETE_BATCH: usize = 256;

/// Claims jobs of the registered kinds and runs up to `concurrency` of them at once. It may
/// claim `prefetch` more than it can start, to run fast jobs from a local queue without a
/// claim each; successes are recorded in batches. Every lease it holds is renewed a few
/// times per lease period, so a long step between checkpoints keeps the job.
pub struct Worker {
    store: Store,
    bus: EventBus,
    name: String,
    lease: Duration,
    poll: Duration,
    backoff: Backoff,
    limits: ApplyLimits,
    concurrency: usize,
    prefetch: usize,
    handlers: HashMap<String, Handler>,
}

/// What a worker holds: claimed jobs waiting to start, running handlers, and successes
/// not yet written.
#[derive(Default)]
struct Held {
    waiting: VecDeque<Job>,
    running: JoinSet<Outcome>,
    /// The job each running task works on, by task id.
    contexts: HashMap<tokio::task::Id, JobContext>,
    succeeded: Vec<(JobContext, serde_json::Value)>,
}

impl Worker {
    /// A worker named `name` (shown in the `worker` column; unique among running workers,
    /// since leases are renewed by name) with the given lease.
    pub fn new(store: Store, bus: EventBus, name: impl Into<String>, lease: Duration) -> Worker {
        Worker {
            store,
            bus,
            name: name.into(),
            lease,
            poll: Duration::from_millis(500),
            backoff: Backoff::default(),
            limits: ApplyLimits::default(),
            concurrency: 1,
            prefetch: 0,
            handlers: HashMap::new(),
        }
    }

    /// A worker for this companion, with the configured lease (`job_lease_secs`),
    /// concurrency, prefetch and apply limits.
    pub fn for_app(state: &crate::state::AppState, name: impl Into<String>) -> Worker {
        let config = &state.config;
        Worker::new(
            state.store.clone(),
            state.bus.clone(),
            name,
            Duration::from_secs(config.job_lease_secs),
        )
        .apply_limits(config.apply_limits())
        .concurrency(config.job_concurrency)
        .prefetch(config.job_prefetch)
    }

    /// The per-platform limits applies run under where a user set none.
    pub fn apply_limits(mut self, limits: ApplyLimits) -> Worker {
        self.limits = limits;
        self
    }

    /// How many jobs run at once (at least one).
    pub fn concurrency(mut self, jobs: usize) -> Worker {
        self.concurrency = jobs.max(1);
        self
    }

    /// How many jobs beyond the running ones are claimed ahead (a local queue). Only for
    /// fast jobs: a job that waits here is not run by another worker meanwhile.
    pub fn prefetch(mut self, jobs: usize) -> Worker {
        self.prefetch = jobs;
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

    fn renewals(&self) -> tokio::time::Interval {
        let mut renew = tokio::time::interval((self.lease / 3).max(Duration::from_millis(10)));
        renew.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        renew
    }

    /// Runs jobs until `shutdown` turns true. Then successes are recorded, claimed jobs that
    /// never started go back to the queue, and running ones are dropped: their lease runs
    /// out and another worker takes them over. Idle, it looks again after the poll interval
    /// or as soon as a job is enqueued.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let mut held = Held::default();
        let mut renew = self.renewals();
        renew.tick().await;
        while !*shutdown.borrow() {
            // Listening before the claim, so an enqueue between the two is not missed.
            let enqueued = self.store.job_wakeup().notified();
            tokio::pin!(enqueued);
            enqueued.as_mut().enable();
            if let Err(error) = self.fill(&mut held).await {
                tracing::warn!(%error, "job worker: claim failed");
            }
            if held.running.is_empty() {
                tokio::select! {
                    _ = shutdown.changed() => {}
                    () = &mut enqueued => {}
                    () = tokio::time::sleep(self.poll) => {}
                }
                continue;
            }
            tokio::select! {
                _ = shutdown.changed() => {}
                Some(joined) = held.running.join_next_with_id() => self.settle(&mut held, joined).await,
                _ = renew.tick() => self.renew().await,
            }
        }
        if let Err(error) = self.stop(held).await {
            tracing::warn!(%error, "job worker: could not hand back its jobs");
        }
    }

    /// Claims and runs one due job to its end; false when none was due.
    pub async fn run_once(&self) -> crate::error::Result<bool> {
        let mut held = Held::default();
        if self.claim(&mut held, 1).await? == 0 {
            return Ok(false);
        }
        self.start_waiting(&mut held);
        let mut renew = self.renewals();
        renew.tick().await;
        while !held.running.is_empty() {
            tokio::select! {
                Some(joined) = held.running.join_next_with_id() => self.settle(&mut held, joined).await,
                _ = renew.tick() => self.renew().await,
            }
        }
        self.flush(&mut held).await?;
        Ok(true)
    }

    /// Records what finished, claims more when the local queue is empty and there is room,
    /// and starts what fits.
    async fn fill(&self, held: &mut Held) -> crate::error::Result<()> {
        if held.waiting.is_empty() {
            // Results first: a claim may take a while, and these jobs are done.
            self.flush(held).await?;
            let room = self.concurrency.saturating_sub(held.running.len());
            if room > 0 {
                self.claim(held, room + self.prefetch).await?;
            }
        } else if held.succeeded.len() >= COMPLETE_BATCH {
            self.flush(held).await?;
        }
        self.start_waiting(held);
        Ok(())
    }

    async fn claim(&self, held: &mut Held, max: usize) -> crate::error::Result<usize> {
        let kinds: Vec<&str> = self.handlers.keys().map(String::as_str).collect();
        let request = ClaimRequest {
            worker: &self.name,
            kinds: &kinds,
            lease_ms: self.lease_ms(),
            limits: self.limits,
        };
        let claimed = jobs::claim_batch(&self.store, &request, max, now_ms()).await?;
        let count = claimed.len();
        held.waiting.extend(claimed);
        Ok(count)
    }

    /// Starts waiting jobs while there is room. A handler runs in a task of its own so that
    /// a panic fails its job instead of the worker; it is aborted if the worker stops.
    fn start_waiting(&self, held: &mut Held) {
        while held.running.len() < self.concurrency {
            let Some(job) = held.waiting.pop_front() else {
                return;
            };
            let Some(handler) = self.handlers.get(&job.kind).cloned() else {
                continue;
            };
            let payload = serde_json::from_str(&job.payload).unwrap_or(serde_json::Value::Null);
            let ctx = JobContext {
                store: self.store.clone(),
                bus: self.bus.clone(),
                job: Arc::new(job),
                payload: Arc::new(payload),
                lease_ms: self.lease_ms(),
            };
            let task = held.running.spawn(handler(ctx.clone()));
            held.contexts.insert(task.id(), ctx);
        }
    }

    /// Takes a finished handler's outcome: a success waits to be written with others, the
    /// rest is written now.
    async fn settle(
        &self,
        held: &mut Held,
        joined: Result<(tokio::task::Id, Outcome), tokio::task::JoinError>,
    ) {
        let (task, outcome) = match joined {
            Ok(finished) => finished,
            Err(error) => (
                error.id(),
                Err(JobError::Failed(format!("the handler stopped: {error}"))),
            ),
        };
        let Some(ctx) = held.contexts.remove(&task) else {
            return;
        };
        let recorded = match outcome {
            Ok(result) => {
                held.succeeded.push((ctx, result));
                return;
            }
            Err(error) => self.record_unsuccessful(&ctx, error).await,
        };
        if let Err(error) = recorded {
            tracing::warn!(%error, job = ctx.id(), "could not record a job's outcome");
        }
    }

    /// Renews the leases this worker holds and closes lapsed jobs that may not run again
    /// (claims do that only when idle).
    async fn renew(&self) {
        let now = now_ms();
        let renewed = jobs::renew_held(&self.store, &self.name, self.lease_ms(), now).await;
        if let Err(error) = renewed.and(jobs::close_lapsed(&self.store, now).await) {
            tracing::warn!(%error, worker = %self.name, "job lease renewal failed");
        }
    }

    /// Writes the waiting successes and their `job.state` events at once: in one statement
    /// on PostgreSQL, in one transaction on SQLite.
    async fn flush(&self, held: &mut Held) -> crate::error::Result<()> {
        if held.succeeded.is_empty() {
            return Ok(());
        }
        let succeeded = std::mem::take(&mut held.succeeded);
        let done: Vec<jobs::Completion> = succeeded
            .iter()
            .map(|(ctx, result)| jobs::Completion {
                id: ctx.id(),
                attempt: ctx.attempt(),
                result: result.clone(),
            })
            .collect();
        let now = now_ms();
        let written = if self.store.backend() == Backend::Postgres {
            let (channel, prefix) = self.bus.notice();
            jobs::complete_many_notified(&self.store, &done, (channel, &prefix), now).await?
        } else {
            let mut tx = self.store.pool().begin().await?;
            let completed: HashSet<i64> = jobs::complete_many(&mut tx, &done, now)
                .await?
                .into_iter()
                .collect();
            let events: Vec<NewEvent<'_>> = succeeded
                .iter()
                .filter(|(ctx, _)| completed.contains(&ctx.id()))
                .map(|(ctx, _)| state_event(ctx, jobs::SUCCEEDED))
                .collect();
            let written = crate::store::events::insert_many(&mut tx, &events).await?;
            tx.commit().await?;
            written
        };
        if written.len() < done.len() {
            tracing::info!(
                lost = done.len() - written.len(),
                "job lost to another worker; result dropped"
            );
        }
        self.bus.publish_written(&written);
        Ok(())
    }

    async fn stop(&self, mut held: Held) -> crate::error::Result<()> {
        // Handlers that already ended are recorded; the others are dropped.
        while let Some(joined) = held.running.try_join_next_with_id() {
            self.settle(&mut held, joined).await;
        }
        held.running.abort_all();
        self.flush(&mut held).await?;
        let unstarted: Vec<(i64, i64)> = held.waiting.iter().map(|j| (j.id, j.attempt)).collect();
        jobs::release(&self.store, &unstarted, now_ms()).await
    }

    async fn record_unsuccessful(
        &self,
        ctx: &JobContext,
        error: JobError,
    ) -> crate::error::Result<()> {
        let (id, attempt, now) = (ctx.id(), ctx.attempt(), now_ms());
        let state = match error {
            JobError::Cancelled => jobs::mark_cancelled(&self.store, id, attempt, now)
                .await?
                .then_some(jobs::CANCELLED.to_owned()),
            JobError::LostLease => None,
            JobError::Failed(error) => {
                jobs::fail(&self.store, id, attempt, &error, self.backoff, now).await?
            }
        };
        match state {
            Some(state) => {
                let event = state_event(ctx, &state);
                self.bus
                    .emit(event.user_id, event.kind, event.payload)
                    .await?;
                Ok(())
            }
            None => {
                tracing::info!(
                    job = id,
                    attempt,
                    "job lost to another worker; result dropped"
                );
                Ok(())
            }
        }
    }
}

fn state_event<'a>(ctx: &JobContext, state: &str) -> NewEvent<'a> {
    NewEvent {
        user_id: ctx.user_id(),
        kind: "job.state",
        payload: serde_json::json!({"job_id": ctx.id(), "kind": ctx.job.kind, "state": state}),
    }
}
