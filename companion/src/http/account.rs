//! The user's own data: download everything as one archive, or delete the account with
//! everything it owns. API routes and the dashboard page.

use askama::Template;
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE, SET_COOKIE};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use serde::Deserialize;
use shared::api::{DeleteAccountRequest, Problem, UserInfo};

use super::auth::{Principal, SESSION_COOKIE};
use super::dashboard::{DashboardUser, render};
use crate::account;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::store;

async fn archive(state: &AppState, user_id: i64) -> Result<Response> {
    let user = store::users::get(&state.store, user_id)
        .await?
        .ok_or(Error::Unauthorized)?;
    let bytes = account::export(&state.store, &user).await?;
    let disposition = format!("attachment; filename=\"{}\"", account::archive_name(&user));
    Ok((
        [
            (CONTENT_TYPE, "application/zip".to_owned()),
            (CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

/// Everything the caller owns as a zip archive: `manifest.json`, `data/<table>.json` and
/// binary files. Password and token hashes and key material are left out.
#[utoipa::path(get, path = "/api/v1/account/export", tag = "account",
    responses(
        (status = 200, description = "The archive", content_type = "application/zip", body = Vec<u8>),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn export(State(state): State<AppState>, principal: Principal) -> Result<Response> {
    archive(&state, principal.user_id()).await
}

/// Delete the caller's account and everything it owns (events, jobs, sealed sessions,
/// profile, postings, applications, files). The name and password must be typed again.
#[utoipa::path(delete, path = "/api/v1/account", tag = "account",
    request_body = DeleteAccountRequest,
    responses(
        (status = 200, description = "The deleted account", body = UserInfo),
        (status = 400, description = "The name does not match", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not authenticated", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Wrong password", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete(
    State(state): State<AppState>,
    principal: Principal,
    Json(request): Json<DeleteAccountRequest>,
) -> Result<Json<UserInfo>> {
    let user = account::delete(
        &state.store,
        &state.passwords,
        principal.user_id(),
        &request.confirm_name,
        &request.password,
    )
    .await?;
    Ok(Json(user))
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    nav: &'static str,
    user: UserInfo,
    csrf_token: String,
    error: Option<String>,
}

pub async fn page(user: DashboardUser) -> Response {
    render(&AccountPage {
        nav: "account",
        user: user.user,
        csrf_token: user.csrf_token,
        error: None,
    })
}

/// The dashboard's own download link (a plain GET with the session cookie).
pub async fn download(State(state): State<AppState>, user: DashboardUser) -> Result<Response> {
    archive(&state, user.user.id).await
}

#[derive(Deserialize)]
pub struct DeleteForm {
    confirm_name: String,
    password: String,
}

pub async fn delete_from_dashboard(
    State(state): State<AppState>,
    user: DashboardUser,
    Form(form): Form<DeleteForm>,
) -> Response {
    let deleted = account::delete(
        &state.store,
        &state.passwords,
        user.user.id,
        &form.confirm_name,
        &form.password,
    )
    .await;
    match deleted {
        Ok(_) => {
            let expired =
                format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
            ([(SET_COOKIE, expired)], Redirect::to("/login")).into_response()
        }
        Err(Error::BadRequest(message) | Error::Forbidden(message)) => {
            let mut response = render(&AccountPage {
                nav: "account",
                user: user.user,
                csrf_token: user.csrf_token,
                error: Some(message),
            });
            *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            response
        }
        Err(other) => other.into_response(),
    }
}
