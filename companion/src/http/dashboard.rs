//! The dashboard: server-rendered pages (auto-escaped templates), plain HTML forms that work
//! without JavaScript, and a little script for live updates.

use std::net::SocketAddr;

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, FromRequestParts, Path, State};
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use shared::api::{AgentEvent, DeviceInfo, UserInfo};

use super::auth::{SESSION_COOKIE, session, session_cookie};
use crate::auth::passwords::DUMMY_HASH;
use crate::auth::tokens;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::store::{self, now_ms};
use crate::{pairing, users};

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

pub struct EventView {
    pub id: i64,
    pub kind: String,
    pub text: String,
    pub when: String,
    pub created_at: i64,
}

impl From<AgentEvent> for EventView {
    fn from(event: AgentEvent) -> Self {
        EventView {
            id: event.id,
            text: shared::events::describe(&event),
            when: ago(event.created_at),
            created_at: event.created_at,
            kind: event.kind,
        }
    }
}

pub struct DeviceView {
    pub id: String,
    pub name: String,
    pub paired: String,
    pub last_seen: String,
    pub revoked: bool,
}

impl From<DeviceInfo> for DeviceView {
    fn from(device: DeviceInfo) -> Self {
        DeviceView {
            paired: ago(device.created_at),
            last_seen: device
                .last_seen_at
                .map(ago)
                .unwrap_or_else(|| "never".into()),
            revoked: device.revoked_at.is_some(),
            id: device.id,
            name: device.name,
        }
    }
}

// ---- login, logout, first-run setup ----

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

fn session_cookie_header(state: &AppState, token: &str, max_age_secs: u64) -> String {
    let secure = if state.config.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{SESSION_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age_secs}{secure}"
    )
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
        [(SET_COOKIE, session_cookie_header(state, &token, ttl_secs))],
        Redirect::to(to),
    )
        .into_response())
}

pub async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(form): Form<LoginForm>,
) -> Result<Response> {
    let ip_key = format!("login-ip:{}", peer.ip());
    let user_key = format!("login-user:{}", form.username);
    let limited = state
        .auth_limiter
        .check(&ip_key)
        .and_then(|()| state.auth_limiter.check(&user_key));
    if limited.is_err() {
        let page = LoginPage {
            error: Some("Too many failed attempts. Wait a minute and try again.".into()),
            username: form.username,
            no_users: false,
        };
        return Ok(render_with(StatusCode::TOO_MANY_REQUESTS, &page));
    }
    let user = store::users::find_by_name(&state.store, &form.username).await?;
    // Unknown names cost a hash check too, so timing does not reveal which names exist.
    let hash = user
        .as_ref()
        .map_or(DUMMY_HASH, |u| u.password_hash.as_str());
    let verified = state.passwords.verify(&form.password, hash).await?;
    match user {
        Some(user) if verified => start_session(&state, user.id, "/dashboard").await,
        _ => {
            state.auth_limiter.record_failure(&ip_key);
            state.auth_limiter.record_failure(&user_key);
            let page = LoginPage {
                error: Some("Wrong user name or password.".into()),
                username: form.username,
                no_users: false,
            };
            Ok(render_with(StatusCode::UNAUTHORIZED, &page))
        }
    }
}

pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Result<Response> {
    if let Some(token) = session_cookie(&headers) {
        store::sessions::delete(&state.store, &tokens::hash(token)).await?;
    }
    let expired = format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
    Ok(([(SET_COOKIE, expired)], Redirect::to("/login")).into_response())
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

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    user: UserInfo,
    csrf_token: String,
    nav: &'static str,
    active_devices: usize,
    events: Vec<EventView>,
    base_url: String,
    needs: NeedsYou,
}

/// What waits for the user, on the home page.
struct NeedsYou {
    pending: i64,
    needs_you: i64,
    interviews: i64,
}

