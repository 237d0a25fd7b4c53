//! Dashboard pages of job intake: `/dashboard/postings` (add by URL, paste or CSV; the
//! list with scores and reasons) and `/dashboard/settings` (filters, watchlist, model
//! endpoint). Plain forms; `static/postings.js` adds new postings live.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use shared::api::{
    IntakeSettings, ModelEndpoint, PostingInfo, PostingRequest, UserInfo, Vendor, WatchInfo,
};

use super::{DashboardUser, ago, render};
use crate::error::{Error, Result};
use crate::http::problem;
use crate::intake::request::posting_from_request;
use crate::intake::settings::lines;
use crate::intake::watchlist::{enqueue_poll, watch};
use crate::intake::{self, csv_import};
use crate::state::AppState;
use crate::store;

pub struct PostingView {
    pub id: i64,
    pub title: String,
    pub company: String,
    pub location: String,
    pub url: String,
    pub source: String,
    pub score: String,
    pub passed: Option<bool>,
    pub reasons: String,
    pub added: String,
}

impl From<PostingInfo> for PostingView {
    fn from(posting: PostingInfo) -> Self {
        let mut location = posting.location.unwrap_or_default();
        if posting.remote {
            location = if location.is_empty() {
                "Remote".into()
            } else {
                format!("{location} · remote")
            };
        }
        PostingView {
            id: posting.id,
            title: posting.title,
            company: posting.company,
            location,
            url: posting.url.unwrap_or_default(),
            source: posting.source.as_str().to_owned(),
            score: posting
                .outcome
                .as_ref()
                .map(|m| format!("{:.0}%", m.score * 100.0))
                .unwrap_or_default(),
            passed: posting.outcome.as_ref().map(|m| m.passed),
            reasons: posting
                .outcome
                .map(|m| m.reasons.join("; "))
                .unwrap_or_default(),
            added: ago(posting.created_at),
        }
    }
}

#[derive(Template)]
#[template(path = "postings.html")]
struct PostingsPage {
    user: UserInfo,
    csrf_token: String,
    nav: &'static str,
    postings: Vec<PostingView>,
    notice: String,
    error: String,
}

async fn postings_page(
    state: &AppState,
    me: DashboardUser,
    notice: String,
    error: String,
) -> Result<PostingsPage> {
    let rows = store::postings::list(&state.store, me.user.id, 200).await?;
    Ok(PostingsPage {
        postings: rows
            .into_iter()
            .map(|row| PostingInfo::from(row).into())
            .collect(),
        user: me.user,
        csrf_token: me.csrf_token,
        nav: "postings",
        notice,
        error,
    })
}

pub async fn postings(State(state): State<AppState>, me: DashboardUser) -> Result<Response> {
    Ok(render(
        &postings_page(&state, me, String::new(), String::new()).await?,
    ))
}

#[derive(Deserialize)]
pub struct AddPostingForm {
    #[serde(default)]
    url: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    company: String,
    #[serde(default)]
    text: String,
}

fn given(value: String) -> Option<String> {
    let value = value.trim().to_owned();
    (!value.is_empty()).then_some(value)
}

/// Saves by URL (fetched) or pasted text; a refusal is shown on the page with its status.
pub async fn add_posting(
    State(state): State<AppState>,
    me: DashboardUser,
    Form(form): Form<AddPostingForm>,
) -> Result<Response> {
    let request = PostingRequest {
        url: given(form.url),
        title: given(form.title),
        company: given(form.company),
        text: given(form.text),
        ..PostingRequest::default()
    };
    let user_id = me.user.id;
    let saved = match posting_from_request(&state, request, false).await {
        Ok(raw) => intake::save(&state, user_id, raw).await,
        Err(error) => Err(error),
    };
    match saved {
        Ok(_) => Ok(Redirect::to("/dashboard/postings").into_response()),
        Err(error)
            if problem::status(&error).is_client_error()
                || problem::status(&error).as_u16() == 502 =>
        {
            let status = problem::status(&error);
            let page = postings_page(&state, me, String::new(), error.to_string()).await?;
            Ok((status, render(&page)).into_response())
        }
        Err(error) => Err(error),
    }
}

