//! `/api/v1/events`: the user's event log as Server-Sent Events.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::{Stream, StreamExt};
use shared::api::{AgentEvent, Problem, StreamEvent};

use crate::error::{Error, Result};
use crate::http::auth::Principal;
use crate::state::AppState;

fn to_sse(event: AgentEvent) -> Event {
    let id = event.id.to_string();
    Event::default()
        .id(id)
        .data(serde_json::to_string(&StreamEvent::from(event)).unwrap_or_default())
}

/// Stream the caller's events. With `Last-Event-ID`, everything after that id is replayed
/// first; without it, the last 20. Then live events follow, with keep-alive comments.
/// Event ids are the deduplication key: an id already seen is the same event again (after a
/// reconnect); an effect whose job ran again after a crash is not written twice.
#[utoipa::path(get, path = "/api/v1/events", tag = "events",
    params(("Last-Event-ID" = Option<i64>, Header, description = "Replay events after this id")),
    responses(
        (status = 200, description = "An endless text/event-stream; each `data:` is an AgentEvent", content_type = "text/event-stream", body = AgentEvent),
        (status = 400, description = "Malformed Last-Event-ID", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn stream(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let last_id = match headers.get("last-event-id") {
        Some(value) => Some(
            value
                .to_str()
                .ok()
                .and_then(|v| v.trim().parse::<i64>().ok())
                .ok_or_else(|| Error::BadRequest("Last-Event-ID must be an event id".into()))?,
        ),
        None => None,
    };
    let events = state
        .bus
        .user_stream(
            principal.user_id(),
            last_id,
            principal.device_id().map(str::to_owned),
            state.shutdown.clone(),
        )
        .await?;
    let stream = events.map(|event| Ok(to_sse(event)));
    let keepalive = Duration::from_secs(state.config.sse_keepalive_secs.max(1));
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(keepalive).text("keep-alive")))
}
