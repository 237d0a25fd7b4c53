//! Event types of the per-user event log and the one-line text the popup and dashboard show.

use crate::api::AgentEvent;

pub const DEVICE_PAIRED: &str = "device.paired";
pub const DEVICE_REVOKED: &str = "device.revoked";
pub const PAIRING_CODE_CREATED: &str = "pairing.code_created";
pub const TEST_PING: &str = "test.ping";
pub const CREDENTIALS_UPDATED: &str = "credentials.updated";
pub const CREDENTIALS_REMOVED: &str = "credentials.removed";
pub const VAULT_ROTATED: &str = "vault.rotated";
pub const AGENT_PAUSED: &str = "agent.paused";
pub const AGENT_RESUMED: &str = "agent.resumed";

fn text_field<'a>(event: &'a AgentEvent, key: &str) -> &'a str {
    event
        .payload
        .get(key)
        .and_then(|v| v.as_str())
        .unwrap_or("")
}

/// A short sentence for an activity list. Unknown types still read sensibly, so an older
/// extension keeps working against a newer companion.
pub fn describe(event: &AgentEvent) -> String {
    match event.kind.as_str() {
        DEVICE_PAIRED => format!("Device paired: {}", text_field(event, "name")),
        DEVICE_REVOKED => format!("Device revoked: {}", text_field(event, "name")),
        PAIRING_CODE_CREATED => "A pairing code was created".to_owned(),
        CREDENTIALS_UPDATED => {
            let count = event
                .payload
                .get("count")
                .and_then(|v| v.as_u64())
                .unwrap_or(0);
            let plural = if count == 1 { "" } else { "s" };
            format!(
                "{} connected ({count} session cookie{plural})",
                text_field(event, "name")
            )
        }
        CREDENTIALS_REMOVED => format!("{} disconnected", text_field(event, "platform")),
        VAULT_ROTATED => "The vault key was rotated".to_owned(),
        AGENT_PAUSED => "Agent paused: applications wait until you resume".to_owned(),
        AGENT_RESUMED => "Agent resumed".to_owned(),
        TEST_PING => {
            let message = text_field(event, "message");
            if message.is_empty() {
                "Test event from the dashboard".to_owned()
            } else {
                message.to_owned()
            }
        }
        other => match event.payload.get("message").and_then(|v| v.as_str()) {
            Some(message) => message.to_owned(),
            None => other.replace(['.', '_'], " "),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(kind: &str, payload: serde_json::Value) -> AgentEvent {
        AgentEvent {
            id: 1,
            kind: kind.to_owned(),
            payload,
            created_at: 0,
        }
    }

    #[test]
    fn describes_known_and_unknown_events() {
        assert_eq!(
            describe(&event(DEVICE_PAIRED, json!({"name": "Firefox"}))),
            "Device paired: Firefox"
        );
        assert_eq!(
            describe(&event(TEST_PING, json!({"message": "hello"}))),
            "hello"
        );
        assert_eq!(describe(&event(AGENT_RESUMED, json!({}))), "Agent resumed");
        assert_eq!(describe(&event("job.progress", json!({}))), "job progress");
        assert_eq!(
            describe(&event("job.progress", json!({"message": "50%"}))),
            "50%"
        );
    }
}
