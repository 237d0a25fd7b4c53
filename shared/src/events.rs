//! Event types of the per-user event log and the one-line text the popup and dashboard show.

use crate::api::AgentEvent;

pub const DEVICE_PAIRED: &str = "device.paired";
pub const DEVICE_REVOKED: &str = "device.revoked";
pub const PAIRING_CODE_CREATED: &str = "pairing.code_created";
pub const TEST_PING: &str = "test.ping";
pub const CREDENTIALS_UPDATED: &str = "credentials.updated";
pub const CREDENTIALS_REMOVED: &str = "credentials.removed";
/// An apply found the stored session of a platform expired: the account needs a refresh.
pub const CREDENTIALS_REFRESH_NEEDED: &str = "credentials.refresh_needed";
pub const VAULT_ROTATED: &str = "vault.rotated";
pub const AGENT_PAUSED: &str = "agent.paused";
pub const AGENT_RESUMED: &str = "agent.resumed";
pub const PROFILE_UPDATED: &str = "profile.updated";
pub const AGENT_REQUEST_CREATED: &str = "agent_request.created";
pub const AGENT_REQUEST_UPDATED: &str = "agent_request.updated";
/// The user opened a request's magic link in the dashboard: the extension offers to open the
/// job and autofill it.
pub const AGENT_REQUEST_MAGIC_LINK_OPENED: &str = "agent_request.magic_link_opened";
pub const APPLICATION_CREATED: &str = "application.created";
pub const APPLICATION_UPDATED: &str = "application.updated";
/// A background job changed state: `{job_id, kind, state}`, with `failed: true` when an
/// attempt failed (then `queued` means it will be tried again, `dead` that it gave up).
pub const JOB_STATE: &str = "job.state";

/// "Mail from Acme (Data Engineer): rejection" from a stored message's payload.
fn mail_classified(event: &AgentEvent) -> String {
    if text_field(event, "parseState") == "unparseable" {
        return format!(
            "Mail kept but unreadable: {}",
            text_field(event, "parseError")
        );
    }
    let company = match text_field(event, "company") {
        "" => text_field(event, "fromAddress"),
        company => company,
    };
    let role = match text_field(event, "role") {
        "" => String::new(),
        role => format!(" ({role})"),
    };
    format!(
        "Mail from {company}{role}: {}",
        text_field(event, "category")
    )
}

/// "Google - Senior Engineer" from a request or application payload.
fn posting(event: &AgentEvent) -> String {
    format!(
        "{} - {}",
        text_field(event, "company"),
        text_field(event, "title")
    )
}

/// What a request's state means to the user.
fn request_state(state: &str) -> &str {
    match state {
        "pending" => "waiting for your approval",
        "approved" => "approved",
        "applying" => "applying now",
        "applied" => "applied",
        "needs_you" => "needs you: open the magic link",
        "failed" => "the apply failed",
        "declined" => "rejected",
        "expired" => "expired",
        other => other,
    }
}
/// A request's state in words, with the run's step while the agent applies and the reason
/// when it needs the user.
fn request_update(event: &AgentEvent) -> String {
    let state = text_field(event, "state");
    let nested = |outer: &str, inner: &str| {
        event
            .payload
            .get(outer)
            .and_then(|v| v.get(inner))
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    match (state, nested("progress", "text"), nested("reason", "text")) {
        ("applying", Some(step), _) => format!("Agent is applying now… {step}"),
        ("needs_you", _, Some(reason)) => format!("needs you: {reason}"),
        _ => request_state(state).to_owned(),
    }
}

/// What a kind of background job does, in words; none for a kind the user need not know.
fn job_words(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "forms.plan" => "Planning the application form",
        "apply" => "Applying for a job",
        "mail.classify" => "Reading a recruiting email",
        "intake.poll_boards" => "Checking your job boards for new postings",
        "agent_requests.expire" => "Closing requests that waited too long",
        _ => return None,
    })
}

/// "Reading a recruiting email: failed (will retry)"; "A background task finished" for a
/// kind without words. The payload has no posting: naming one would take a lookup.
fn job_state(event: &AgentEvent) -> String {
    let failed = event.payload.get("failed").and_then(|v| v.as_bool()) == Some(true);
    let (outcome, sentence) = match (text_field(event, "state"), failed) {
        ("succeeded", _) => ("done", "finished"),
        ("dead", _) => ("failed", "failed"),
        ("queued", true) => ("failed (will retry)", "failed (will retry)"),
        ("queued", false) => ("will run again", "will run again"),
        ("cancelled", _) => ("cancelled", "was cancelled"),
        ("running", _) => ("running", "is running"),
        _ => ("changed", "changed"),
    };
    match job_words(text_field(event, "kind")) {
        Some(words) => format!("{words}: {outcome}"),
        None => format!("A background task {sentence}"),
    }
}

