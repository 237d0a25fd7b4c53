//! The worker: claims jobs, runs their handlers, keeps their leases and records outcomes.
//! Claims and the writes of successes run in tasks of their own, so handlers keep starting
//! while the database works: successes that finish during one write go out together in the
//! next, and the next claim is under way before the local queue runs dry.

use std::collections::{HashMap, HashSet, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::{JoinError, JoinHandle, JoinSet};

use super::{JobContext, JobError};
use crate::config::ApplyLimits;
use crate::error::{Error, Result};
use crate::events::EventBus;
use crate::store::events::NewEvent;
use crate::store::jobs::{self, Backoff, ClaimRequest, Job};
use crate::store::{Backend, Store, now_ms};

type HandlerFuture = Pin<Box<dyn Future<Output = Outcome> + Send>>;
type Handler = Arc<dyn Fn(JobContext) -> HandlerFuture + Send + Sync>;
type Outcome = std::result::Result<serde_json::Value, JobError>;
type Success = (JobContext, serde_json::Value);

/// Successes written in one go at most; more wait for the next write, which starts as soon
/// as this one ends.
const RECORD_BATCH: usize = 512;

/// Claims jobs of the registered kinds and runs up to `concurrency` of them at once. It may
/// claim `prefetch` more than it can start, to run fast jobs from a local queue without a
/// claim each. Every lease it holds is renewed a few times per lease period, so a long step
/// between checkpoints keeps the job.
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

/// What a worker holds: claimed jobs waiting to start, running handlers, successes not yet
/// written, and the claim and the write under way.
#[derive(Default)]
struct Held {
    waiting: VecDeque<Job>,
    running: JoinSet<Outcome>,
    /// The job each running task works on, by task id.
    contexts: HashMap<tokio::task::Id, JobContext>,
    succeeded: Vec<Success>,
    /// The claim under way, and how many jobs it asked for.
    claiming: Option<(ClaimTask, usize)>,
    /// The write under way; it hands its successes back when it failed.
    recording: Option<RecordTask>,
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
        Fut: Future<Output = Outcome> + Send + 'static,
    {
        let handler: Handler = Arc::new(move |ctx| Box::pin(handler(ctx)));
        self.handlers.insert(kind.to_owned(), handler);
        self
    }

    /// The job kinds this worker runs.
    pub fn kinds(&self) -> impl Iterator<Item = &str> {
        self.handlers.keys().map(String::as_str)
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
    /// out and another worker takes them over. When a claim comes back short it looks again
    /// only after the poll interval or as soon as a job is enqueued.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let mut held = Held::default();
        let mut renew = self.renewals();
        renew.tick().await;
        let wakeup = self.store.job_wakeup();
        let mut enqueued = Box::pin(wakeup.notified());
        enqueued.as_mut().enable();
        let poll = tokio::time::sleep(self.poll);
        tokio::pin!(poll);
        // Whether due jobs may exist that no claim has seen; a failed write waits for the
        // next poll before it is tried again.
        let (mut look, mut may_record) = (true, true);
        while !*shutdown.borrow() {
            self.start_waiting(&mut held);
            if may_record && held.recording.is_none() && !held.succeeded.is_empty() {
                let size = held.succeeded.len().min(RECORD_BATCH);
                let batch: Vec<Success> = held.succeeded.drain(..size).collect();
                held.recording = Some(tokio::spawn(record(
                    self.store.clone(),
                    self.bus.clone(),
                    batch,
                )));
            }
            let room = (self.concurrency + self.prefetch)
                .saturating_sub(held.running.len() + held.waiting.len());
            if look
                && room > 0
                && held.claiming.is_none()
                && held.waiting.len() <= self.prefetch / 2
            {
                look = false;
                held.claiming = Some((self.claim(room), room));
            }
            tokio::select! {
                _ = shutdown.changed() => {}
                Some(joined) = held.running.join_next_with_id() => self.settle(&mut held, joined).await,
                (claimed, asked) = claimed(&mut held.claiming) => {
                    held.claiming = None;
                    match claimed {
                        Ok(Ok(claimed)) => {
                            // A full claim suggests more are due.
                            look |= claimed.len() == asked;
                            held.waiting.extend(claimed);
                        }
                        Ok(Err(error)) => tracing::warn!(%error, "job worker: claim failed"),
                        Err(error) => tracing::warn!(%error, "job worker: claim stopped"),
                    }
                }
                recorded = recorded(&mut held.recording) => {
                    held.recording = None;
                    if let Ok(Err(batch)) = recorded {
                        held.succeeded.extend(batch);
                        may_record = false;
                    }
                }
                () = &mut enqueued => {
                    look = true;
                    enqueued.set(wakeup.notified());
                    enqueued.as_mut().enable();
                }
                () = &mut poll => {
                    (look, may_record) = (true, true);
                    poll.as_mut().reset(tokio::time::Instant::now() + self.poll);
                }
                _ = renew.tick() => self.renew().await,
            }
        }
        if let Err(error) = self.stop(held).await {
            tracing::warn!(%error, "job worker: could not hand back its jobs");
        }
    }

    /// Claims and runs one due job to its end; false when none was due.
    pub async fn run_once(&self) -> Result<bool> {
        let mut held = Held::default();
        held.waiting.extend(finished(self.claim(1).await)?);
        if held.waiting.is_empty() {
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
        self.record_now(&mut held).await?;
        Ok(true)
    }

    /// Claims up to `max` jobs in a task of its own.
    fn claim(&self, max: usize) -> ClaimTask {
        let (store, worker) = (self.store.clone(), self.name.clone());
        let kinds: Vec<String> = self.handlers.keys().cloned().collect();
        let (lease_ms, limits) = (self.lease_ms(), self.limits);
        tokio::spawn(async move {
            let kinds: Vec<&str> = kinds.iter().map(String::as_str).collect();
            let request = ClaimRequest {
                worker: &worker,
                kinds: &kinds,
                lease_ms,
                limits,
            };
            jobs::claim_batch(&store, &request, max, now_ms()).await
        })
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
        joined: std::result::Result<(tokio::task::Id, Outcome), JoinError>,
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

    async fn record_now(&self, held: &mut Held) -> Result<()> {
        let batch = std::mem::take(&mut held.succeeded);
        if record(self.store.clone(), self.bus.clone(), batch)
            .await
            .is_err()
        {
            return Err(Error::Internal("job results could not be written".into()));
        }
        Ok(())
    }

    /// Lets the claim and the write under way end, records finished successes, aborts the
    /// running handlers and gives back the claimed jobs that never started.
    async fn stop(&self, mut held: Held) -> Result<()> {
        if let Some((claim, _)) = held.claiming.take() {
            held.waiting.extend(finished(claim.await)?);
        }
        if let Some(recording) = held.recording.take()
            && let Ok(Err(batch)) = recording.await
        {
            held.succeeded.extend(batch);
        }
        while let Some(joined) = held.running.try_join_next_with_id() {
            self.settle(&mut held, joined).await;
        }
        held.running.abort_all();
        self.record_now(&mut held).await?;
        let unstarted: Vec<(i64, i64)> = held.waiting.iter().map(|j| (j.id, j.attempt)).collect();
        jobs::release(&self.store, &unstarted, now_ms()).await
    }

    async fn record_unsuccessful(&self, ctx: &JobContext, error: JobError) -> Result<()> {
        let (id, attempt, now) = (ctx.id(), ctx.attempt(), now_ms());
        let failed = matches!(error, JobError::Failed(_));
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
                let mut event = state_event(ctx, &state);
                // A failed attempt back in the queue will be retried: the activity says so.
                if failed {
                    event.payload["failed"] = serde_json::Value::Bool(true);
                }
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

type ClaimTask = JoinHandle<Result<Vec<Job>>>;
type RecordTask = JoinHandle<std::result::Result<(), Vec<Success>>>;

/// The claim under way's outcome and size; pending while there is none.
async fn claimed(
    claiming: &mut Option<(ClaimTask, usize)>,
) -> (std::result::Result<Result<Vec<Job>>, JoinError>, usize) {
    match claiming {
        Some((task, asked)) => (task.await, *asked),
        None => std::future::pending().await,
    }
}

/// The write under way's outcome; pending while there is none.
async fn recorded(
    recording: &mut Option<RecordTask>,
) -> std::result::Result<std::result::Result<(), Vec<Success>>, JoinError> {
    match recording {
        Some(task) => task.await,
        None => std::future::pending().await,
    }
}

/// A claim task's jobs, or why it has none.
fn finished(claimed: std::result::Result<Result<Vec<Job>>, JoinError>) -> Result<Vec<Job>> {
    claimed.map_err(|e| Error::Internal(format!("job claim stopped: {e}")))?
}

/// Writes successes and their `job.state` events at once (one statement on PostgreSQL, one
/// transaction on SQLite) and hands the events to this process's streams; gives the
/// successes back when the write failed, to be tried again.
async fn record(
    store: Store,
    bus: EventBus,
    succeeded: Vec<Success>,
) -> std::result::Result<(), Vec<Success>> {
    if succeeded.is_empty() {
        return Ok(());
    }
    match write_successes(&store, &bus, &succeeded).await {
        Ok(written) => {
            if written.len() < succeeded.len() {
                tracing::info!(
                    lost = succeeded.len() - written.len(),
                    "job lost to another worker; result dropped"
                );
            }
            bus.publish_written(&written);
            Ok(())
        }
        Err(error) => {
            tracing::warn!(%error, jobs = succeeded.len(), "job results not written; will retry");
            Err(succeeded)
        }
    }
}

async fn write_successes(
    store: &Store,
    bus: &EventBus,
    succeeded: &[Success],
) -> Result<Vec<(i64, shared::api::AgentEvent)>> {
    let done: Vec<jobs::Completion> = succeeded
        .iter()
        .map(|(ctx, result)| jobs::Completion {
            id: ctx.id(),
            attempt: ctx.attempt(),
            result: result.clone(),
        })
        .collect();
    let now = now_ms();
    if store.backend() == Backend::Postgres {
        let (channel, prefix) = bus.notice();
        return jobs::complete_many_notified(store, &done, (channel, &prefix), now).await;
    }
    let mut tx = store.pool().begin().await?;
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
    Ok(written)
}

fn state_event<'a>(ctx: &JobContext, state: &str) -> NewEvent<'a> {
    NewEvent {
        user_id: ctx.user_id(),
        kind: shared::events::JOB_STATE,
        payload: serde_json::json!({"job_id": ctx.id(), "kind": ctx.job.kind, "state": state}),
    }
}
