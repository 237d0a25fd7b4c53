//! Durable jobs: handlers registered by kind, run by a [`Worker`] that claims jobs from
//! the database (`store::jobs`), keeps their lease alive while they run and records the
//! outcome. Handlers call [`JobContext::checkpoint`] between steps: that is where a cancel
//! request or a lost lease stops them.

pub mod runner;
pub mod scheduler;
mod worker;

pub use worker::Worker;

use std::sync::Arc;

use crate::events::EventBus;
use crate::store::jobs::{self, Job};
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
