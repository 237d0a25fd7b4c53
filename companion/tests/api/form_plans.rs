//! The plan job: the real saved application forms (../shared/corpus/ats_forms_real) served by a
//! local site, snapshotted in headless Chromium and planned onto the request; drafts from a
//! local server speaking the OpenAI chat-completions JSON; the cards that show it all.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Json};
use axum::routing::{get, post};
use companion::jobs::Worker;
use companion::store::jobs::Backoff;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Browser, TestApp};

/// What the fake model answers to every question.
const DRAFT: &str = "I care about tools that everyone can use, and I build them carefully.";
/// Values of the profile that must never reach the model.
const SECRETS: [&str; 9] = [
    "ada@example.org",
    "415 555 0100",
    "Analytical Way",
    "180000",
    "210000",
    "987654",
    "female",
    "citizen",
    "sk-test-model-key",
];

#[derive(Clone, Default)]
pub struct Site {
    /// The test corpus, whose real saved forms are served; none for tests that need no form.
    corpus: Option<PathBuf>,
    beacons: Arc<AtomicUsize>,
    prompts: Arc<Mutex<Vec<Value>>>,
    /// The `Authorization` header of every model call (empty when none was sent).
    pub authorizations: Arc<Mutex<Vec<String>>>,
    model_fails: Arc<AtomicBool>,
    late_page_ready: Arc<AtomicBool>,
}

async fn form(State(site): State<Site>, Path(name): Path<String>) -> impl IntoResponse {
    let Some(corpus) = &site.corpus else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let page = corpus.join(format!("ats_forms_real/17nbist_{name}.html"));
    match std::fs::read_to_string(page) {
        Ok(html) => Html(html).into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

/// A form with one free-text question no stored answer covers: a draft for the model.
const ESSAY: &str = r#"<!doctype html><html><body><form>
<label for="bug">Describe a hard bug you fixed.</label><textarea id="bug" name="bug" required></textarea>
</form></body></html>"#;

/// A page naming this site's own beacon every way a page can make a browser fetch.
fn trap(addr: SocketAddr) -> String {
    format!(
        r#"<!doctype html><html><head><title>Apply</title>
<meta http-equiv="refresh" content="0;url=http://{addr}/beacon?refresh">
<link rel="stylesheet" href="http://{addr}/beacon?css"></head>
<body style="background-image:url(http://{addr}/beacon?bg)"><img src="http://{addr}/beacon?img">
<iframe src="http://{addr}/beacon?frame"></iframe><script src="http://{addr}/beacon?js"></script>
<form><label for="email">Email</label><input id="email" name="email" type="email" required></form>
</body></html>"#
    )
}

async fn model(
    State(site): State<Site>,
    headers: axum::http::HeaderMap,
    Json(body): Json<Value>,
) -> impl IntoResponse {
    let authorization = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    site.authorizations
        .lock()
        .expect("authorizations")
        .push(authorization.to_owned());
    site.prompts.lock().expect("prompts").push(body);
    if site.model_fails.load(Ordering::SeqCst) {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"error": {"message": "the model is overloaded", "type": "server_error", "param": null, "code": null}})),
        )
            .into_response();
    }
    Json(json!({
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1_795_000_000,
        "model": "test-model",
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": DRAFT, "refusal": null},
            "logprobs": null,
            "finish_reason": "stop"
        }],
        "usage": {"prompt_tokens": 200, "completion_tokens": 20, "total_tokens": 220}
    }))
    .into_response()
}

pub async fn start(corpus: Option<PathBuf>) -> (SocketAddr, Site) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let site = Site {
        corpus,
        ..Site::default()
    };
    let beacons = site.beacons.clone();
    let router = Router::new()
        .route("/forms/{name}", get(form))
        .route("/trap", get(move || async move { Html(trap(addr)) }))
        .route("/essay", get(|| async { Html(ESSAY) }))
        .route(
            "/beacon",
            get(move || async move {
                beacons.fetch_add(1, Ordering::SeqCst);
                ""
            }),
        )
        .route(
            "/late",
            get(|State(site): State<Site>| async move {
                if site.late_page_ready.load(Ordering::SeqCst) {
                    let greenhouse = Path("greenhouse".to_owned());
                    form(State(site), greenhouse).await.into_response()
                } else {
                    StatusCode::NOT_FOUND.into_response()
                }
            }),
        )
        .route(
            "/to-metadata",
            get(|| async {
                (
                    StatusCode::FOUND,
                    [("location", "http://169.254.169.254/latest/meta-data/")],
                )
            }),
        )
        .route("/v1/chat/completions", post(model))
        .with_state(site.clone());
    tokio::spawn(async move {
        axum::serve(listener, router).await.expect("site serves");
    });
    (addr, site)
}