#[derive(Deserialize)]
pub struct ImportForm {
    #[serde(default)]
    csv: String,
}

pub async fn import_csv(
    State(state): State<AppState>,
    me: DashboardUser,
    Form(form): Form<ImportForm>,
) -> Result<Response> {
    let (notice, error) = match csv_import::import(&state, me.user.id, form.csv.as_bytes()).await {
        Ok(report) => {
            let rejected: Vec<String> = report
                .rejected
                .iter()
                .map(|r| format!("line {}: {}", r.line, r.reason))
                .collect();
            let notice = format!(
                "Imported {}, {} already saved, {} rejected.",
                report.imported.len(),
                report.duplicates.len(),
                report.rejected.len()
            );
            (notice, rejected.join("\n"))
        }
        Err(error) if problem::status(&error).is_client_error() => {
            (String::new(), error.to_string())
        }
        Err(error) => return Err(error),
    };
    Ok(render(&postings_page(&state, me, notice, error).await?))
}

#[derive(Template)]
#[template(path = "intake_settings.html")]
struct SettingsPage {
    user: UserInfo,
    csrf_token: String,
    nav: &'static str,
    settings: SettingsView,
    /// Whether users without an endpoint of their own get the operator's.
    operator_model: bool,
    watchlist: Vec<WatchView>,
    /// New approvals are dry runs (stop before the final click).
    dry_run: bool,
    notice: String,
    error: String,
}

/// The settings as the form shows them: lists one entry per line.
struct SettingsView {
    locations: String,
    remote_allowed: bool,
    remote_only: bool,
    salary_floor: String,
    title_include: String,
    title_exclude: String,
    company_blocklist: String,
    model_base_url: String,
    model_name: String,
    model_key_set: bool,
}

impl From<IntakeSettings> for SettingsView {
    fn from(s: IntakeSettings) -> Self {
        SettingsView {
            locations: s.locations.join("\n"),
            remote_allowed: s.remote_allowed,
            remote_only: s.remote_only,
            salary_floor: s.salary_floor.map(|f| f.to_string()).unwrap_or_default(),
            title_include: s.title_include.join("\n"),
            title_exclude: s.title_exclude.join("\n"),
            company_blocklist: s.company_blocklist.join("\n"),
            model_base_url: s.model.base_url,
            model_name: s.model.model,
            model_key_set: s.model.api_key_set,
        }
    }
}

struct WatchView {
    id: i64,
    vendor: String,
    board: String,
    polled: String,
    error: String,
}

impl From<WatchInfo> for WatchView {
    fn from(w: WatchInfo) -> Self {
        WatchView {
            id: w.id,
            vendor: w.vendor.as_str().to_owned(),
            board: w.board,
            polled: w.last_polled_at.map(ago).unwrap_or_else(|| "never".into()),
            error: w.last_error.unwrap_or_default(),
        }
    }
}

async fn settings_page(
    state: &AppState,
    me: DashboardUser,
    notice: &str,
    error: String,
) -> Result<SettingsPage> {
    let settings = crate::http::api::intake_settings::load(state, me.user.id).await?;
    let watchlist = store::watchlist::list(&state.store, me.user.id).await?;
    Ok(SettingsPage {
        settings: settings.into(),
        operator_model: !state.config.model_base_url.is_empty(),
        watchlist: watchlist
            .into_iter()
            .map(|w| WatchInfo::from(w).into())
            .collect(),
        dry_run: store::agent::dry_run(&state.store, me.user.id).await?,
        user: me.user,
        csrf_token: me.csrf_token,
        nav: "settings",
        notice: notice.to_owned(),
        error,
    })
}

pub async fn settings(State(state): State<AppState>, me: DashboardUser) -> Result<Response> {
    Ok(render(&settings_page(&state, me, "", String::new()).await?))
}

#[derive(Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    locations: String,
    remote_allowed: Option<String>,
    remote_only: Option<String>,
    #[serde(default)]
    salary_floor: String,
    #[serde(default)]
    title_include: String,
    #[serde(default)]
    title_exclude: String,
    #[serde(default)]
    company_blocklist: String,
    #[serde(default)]
    model_base_url: String,
    #[serde(default)]
    model_name: String,
    /// Empty: keep the stored key.
    #[serde(default)]
    model_api_key: String,
    model_api_key_clear: Option<String>,
}

