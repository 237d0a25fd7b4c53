//! The apply job with a stand-in browser (`apply_fake`): a request is submitted at most
//! once whatever happens (the submit ledger), dry runs are the default and end ready to
//! submit, Submit now sends a dry run back to the agent, progress is live on the event
//! stream, and a run's evidence is stored with its request.

use companion::apply::{Ending, Why};
use companion::store::{self, artifacts, submit_ledger};
use reqwest::Method;
use serde_json::{Value, json};

use crate::apply_fake::{Fake, PNG, Plan, run_applies, run_one, run_retry};
use crate::approvals::{Caller, user_with_device};
use crate::helpers::{TestApp, read_sse_until, sse_events};

/// A screenshot on `request`, as a run of `job` would leave it.
pub async fn seed_artifact(app: &TestApp, user_id: i64, request: &Value, job: i64) -> i64 {
    let request_id = request.as_i64().expect("request id");
    artifacts::insert_all(
        &app.state.store,
        &[artifacts::NewArtifact {
            user_id,
            request_id,
            job_id: job,
            attempt: 1,
            kind: artifacts::SCREENSHOT,
            name: "before submit",
            content_type: "image/png",
            bytes: PNG,
        }],
        store::now_ms(),
    )
    .await
    .expect("artifact");
    artifacts::list(&app.state.store, user_id, request_id)
        .await
        .expect("list")
        .last()
        .expect("stored")
        .id
}

pub async fn approved(caller: &Caller, url: &str, dry_run: Option<bool>) -> Value {
    let request = caller.propose(url, "Acme", "Engineer").await;
    let mut body = json!({});
    if let Some(dry_run) = dry_run {
        body["dryRun"] = json!(dry_run);
    }
    let (status, approved) = caller
        .call(
            Method::POST,
            &format!("/api/v1/agent-requests/{}/approve", request["id"]),
            Some(body),
        )
        .await;
    assert_eq!(status, 200, "{approved}");
    approved
}

async fn get(caller: &Caller, id: &Value) -> Value {
    let (status, request) = caller
        .call(Method::GET, &format!("/api/v1/agent-requests/{id}"), None)
        .await;
    assert_eq!(status, 200);
    request
}

