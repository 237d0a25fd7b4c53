//! `/dashboard/account`: download your data, delete the account.

use std::net::SocketAddr;

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use shared::api::UserInfo;

use super::{DashboardUser, render, render_with};
use crate::account;
use crate::error::{Error, Result};
use crate::http::api::account::archive;
use crate::http::auth::expired_session_cookie;
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
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    user: DashboardUser,
    Form(form): Form<DeleteForm>,
) -> Response {
    let deleted = account::delete(
        &state.store,
        &state.passwords,
        peer.ip(),
        user.user.id,
        &form.confirm_name,
        &form.password,
    )
    .await;
    match deleted {
        Ok(_) => (
            [(SET_COOKIE, expired_session_cookie(&state.config))],
            Redirect::to("/login"),
        )
            .into_response(),
        Err(error) => {
            let (status, message) = match error {
                Error::BadRequest(message) | Error::Forbidden(message) => {
                    (StatusCode::UNPROCESSABLE_ENTITY, message)
                }
                Error::TooManyRequests => (
                    StatusCode::TOO_MANY_REQUESTS,
                    "Too many wrong passwords. Wait a minute and try again.".into(),
                ),
                other => return other.into_response(),
            };
            let page = AccountPage {
                nav: "account",
                user: user.user,
                csrf_token: user.csrf_token,
                error: Some(message),
            };
            render_with(status, &page)
        }
    }
}