async fn needs_you(state: &AppState, user_id: i64) -> Result<NeedsYou> {
    let requests = store::agent_requests::count_by_state(&state.store, user_id).await?;
    let applications = store::applications::count_by_status(&state.store, user_id).await?;
    let count = |counts: &[(String, i64)], key: &str| {
        counts.iter().find(|(k, _)| k == key).map_or(0, |(_, n)| *n)
    };
    Ok(NeedsYou {
        pending: count(&requests, "pending"),
        needs_you: count(&requests, "needs_you"),
        interviews: count(&applications, "interviewing"),
    })
}

pub async fn home(State(state): State<AppState>, me: DashboardUser) -> Result<Response> {
    let devices = store::devices::list(&state.store, me.user.id).await?;
    let events = store::events::recent(&state.store, me.user.id, 5).await?;
    Ok(render(&HomePage {
        needs: needs_you(&state, me.user.id).await?,
        active_devices: devices.iter().filter(|d| d.revoked_at.is_none()).count(),
        events: events.into_iter().rev().map(Into::into).collect(),
        base_url: state.config.base_url().to_owned(),
        user: me.user,
        csrf_token: me.csrf_token,
        nav: "home",
    }))
}

pub struct CodeView {
    pub code: String,
    pub minutes: i64,
}

#[derive(Template)]
#[template(path = "devices.html")]
struct DevicesPage {
    user: UserInfo,
    csrf_token: String,
    nav: &'static str,
    devices: Vec<DeviceView>,
    code: Option<CodeView>,
    base_url: String,
}

async fn devices_page(
    state: &AppState,
    me: DashboardUser,
    code: Option<CodeView>,
) -> Result<Response> {
    let devices = store::devices::list(&state.store, me.user.id).await?;
    Ok(render(&DevicesPage {
        devices: devices
            .into_iter()
            .map(|d| DeviceInfo::from(d).into())
            .collect(),
        code,
        base_url: state.config.base_url().to_owned(),
        user: me.user,
        csrf_token: me.csrf_token,
        nav: "devices",
    }))
}

pub async fn devices(State(state): State<AppState>, me: DashboardUser) -> Result<Response> {
    devices_page(&state, me, None).await
}

pub async fn create_pairing_code(
    State(state): State<AppState>,
    me: DashboardUser,
) -> Result<Response> {
    let created = pairing::create_code(&state.store, me.user.id).await?;
    let code = CodeView {
        code: created.code,
        minutes: pairing::CODE_LIFETIME_MS / 60_000,
    };
    devices_page(&state, me, Some(code)).await
}

pub async fn revoke_device(
    State(state): State<AppState>,
    me: DashboardUser,
    Path(id): Path<String>,
) -> Result<Response> {
    pairing::revoke_device(&state.store, &state.bus, me.user.id, &id).await?;
    Ok(Redirect::to("/dashboard/devices").into_response())
}

#[derive(Template)]
#[template(path = "activity.html")]
struct ActivityPage {
    user: UserInfo,
    csrf_token: String,
    nav: &'static str,
    events: Vec<EventView>,
    last_id: i64,
}

pub async fn activity(State(state): State<AppState>, me: DashboardUser) -> Result<Response> {
    let events = store::events::recent(&state.store, me.user.id, 50).await?;
    let last_id = events.last().map_or(0, |e| e.id);
    Ok(render(&ActivityPage {
        events: events.into_iter().rev().map(Into::into).collect(),
        last_id,
        user: me.user,
        csrf_token: me.csrf_token,
        nav: "activity",
    }))
}

#[derive(Deserialize)]
pub struct TestEventForm {
    #[serde(default)]
    message: String,
}

/// Lets a person check that their devices receive events.
pub async fn send_test_event(
    State(state): State<AppState>,
    me: DashboardUser,
    Form(form): Form<TestEventForm>,
) -> Result<Response> {
    let message: String = form.message.trim().chars().take(200).collect();
    let message = if message.is_empty() {
        "Hello from the dashboard".to_owned()
    } else {
        message
    };
    state
        .bus
        .emit(
            me.user.id,
            shared::events::TEST_PING,
            serde_json::json!({ "message": message }),
        )
        .await?;
    Ok(Redirect::to("/dashboard/activity").into_response())
}

pub async fn root() -> Redirect {
    Redirect::to("/dashboard")
}