pub struct Alice {
    client: reqwest::Client,
    token: String,
}

impl Alice {
    pub async fn call(
        &self,
        app: &TestApp,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = self.client.request(method, app.url(path));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn propose(&self, app: &TestApp, url: &str) -> i64 {
        let (status, request) = self
            .call(
                app,
                Method::POST,
                "/api/v1/agent-requests",
                Some(json!({"jobUrl": url, "company": "GitLab", "title": "Backend Engineer"})),
            )
            .await;
        assert_eq!(status, 201, "{request}");
        request["id"].as_i64().expect("id")
    }

    async fn approve(&self, app: &TestApp, id: i64) -> (u16, Value) {
        let path = format!("/api/v1/agent-requests/{id}/approve");
        self.call(app, Method::POST, &path, Some(json!({}))).await
    }

    pub async fn request(&self, app: &TestApp, id: i64) -> Value {
        let (status, request) = self
            .call(
                app,
                Method::GET,
                &format!("/api/v1/agent-requests/{id}"),
                None,
            )
            .await;
        assert_eq!(status, 200);
        request
    }
}

/// The test profile of the planner's own tests, plus a stored answer about salary that must
/// not reach the model.
pub async fn alice_with_profile(app: &TestApp) -> Alice {
    let user = app.create_user("alice").await;
    let token = app.pair(user.id, "Chrome").await.token;
    let alice = Alice {
        client: app.device_client(&token),
        token,
    };
    let text = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/tests/forms/profile.json"),
    )
    .expect("profile");
    let profile: Value = serde_json::from_str(&text).expect("profile JSON");
    let mut resume = profile["resume"].clone();
    resume["basics"]["summary"] = json!("Compiler engineer who likes accessible tools.");
    for (path, body) in [
        ("/api/v1/profile", json!({"resume": resume, "version": 0})),
        (
            "/api/v1/profile/answers",
            json!({"answers": profile["answers"], "version": 0}),
        ),
    ] {
        let (status, answer) = alice.call(app, Method::PUT, path, Some(body)).await;
        assert_eq!(status, 200, "{path}: {answer}");
    }
    for (question, answer, tags) in [
        (
            "Is there anything else you would like us to know?",
            "I am happy to share code samples on request.",
            json!([]),
        ),
        (
            "What are your salary expectations?",
            "987654 a year",
            json!([]),
        ),
        (
            "Expected compensation",
            "987654 in total",
            json!(["salary"]),
        ),
    ] {
        let (status, added) = alice
            .call(
                app,
                Method::POST,
                "/api/v1/profile/free-answers",
                Some(json!({"question": question, "answer": answer, "tags": tags})),
            )
            .await;
        assert_eq!(status, 201, "{added}");
    }
    let response = alice
        .client
        .put(app.url("/api/v1/profile/resume-pdf?name=Ada.pdf"))
        .header("content-type", "application/pdf")
        .body(crate::profile::PDF.to_vec())
        .send()
        .await
        .expect("pdf");
    assert_eq!(response.status(), 200);
    alice
}

async fn companion(site: SocketAddr) -> TestApp {
    TestApp::spawn_with(|config| {
        config.fetch_allow_hosts = vec![site.to_string()];
        config.model_api_key = "sk-test-model-key".into();
        // The tests run the jobs themselves.
        config.workers = 0;
    })
    .await
}

/// Every job kind, retries due at once.
pub fn worker(app: &TestApp) -> Worker {
    companion::job_kinds(Worker::for_app(&app.state, "test-plan"), &app.state).backoff(Backoff {
        base_ms: 0,
        cap_ms: 0,
    })
}

