//! Every job kind this companion runs. Each capability registers its kinds here, the one
//! place, so that `companion serve` and `companion worker` run the same set.

use super::Worker;
use crate::state::AppState;

/// Registers every job kind the app knows on `worker`.
pub fn register_all(worker: Worker, _state: &AppState) -> Worker {
    worker
}
