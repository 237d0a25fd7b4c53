//! `/api/v1/events`: the user's event log as Server-Sent Events.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use shared::api::{AgentEvent, Problem};
use shared::events::DEVICE_REVOKED;
use tokio::sync::broadcast::error::RecvError;

use super::auth::Principal;
use crate::error::{Error, Result};
use crate::state::AppState;
use crate::store;

/// Events replayed to a client that brings no Last-Event-ID, so its list is not empty.
const RECENT: i64 = 20;
const BATCH: i64 = 500;
const SWEEP: Duration = Duration::from_secs(5);

/// An event as sent: the row plus the sentence clients show, so a page without the WASM
/// core reads the same text as the extension.
#[derive(serde::Serialize)]
struct WireEvent<'a> {
    #[serde(flatten)]
    event: &'a AgentEvent,
    text: String,
}

fn to_sse(event: &AgentEvent) -> Event {
    let wire = WireEvent {
        event,
        text: shared::events::describe(event),
    };
    Event::default()
        .id(event.id.to_string())
        .data(serde_json::to_string(&wire).unwrap_or_default())
}

fn revokes(event: &AgentEvent, device_id: Option<&str>) -> bool {
    event.kind == DEVICE_REVOKED
        && device_id
            .is_some_and(|id| event.payload.get("deviceId").and_then(|v| v.as_str()) == Some(id))
}

/// Stream the caller's events. With `Last-Event-ID`, everything after that id is replayed
/// first; without it, the last 20. Then live events follow, with keep-alive comments.
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
    let user_id = principal.user_id();
    let device_id = principal.device_id().map(str::to_owned);
    // Subscribe before reading the backlog so nothing falls between the two.
    let mut live = state.bus.subscribe();
    let first = match last_id {
        Some(id) => store::events::after(&state.store, user_id, id, BATCH).await?,
        None => store::events::recent(&state.store, user_id, RECENT).await?,
    };
    // A Last-Event-ID beyond the log (another server's, or made up) must not hide the
    // events still to come.
    let start = match last_id {
        Some(id) => id.min(store::events::max_id(&state.store).await?),
        None => 0,
    };
    let store = state.store.clone();
    let mut shutdown = state.shutdown.clone();
    let connections = metrics::gauge!("companion_sse_connections");
    let stream = async_stream::stream! {
        connections.increment(1.0);
        let mut cursor = start;
        let mut batch = first;
        // Replay: keep fetching while batches come back full.
        loop {
            let full = batch.len() as i64 == BATCH;
            for event in batch.drain(..) {
                cursor = cursor.max(event.id);
                yield Ok(to_sse(&event));
                if revokes(&event, device_id.as_deref()) {
                    connections.decrement(1.0);
                    return;
                }
            }
            if !full {
                break;
            }
            match store::events::after(&store, user_id, cursor, BATCH).await {
                Ok(next) => batch = next,
                Err(_) => break,
            }
        }
        // Rows written by another process on the same SQLite file (the CLI) have no
        // broadcast; a periodic look at the log picks them up.
        let mut sweep = tokio::time::interval(SWEEP);
        sweep.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        sweep.tick().await;
        loop {
            let pending: Vec<AgentEvent> = tokio::select! {
                _ = shutdown.changed() => break,
                _ = sweep.tick() => store::events::after(&store, user_id, cursor, BATCH).await.unwrap_or_default(),
                received = live.recv() => match received {
                    Ok(message) if message.user_id == user_id => {
                        vec![message.event.clone()]
                    }
                    Ok(_) => Vec::new(),
                    // Fell behind the broadcast: the log has everything.
                    Err(RecvError::Lagged(_)) => store::events::after(&store, user_id, cursor, BATCH)
                        .await
                        .unwrap_or_default(),
                    Err(RecvError::Closed) => break,
                },
            };
            for event in pending {
                // Ids only grow, so anything at or below the cursor was sent already (by
                // the replay, the sweep or the broadcast).
                if event.id <= cursor {
                    continue;
                }
                cursor = cursor.max(event.id);
                yield Ok(to_sse(&event));
                if revokes(&event, device_id.as_deref()) {
                    connections.decrement(1.0);
                    return;
                }
            }
        }
        connections.decrement(1.0);
    };
    let keepalive = Duration::from_secs(state.config.sse_keepalive_secs.max(1));
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(keepalive).text("keep-alive")))
}
