//! The home page, devices and pairing codes, and the activity log.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use shared::api::{AgentEvent, DeviceInfo, UserInfo};

use super::{DashboardUser, ago, render};
use crate::error::Result;
use crate::pairing;
use crate::state::AppState;
use crate::store::{self};

pub struct EventView {
    pub id: i64,
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
