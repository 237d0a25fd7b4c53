//! The live event stream (`GET /api/v1/events`).

use serde::{Deserialize, Serialize};

/// One row of the per-user event log, as sent in each SSE `data:` line.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AgentEvent {
    pub id: i64,
    #[serde(rename = "type")]
    pub kind: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub payload: serde_json::Value,
    /// Unix milliseconds.
    pub created_at: i64,
}

/// An event as the stream sends it: the row plus the sentence clients show, so a page
/// without the WASM core (the dashboard's scripts) reads the same text as the extension.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StreamEvent {
    #[serde(flatten)]
    pub event: AgentEvent,
    pub text: String,
}

impl From<AgentEvent> for StreamEvent {
    fn from(event: AgentEvent) -> Self {
        StreamEvent {
            text: crate::events::describe(&event),
            event,
        }
    }
}
