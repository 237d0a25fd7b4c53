//! The approval queue over the API: the state machine only moves forward, versions guard
//! against concurrent edits, one posting is applied to once, and every change is an event.

use companion::approvals::{self, APPLY_JOB};
use companion::jobs::{Worker, scheduler};
use companion::store::{self, schedules};
use reqwest::Method;
use serde_json::{Value, json};

use crate::apply_fake::{Fake, Plan, run_applies};
use crate::helpers::{TestApp, read_sse_until, sse_events};

pub struct Caller {
    pub client: reqwest::Client,
    pub base: String,
}

impl Caller {
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn propose(&self, url: &str, company: &str, title: &str) -> Value {
        let (status, request) = self
            .call(
                Method::POST,
                "/api/v1/agent-requests",
                Some(json!({"jobUrl": url, "company": company, "title": title})),
            )
            .await;
        assert_eq!(status, 201, "{request}");
        request
    }

    pub async fn act(&self, id: &Value, action: &str, version: Option<i64>) -> (u16, Value) {
        let body = match version {
            Some(v) => json!({"version": v}),
            None => json!({}),
        };
        self.call(
            Method::POST,
            &format!("/api/v1/agent-requests/{id}/{action}"),
            Some(body),
        )
        .await
    }
}

pub async fn user_with_device(app: &TestApp, name: &str) -> (i64, Caller) {
    let user = app.create_user(name).await;
    let token = app.pair(user.id, "Chrome").await.token;
    let caller = Caller {
        client: app.device_client(&token),
        base: app.base.clone(),
    };
    (user.id, caller)
}

/// Runs due apply jobs (dry runs, by default) with a browser that fills a form; returns
/// how many ran.
async fn run_apply_jobs(app: &TestApp) -> usize {
    run_applies(app, &Fake::new(Plan::Form)).await
}

async fn state_of(caller: &Caller, id: &Value) -> String {
    let (status, request) = caller
        .call(Method::GET, &format!("/api/v1/agent-requests/{id}"), None)
        .await;
    assert_eq!(status, 200);
    request["state"].as_str().expect("state").to_owned()
}

