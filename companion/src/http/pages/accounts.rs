//! The dashboard's Connected Accounts page. Pasted cookies are sealed by the page itself
//! with the extension's WASM core; the server only ever receives an envelope.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};
use shared::api::{CredentialInfo, UserInfo};
use shared::cookies::{KNOWN_PLATFORMS, Platform};

use super::{DashboardUser, render};
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::store::now_ms;

/// The only files served from the WASM folder.
const WASM_FILES: [(&str, &str); 2] = [
    ("extension_core.js", "text/javascript; charset=utf-8"),
    ("extension_core_bg.wasm", "application/wasm"),
];

pub struct AccountView {
    pub platform: String,
    pub name: String,
    pub count: usize,
    pub names: String,
    pub expiry: String,
    pub expired: bool,
    pub updated: String,
}

/// "expires in 2 days" for people; session-only jars have no expiry.
pub fn expiry_text(earliest_expiry: Option<i64>) -> (String, bool) {
    let Some(at) = earliest_expiry else {
        return ("session cookies (no expiry)".into(), false);
    };
    let secs = at - now_ms() / 1000;
    let text = match secs {
        s if s <= 0 => return ("expired".into(), true),
        s if s < 3600 => "expires within the hour".to_owned(),
        s if s < 86_400 => format!("expires in {} h", s / 3600),
        s => format!("expires in {} days", s / 86_400),
    };
    (text, false)
}

impl From<CredentialInfo> for AccountView {
    fn from(info: CredentialInfo) -> Self {
        let (expiry, expired) = expiry_text(info.metadata.earliest_expiry);
        AccountView {
            platform: info.platform,
            name: info.platform_name,
            count: info.metadata.count,
            names: info.metadata.names.join(", "),
            expiry,
            expired,
            updated: super::ago(info.updated_at),
        }
    }
}

pub struct PlatformOption {
    pub id: String,
    pub name: String,
}

#[derive(Template)]
#[template(path = "accounts.html")]
struct AccountsPage {
    user: UserInfo,
    csrf_token: String,
    nav: &'static str,
    accounts: Vec<AccountView>,
    platforms: Vec<PlatformOption>,
    identity_key: String,
    sealing_available: bool,
}

pub async fn page(State(state): State<AppState>, me: DashboardUser) -> Result<Response> {
    let accounts = state.vault.list(me.user.id).await?;
    let platforms = KNOWN_PLATFORMS
        .iter()
        .filter_map(|id| Platform::lookup(id).ok())
        .map(|p| PlatformOption {
            id: p.id,
            name: p.name,
        })
        .collect();
    Ok(render(&AccountsPage {
        accounts: accounts.into_iter().map(Into::into).collect(),
        platforms,
        identity_key: state.identity.info().public_key,
        sealing_available: WASM_FILES
            .iter()
            .all(|(file, _)| state.config.wasm_dir.join(file).is_file()),
        user: me.user,
        csrf_token: me.csrf_token,
        nav: "accounts",
    }))
}

pub async fn disconnect(
    State(state): State<AppState>,
    me: DashboardUser,
    Path(platform): Path<String>,
) -> Result<Response> {
    state
        .vault
        .remove(&state.bus, me.user.id, &platform)
        .await?;
    Ok(Redirect::to("/dashboard/accounts").into_response())
}

pub async fn wasm_file(
    State(state): State<AppState>,
    Path(file): Path<String>,
) -> Result<Response> {
    let (name, content_type) = WASM_FILES
        .iter()
        .find(|(name, _)| *name == file)
        .ok_or(Error::NotFound)?;
    let bytes = tokio::fs::read(state.config.wasm_dir.join(name))
        .await
        .map_err(|_| Error::NotFound)?;
    Ok((
        StatusCode::OK,
        [(CONTENT_TYPE, *content_type), (CACHE_CONTROL, "no-cache")],
        bytes,
    )
        .into_response())
}
