//! Liveness and readiness (no authentication, no user data) and Prometheus metrics (the
//! operator's token only: route names and counts tell how the companion is used).

use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};

use crate::auth::tokens;
use crate::error::{Error, Result};
use crate::http::auth::bearer_token;
use crate::state::AppState;

pub async fn healthz() -> &'static str {
    "ok"
}

/// Ready when the database answers.
pub async fn readyz(State(state): State<AppState>) -> Result<&'static str> {
    state.store.ping().await?;
    Ok("ready")
}

pub async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Result<Response> {
    let expected = &state.config.metrics_token;
    if expected.is_empty() {
        return Err(Error::NotFound);
    }
    let presented = bearer_token(&headers).ok_or(Error::Unauthorized)?;
    // Equal-length hashes: the comparison's time tells nothing about the token's length.
    if !tokens::constant_time_eq(&tokens::hash(presented), &tokens::hash(expected)) {
        return Err(Error::Unauthorized);
    }
    Ok((
        [(CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    )
        .into_response())
}
