//! The database: one pool for SQLite or PostgreSQL, chosen by the URL at run time.
//!
//! Queries are written once in the SQL both dialects accept (`$n` parameters, `RETURNING`,
//! `ON CONFLICT`); the two migration folders differ only where the dialects do.

pub mod account;
pub mod agent;
pub mod agent_requests;
pub mod applications;
pub mod artifacts;
pub mod credentials;
pub mod devices;
pub mod events;
pub mod identity;
pub mod intake_settings;
pub mod jobs;
pub mod mail;
pub mod mail_inbound;
pub mod model_keys;
pub mod pairing;
pub mod postings;
pub mod profile;
pub mod schedules;
pub mod sessions;
pub mod submit_ledger;
pub mod users;
pub mod vault;
pub mod watchlist;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};
use tokio::sync::Notify;

use crate::error::{Error, Result};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// Rung when a job is enqueued (here, or in another process on PostgreSQL) so idle
    /// workers look at once instead of at their next poll.
    job_wakeup: Arc<Notify>,
}

impl Store {
    /// Opens the database (creating the SQLite file and its folder if needed).
    pub async fn connect(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(Error::Config(
                "database_url must start with sqlite:// or postgres://".to_owned(),
            ));
        };
        if backend == Backend::Sqlite {
            create_sqlite_file(url)?;
        }
        let options = AnyConnectOptions::from_str(url)
            .map_err(|e| Error::Config(format!("database_url: {e}")))?;
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers (the SSE streams) run beside the writer. In WAL
                        // mode, synchronous = NORMAL syncs at checkpoints instead of every
                        // commit: a crash of the process loses nothing, a power cut at most
                        // the last commits, never consistency; the job queue commits several
                        // times per job.
                        conn.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;")
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Store {
            pool,
            backend,
            job_wakeup: Arc::new(Notify::new()),
        })
    }

    pub async fn migrate(&self) -> Result<()> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        Ok(())
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn job_wakeup(&self) -> &Notify {
        &self.job_wakeup
    }

    /// For `/readyz`: the database answers.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Creates the database's folder (0700) and file (0600) when they do not exist yet: the
/// database holds wrapped keys, sealed cookie jars and mail, for no other local user to read.
/// SQLite gives its -wal and -shm files the database file's mode. Existing ones are left as
/// the operator set them.
fn create_sqlite_file(url: &str) -> Result<()> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    let path = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    let path = std::path::Path::new(path);
    let cannot = |what: &std::path::Path, e: std::io::Error| {
        Error::Config(format!("cannot create {}: {e}", what.display()))
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(parent)
            .map_err(|e| cannot(parent, e))?;
    }
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => Err(cannot(path, e)),
        _ => Ok(()),
    }
}

/// Unix milliseconds now.
pub fn now_ms() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
}
