//! The job's side of a run: each step goes on the request's card (and its event) and then
//! to a checkpoint (cancel, lost lease); the final click waits for `submitting` to be
//! committed in the submit ledger, fenced by the job's attempt.

use std::sync::Mutex;

use futures_util::future::BoxFuture;
use shared::api::ApplyProgress;

use super::{Step, Watch};
use crate::approvals::runs;
use crate::jobs::{JobContext, JobError};
use crate::state::AppState;
use crate::store::{now_ms, submit_ledger};

pub struct JobWatch<'a> {
    pub state: &'a AppState,
    pub ctx: &'a JobContext,
    pub request_id: i64,
    pub canonical_url: &'a str,
    /// The ledger row `submitting` wrote; set once the click may happen.
    begun: Mutex<Option<i64>>,
    /// Why the ledger refused the click.
    refused: Mutex<Option<String>>,
}

impl<'a> JobWatch<'a> {
    pub fn new(
        state: &'a AppState,
        ctx: &'a JobContext,
        request_id: i64,
        canonical_url: &'a str,
    ) -> Self {
        JobWatch {
            state,
            ctx,
            request_id,
            canonical_url,
            begun: Mutex::new(None),
            refused: Mutex::new(None),
        }
    }

    /// The ledger row of the click, once `submitting` was recorded.
    pub fn begun(&self) -> Option<i64> {
        self.begun.lock().ok().and_then(|b| *b)
    }

    /// Why the ledger refused the click, if it did.
    pub fn refused(&self) -> Option<String> {
        self.refused.lock().ok().and_then(|r| r.clone())
    }

    async fn record_step(&self, step: &Step) -> Result<(), JobError> {
        let progress = ApplyProgress {
            step: step.name.to_owned(),
            text: step.text.clone(),
            done: step.done,
            total: step.total,
        };
        let user_id = self.ctx.user_id();
        if !runs::progress(self.state, user_id, self.request_id, &progress).await? {
            return Err(JobError::Failed(
                "the request is no longer applying (declined or settled meanwhile)".into(),
            ));
        }
        self.ctx.checkpoint().await
    }

    async fn record_submitting(&self) -> Result<(), JobError> {
        self.ctx.checkpoint().await?;
        let start = submit_ledger::Start {
            user_id: self.ctx.user_id(),
            request_id: self.request_id,
            canonical_url: self.canonical_url,
            job_id: self.ctx.id(),
            attempt: self.ctx.attempt(),
        };
        let Some(id) = submit_ledger::begin(&self.state.store, &start, now_ms()).await? else {
            let why = "the submit ledger refused the click: this posting was submitted (or may \
                       have been), or this run no longer holds its job";
            if let Ok(mut refused) = self.refused.lock() {
                *refused = Some(why.to_owned());
            }
            return Err(JobError::Failed(why.into()));
        };
        match self.begun.lock() {
            Ok(mut begun) => {
                *begun = Some(id);
                Ok(())
            }
            // Unreachable in practice; not clicking is the safe answer.
            Err(_) => Err(JobError::Failed("the run's state is poisoned".into())),
        }
    }
}

impl Watch for JobWatch<'_> {
    fn step<'b>(&'b self, step: &'b Step) -> BoxFuture<'b, Result<(), JobError>> {
        Box::pin(self.record_step(step))
    }

    fn submitting(&self) -> BoxFuture<'_, Result<(), JobError>> {
        Box::pin(self.record_submitting())
    }
}
