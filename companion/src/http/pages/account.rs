//! `/dashboard/account`: download your data, delete the account.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use shared::api::UserInfo;

use super::{DashboardUser, render};
use crate::account;
use crate::error::{Error, Result};
use crate::http::api::account::archive;
use crate::http::auth::SESSION_COOKIE;
use crate::state::AppState;

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