fn answer<'a>(request: &'a Value, field: &str) -> &'a Value {
    request["answers"]
        .as_array()
        .expect("answers")
        .iter()
        .find(|a| a["field"] == field)
        .unwrap_or_else(|| panic!("no answer for {field}: {request}"))
}

/// The plan job of a request.
async fn plan_job(app: &TestApp, alice: &Alice, request_id: i64) -> Value {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM jobs WHERE idempotency_key = $1")
        .bind(format!("plan:{request_id}"))
        .fetch_one(app.state.store.pool())
        .await
        .expect("a plan job");
    let (status, job) = alice
        .call(app, Method::GET, &format!("/api/v1/jobs/{id}"), None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(job["kind"], "forms.plan");
    job
}

/// Runs jobs until the request's plan job has succeeded or given up (its retries come due a
/// moment after each failure).
async fn settle(app: &TestApp, alice: &Alice, worker: &Worker, request_id: i64) -> Value {
    crate::helpers::wait_for("the plan job settles", || async {
        worker.run_once().await.expect("run");
        let state = plan_job(app, alice, request_id).await["state"].clone();
        state == "succeeded" || state == "dead"
    })
    .await;
    plan_job(app, alice, request_id).await
}

#[tokio::test]
async fn a_new_request_gets_the_plan_of_its_real_application_form() {
    let Some(corpus) = test_corpus::dir() else {
        return;
    };
    let (site, _) = start(Some(corpus)).await;
    let app = companion(site).await;
    let alice = alice_with_profile(&app).await;
    let id = alice
        .propose(&app, &format!("http://{site}/forms/greenhouse"))
        .await;
    assert!(alice.request(&app, id).await["form"].is_null());
    let events = alice
        .client
        .get(app.url("/api/v1/events"))
        .send()
        .await
        .expect("events");
    assert!(worker(&app).run_once().await.expect("run"));

    let request = alice.request(&app, id).await;
    assert_eq!(request["state"], "pending");
    assert_eq!(request["version"], 2, "{request}");
    // The stored plan is the planner's plan of the same page snapshotted by Playwright.
    let committed: Value = serde_json::from_str(
        &std::fs::read_to_string(
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("../shared/tests/forms/plans/17nbist_greenhouse.json"),
        )
        .expect("committed plan"),
    )
    .expect("plan JSON");
    let fields = committed["fields"].as_array().expect("fields");
    assert_eq!(
        request["answers"].as_array().map(Vec::len),
        Some(fields.len())
    );
    for field in fields {
        let stored = answer(&request, field["selector"].as_str().expect("selector"));
        assert_eq!(stored["type"], field["fieldType"], "{stored}");
        assert_eq!(
            stored["required"].as_bool().unwrap_or(false),
            field["required"],
            "{stored}"
        );
        assert_eq!(stored["confidence"], field["confidence"], "{stored}");
        let value = match &field["value"] {
            Value::Null => String::new(),
            v if v["kind"] == "checked" => v["checked"].to_string(),
            v if v["kind"] == "file" => "resume_pdf".to_owned(),
            v => v["text"].as_str().expect("text").to_owned(),
        };
        assert_eq!(stored["value"], value.as_str(), "{stored}");
    }
    let email = answer(&request, "#email");
    assert_eq!(email["value"], "ada@example.org");
    assert_eq!(email["source"], "resume:basics.email");
    assert_eq!(answer(&request, "#resume")["source"], "resume_pdf");
    assert_eq!(answer(&request, "#gender")["source"], "answers:eeo.gender");
    // No model: the free-text questions stay unknown, and nothing is a draft.
    let gitlab = answer(&request, "#question_37197593002");
    assert_eq!(
        (&gitlab["source"], &gitlab["value"]),
        (&json!("unknown"), &json!(""))
    );
    assert!(
        request["answers"]
            .as_array()
            .expect("answers")
            .iter()
            .all(|a| a.get("draft").is_none())
    );

    let form = &request["form"];
    assert_eq!(form["url"], format!("http://{site}/forms/greenhouse"));
    assert_eq!(form["blocked"], false);
    assert_eq!(form["matchScore"], 1.0, "added by hand: certain");
    // Two required yes/no questions no profile key answers lower the card's confidence.
    let reasons = request["confidenceReasons"].to_string();
    assert!(reasons.contains("Added by you"), "{reasons}");
    assert!(reasons.contains("2 required fields unknown"), "{reasons}");
    let confidence = request["confidence"].as_f64().expect("confidence");
    assert!(confidence > 0.0 && confidence < 0.5, "{confidence}");

    // The card changed live.
    let text = crate::helpers::read_sse_until(events, |t| {
        t.contains("agent_request.updated") && t.contains("ada@example.org")
    })
    .await;
    assert!(text.contains("resume:basics.email"));
    let job = plan_job(&app, &alice, id).await;
    assert_eq!(job["state"], "succeeded", "{job}");
}

#[tokio::test]
async fn pages_that_do_not_load_fail_the_job_and_leave_the_request_usable() {
    let Some(corpus) = test_corpus::dir() else {
        return;
    };
    let (site, pages) = start(Some(corpus)).await;
    let app = companion(site).await;
    let alice = alice_with_profile(&app).await;
    let id = alice.propose(&app, &format!("http://{site}/late")).await;
    let worker = worker(&app);
    let job = settle(&app, &alice, &worker, id).await;
    assert_eq!(job["state"], "dead", "{job}");
    let error = job["lastError"].as_str().unwrap_or_default();
    assert!(
        error.contains("could not load the application page") && error.contains("404"),
        "{job}"
    );
    let request = alice.request(&app, id).await;
    assert_eq!(
        (&request["version"], &request["form"]),
        (&json!(1), &Value::Null)
    );
    assert_eq!(request["answers"], json!([]));

    // Retried once the page is there, the plan arrives.
    pages.late_page_ready.store(true, Ordering::SeqCst);
    let (status, _) = alice
        .call(
            &app,
            Method::POST,
            &format!("/api/v1/jobs/{}/retry", job["id"]),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert!(worker.run_once().await.expect("run"));
    let request = alice.request(&app, id).await;
    assert_eq!(answer(&request, "#email")["value"], "ada@example.org");

    // Without a plan a request is still approved as before.
    let other = alice
        .propose(&app, &format!("http://{site}/forms/none"))
        .await;
    settle(&app, &alice, &worker, other).await;
    let (status, approved) = alice.approve(&app, other).await;
    assert_eq!(status, 200, "{approved}");
}

#[tokio::test]
async fn the_page_load_reaches_nothing_the_fetch_rules_refuse() {
    let (site, pages) = start(None).await;
    let app = companion(site).await;
    let alice = alice_with_profile(&app).await;
    let trap = alice.propose(&app, &format!("http://{site}/trap")).await;
    let worker = worker(&app);
    assert!(worker.run_once().await.expect("run"));
    let request = alice.request(&app, trap).await;
    assert_eq!(answer(&request, "#email")["value"], "ada@example.org");
    assert_eq!(
        pages.beacons.load(Ordering::SeqCst),
        0,
        "Chromium fetched what the page named"
    );

    let redirected = alice
        .propose(&app, &format!("http://{site}/to-metadata"))
        .await;
    let job = settle(&app, &alice, &worker, redirected).await;
    assert_eq!(job["state"], "dead", "{job}");
    assert!(
        job["lastError"]
            .as_str()
            .unwrap_or_default()
            .contains("private or reserved"),
        "{job}"
    );
    assert!(alice.request(&app, redirected).await["form"].is_null());
}

/// Points alice's intake settings at the fake model.
async fn use_model(app: &TestApp, alice: &Alice, site: SocketAddr) {
    let (status, settings) = alice
        .call(
            app,
            Method::PUT,
            "/api/v1/settings/intake",
            Some(json!({"model": {"baseUrl": format!("http://{site}/v1"), "model": "test-model"}})),
        )
        .await;
    assert_eq!(status, 200, "{settings}");
}

/// Alice with her profile and the fake model, and her request for the real Greenhouse form,
/// not planned yet.
pub struct Drafting {
    pub pages: Site,
    pub app: TestApp,
    pub alice: Alice,
    pub id: i64,
}

/// None without the test corpus.
pub async fn greenhouse_with_model() -> Option<Drafting> {
    let (site, pages) = start(Some(test_corpus::dir()?)).await;
    let app = companion(site).await;
    let alice = alice_with_profile(&app).await;
    use_model(&app, &alice, site).await;
    let id = alice
        .propose(&app, &format!("http://{site}/forms/greenhouse"))
        .await;
    Some(Drafting {
        pages,
        app,
        alice,
        id,
    })
}

#[tokio::test]
async fn free_text_questions_are_drafted_without_secrets_and_wait_for_approval() {
    let Some(Drafting {
        pages,
        app,
        alice,
        id,
    }) = greenhouse_with_model().await
    else {
        return;
    };
    let browser = app.login("alice").await;
    assert!(worker(&app).run_once().await.expect("run"));

    let request = alice.request(&app, id).await;
    let drafted: Vec<&Value> = request["answers"]
        .as_array()
        .expect("answers")
        .iter()
        .filter(|a| a["draft"] == true)
        .collect();
    assert_eq!(drafted.len(), 2, "{request}");
    for draft in &drafted {
        assert_eq!(
            (&draft["source"], &draft["value"]),
            (&json!("draft"), &json!(DRAFT))
        );
        assert_eq!(draft["confidence"], 0.0);
    }
    assert!(
        request["confidenceReasons"]
            .to_string()
            .contains("2 drafted answers wait")
    );

    let prompts = pages.prompts.lock().expect("prompts").clone();
    assert_eq!(prompts.len(), 2);
    let sent = serde_json::to_string(&prompts).expect("json");
    assert!(
        sent.contains("Analytical Engines") && sent.contains("GitLab username"),
        "{sent}"
    );
    assert!(
        sent.contains("happy to share code samples"),
        "stored answers are used"
    );
    for secret in SECRETS
        .iter()
        .chain([alice.token.as_str(), browser.csrf.as_str()].iter())
    {
        assert!(!sent.contains(secret), "{secret} went to the model: {sent}");
    }

    // Approving with drafts the user has not read is refused, in words.
    let (status, problem) = alice.approve(&app, id).await;
    assert_eq!(status, 409, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("2 drafted answers"),
        "{problem}"
    );

    // One draft approved as written, the other rewritten: both are the user's now.
    let (first, second) = (drafted[0]["field"].clone(), drafted[1]["field"].clone());
    let mut answers = request["answers"].clone();
    for a in answers.as_array_mut().expect("answers") {
        if a["field"] == second {
            a["value"] = json!("My own words.");
        }
    }
    let (status, edited) = alice
        .call(
            &app,
            Method::PUT,
            &format!("/api/v1/agent-requests/{id}"),
            Some(json!({"version": request["version"], "answers": answers, "approveDrafts": [first]})),
        )
        .await;
    assert_eq!(status, 200, "{edited}");
    let approved = answer(&edited, first.as_str().expect("field"));
    assert_eq!(
        (&approved["source"], approved.get("draft")),
        (&json!("draft"), None)
    );
    let rewritten = answer(&edited, second.as_str().expect("field"));
    assert_eq!(
        (&rewritten["source"], &rewritten["value"]),
        (&json!("you"), &json!("My own words."))
    );
    assert!(!edited["confidenceReasons"].to_string().contains("drafted"));
    assert!(edited["confidence"].as_f64() >= request["confidence"].as_f64());
    let (status, _) = alice.approve(&app, id).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn a_model_error_keeps_the_plan_without_drafts_and_the_retry_drafts() {
    let Some(corpus) = test_corpus::dir() else {
        return;
    };
    let (site, pages) = start(Some(corpus)).await;
    let app = companion(site).await;
    let alice = alice_with_profile(&app).await;
    use_model(&app, &alice, site).await;
    pages.model_fails.store(true, Ordering::SeqCst);
    let id = alice
        .propose(&app, &format!("http://{site}/forms/ashbyhq"))
        .await;
    let worker = worker(&app);
    assert!(worker.run_once().await.expect("run"));
    let request = alice.request(&app, id).await;
    assert_eq!(
        answer(&request, "#_systemfield_email")["value"],
        "ada@example.org"
    );
    let error = request["form"]["draftError"].as_str().unwrap_or_default();
    assert!(error.contains("model"), "{request}");
    assert!(
        request["confidenceReasons"]
            .to_string()
            .contains("no drafts")
    );
    let job = plan_job(&app, &alice, id).await;
    assert_eq!(job["state"], "queued", "retried: {job}");
    assert!(
        job["lastError"]
            .as_str()
            .unwrap_or_default()
            .contains("could not draft"),
        "{job}"
    );
    // Ashby's form has a captcha: only the user's own tab can finish it.
    assert_eq!(request["form"]["blocked"], true);
    assert!(request["confidenceReasons"].to_string().contains("captcha"));

    pages.model_fails.store(false, Ordering::SeqCst);
    assert!(worker.run_once().await.expect("run"));
    let request = alice.request(&app, id).await;
    assert!(request["form"].get("draftError").is_none(), "{request}");
    let drafted = answer(&request, "#c725205a-2994-4f38-9f06-0997bf36d99e");
    assert_eq!(
        (&drafted["value"], &drafted["draft"]),
        (&json!(DRAFT), &json!(true))
    );
}

async fn page(browser: &Browser, url: String) -> String {
    browser
        .client
        .get(url)
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html")
}

#[tokio::test]
async fn cards_show_every_planned_answer_and_drafts_are_approved_on_the_edit_page() {
    let Some(Drafting { app, alice, id, .. }) = greenhouse_with_model().await else {
        return;
    };
    let browser = app.login("alice").await;
    assert!(worker(&app).run_once().await.expect("run"));

    let cards = page(&browser, app.url("/dashboard/agent-requests")).await;
    for shown in [
        "20 planned answers",
        "2 required unknown",
        "2 drafts to approve",
        "resume · basics.email",
        "answer bank · eeo.gender",
        "model draft, waiting for your approval",
        "ada@example.org",
        "Review drafts",
    ] {
        assert!(cards.contains(shown), "{shown} not on the card");
    }
    let magic = page(
        &browser,
        app.url(&format!("/dashboard/agent-requests/{id}/magic-link")),
    )
    .await;
    assert!(magic.contains("resume · basics.email") && magic.contains("answers are model drafts"));

    let edit = page(
        &browser,
        app.url(&format!("/dashboard/agent-requests/{id}/edit")),
    )
    .await;
    assert!(edit.contains(r#"name="approve_draft""#), "{edit}");
    let request = alice.request(&app, id).await;
    let mut form: Vec<(String, String)> = vec![
        ("csrf_token".into(), browser.csrf.clone()),
        ("version".into(), request["version"].to_string()),
        ("resume".into(), String::new()),
    ];
    for a in request["answers"].as_array().expect("answers") {
        let field = a["field"].as_str().expect("field").to_owned();
        form.push(("field".into(), field.clone()));
        form.push((
            "value".into(),
            a["value"].as_str().expect("value").to_owned(),
        ));
        if a["draft"] == true {
            form.push(("approve_draft".into(), field));
        }
    }
    let response = browser
        .client
        .post(app.url(&format!("/dashboard/agent-requests/{id}/edit")))
        .header("origin", &browser.origin)
        .form(&form)
        .send()
        .await
        .expect("edit");
    assert_eq!(response.status(), 303);
    let edited = alice.request(&app, id).await;
    assert!(
        edited["answers"]
            .as_array()
            .expect("answers")
            .iter()
            .all(|a| a.get("draft").is_none()),
        "{edited}"
    );
    assert_eq!(answer(&edited, "#email")["source"], "resume:basics.email");
    assert_eq!(
        answer(&edited, "#email")["label"],
        answer(&request, "#email")["label"]
    );
    // The same form again is stale: refused with the reason on the page.
    let response = browser
        .client
        .post(app.url(&format!("/dashboard/agent-requests/{id}/edit")))
        .header("origin", &browser.origin)
        .form(&form)
        .send()
        .await
        .expect("edit");
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().expect("location");
    assert!(location.contains("notice="), "{location}");
    let cards = page(&browser, app.url("/dashboard/agent-requests")).await;
    assert!(cards.contains("model draft, approved by you"));
}
