//! Dashboard pages of the applications: the pipeline (a column per status) and each
//! application's timeline. Plain forms that work without JavaScript.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use shared::api::{Application, NewApplication, UserInfo};

use super::approvals::{NoticeQuery, back};
use super::{DashboardUser, ago, render};
use crate::approvals::applications::{self, STATUSES};
use crate::error::Result;
use crate::state::AppState;

pub struct ColumnView {
    pub status: &'static str,
    pub applications: Vec<Application>,
}

#[derive(Template)]
#[template(path = "applications.html")]
struct PipelinePage {
    user: UserInfo,
    csrf_token: String,
    nav: &'static str,
    columns: Vec<ColumnView>,
    total: usize,
    notice: Option<String>,
}

pub async fn pipeline(
    State(state): State<AppState>,
    me: DashboardUser,
    Query(query): Query<NoticeQuery>,
) -> Result<Response> {
    let all = applications::list(&state, me.user.id, None).await?;
    let total = all.len();
    let columns = STATUSES
        .iter()
        .map(|status| ColumnView {
            status,
            applications: all
                .iter()
                .filter(|a| a.status == *status)
                .cloned()
                .collect(),
        })
        .collect();
    Ok(render(&PipelinePage {
        columns,
        total,
        notice: query.notice.filter(|n| !n.is_empty()),
        user: me.user,
        csrf_token: me.csrf_token,
        nav: "applications",
    }))
}

#[derive(Deserialize)]
pub struct NewApplicationForm {
    company: String,
    title: String,
    job_url: String,
}

pub async fn create_application(
    State(state): State<AppState>,
    me: DashboardUser,
    Form(form): Form<NewApplicationForm>,
) -> Result<Response> {
    let new = NewApplication {
        company: form.company,
        title: form.title,
        job_url: form.job_url,
        status: None,
        note: None,
    };
    match applications::create(&state, me.user.id, &new).await {
        Ok(created) => {
            Ok(Redirect::to(&format!("/dashboard/applications/{}", created.id)).into_response())
        }
        failed => back(failed, "/dashboard/applications"),
    }
}

pub struct EntryView {
    pub kind: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub note: Option<String>,
    pub when: String,
    pub at: i64,
}

#[derive(Template)]
#[template(path = "application.html")]
struct ApplicationPage {
    user: UserInfo,
    csrf_token: String,
    nav: &'static str,
    application: Application,
    entries: Vec<EntryView>,
    statuses: [&'static str; 7],
    notice: Option<String>,
}

pub async fn application(
    State(state): State<AppState>,
    me: DashboardUser,
    Path(id): Path<i64>,
    Query(query): Query<NoticeQuery>,
) -> Result<Response> {
    let application = applications::get(&state, me.user.id, id).await?;
    let entries = applications::timeline(&state, me.user.id, id).await?;
    Ok(render(&ApplicationPage {
        application,
        entries: entries
            .into_iter()
            .rev()
            .map(|e| EntryView {
                when: ago(e.at),
                kind: e.kind,
                from_status: e.from_status,
                to_status: e.to_status,
                note: e.note,
                at: e.at,
            })
            .collect(),
        statuses: STATUSES,
        notice: query.notice.filter(|n| !n.is_empty()),
        user: me.user,
        csrf_token: me.csrf_token,
        nav: "applications",
    }))
}

#[derive(Deserialize)]
pub struct StatusForm {
    status: String,
    #[serde(default)]
    note: String,
}

pub async fn set_status(
    State(state): State<AppState>,
    me: DashboardUser,
    Path(id): Path<i64>,
    Form(form): Form<StatusForm>,
) -> Result<Response> {
    let outcome =
        applications::set_status(&state, me.user.id, id, &form.status, Some(&form.note)).await;
    back(outcome, &format!("/dashboard/applications/{id}"))
}
