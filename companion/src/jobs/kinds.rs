//! Every job kind this companion runs. Each capability registers its kinds here, the one
//! place, so that `companion serve` and `companion worker` run the same set.

use super::Worker;
use crate::state::AppState;
use crate::{approvals, forms, intake, mail};

/// Registers every job kind the app knows on `worker`.
pub fn register_all(worker: Worker, state: &AppState) -> Worker {
    let apply_state = state.clone();
    let expire_state = state.clone();
    let plan_state = state.clone();
    let worker = worker
        .register(approvals::APPLY_JOB, move |ctx| {
            approvals::run_apply(apply_state.clone(), ctx)
        })
        .register(approvals::EXPIRE_JOB, move |ctx| {
            approvals::run_expire(expire_state.clone(), ctx)
        })
        .register(forms::plan_job::PLAN_JOB, move |ctx| {
            forms::plan_job::run(plan_state.clone(), ctx)
        });
    let worker = intake::boards::register(worker, state);
    mail::messages::register(worker, state)
}