#[tokio::test]
async fn requests_only_move_forward() {
    let app = TestApp::spawn_with(|config| config.workers = 0).await;
    let (_, alice) = user_with_device(&app, "alice").await;
    let request = alice
        .propose("https://jobs.example.com/acme/1", "Acme", "Engineer")
        .await;
    let id = &request["id"];
    assert_eq!(request["state"], "pending");
    assert_eq!(request["version"], 1);
    assert_eq!(request["confidence"], 1.0);
    assert_eq!(request["confidenceReasons"], json!(["Added by you"]));

    let (status, _) = alice.act(id, "mark-submitted", None).await;
    assert_eq!(status, 409, "a pending request was not submitted");
    let (status, approved) = alice.act(id, "approve", Some(1)).await;
    assert_eq!(status, 200, "{approved}");
    assert_eq!(approved["state"], "approved");
    assert_eq!(approved["dryRun"], true, "dry runs are the default");
    assert!(approved["decidedAt"].is_i64());
    let (status, problem) = alice.act(id, "approve", None).await;
    assert_eq!(status, 409, "approving twice is refused: {problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("is approved"),
        "{problem}"
    );
    let edit = json!({"version": approved["version"], "answers": []});
    let (status, _) = alice
        .call(
            Method::PUT,
            &format!("/api/v1/agent-requests/{id}"),
            Some(edit),
        )
        .await;
    assert_eq!(status, 409, "an approved request is not edited");

    assert_eq!(run_apply_jobs(&app).await, 1);
    assert_eq!(state_of(&alice, id).await, "needs_you");
    for action in ["approve", "approve"] {
        let (status, _) = alice.act(id, action, None).await;
        assert_eq!(status, 409, "{action} from needs_you");
    }
    let (status, applied) = alice.act(id, "mark-submitted", None).await;
    assert_eq!(status, 200, "{applied}");
    assert_eq!(applied["state"], "applied");
    let application_id = applied["applicationId"].as_i64().expect("linked");
    for action in ["approve", "decline", "mark-submitted"] {
        let (status, _) = alice.act(id, action, None).await;
        assert_eq!(status, 409, "{action} after applied");
    }
    assert_eq!(state_of(&alice, id).await, "applied");
    let (status, application) = alice
        .call(
            Method::GET,
            &format!("/api/v1/applications/{application_id}"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(application["source"], "magic_link");
    assert_eq!(application["status"], "applied");
    assert_eq!(application["agentRequestId"], *id);

    let declined = alice
        .propose("https://jobs.example.com/acme/2", "Acme", "Designer")
        .await;
    let id = &declined["id"];
    let (status, _) = alice.act(id, "decline", None).await;
    assert_eq!(status, 200);
    for action in ["approve", "decline", "mark-submitted"] {
        let (status, _) = alice.act(id, action, None).await;
        assert_eq!(status, 409, "{action} after declined");
    }
    assert_eq!(state_of(&alice, id).await, "declined");
}

#[tokio::test]
async fn a_stale_version_is_refused_with_the_current_one() {
    let app = TestApp::spawn_with(|config| config.workers = 0).await;
    let (_, alice) = user_with_device(&app, "alice").await;
    let request = alice
        .propose("https://jobs.example.com/acme/1", "Acme", "Engineer")
        .await;
    let path = format!("/api/v1/agent-requests/{}", request["id"]);
    let answers = json!([{"field": "salary", "label": "Salary expectation", "value": "90k", "source": "you"}]);
    let (status, edited) = alice
        .call(
            Method::PUT,
            &path,
            Some(json!({"version": 1, "answers": answers, "resume": "resume-2026.pdf"})),
        )
        .await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(edited["version"], 2);
    assert_eq!(edited["answers"], answers);
    assert_eq!(edited["resume"], "resume-2026.pdf");

    let (status, problem) = alice
        .call(
            Method::PUT,
            &path,
            Some(json!({"version": 1, "answers": []})),
        )
        .await;
    assert_eq!(status, 409, "{problem}");
    assert_eq!(problem["currentVersion"], 2);
    assert_eq!(problem["type"], "urn:autoresume:problem:stale-version");
    let (status, problem) = alice.act(&request["id"], "approve", Some(1)).await;
    assert_eq!(status, 409);
    assert_eq!(problem["currentVersion"], 2);
    let (_, unchanged) = alice.call(Method::GET, &path, None).await;
    assert_eq!(
        unchanged["answers"], answers,
        "the stale edit changed nothing"
    );
    assert_eq!(unchanged["state"], "pending");
}

#[tokio::test]
async fn one_posting_is_applied_to_once() {
    let app = TestApp::spawn_with(|config| config.workers = 0).await;
    let (alice_id, alice) = user_with_device(&app, "alice").await;
    let first = alice
        .propose(
            "https://jobs.example.com/acme/42?utm_source=x",
            "Acme",
            "Engineer",
        )
        .await;
    let second = alice
        .propose(
            "https://JOBS.example.com/acme/42/#apply",
            "Acme",
            "Engineer",
        )
        .await;
    for request in [&first, &second] {
        let (status, _) = alice.act(&request["id"], "approve", None).await;
        assert_eq!(status, 200);
    }
    let fake = Fake::new(Plan::Form);
    assert_eq!(run_applies(&app, &fake).await, 2, "a run for each request");
    assert_eq!(fake.clicks(), 0, "dry runs click nothing");
    let jobs = store::jobs::list(&app.state.store, alice_id, None, 10)
        .await
        .expect("jobs");
    assert_eq!(jobs.iter().filter(|j| j.kind == APPLY_JOB).count(), 2);
    for request in [&first, &second] {
        assert_eq!(state_of(&alice, &request["id"]).await, "needs_you");
    }
    let (_, a) = alice.act(&first["id"], "mark-submitted", None).await;
    let (_, b) = alice.act(&second["id"], "mark-submitted", None).await;
    assert_eq!(a["applicationId"], b["applicationId"]);

    // A later request for the same posting: approved, its run finds it applied to and
    // opens no browser.
    let third = alice
        .propose("https://jobs.example.com/acme/42", "Acme", "Engineer")
        .await;
    let (status, late) = alice.act(&third["id"], "approve", None).await;
    assert_eq!(status, 200);
    assert_eq!(late["state"], "approved");
    assert_eq!(run_applies(&app, &fake).await, 1);
    assert_eq!(fake.runs(), 2, "no browser for a posting applied to");
    let (_, late) = alice
        .call(
            Method::GET,
            &format!("/api/v1/agent-requests/{}", third["id"]),
            None,
        )
        .await;
    assert_eq!(late["state"], "applied");
    assert_eq!(late["applicationId"], a["applicationId"]);

    let (_, applications) = alice.call(Method::GET, "/api/v1/applications", None).await;
    assert_eq!(applications.as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn changes_are_events_on_the_stream() {
    let app = TestApp::spawn_with(|config| config.workers = 0).await;
    let (_, alice) = user_with_device(&app, "alice").await;
    let title = "<img src=x onerror=alert(1)>";
    let request = alice
        .propose("https://jobs.example.com/x", "Evil Corp", title)
        .await;
    alice.act(&request["id"], "approve", None).await;
    run_apply_jobs(&app).await;
    alice.act(&request["id"], "mark-submitted", None).await;

    let response = alice
        .client
        .get(app.url("/api/v1/events"))
        .send()
        .await
        .expect("stream");
    let text = read_sse_until(response, |t| t.contains("application.created")).await;
    let events = sse_events(&text);
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["type"].as_str()).collect();
    for kind in [
        "agent_request.created",
        "agent_request.updated",
        "application.created",
    ] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    let created = events
        .iter()
        .find(|e| e["type"] == "agent_request.created")
        .expect("created");
    assert_eq!(created["payload"]["title"], title, "the card travels whole");
    assert_eq!(created["payload"]["version"], 1);
    let states: Vec<&str> = events
        .iter()
        .filter(|e| e["type"] == "agent_request.updated")
        .filter_map(|e| e["payload"]["state"].as_str())
        .collect();
    assert_eq!(states.first(), Some(&"approved"));
    assert!(
        states.contains(&"needs_you") && states.contains(&"applied"),
        "{states:?}"
    );
}

#[tokio::test]
async fn bad_input_is_a_clear_4xx() {
    let app = TestApp::spawn_with(|config| config.workers = 0).await;
    let (_, alice) = user_with_device(&app, "alice").await;
    for url in [
        "javascript:alert(1)",
        "data:text/html,x",
        "ftp://example.com/job",
        "not a url",
    ] {
        let (status, problem) = alice
            .call(
                Method::POST,
                "/api/v1/agent-requests",
                Some(json!({"jobUrl": url, "company": "A", "title": "B"})),
            )
            .await;
        assert_eq!(status, 422, "{url}: {problem}");
    }
    let (status, _) = alice
        .call(
            Method::POST,
            "/api/v1/agent-requests",
            Some(json!({"jobUrl": "https://a.example/x", "company": " ", "title": "B"})),
        )
        .await;
    assert_eq!(status, 422, "an empty company");
    let (status, _) = alice
        .call(Method::GET, "/api/v1/agent-requests?state=bogus", None)
        .await;
    assert_eq!(status, 422);
    let (status, _) = alice
        .call(
            Method::POST,
            "/api/v1/agent-requests/999999/approve",
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = alice
        .call(Method::GET, "/api/v1/agent-requests/not-a-number", None)
        .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn applications_have_a_timeline_of_status_changes() {
    let app = TestApp::spawn_with(|config| config.workers = 0).await;
    let (_, alice) = user_with_device(&app, "alice").await;
    let (status, application) = alice
        .call(
            Method::POST,
            "/api/v1/applications",
            Some(json!({"company": "Initech", "title": "Analyst", "jobUrl": "https://initech.example/jobs/7"})),
        )
        .await;
    assert_eq!(status, 201, "{application}");
    assert_eq!(application["source"], "manual");
    assert_eq!(application["status"], "applied");
    let id = &application["id"];
    let status_path = format!("/api/v1/applications/{id}/status");
    for (to, note) in [("interviewing", "Phone screen on Monday"), ("offer", "")] {
        let (status, moved) = alice
            .call(
                Method::POST,
                &status_path,
                Some(json!({"status": to, "note": note})),
            )
            .await;
        assert_eq!(status, 200, "{moved}");
        assert_eq!(moved["status"], to);
    }
    let (status, _) = alice
        .call(Method::POST, &status_path, Some(json!({"status": "offer"})))
        .await;
    assert_eq!(status, 409, "already there");
    let (status, _) = alice
        .call(
            Method::POST,
            &status_path,
            Some(json!({"status": "hired!"})),
        )
        .await;
    assert_eq!(status, 422);
    let (status, timeline) = alice
        .call(
            Method::GET,
            &format!("/api/v1/applications/{id}/timeline"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let steps: Vec<(Value, Value)> = timeline
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| (e["fromStatus"].clone(), e["toStatus"].clone()))
        .collect();
    assert_eq!(
        steps,
        vec![
            (Value::Null, json!("applied")),
            (json!("applied"), json!("interviewing")),
            (json!("interviewing"), json!("offer")),
        ]
    );
    assert_eq!(timeline[1]["note"], "Phone screen on Monday");
    let (_, offers) = alice
        .call(Method::GET, "/api/v1/applications?status=offer", None)
        .await;
    assert_eq!(offers.as_array().map(Vec::len), Some(1));
    let (status, _) = alice
        .call(
            Method::POST,
            "/api/v1/applications",
            Some(json!({"company": "X", "title": "Y", "jobUrl": "javascript:alert(1)"})),
        )
        .await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn old_pending_requests_expire() {
    let app = TestApp::spawn_with(|config| config.workers = 0).await;
    let (alice_id, alice) = user_with_device(&app, "alice").await;
    let pending = alice
        .propose("https://jobs.example.com/a", "Acme", "Engineer")
        .await;
    let approved = alice
        .propose("https://jobs.example.com/b", "Acme", "Manager")
        .await;
    alice.act(&approved["id"], "approve", None).await;
    let expired = approvals::expire_pending(&app.state, alice_id, 0)
        .await
        .expect("expire");
    assert_eq!(expired, 1);
    assert_eq!(state_of(&alice, &pending["id"]).await, "expired");
    assert_eq!(state_of(&alice, &approved["id"]).await, "approved");
    let (status, _) = alice.act(&pending["id"], "approve", None).await;
    assert_eq!(status, 409, "an expired request is not approved");
}

#[tokio::test]
async fn every_new_user_has_the_daily_expiry_and_it_runs() {
    let app = TestApp::spawn_with(|config| {
        config.workers = 0;
        config.request_expiry_days = 0;
    })
    .await;
    let store = &app.state.store;
    let (alice_id, alice) = user_with_device(&app, "alice").await;
    let listed = schedules::list(store, alice_id).await.expect("schedules");
    let expiry = listed
        .iter()
        .find(|s| s.name == approvals::EXPIRY_SCHEDULE)
        .expect("created with the user, before any request");
    assert_eq!(expiry.kind, approvals::EXPIRE_JOB);
    let pending = alice
        .propose("https://jobs.example.com/a", "Acme", "Engineer")
        .await;
    let again = schedules::list(store, alice_id).await.expect("schedules");
    assert_eq!(again.len(), listed.len(), "a proposal adds no schedule");

    // Its slot comes now rather than at 04:00.
    sqlx::query("UPDATE job_schedules SET next_run_at = $1 WHERE id = $2")
        .bind(store::now_ms() - 1_000)
        .bind(expiry.id)
        .execute(store.pool())
        .await
        .expect("due");
    assert_eq!(
        scheduler::enqueue_due(store, store::now_ms())
            .await
            .expect("tick"),
        1
    );
    let worker = companion::job_kinds(Worker::for_app(&app.state, "test-expiry"), &app.state);
    // The request's plan job (which cannot load the example page) runs too.
    while worker.run_once().await.expect("run") {}
    assert_eq!(state_of(&alice, &pending["id"]).await, "expired");
}

#[tokio::test]
async fn accounts_older_than_the_expiry_schedule_get_it_from_the_backfill_migration() {
    let app = TestApp::spawn_with(|config| config.workers = 0).await;
    let store = &app.state.store;
    let old = app.create_user("old").await.id;
    // An account from before new accounts got the schedule.
    sqlx::query("DELETE FROM job_schedules WHERE user_id = $1")
        .bind(old)
        .execute(store.pool())
        .await
        .expect("delete");
    let dialect = match store.backend() {
        store::Backend::Sqlite => "sqlite",
        store::Backend::Postgres => "postgres",
    };
    let path = format!(
        "{}/migrations/{dialect}/20261127000008_expiry_backfill.sql",
        env!("CARGO_MANIFEST_DIR")
    );
    let backfill = std::fs::read_to_string(path).expect("migration");
    for constant in [
        approvals::EXPIRY_SCHEDULE,
        approvals::EXPIRE_JOB,
        approvals::EXPIRY_CRON,
    ] {
        assert!(
            backfill.contains(constant),
            "the migration spells {constant}"
        );
    }
    // Run twice: it adds the missing schedule once and leaves existing ones alone.
    for _ in 0..2 {
        sqlx::raw_sql(sqlx::AssertSqlSafe(backfill.clone()))
            .execute(store.pool())
            .await
            .expect("backfill");
    }
    let listed = schedules::list(store, old).await.expect("schedules");
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].name.as_str(), listed[0].kind.as_str()),
        (approvals::EXPIRY_SCHEDULE, approvals::EXPIRE_JOB)
    );
    assert_eq!(
        scheduler::enqueue_due(store, store::now_ms())
            .await
            .expect("tick"),
        1,
        "due at once"
    );
}