pub const POSTING_SAVED: &str = "posting.saved";
pub const MAIL_CLASSIFIED: &str = "mail.classified";
pub const POSTING_MATCHED: &str = "posting.matched";

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
        CREDENTIALS_REFRESH_NEEDED => format!(
            "{}: the saved session expired; sign in there and refresh the account",
            text_field(event, "name")
        ),
        VAULT_ROTATED => "The vault key was rotated".to_owned(),
        AGENT_PAUSED => "Agent paused: applications wait until you resume".to_owned(),
        AGENT_RESUMED => "Agent resumed".to_owned(),
        PROFILE_UPDATED => match text_field(event, "part") {
            "resume" => "Resume updated".to_owned(),
            "answers" => "Answer bank updated".to_owned(),
            "free_answers" => "Free-text answers updated".to_owned(),
            "import" => "Profile imported".to_owned(),
            "resume_pdf" if event.payload.get("removed").is_some() => {
                "Resume PDF removed".to_owned()
            }
            "resume_pdf" => "Resume PDF uploaded".to_owned(),
            _ => "Profile updated".to_owned(),
        },
        AGENT_REQUEST_CREATED => {
            let percent = event
                .payload
                .get("confidence")
                .and_then(|v| v.as_f64())
                .unwrap_or(0.0)
                * 100.0;
            format!(
                "Action Agent wants to apply to {}. Confidence {percent:.0}%",
                posting(event)
            )
        }
        AGENT_REQUEST_UPDATED => format!("{}: {}", posting(event), request_update(event)),
        AGENT_REQUEST_MAGIC_LINK_OPENED => {
            format!("Magic link opened: {}", posting(event))
        }
        APPLICATION_CREATED => format!("Application recorded: {}", posting(event)),
        APPLICATION_UPDATED => format!("{}: now {}", posting(event), text_field(event, "status")),
        POSTING_SAVED => format!(
            "Posting saved: {} - {}",
            text_field(event, "company"),
            text_field(event, "title")
        ),
        POSTING_MATCHED => {
            let score = event
                .payload
                .get("score")
                .and_then(|v| v.as_f64())
                .unwrap_or(0.0);
            let verdict = if event.payload.get("passed").and_then(|v| v.as_bool()) == Some(true) {
                "passes your filters"
            } else {
                "filtered out"
            };
            format!(
                "{} - {} {verdict} (score {:.0}%)",
                text_field(event, "company"),
                text_field(event, "title"),
                score * 100.0
            )
        }
        MAIL_CLASSIFIED => mail_classified(event),
        JOB_STATE => job_state(event),
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
            describe(&event(PROFILE_UPDATED, json!({"part": "answers"}))),
            "Answer bank updated"
        );
        assert_eq!(
            describe(&event(
                AGENT_REQUEST_CREATED,
                json!({"company": "Google", "title": "Senior Engineer", "confidence": 0.92})
            )),
            "Action Agent wants to apply to Google - Senior Engineer. Confidence 92%"
        );
        assert_eq!(
            describe(&event(
                AGENT_REQUEST_UPDATED,
                json!({"company": "Google", "title": "SRE", "state": "needs_you"})
            )),
            "Google - SRE: needs you: open the magic link"
        );
        assert_eq!(
            describe(&event(
                AGENT_REQUEST_UPDATED,
                json!({"company": "Acme", "title": "SRE", "state": "applying",
                       "progress": {"step": "fill", "text": "filling 12 of 14 fields", "done": 12, "total": 14}})
            )),
            "Acme - SRE: Agent is applying now… filling 12 of 14 fields"
        );
        assert_eq!(
            describe(&event(
                POSTING_MATCHED,
                json!({"company": "Acme", "title": "Engineer", "passed": true, "score": 0.7})
            )),
            "Acme - Engineer passes your filters (score 70%)"
        );
        assert_eq!(
            describe(&event("job.progress", json!({"message": "50%"}))),
            "50%"
        );
        assert_eq!(
            describe(&event(
                AGENT_REQUEST_MAGIC_LINK_OPENED,
                json!({"company": "Acme", "title": "Engineer", "state": "needs_you"})
            )),
            "Magic link opened: Acme - Engineer"
        );
        assert_eq!(
            describe(&event(
                MAIL_CLASSIFIED,
                json!({"company": "Acme", "role": "Data Engineer", "category": "rejection"})
            )),
            "Mail from Acme (Data Engineer): rejection"
        );
        assert_eq!(
            describe(&event(
                MAIL_CLASSIFIED,
                json!({"parseState": "unparseable", "parseError": "the message is empty"})
            )),
            "Mail kept but unreadable: the message is empty"
        );
    }

    #[test]
    fn describes_job_states_in_words_without_job_kinds() {
        let job = |kind: &str, state: &str, failed: bool| {
            let mut payload = json!({"job_id": 7, "kind": kind, "state": state});
            if failed {
                payload["failed"] = json!(true);
            }
            describe(&event(JOB_STATE, payload))
        };
        assert_eq!(
            job("forms.plan", "succeeded", false),
            "Planning the application form: done"
        );
        assert_eq!(
            job("mail.classify", "queued", true),
            "Reading a recruiting email: failed (will retry)"
        );
        assert_eq!(job("apply", "dead", true), "Applying for a job: failed");
        assert_eq!(
            job("intake.poll_boards", "queued", false),
            "Checking your job boards for new postings: will run again"
        );
        assert_eq!(
            job("agent_requests.expire", "cancelled", false),
            "Closing requests that waited too long: cancelled"
        );
        assert_eq!(
            job("bench.noop", "succeeded", false),
            "A background task finished"
        );
        assert_eq!(job("", "dead", true), "A background task failed");
        for kind in ["forms.plan", "mail.classify", "intake.poll_boards", "x.y"] {
            for state in ["succeeded", "dead", "queued", "cancelled", "running", "odd"] {
                let text = job(kind, state, state == "dead");
                assert!(!text.contains(kind), "{kind} {state}: {text}");
            }
        }
    }
}
