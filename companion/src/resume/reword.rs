//! Rewording a tailored resume's bullets for a posting by the user's model (intake settings).
//! The model sees the posting's text and the bullets, nothing else of the profile; its answer
//! is checked by the validator against the profile, and a claim the profile does not make
//! refuses it and is named. What passes is only proposed: a diff for the user to approve,
//! never applied here.

use shared::profile::{FieldError, Problems};
use shared::resume::reword::{RewordError, SYSTEM_PROMPT, read_reply, request};
use shared::resume::{Posting, Resume};

pub use shared::resume::reword::Rewording;

use crate::error::{Error, Result};
use crate::llm;
use crate::state::AppState;

/// The rewordings the user's model proposes for `tailored` (a tailoring of `profile`) and
/// `posting`, each bullet it changed with its original; empty when there are no bullets.
pub async fn propose(
    state: &AppState,
    user_id: i64,
    profile: &Resume,
    tailored: &Resume,
    posting: &Posting,
) -> Result<Vec<Rewording>> {
    if tailored.bullets().is_empty() {
        return Ok(Vec::new());
    }
    let Some(model) = llm::Model::for_user(state, user_id).await? else {
        return Err(Error::Unprocessable(
            "rewording needs a model: choose one in the intake settings".to_owned(),
        ));
    };
    let reply = model
        .chat(SYSTEM_PROMPT, &request(posting, tailored))
        .await
        .map_err(Error::Upstream)?;
    read_reply(&reply, profile, tailored).map_err(|error| match error {
        RewordError::Unreadable(_) => Error::Upstream(error.to_string()),
        RewordError::Refused(violations) => {
            let problems = violations.0.into_iter().map(|violation| FieldError {
                path: String::new(),
                message: violation.message,
            });
            Error::invalid("the model's rewording", Problems(problems.collect()))
        }
    })
}