pub async fn save_settings(
    State(state): State<AppState>,
    me: DashboardUser,
    Form(form): Form<SettingsForm>,
) -> Result<Response> {
    let floor = form.salary_floor.trim();
    let salary_floor = if floor.is_empty() {
        Ok(None)
    } else {
        floor
            .replace([',', '_', ' '], "")
            .parse::<i64>()
            .map(Some)
            .map_err(|_| Error::BadRequest("the salary floor is a whole number".into()))
    };
    let saved = match salary_floor {
        Ok(salary_floor) => {
            let settings = IntakeSettings {
                locations: lines(&form.locations),
                remote_allowed: form.remote_allowed.is_some(),
                remote_only: form.remote_only.is_some(),
                salary_floor,
                title_include: lines(&form.title_include),
                title_exclude: lines(&form.title_exclude),
                company_blocklist: lines(&form.company_blocklist),
                model: ModelEndpoint {
                    base_url: form.model_base_url,
                    model: form.model_name,
                    api_key: if form.model_api_key_clear.is_some() {
                        Some(String::new())
                    } else {
                        Some(form.model_api_key).filter(|k| !k.trim().is_empty())
                    },
                    api_key_set: false,
                },
            };
            crate::http::api::intake_settings::save(&state, me.user.id, settings).await
        }
        Err(error) => Err(error),
    };
    match saved {
        Ok(_) => Ok(render(
            &settings_page(&state, me, "Saved.", String::new()).await?,
        )),
        Err(error) if problem::status(&error).is_client_error() => {
            let status = problem::status(&error);
            let page = settings_page(&state, me, "", error.to_string()).await?;
            Ok((status, render(&page)).into_response())
        }
        Err(error) => Err(error),
    }
}

#[derive(Deserialize)]
pub struct WatchForm {
    vendor: String,
    board: String,
}

pub async fn add_watch(
    State(state): State<AppState>,
    me: DashboardUser,
    Form(form): Form<WatchForm>,
) -> Result<Response> {
    let vendor = Vendor::parse(&form.vendor)
        .ok_or_else(|| Error::BadRequest("vendor is greenhouse, lever or ashby".into()));
    let added = match vendor {
        Ok(vendor) => watch(&state, me.user.id, vendor, &form.board)
            .await
            .map(|_| ()),
        Err(error) => Err(error),
    };
    match added {
        Ok(()) => Ok(Redirect::to("/dashboard/settings").into_response()),
        Err(error) if problem::status(&error).is_client_error() => {
            let status = problem::status(&error);
            let page = settings_page(&state, me, "", error.to_string()).await?;
            Ok((status, render(&page)).into_response())
        }
        Err(error) => Err(error),
    }
}

pub async fn remove_watch(
    State(state): State<AppState>,
    me: DashboardUser,
    Path(id): Path<i64>,
) -> Result<Response> {
    store::watchlist::remove(&state.store, me.user.id, id).await?;
    Ok(Redirect::to("/dashboard/settings").into_response())
}

pub async fn poll_now(State(state): State<AppState>, me: DashboardUser) -> Result<Response> {
    let job_id = enqueue_poll(&state, me.user.id).await?;
    let notice = format!("Poll queued as job {job_id}; new postings appear on the Postings page.");
    Ok(render(
        &settings_page(&state, me, &notice, String::new()).await?,
    ))
}

#[derive(Deserialize)]
pub struct DryRunForm {
    /// The checkbox: present (`on`) keeps dry runs, absent turns them off.
    dry_run: Option<String>,
}

/// The dry-run default of new approvals.
pub async fn save_dry_run(
    State(state): State<AppState>,
    me: DashboardUser,
    Form(form): Form<DryRunForm>,
) -> Result<Response> {
    let on = form.dry_run.is_some();
    store::agent::set_dry_run(&state.store, me.user.id, on, store::now_ms()).await?;
    let notice = if on {
        "Dry runs on: the agent stops before the final click until you let it submit."
    } else {
        "Dry runs off: approved requests are submitted by the agent."
    };
    Ok(render(
        &settings_page(&state, me, notice, String::new()).await?,
    ))
}
