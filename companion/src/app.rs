//! The app as a whole: opens the database and the keys, wires every capability's job kinds
//! into the workers, and serves HTTP.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::auth::passwords::Passwords;
use crate::auth::rate_limit::AttemptLimiter;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::events::EventBus;
use crate::fetch::Fetcher;
use crate::jobs::Worker;
use crate::state::{AppState, SetupToken};
use crate::store::Store;
use crate::vault::Vault;
use crate::vault::identity::Identity;
use crate::vault::master_key::MasterKey;
use crate::{apply, approvals, http, intake, jobs, mail, store};

/// The process-wide Prometheus recorder; installed once even when tests start many servers
/// at the same moment (the lock makes the check and the install one step).
fn metrics_handle() -> Result<PrometheusHandle> {
    static HANDLE: Mutex<Option<PrometheusHandle>> = Mutex::new(None);
    let mut handle = HANDLE.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(handle) = handle.as_ref() {
        return Ok(handle.clone());
    }
    let installed = PrometheusBuilder::new()
        .install_recorder()
        .map_err(|e| Error::Internal(format!("metrics recorder: {e}")))?;
    *handle = Some(installed.clone());
    Ok(installed)
}

/// A companion ready to serve: database migrated, identity loaded, listener bound.
pub struct App {
    state: AppState,
    listener: TcpListener,
    notifications: Option<sqlx::postgres::PgListener>,
    shutdown: watch::Sender<bool>,
}

/// Connects and migrates the database and loads what every part of the app needs.
async fn open_state(config: Config, shutdown: watch::Receiver<bool>) -> Result<AppState> {
    let store = Store::connect(&config.database_url).await?;
    store.migrate().await?;
    let master = MasterKey::load(&store, config.master_key_source()).await?;
    let identity = Identity::load_or_create(&store, &master).await?;
    let vault = Vault::new(master, store.clone());
    let fetcher = Fetcher::new(config.fetch_policy())?;
    Ok(AppState {
        auth_limiter: AttemptLimiter::per_minute(config.auth_attempts_per_minute),
        passwords: Passwords::new(config.auth_attempts_per_minute),
        config: Arc::new(config),
        bus: EventBus::new(store.clone())?,
        store,
        identity,
        vault,
        setup: SetupToken::default(),
        metrics: metrics_handle()?,
        shutdown,
        fetcher,
    })
}

/// Every job kind this companion runs, registered by the capability that owns it, so that
/// `companion serve` and `companion worker` run the same set.
pub fn job_kinds(worker: Worker, state: &AppState) -> Worker {
    let worker = approvals::register(worker, state);
    let worker = apply::register(worker, state);
    let worker = intake::boards::register(worker, state);
    mail::messages::register(worker, state)
}

/// Every capability's repair of work a crash left without its job, and clean-up of what
/// outlived its retention; run where workers run.
const SWEEPS: &[jobs::runner::Sweep] = &[
    |state| Box::pin(mail::messages::enqueue_unqueued(state.store)),
    |state| {
        Box::pin(async move {
            apply::artifacts::sweep(&state.store, state.config.artifact_retention_days).await
        })
    },
    |state| Box::pin(async move { apply::release_stranded(&state).await }),
];

/// `companion worker`: runs `workers` job workers (at least one) named `<name>-<n>`, and
/// the scheduler, without the HTTP server, until `stop` resolves. A job running then is
/// left to its lease and taken over by another worker.
pub async fn run_workers(
    config: Config,
    name: &str,
    workers: u32,
    stop: impl std::future::Future<Output = ()>,
) -> Result<()> {
    let (shutdown, shutdown_rx) = watch::channel(false);
    let state = open_state(config, shutdown_rx).await?;
    let background = jobs::runner::start(&state, workers.max(1), name, job_kinds, SWEEPS).await?;
    stop.await;
    let _ = shutdown.send(true);
    background.stopped().await;
    state.store.close().await;
    Ok(())
}

impl App {
    pub async fn build(config: Config) -> Result<App> {
        let listener = TcpListener::bind(config.bind)
            .await
            .map_err(|e| Error::Config(format!("cannot listen on {}: {e}", config.bind)))?;
        let addr = listener
            .local_addr()
            .map_err(|e| Error::Internal(e.to_string()))?;
        let (shutdown, shutdown_rx) = watch::channel(false);
        let state = open_state(config.with_bound_addr(addr), shutdown_rx).await?;
        store::sessions::delete_expired(&state.store).await?;
        let notifications = state.bus.listen(&state.config.database_url).await?;
        Ok(App {
            state,
            listener,
            notifications,
            shutdown,
        })
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    pub fn local_addr(&self) -> Result<SocketAddr> {
        self.listener
            .local_addr()
            .map_err(|e| Error::Internal(e.to_string()))
    }

    /// Serves until `stop` resolves, then ends open event streams and waits for requests
    /// in flight.
    pub async fn serve(
        self,
        stop: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<()> {
        let App {
            state,
            listener,
            notifications,
            shutdown,
        } = self;
        let store = state.store.clone();
        let name = format!("serve-{}", std::process::id());
        let background =
            jobs::runner::start(&state, state.config.workers, &name, job_kinds, SWEEPS).await?;
        if let Some(notifications) = notifications {
            tokio::spawn(
                state
                    .bus
                    .clone()
                    .relay(notifications, state.shutdown.clone()),
            );
        }
        let router = http::router(state);
        let signal = async move {
            stop.await;
            let _ = shutdown.send(true);
        };
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(signal)
        .await
        .map_err(|e| Error::Internal(format!("server: {e}")))?;
        background.stopped().await;
        store.close().await;
        Ok(())
    }
}
