//! The queue running inside a process: the workers, the scheduler and, on PostgreSQL, the
//! listener that wakes idle workers when another process enqueues.

use std::time::Duration;

use futures_util::future::BoxFuture;
use sqlx::postgres::PgListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::{Worker, scheduler};
use crate::error::Result;
use crate::state::AppState;
use crate::store::jobs::ENQUEUED_CHANNEL;
use crate::store::{Backend, Store};

/// The background tasks of one process; they end when the app's shutdown flag turns.
pub struct Background {
    tasks: Vec<JoinHandle<()>>,
}

/// The job kinds a worker runs: the app registers every capability's kinds on it.
pub type Kinds = fn(Worker, &AppState) -> Worker;

/// A capability's repair of what a crash can leave behind (work stored without its job),
/// or its clean-up of what outlived its retention, run where workers run: when they start
/// and every [`SWEEP_EVERY`]. It must be idempotent, since every such process runs it.
/// Returns how much it repaired or removed.
pub type Sweep = fn(AppState) -> BoxFuture<'static, Result<usize>>;

const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// Starts `workers` workers named `<name>-<tag>-<n>` running `kinds`, and the scheduler
/// and `sweeps` (when there is at least one worker). The random tag keeps names unique
/// across restarts (a container's process id repeats), since workers renew leases by name.
pub async fn start(
    state: &AppState,
    workers: u32,
    name: &str,
    kinds: Kinds,
    sweeps: &'static [Sweep],
) -> Result<Background> {
    let tag = crate::auth::tokens::random_bytes::<3>()?
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>();
    let mut tasks = Vec::new();
    if workers > 0 && state.store.backend() == Backend::Postgres {
        let mut listener = PgListener::connect(&state.config.database_url).await?;
        listener.listen(ENQUEUED_CHANNEL).await?;
        tasks.push(tokio::spawn(relay_enqueues(
            listener,
            state.store.clone(),
            state.shutdown.clone(),
        )));
    }
    for n in 1..=workers {
        let worker = kinds(Worker::for_app(state, format!("{name}-{tag}-{n}")), state);
        tasks.push(tokio::spawn(worker.run(state.shutdown.clone())));
    }
    // Schedules are enqueued where jobs run; with no workers here, worker processes do it.
    if workers > 0 {
        tasks.push(tokio::spawn(scheduler::run(
            state.store.clone(),
            state.shutdown.clone(),
        )));
        tasks.push(tokio::spawn(sweep(state.clone(), sweeps)));
    }
    Ok(Background { tasks })
}

async fn sweep(state: AppState, sweeps: &'static [Sweep]) {
    let mut shutdown = state.shutdown.clone();
    loop {
        for sweep in sweeps {
            match sweep(state.clone()).await {
                Ok(0) => {}
                Ok(repaired) => tracing::info!(repaired, "sweep: repaired or removed"),
                Err(error) => tracing::warn!(%error, "sweep failed; trying again later"),
            }
        }
        tokio::select! {
            _ = shutdown.changed() => return,
            () = tokio::time::sleep(SWEEP_EVERY) => {}
        }
    }
}

impl Background {
    /// Waits until every task has stopped (after shutdown was signalled).
    pub async fn stopped(self) {
        for task in self.tasks {
            if let Err(error) = task.await {
                tracing::warn!(%error, "a job task ended abnormally");
            }
        }
    }
}

async fn relay_enqueues(
    mut listener: PgListener,
    store: Store,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        let received = tokio::select! {
            _ = shutdown.changed() => return,
            received = listener.try_recv() => received,
        };
        match received {
            // A notification, or a reconnect after which enqueues may have been missed.
            Ok(_) => store.job_wakeup().notify_waiters(),
            Err(error) => {
                tracing::warn!(%error, "job notifications failed; retrying");
                tokio::select! {
                    _ = shutdown.changed() => return,
                    () = tokio::time::sleep(Duration::from_secs(1)) => {}
                }
            }
        }
    }
}
