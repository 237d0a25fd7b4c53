//! The dashboard: server-rendered pages (auto-escaped templates), plain HTML forms that work
//! without JavaScript, and a little script per page for live updates. This file holds what
//! every page uses: the logged-in user extractor and the render helpers.

pub mod account;
pub mod accounts;
pub mod agent_request;
pub mod applications;
pub mod approvals;
pub mod home;
pub mod inbox;
pub mod intake;
pub mod jobs;
pub mod profile;
pub mod profile_files;
pub mod session;

use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Redirect, Response};
use shared::api::UserInfo;

use crate::error::{Error, Result};
use crate::http::auth::session;
use crate::state::AppState;
use crate::store::{self, now_ms};

/// A logged-in dashboard user; anyone else is sent to the login page.
pub struct DashboardUser {
    pub user: UserInfo,
    pub csrf_token: String,
}

impl FromRequestParts<AppState> for DashboardUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let session = session(state, &parts.headers)
            .await
            .map_err(IntoResponse::into_response)?;
        let Some(session) = session else {
            return Err(Redirect::to("/login").into_response());
        };
        match store::users::get(&state.store, session.user_id).await {
            Ok(Some(user)) => Ok(DashboardUser {
                user,
                csrf_token: session.csrf_token,
            }),
            Ok(None) => Err(Redirect::to("/login").into_response()),
            Err(e) => Err(e.into_response()),
        }
    }
}

pub fn render(template: &impl Template) -> Response {
    render_with(StatusCode::OK, template)
}

pub fn render_with(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => Error::Internal(format!("template: {e}")).into_response(),
    }
}

/// Relative time for people ("3 min ago"); the exact time is in the element's title.
pub fn ago(ms: i64) -> String {
    let secs = (now_ms() - ms).max(0) / 1000;
    match secs {
        0..=44 => "just now".into(),
        45..=3599 => format!("{} min ago", (secs + 30) / 60),
        3600..=86_399 => format!("{} h ago", secs / 3600),
        _ => format!("{} days ago", secs / 86_400),
    }
}

pub async fn root() -> Redirect {
    Redirect::to("/dashboard")
}