#[tokio::test]
async fn a_real_run_submits_once_and_leaves_its_evidence() {
    let app = TestApp::spawn_with(|config| config.workers = 0).await;
    let (alice_id, alice) = user_with_device(&app, "alice").await;
    let request = approved(&alice, "https://jobs.example.com/acme/1", Some(false)).await;
    assert_eq!(request["dryRun"], false);
    let fake = Fake::new(Plan::Form);
    assert_eq!(run_applies(&app, &fake).await, 1);
    assert_eq!(fake.clicks(), 1);
    let id = &request["id"];
    let done = get(&alice, id).await;
    assert_eq!(done["state"], "applied", "{done}");
    let (_, application) = alice
        .call(
            Method::GET,
            &format!("/api/v1/applications/{}", done["applicationId"]),
            None,
        )
        .await;
    assert_eq!(application["source"], "agent");

    let ledger = submit_ledger::live(
        &app.state.store,
        alice_id,
        "https://jobs.example.com/acme/1",
    )
    .await
    .expect("ledger")
    .expect("a row");
    assert_eq!(
        (
            ledger.state.as_str(),
            ledger.submitted_by.as_str(),
            ledger.attempt
        ),
        ("submitted", "agent", Some(1))
    );

    let (status, listed) = alice
        .call(
            Method::GET,
            &format!("/api/v1/agent-requests/{id}/artifacts"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let kinds: Vec<&str> = listed
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|a| a["kind"].as_str())
        .collect();
    assert_eq!(kinds, ["screenshot", "log", "final_url"]);
    assert!(
        listed[0].get("bytes").is_none(),
        "the list carries no bytes"
    );
    assert_eq!(listed[0]["size"], PNG.len());
    let artifact = |index: usize| {
        let path = format!(
            "/api/v1/agent-requests/{id}/artifacts/{}",
            listed[index]["id"]
        );
        alice.client.get(app.url(&path)).send()
    };
    let shot = artifact(0).await.expect("shot");
    assert_eq!(shot.status(), 200);
    let header = |name: &str| shot.headers()[name].to_str().expect("header").to_owned();
    assert_eq!(header("content-type"), "image/png");
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert!(header("cache-control").starts_with("private"));
    assert_eq!(shot.bytes().await.expect("bytes").as_ref(), PNG);
    let log = artifact(1).await.expect("log");
    assert!(log.text().await.expect("text").contains("filled 3 fields"));

    // Nothing submits it again: not another run, not the magic link.
    let (status, _) = alice.act(id, "mark-submitted", None).await;
    assert_eq!(
        status, 409,
        "marking an applied request submitted is refused"
    );
    let again = approved(
        &alice,
        "https://jobs.example.com/acme/1?utm_source=x",
        Some(false),
    )
    .await;
    run_applies(&app, &fake).await;
    assert_eq!(
        fake.clicks(),
        1,
        "a second approval of the posting does not submit"
    );
    assert_eq!(get(&alice, &again["id"]).await["state"], "applied");
}

#[tokio::test]
async fn a_second_submitting_for_a_posting_is_refused() {
    let app = TestApp::spawn_with(|config| config.workers = 0).await;
    let (alice_id, alice) = user_with_device(&app, "alice").await;
    let url = "https://jobs.example.com/acme/2";
    let first = approved(&alice, url, Some(false)).await;
    let second = approved(&alice, url, Some(false)).await;
    let store = &app.state.store;
    let job = store::jobs::claim(store, "elsewhere", &["apply"], 60_000, store::now_ms())
        .await
        .expect("claim")
        .expect("an apply job");
    for request in [&first, &second] {
        let id = request["id"].as_i64().expect("id");
        companion::approvals::runs::start(&app.state, alice_id, id)
            .await
            .expect("start")
            .expect("applying");
    }
    let start = |request: &Value| submit_ledger::Start {
        user_id: alice_id,
        request_id: request["id"].as_i64().expect("id"),
        canonical_url: url,
        job_id: job.id,
        attempt: job.attempt,
    };
    let now = store::now_ms();
    let row = submit_ledger::begin(store, &start(&first), now)
        .await
        .expect("begin");
    assert!(row.is_some(), "the first click is recorded");
    for (request, what) in [(&first, "the same request"), (&second, "another request")] {
        let refused = submit_ledger::begin(store, &start(request), now)
            .await
            .expect("begin");
        assert_eq!(refused, None, "{what} cannot click the posting again");
    }
    // A run whose job moved on (another attempt) cannot click either.
    let stale = submit_ledger::Start {
        attempt: job.attempt + 1,
        ..start(&second)
    };
    assert_eq!(
        submit_ledger::begin(store, &stale, now)
            .await
            .expect("begin"),
        None
    );
    // Errors after the click free the posting: the form was refused, nothing went out.
    let row = row.expect("row");
    assert!(
        submit_ledger::settle(store, row, submit_ledger::FORM_ERRORS, now)
            .await
            .expect("settle")
    );
    assert!(
        !submit_ledger::settle(store, row, submit_ledger::SUBMITTED, now)
            .await
            .expect("settle")
    );
    assert!(
        submit_ledger::begin(store, &start(&second), now)
            .await
            .expect("begin")
            .is_some()
    );
}

#[tokio::test]
async fn a_run_finding_an_open_submitting_row_hands_over_without_a_browser() {
    let app = TestApp::spawn_with(|config| config.workers = 0).await;
    let (alice_id, alice) = user_with_device(&app, "alice").await;
    let request = approved(&alice, "https://jobs.example.com/acme/3", Some(false)).await;
    let fake = Fake::new(Plan::DieAfterSubmitting);
    assert!(
        run_one(&app, &fake).await,
        "the run died after `submitting`"
    );
    let id = &request["id"];
    assert_eq!(get(&alice, id).await["state"], "applying");
    fake.set(Plan::Form);
    run_retry(&app, &fake).await;
    assert_eq!(fake.runs(), 1, "the retry opened no browser");
    assert_eq!(fake.clicks(), 0);
    let handed = get(&alice, id).await;
    assert_eq!(handed["state"], "needs_you", "{handed}");
    assert_eq!(handed["reason"]["code"], "may_have_been_submitted");
    assert!(
        handed["reason"]["text"]
            .as_str()
            .unwrap_or_default()
            .contains("check the site before you submit again")
    );
    let (status, _) = alice.act(id, "submit", None).await;
    assert_eq!(status, 409, "Submit now only after a dry run");
    // The user checked: it went out. The ledger row is theirs now.
    let (status, applied) = alice.act(id, "mark-submitted", None).await;
    assert_eq!(status, 200, "{applied}");
    let row = submit_ledger::live(
        &app.state.store,
        alice_id,
        "https://jobs.example.com/acme/3",
    )
    .await
    .expect("ledger")
    .expect("row");
    assert_eq!(
        (row.state.as_str(), row.submitted_by.as_str()),
        ("submitted", "you")
    );
}

#[tokio::test]
async fn a_dry_run_is_ready_to_submit_and_submit_now_submits_it_once() {
    let app = TestApp::spawn_with(|config| config.workers = 0).await;
    let (_, alice) = user_with_device(&app, "alice").await;
    let request = approved(&alice, "https://jobs.example.com/acme/4", None).await;
    assert_eq!(request["dryRun"], true, "dry runs are the default");
    let id = &request["id"];
    let path = format!("/api/v1/agent-requests/{id}/submit");
    let submit = |version: Option<&Value>| {
        let body = version.map_or_else(|| json!({}), |v| json!({"version": v}));
        alice.call(Method::POST, &path, Some(body))
    };
    let (status, _) = submit(None).await;
    assert_eq!(status, 409, "an approved request is not ready to submit");
    let fake = Fake::new(Plan::Form);
    run_applies(&app, &fake).await;
    assert_eq!(fake.clicks(), 0, "a dry run clicks nothing");
    let ready = get(&alice, id).await;
    assert_eq!(ready["state"], "needs_you");
    assert_eq!(ready["reason"]["code"], "ready_to_submit");
    assert!(
        ready.get("progress").is_none(),
        "progress ends with the run"
    );
    let (status, problem) = submit(Some(&json!(1))).await;
    assert_eq!(status, 409, "a stale version: {problem}");
    let (status, queued) = submit(Some(&ready["version"])).await;
    assert_eq!(status, 200, "{queued}");
    assert_eq!(
        (queued["state"].as_str(), queued["dryRun"].as_bool()),
        (Some("approved"), Some(false))
    );
    let (status, _) = submit(Some(&ready["version"])).await;
    assert_eq!(status, 409, "a second click queues nothing");
    assert_eq!(run_applies(&app, &fake).await, 1);
    assert_eq!(fake.clicks(), 1);
    assert_eq!(*fake.submits.lock().expect("submits"), [false, true]);
    assert_eq!(get(&alice, id).await["state"], "applied");
    let (status, _) = submit(None).await;
    assert_eq!(status, 409, "an applied request is not submitted again");
}

#[tokio::test]
async fn a_burst_of_submit_now_clicks_queues_one_run_and_one_click() {
    let app = TestApp::spawn_with(|config| config.workers = 0).await;
    let (_, alice) = user_with_device(&app, "alice").await;
    let request = approved(&alice, "https://jobs.example.com/acme/9", None).await;
    let id = &request["id"];
    let fake = Fake::new(Plan::Form);
    run_applies(&app, &fake).await;
    let ready = get(&alice, id).await;
    assert_eq!(ready["reason"]["code"], "ready_to_submit");
    let path = format!("/api/v1/agent-requests/{id}/submit");
    let body = json!({"version": ready["version"]});
    let clicks = (0..10).map(|_| alice.call(Method::POST, &path, Some(body.clone())));
    let statuses: Vec<u16> = futures_util::future::join_all(clicks)
        .await
        .into_iter()
        .map(|(status, _)| status)
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 409),
        "{statuses:?}"
    );
    assert_eq!(run_applies(&app, &fake).await, 1);
    assert_eq!(fake.clicks(), 1);
    assert_eq!(get(&alice, id).await["state"], "applied");
}

