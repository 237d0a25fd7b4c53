//! The `forms.plan` job: when a request is proposed, the posting's application page is fetched
//! through the SSRF-checked fetcher, snapshotted in headless Chromium without network, planned
//! with the user's profile, its free-text questions drafted by the user's model (when one is
//! set), and the plan stored on the request with an `agent_request.updated` event.
//!
//! The page is fetched, not browsed: `crate::fetch` checks the URL, every resolved address and
//! every redirect, and Chromium then sees only that HTML with no network at all (see
//! `browser`). Letting Chromium load the page itself would need every sub-request intercepted
//! and checked, and still leave its own DNS answers between check and connect. The price is
//! that a form drawn only by the page's scripts is not seen: its plan says there is no form,
//! and the in-tab assist (the user's own browser) plans it there.
//!
//! A page behind a sign-in is fetched with the user's own session: the vault's jar for the
//! page's site, each hop sent only the cookies a browser would send it. A page that still
//! asks for a sign-in says which: no account connected for the site, or a session that seems
//! expired (then the account is flagged for a refresh, as a run that meets it does).

use serde_json::{Value, json};
use shared::api::FormSummary;
use shared::cookies::Platform;
use shared::forms::{Blocker, BlockerKind};

use super::{NEEDS_YOU, PENDING};
use crate::error::{Error, Result};
use crate::forms::{self, drafts};
use crate::jobs::{JobContext, JobError};
use crate::state::AppState;
use crate::store::jobs::{self, NewJob};
use crate::store::now_ms;

pub const PLAN_JOB: &str = "forms.plan";

/// Queues the planning of a new request's form (once per request).
pub async fn enqueue(state: &AppState, user_id: i64, request_id: i64) -> Result<i64> {
    let now = now_ms();
    jobs::enqueue(
        &state.store,
        &NewJob {
            user_id,
            kind: PLAN_JOB,
            payload: &json!({ "requestId": request_id }),
            max_attempts: 3,
            idempotency_key: Some(&format!("plan:{request_id}")),
            run_at: now,
            platform: None,
        },
        now,
    )
    .await
}

/// The job's handler (registered under [`PLAN_JOB`]). A page that does not load fails the
/// attempt (retried, then dead with its error; the request stays usable without a plan). A
/// model that fails leaves the plan stored without drafts and fails the attempt, so that a
/// retry drafts them.
pub async fn run(state: AppState, ctx: JobContext) -> Result<Value, JobError> {
    let user_id = ctx.user_id();
    let id = ctx
        .payload()
        .get("requestId")
        .and_then(Value::as_i64)
        .ok_or_else(|| JobError::Failed("the plan job has no requestId".into()))?;
    let request = match super::get(&state, user_id, id).await {
        Ok(request) => request,
        Err(Error::NotFound) => return Ok(json!({ "skipped": "the request is gone" })),
        Err(other) => return Err(other.into()),
    };
    if ![PENDING, NEEDS_YOU].contains(&request.state.as_str()) {
        return Ok(json!({ "skipped": format!("the request is {}", request.state) }));
    }
    let page = forms::application_page(&request.job_url);
    let host = url::Url::parse(&page)
        .ok()
        .and_then(|url| url.host_str().map(str::to_ascii_lowercase))
        .unwrap_or_default();
    let (account, jar) = state.vault.session_for(user_id, &host).await?;
    ctx.progress(10, "loading the application page").await?;
    let fetched = state
        .fetcher
        .get_with_cookies(&page, "text/html,application/xhtml+xml", &jar)
        .await
        .map_err(|e| JobError::Failed(format!("could not load the application page: {e}")));
    drop(jar);
    let fetched = fetched?;
    ctx.checkpoint().await?;
    ctx.progress(40, "reading the form").await?;
    let html = String::from_utf8_lossy(&fetched.body);
    let snapshot = forms::snapshot(&html, fetched.url.as_str())
        .await
        .map_err(|e| JobError::Failed(format!("could not read the form: {e}")))?;
    let profile = forms::planner_profile(&state, user_id).await?;
    let mut plan = shared::forms::plan(&snapshot, &profile);
    let walled = plan.blockers.iter().any(asks_to_sign_in);
    if walled {
        let why = session_missing(&state, user_id, &host, account.as_deref()).await?;
        for blocker in plan.blockers.iter_mut().filter(|b| asks_to_sign_in(b)) {
            blocker.detail.clone_from(&why);
        }
    }
    ctx.checkpoint().await?;
    ctx.progress(70, "drafting free-text answers").await?;
    let (drafted, draft_error) = match drafts::for_plan(
        &state,
        user_id,
        &request.company,
        &request.title,
        &plan,
        &profile,
    )
    .await
    {
        Ok(drafted) => (drafted, None),
        Err(error) => (Vec::new(), Some(error)),
    };
    ctx.checkpoint().await?;
    let (match_score, match_reasons) = super::plan::match_of(&request);
    let form = FormSummary {
        // A sign-in page is not where the form is: the run goes to the page asked for.
        url: if walled {
            page.clone()
        } else {
            fetched.url.to_string()
        },
        blockers: plan.blockers.clone(),
        blocked: plan.blocked,
        confidence: plan.confidence,
        match_score,
        match_reasons,
        draft_error: draft_error.clone(),
        planned_at: now_ms(),
    };
    let answers = super::plan::planned_answers(&plan, &drafted);
    let stored = super::plan::store(&state, user_id, id, &answers, &form).await?;
    if let Some(error) = draft_error {
        return Err(JobError::Failed(format!(
            "the form is planned, but the model could not draft its free-text answers: {error}"
        )));
    }
    Ok(json!({
        "requestId": id,
        "answers": answers.len(),
        "drafts": drafted.len(),
        "unknownRequired": plan.unknown_required.len(),
        "blocked": plan.blocked,
        "withSession": account.is_some(),
        "stored": stored.is_some(),
    }))
}

fn asks_to_sign_in(blocker: &Blocker) -> bool {
    matches!(
        blocker.kind,
        BlockerKind::LoginWall | BlockerKind::AccountCreation
    )
}

/// What the card says of a page that asks for a sign-in: connect an account for the site,
/// or (when the vault's session for it did not get through) refresh it, which flags the
/// account as a run that meets the wall does.
async fn session_missing(
    state: &AppState,
    user_id: i64,
    host: &str,
    account: Option<&str>,
) -> Result<String> {
    let Some(platform) = account else {
        let site = Platform::lookup(&Platform::id_for_host(host))
            .map_or_else(|_| host.to_owned(), |p| p.name);
        return Ok(format!(
            "connect your account for {site} in the extension, or finish in your own tab"
        ));
    };
    state
        .vault
        .needs_refresh(&state.bus, user_id, platform)
        .await?;
    let name = Platform::name_of(platform);
    Ok(format!(
        "your {name} session seems to have expired: sign in there again and refresh the account in the extension"
    ))
}
