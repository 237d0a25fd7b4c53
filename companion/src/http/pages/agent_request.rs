//! A request's own page: its card, the run's live progress and the evidence of every run
//! (screenshots as thumbnails that open full size, the step log, the final URL). The
//! screenshots are served by the API route, which the session cookie authorises.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use shared::api::{Artifact, UserInfo};

use super::approvals::{CardView, NoticeQuery};
use super::{DashboardUser, render};
use crate::apply::artifacts;
use crate::approvals;
use crate::error::Result;
use crate::state::AppState;

/// One run's evidence.
pub struct RunView {
    pub job_id: i64,
    pub attempt: i64,
    pub shots: Vec<Artifact>,
    pub log: String,
    pub final_url: String,
}

impl RunView {
    /// Only a web address becomes a link (the page a run ended on is the site's choice).
    pub fn final_url_is_web(&self) -> bool {
        self.final_url.starts_with("https://") || self.final_url.starts_with("http://")
    }
}

#[derive(Template)]
#[template(path = "agent_request.html")]
struct RequestPage {
    user: UserInfo,
    csrf_token: String,
    nav: &'static str,
    card: CardView,
    /// Newest run first.
    runs: Vec<RunView>,
    last_event_id: i64,
    /// What went wrong with the last action taken on this page.
    notice: Option<String>,
    /// The approve form's dry-run checkbox starts as the user's setting.
    dry_run_default: bool,
}

pub async fn page(
    State(state): State<AppState>,
    me: DashboardUser,
    Path(id): Path<i64>,
    Query(query): Query<NoticeQuery>,
) -> Result<Response> {
    let last_event_id = crate::store::events::max_id(&state.store).await?;
    let request = approvals::get(&state, me.user.id, id).await?;
    let mut runs: Vec<RunView> = Vec::new();
    for artifact in artifacts::list(&state, me.user.id, id).await? {
        let run = (artifact.job_id, artifact.attempt);
        let index = match runs.iter().position(|r| (r.job_id, r.attempt) == run) {
            Some(index) => index,
            None => {
                runs.push(RunView {
                    job_id: run.0,
                    attempt: run.1,
                    shots: Vec::new(),
                    log: String::new(),
                    final_url: String::new(),
                });
                runs.len() - 1
            }
        };
        let run = &mut runs[index];
        match artifact.kind.as_str() {
            crate::store::artifacts::LOG => {
                run.log = text(&state, me.user.id, id, artifact.id).await?;
            }
            crate::store::artifacts::FINAL_URL => {
                run.final_url = text(&state, me.user.id, id, artifact.id).await?;
            }
            _ => run.shots.push(artifact),
        }
    }
    runs.reverse();
    Ok(render(&RequestPage {
        card: request.into(),
        runs,
        last_event_id,
        notice: query.notice.filter(|n| !n.is_empty()),
        dry_run_default: crate::store::agent::dry_run(&state.store, me.user.id).await?,
        user: me.user,
        csrf_token: me.csrf_token,
        nav: "requests",
    }))
}

/// A text artifact (the step log, the final URL) as the page shows it.
async fn text(state: &AppState, user_id: i64, request_id: i64, id: i64) -> Result<String> {
    let (_, bytes) = artifacts::content(state, user_id, request_id, id).await?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}