#[tokio::test]
async fn the_dry_run_setting_is_the_approvals_default() {
    let app = TestApp::spawn_with(|config| config.workers = 0).await;
    let (_, alice) = user_with_device(&app, "alice").await;
    let (_, settings) = alice.call(Method::GET, "/api/v1/agent", None).await;
    assert_eq!(settings["dryRun"], true, "on until turned off");
    let overridden = approved(&alice, "https://jobs.example.com/a", Some(false)).await;
    assert_eq!(overridden["dryRun"], false);
    let (status, settings) = alice
        .call(Method::PUT, "/api/v1/agent", Some(json!({"dryRun": false})))
        .await;
    assert_eq!(status, 200);
    assert_eq!(settings["dryRun"], false);
    assert_eq!(
        approved(&alice, "https://jobs.example.com/b", None).await["dryRun"],
        false
    );
    assert_eq!(
        approved(&alice, "https://jobs.example.com/c", Some(true)).await["dryRun"],
        true
    );
}

#[tokio::test]
async fn progress_arrives_on_the_event_stream_in_order() {
    let app = TestApp::spawn_with(|config| config.workers = 0).await;
    let (_, alice) = user_with_device(&app, "alice").await;
    let request = approved(&alice, "https://jobs.example.com/acme/5", None).await;
    run_applies(&app, &Fake::new(Plan::Form)).await;
    let response = alice
        .client
        .get(app.url("/api/v1/events"))
        .send()
        .await
        .expect("stream");
    let text = read_sse_until(response, |t| t.contains("ready_to_submit")).await;
    let states: Vec<(String, Option<u64>)> = sse_events(&text)
        .iter()
        .filter(|e| e["type"] == "agent_request.updated" && e["payload"]["id"] == request["id"])
        .map(|e| {
            let card = &e["payload"];
            (
                card["state"].as_str().unwrap_or_default().to_owned(),
                card["progress"]["done"].as_u64(),
            )
        })
        .collect();
    let expected: Vec<(String, Option<u64>)> = [
        ("approved", None),
        ("applying", None),
        ("applying", Some(1)),
        ("applying", Some(2)),
        ("applying", Some(3)),
        ("needs_you", None),
    ]
    .iter()
    .map(|(s, d)| ((*s).to_owned(), *d))
    .collect();
    assert_eq!(states, expected);
    let step = sse_events(&text)
        .into_iter()
        .find(|e| e["payload"]["progress"]["done"] == 2)
        .expect("a step");
    assert_eq!(
        step["text"],
        "Acme - Engineer: Agent is applying now… filling 2 of 3 fields"
    );
}

