//! Logging in and out, and the first-run setup page.

use std::net::SocketAddr;

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{render, render_with};
use crate::auth::passwords::DUMMY_HASH;
use crate::auth::tokens;
use crate::error::{Error, Result};
use crate::http::auth::{expired_session_cookie, session, session_cookie, session_cookie_header};
use crate::state::AppState;
use crate::store::{self, now_ms};
use crate::users;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    error: Option<String>,
    username: String,
    no_users: bool,
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
}

pub async fn login_page(State(state): State<AppState>, headers: HeaderMap) -> Result<Response> {
    if session(&state, &headers).await?.is_some() {
        return Ok(Redirect::to("/dashboard").into_response());
    }
    let no_users = store::users::count(&state.store).await? == 0;
    Ok(render(&LoginPage {
        error: None,
        username: String::new(),
        no_users,
    }))
}

async fn start_session(state: &AppState, user_id: i64, to: &str) -> Result<Response> {
    let token = tokens::generate_secret()?;
    let ttl_secs = state.config.session_ttl_hours * 3600;
    let expires_at = now_ms() + i64::try_from(ttl_secs * 1000).unwrap_or(i64::MAX / 2);
    store::sessions::create(
        &state.store,
        &tokens::hash(&token),
        user_id,
        &tokens::generate_secret()?,
        expires_at,
    )
    .await?;
    Ok((
        [(
            SET_COOKIE,
            session_cookie_header(&state.config, &token, ttl_secs),
        )],
        Redirect::to(to),
    )
        .into_response())
}

pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(form): Form<LoginForm>,
) -> Result<Response> {
    let user = store::users::find_by_name(&state.store, &form.username).await?;
    // Unknown names cost a hash check too, so timing does not reveal which names exist.
    let hash = user
        .as_ref()
        .map_or(DUMMY_HASH, |u| u.password_hash.as_str());
    let checked = state
        .passwords
        .check(peer.ip(), &form.username, &form.password, hash)
        .await;
    let (status, error) = match (checked, user) {
        (Ok(true), Some(user)) => return start_session(&state, user.id, "/dashboard").await,
        (Err(Error::TooManyRequests), _) => (
            StatusCode::TOO_MANY_REQUESTS,
            "Too many failed attempts. Wait a minute and try again.",
        ),
        (Err(other), _) => return Err(other),
        (Ok(_), _) => (StatusCode::UNAUTHORIZED, "Wrong user name or password."),
    };
    let page = LoginPage {
        error: Some(error.into()),
        username: form.username,
        no_users: false,
    };
    Ok(render_with(status, &page))
}

pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Result<Response> {
    if let Some(token) = session_cookie(&state.config, &headers) {
        store::sessions::delete(&state.store, &tokens::hash(token)).await?;
    }
    Ok((
        [(SET_COOKIE, expired_session_cookie(&state.config))],
        Redirect::to("/login"),
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    error: Option<String>,
    username: String,
    token: String,
    valid: bool,
}

#[derive(Deserialize)]
pub struct SetupForm {
    username: String,
    password: String,
    password_confirm: String,
}

pub async fn setup_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response> {
    let valid = state.setup.matches(&token) && store::users::count(&state.store).await? == 0;
    let status = if valid {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    Ok(render_with(
        status,
        &SetupPage {
            error: None,
            username: String::new(),
            token,
            valid,
        },
    ))
}

pub async fn setup(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Form(form): Form<SetupForm>,
) -> Result<Response> {
    if !state.setup.matches(&token) || store::users::count(&state.store).await? != 0 {
        let page = SetupPage {
            error: None,
            username: String::new(),
            token,
            valid: false,
        };
        return Ok(render_with(StatusCode::NOT_FOUND, &page));
    }
    let problem = if form.password != form.password_confirm {
        Some("The two passwords differ.".to_owned())
    } else {
        match users::create(
            &state.store,
            &state.passwords,
            form.username.trim(),
            &form.password,
        )
        .await
        {
            Ok(user) => {
                state.setup.burn();
                tracing::info!(user = %user.name, "first user created through the setup page");
                return start_session(&state, user.id, "/dashboard/devices").await;
            }
            Err(Error::BadRequest(message) | Error::Conflict(message)) => Some(message),
            Err(other) => return Err(other),
        }
    };
    let page = SetupPage {
        error: problem,
        username: form.username,
        token,
        valid: true,
    };
    Ok(render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

// ---- pages ----
