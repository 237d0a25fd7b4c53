//! Walks every operation of openapi.json as user B against user A's data, with B's device
//! token and with B's dashboard cookie. An operation without a case here fails the test, so
//! new routes must state how they are scoped.

use reqwest::{Method, Response};
use shared::api::PairResponse;

use crate::cross_user_seed::{assert_alice_untouched, seed_alice};
use crate::helpers::{Browser, TestApp, read_sse_until};

struct Caller<'a> {
    label: &'static str,
    client: reqwest::Client,
    browser: Option<&'a Browser>,
}

impl Caller<'_> {
    fn request(&self, method: Method, url: &str) -> reqwest::RequestBuilder {
        match self.browser {
            Some(browser) => browser.write(method, url),
            None => self.client.request(method, url),
        }
    }
}

/// A's identifiers must not show up in anything B receives.
fn assert_no_trace_of(alice: &PairResponse, body: &str, context: &str) {
    assert!(
        !body.contains(&alice.device.id),
        "{context}: A's device id leaked: {body}"
    );
    assert!(
        !body.contains("\"alice\""),
        "{context}: A's name leaked: {body}"
    );
}

async fn body(response: Response) -> (u16, String) {
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

#[tokio::test]
async fn user_b_cannot_reach_user_a_through_any_operation() {
    let app = TestApp::spawn().await;
    let seeded = seed_alice(&app).await;
    let bob_user = app.create_user("bob").await;
    let alice = &seeded.device;
    let alice_envelope = &seeded.envelope;
    let alice_key_id = &seeded.key_id;
    let alice_job = seeded.job;
    let alice_profile = &seeded.profile;
    let alice_request = &seeded.request;
    let alice_application = &seeded.application;
    let alice_intake = &seeded.intake;
    let alice_mail = &seeded.mail;
    let bob = app.pair(bob_user.id, "Bob's Firefox").await;
    let bob_browser = app.login("bob").await;

    let spec = app.openapi().await;
    let mut operations = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("path item").keys() {
            operations.push((method.to_uppercase(), path.clone()));
        }
    }
    assert!(operations.len() >= 6, "{operations:?}");

    let callers = [
        Caller {
            label: "B's token",
            client: app.device_client(&bob.token),
            browser: None,
        },
        Caller {
            label: "B's cookie",
            client: bob_browser.client.clone(),
            browser: Some(&bob_browser),
        },
    ];
    for caller in &callers {
        for (method, path) in &operations {
            let context = format!("{} {method} {path}", caller.label);
            let url = app.url(
                &path
                    .replace("{id}", &alice.device.id)
                    .replace("{platform}", "linkedin")
                    .replace("{job_id}", &alice_job.to_string())
                    .replace("{answer_id}", &alice_profile.free_answer_id.to_string())
                    .replace("{request_id}", &alice_request.to_string())
                    .replace("{artifact_id}", &seeded.artifact.to_string())
                    .replace("{application_id}", &alice_application["id"].to_string())
                    .replace("{posting_id}", &alice_intake.posting_id.to_string())
                    .replace("{watch_id}", &alice_intake.watch_id.to_string())
                    .replace("{mail_id}", &alice_mail.to_string())
                    .replace("{secret}", "bobs-guess"),
            );
            let method = Method::from_bytes(method.as_bytes()).expect("method");
            match (method.as_str(), path.as_str()) {
                // Redeeming a code is not scoped to a caller: the code itself names the user.
                ("POST", "/api/v1/pair") => {
                    let (status, text) = body(
                        caller
                            .request(method, &url)
                            .json(
                                &serde_json::json!({"code": "0000-00000-00000", "deviceName": "x"}),
                            )
                            .send()
                            .await
                            .expect("request"),
                    )
                    .await;
                    assert_eq!(status, 401, "{context}");
                    assert_no_trace_of(alice, &text, &context);
                }
                ("GET", "/api/v1/me") => {
                    let (status, text) =
                        body(caller.request(method, &url).send().await.expect("request")).await;
                    assert_eq!(status, 200, "{context}");
                    assert!(text.contains("\"bob\""), "{context}: {text}");
                    assert_no_trace_of(alice, &text, &context);
                }
                ("GET", "/api/v1/devices") | ("POST", "/api/v1/pairing-codes") => {
                    let (status, text) =
                        body(caller.request(method, &url).send().await.expect("request")).await;
                    let expected = if caller.browser.is_some() { 200 } else { 403 };
                    assert_eq!(status, expected, "{context}");
                    assert_no_trace_of(alice, &text, &context);
                }
                ("DELETE", "/api/v1/devices/{id}") => {
                    let (status, text) =
                        body(caller.request(method, &url).send().await.expect("request")).await;
                    let expected = if caller.browser.is_some() { 404 } else { 403 };
                    assert_eq!(status, expected, "{context}");
                    assert_no_trace_of(alice, &text, &context);
                }
                ("GET", "/api/v1/events") => {
                    // From B's first event: B's own jobs (a request's form plan) may have
                    // pushed B's pairing out of the last twenty.
                    let response = caller
                        .request(method, &url)
                        .header("last-event-id", "0")
                        .send()
                        .await
                        .expect("request");
                    assert_eq!(response.status(), 200, "{context}");
                    // B's own replay holds B's pairing; A's events must not be in it.
                    let text = read_sse_until(response, |t| t.contains(&bob.device.id)).await;
                    assert_no_trace_of(alice, &text, &context);
                    assert!(!text.contains("for alice only"), "{context}: {text}");
                }
                ("GET", "/api/v1/vault/public-key")
                | ("GET", "/api/v1/credentials")
                | ("GET", "/api/v1/platforms") => {
                    let (status, text) =
                        body(caller.request(method, &url).send().await.expect("request")).await;
                    assert_eq!(status, 200, "{context}");
                    assert!(
                        !text.contains(alice_key_id.as_str()),
                        "{context}: A's vault key leaked"
                    );
                    assert_no_trace_of(alice, &text, &context);
                }
                ("PUT", "/api/v1/credentials/{platform}") => {
                    let request = caller
                        .request(method, &url)
                        .json(&serde_json::json!({"envelope": alice_envelope}));
                    let (status, text) = body(request.send().await.expect("request")).await;
                    assert_eq!(status, 400, "{context}: A's jar must not be accepted for B");
                    assert_no_trace_of(alice, &text, &context);
                }
                ("DELETE", "/api/v1/credentials/{platform}") => {
                    let (status, text) =
                        body(caller.request(method, &url).send().await.expect("request")).await;
                    assert_eq!(status, 404, "{context}");
                    assert_no_trace_of(alice, &text, &context);
                }
                ("GET", "/api/v1/jobs") => {
                    let (status, text) =
                        body(caller.request(method, &url).send().await.expect("request")).await;
                    assert_eq!(status, 200, "{context}");
                    // B may have jobs of its own (a watchlist poll), never A's.
                    let jobs: Vec<serde_json::Value> =
                        serde_json::from_str(&text).expect("job list");
                    assert!(
                        jobs.iter().all(|job| job["id"] != alice_job),
                        "{context}: B sees only B's jobs: {text}"
                    );
                }
                ("GET", "/api/v1/jobs/{job_id}")
                | ("POST", "/api/v1/jobs/{job_id}/cancel")
                | ("POST", "/api/v1/jobs/{job_id}/retry") => {
                    let (status, text) =
                        body(caller.request(method, &url).send().await.expect("request")).await;
                    assert_eq!(status, 404, "{context}");
                    assert_no_trace_of(alice, &text, &context);
                }
                ("GET", "/api/v1/account/export") => {
                    let response = caller.request(method, &url).send().await.expect("request");
                    assert_eq!(response.status(), 200, "{context}");
                    let bytes = response.bytes().await.expect("archive");
                    let text: String = crate::account::archive_entries(&bytes)
                        .into_iter()
                        .map(|(_, text)| text)
                        .collect();
                    assert!(text.contains("\"bob\""), "{context}: B's own export");
                    assert_no_trace_of(alice, &text, &context);
                    assert!(!text.contains("for alice only"), "{context}");
                }
                ("DELETE", "/api/v1/account") => {
                    let request = caller.request(method, &url).json(
                        &serde_json::json!({"confirmName": "alice", "password": crate::helpers::PASSWORD}),
                    );
                    let (status, text) = body(request.send().await.expect("request")).await;
                    assert_eq!(status, 400, "{context}: B cannot name A's account");
                    assert_no_trace_of(alice, &text, &context);
                }
                ("GET", "/api/v1/agent") => {
                    let (status, text) =
                        body(caller.request(method, &url).send().await.expect("request")).await;
                    assert_eq!(status, 200, "{context}");
                    assert!(text.contains("\"paused\":false"), "{context}: {text}");
                    assert!(!text.contains("workday"), "{context}: A's limits leaked");
                }
                ("PUT", "/api/v1/agent") => {
                    let request = caller
                        .request(method, &url)
                        .json(&serde_json::json!({"paused": false, "limits": []}));
                    let (status, text) = body(request.send().await.expect("request")).await;
                    assert_eq!(status, 200, "{context}");
                    assert!(!text.contains("workday"), "{context}: A's limits leaked");
                }
                (_, path) if path.starts_with("/api/v1/profile") => {
                    let request = crate::profile::cross_user_request(
                        caller.request(method.clone(), &url),
                        method.as_str(),
                        path,
                    );
                    let (status, text) = body(request.send().await.expect("request")).await;
                    crate::profile::assert_cross_user_answer(
                        method.as_str(),
                        path,
                        status,
                        &text,
                        &context,
                    );
                    assert_no_trace_of(alice, &text, &context);
                }
                ("GET", "/api/v1/agent-requests") | ("GET", "/api/v1/applications") => {
                    let (status, text) =
                        body(caller.request(method, &url).send().await.expect("request")).await;
                    assert_eq!(status, 200, "{context}");
                    // B's own (created by the POST cases, and by B's postings that pass
                    // the match step) may be there; A's never.
                    assert!(!text.contains("Alice Corp"), "{context}: {text}");
                    let rows: serde_json::Value = serde_json::from_str(&text).expect("json");
                    let ids: Vec<&serde_json::Value> = rows
                        .as_array()
                        .expect("list")
                        .iter()
                        .map(|r| &r["id"])
                        .collect();
                    let alice_row = if path.ends_with("agent-requests") {
                        alice_request
                    } else {
                        &alice_application["id"]
                    };
                    assert!(!ids.contains(&alice_row), "{context}: {text}");
                }
                ("POST", "/api/v1/agent-requests") | ("POST", "/api/v1/applications") => {
                    // Creating is scoped by construction: the new row is B's, never A's.
                    let request = caller.request(method, &url).json(&serde_json::json!({
                        "jobUrl": "https://jobs.example.com/bob", "company": "Bob Inc", "title": "Bob's job"
                    }));
                    let (status, text) = body(request.send().await.expect("request")).await;
                    assert_eq!(status, 201, "{context}: {text}");
                    assert!(!text.contains("Alice"), "{context}: {text}");
                }
                ("GET", "/api/v1/agent-requests/{request_id}")
                | ("GET", "/api/v1/agent-requests/{request_id}/artifacts")
                | ("GET", "/api/v1/agent-requests/{request_id}/artifacts/{artifact_id}")
                | ("GET", "/api/v1/applications/{application_id}")
                | ("GET", "/api/v1/applications/{application_id}/timeline") => {
                    let (status, text) =
                        body(caller.request(method, &url).send().await.expect("request")).await;
                    assert_eq!(status, 404, "{context}");
                    assert!(!text.contains("Alice"), "{context}: {text}");
                }
                ("PUT", "/api/v1/agent-requests/{request_id}")
                | ("POST", "/api/v1/agent-requests/{request_id}/approve")
                | ("POST", "/api/v1/agent-requests/{request_id}/decline")
                | ("POST", "/api/v1/agent-requests/{request_id}/mark-submitted")
                | ("POST", "/api/v1/agent-requests/{request_id}/submit")
                | ("POST", "/api/v1/applications/{application_id}/status") => {
                    let request = caller.request(method, &url).json(&serde_json::json!({
                        "version": 1, "answers": [], "status": "offer"
                    }));
                    let (status, text) = body(request.send().await.expect("request")).await;
                    assert_eq!(status, 404, "{context}");
                    assert!(!text.contains("Alice"), "{context}: {text}");
                }
                (method_name, path)
                    if path.starts_with("/api/v1/postings")
                        || path.starts_with("/api/v1/watchlist")
                        || path == "/api/v1/settings/intake" =>
                {
                    let method_name = method_name.to_owned();
                    crate::intake_cross_user::cross_user_case(
                        caller.request(method, &url),
                        &method_name,
                        path,
                        alice_intake,
                        &context,
                    )
                    .await;
                }
                ("GET", "/api/v1/mail") => {
                    let (status, text) =
                        body(caller.request(method, &url).send().await.expect("request")).await;
                    assert_eq!(status, 200, "{context}");
                    assert!(!text.contains("Alice Corp"), "{context}: {text}");
                }
                ("POST", "/api/v1/mail") => {
                    let request = caller
                        .request(method, &url)
                        .header("content-type", "message/rfc822")
                        .body("Subject: Bob's own mail\r\n\r\nhello\r\n");
                    let (status, text) = body(request.send().await.expect("request")).await;
                    assert!(matches!(status, 200 | 201), "{context}: {text}");
                    assert!(
                        !text.contains(&format!("\"id\":{alice_mail},")),
                        "{context}"
                    );
                }
                ("GET", "/api/v1/mail/{mail_id}") | ("POST", "/api/v1/mail/{mail_id}/classify") => {
                    let (status, text) =
                        body(caller.request(method, &url).send().await.expect("request")).await;
                    assert_eq!(status, 404, "{context}");
                    assert!(!text.contains("Alice"), "{context}: {text}");
                }
                // The secret in the URL is the only credential: B cannot guess A's.
                (_, path) if path.starts_with("/api/v1/inbound/") => {
                    let request = caller
                        .request(method, &url)
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body("email=Subject%3A+x%0D%0A%0D%0Ay");
                    let (status, text) = body(request.send().await.expect("request")).await;
                    assert_eq!(status, 401, "{context}: {text}");
                }
                _ => panic!("no cross-user case for {context}: add one to this test"),
            }
        }
    }

    assert_alice_untouched(&app, &seeded).await;
}