#[tokio::test]
async fn an_expired_session_hands_over_and_flags_the_account() {
    let app = TestApp::spawn_with(|config| config.workers = 0).await;
    let (alice_id, alice) = user_with_device(&app, "alice").await;
    let envelope = crate::vault::seal_for(&app, &alice.client, alice_id, "li_at=old-session").await;
    let stored = alice
        .client
        .put(app.url("/api/v1/credentials/linkedin"))
        .json(&json!({"envelope": envelope}))
        .send()
        .await
        .expect("store");
    assert_eq!(stored.status(), 200);
    let request = approved(&alice, "https://www.linkedin.com/jobs/view/9", Some(false)).await;
    let fake = Fake::new(Plan::Stop(Ending::NeedsYou {
        why: Why::SessionExpired,
        detail: String::new(),
    }));
    run_applies(&app, &fake).await;
    let handed = get(&alice, &request["id"]).await;
    assert_eq!(handed["reason"]["code"], "session_expired");
    assert_eq!(fake.clicks(), 0);
    let (_, accounts) = alice.call(Method::GET, "/api/v1/credentials", None).await;
    assert!(accounts[0]["refreshNeededAt"].is_i64(), "{accounts}");
    let response = alice
        .client
        .get(app.url("/api/v1/events"))
        .send()
        .await
        .expect("stream");
    let text = read_sse_until(response, |t| t.contains("credentials.refresh_needed")).await;
    assert!(
        text.contains("LinkedIn: the saved session expired"),
        "{text}"
    );
    // Storing a fresh jar clears the flag.
    let envelope = crate::vault::seal_for(&app, &alice.client, alice_id, "li_at=new-session").await;
    alice
        .client
        .put(app.url("/api/v1/credentials/linkedin"))
        .json(&json!({"envelope": envelope}))
        .send()
        .await
        .expect("store");
    let (_, accounts) = alice.call(Method::GET, "/api/v1/credentials", None).await;
    assert!(accounts[0].get("refreshNeededAt").is_none(), "{accounts}");
}
