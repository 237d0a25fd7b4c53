//! The local job site the plan-job tests use: the real saved application forms
//! (../shared/corpus/ats_forms_real) and a page written here, a fake OpenAI-compatible model
//! that records what reaches it, and the user, worker and job steps those tests share.

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

use crate::helpers::TestApp;

/// What the fake model answers to every question.
pub const DRAFT: &str = "I care about tools that everyone can use, and I build them carefully.";
/// Values of the profile that must never reach the model.
pub const SECRETS: [&str; 9] = [
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
    pub corpus: Option<PathBuf>,
    pub beacons: Arc<AtomicUsize>,
    pub prompts: Arc<Mutex<Vec<Value>>>,
    /// The `Authorization` header of every model call (empty when none was sent).
    pub authorizations: Arc<Mutex<Vec<String>>>,
    pub model_fails: Arc<AtomicBool>,
    pub late_page_ready: Arc<AtomicBool>,
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
    Json(completion(DRAFT)).into_response()
}

/// An OpenAI chat completion whose one answer is `content`.
pub fn completion(content: &str) -> Value {
    json!({
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1_795_000_000,
        "model": "test-model",
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": content, "refusal": null},
            "logprobs": null,
            "finish_reason": "stop"
        }],
        "usage": {"prompt_tokens": 200, "completion_tokens": 20, "total_tokens": 220}
    })
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
    pub client: reqwest::Client,
    pub token: String,
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

    pub async fn approve(&self, app: &TestApp, id: i64) -> (u16, Value) {
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

pub async fn serve_app(site: SocketAddr) -> TestApp {
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

pub fn answer<'a>(request: &'a Value, field: &str) -> &'a Value {
    request["answers"]
        .as_array()
        .expect("answers")
        .iter()
        .find(|a| a["field"] == field)
        .unwrap_or_else(|| panic!("no answer for {field}: {request}"))
}

/// The plan job of a request.
pub async fn plan_job(app: &TestApp, alice: &Alice, request_id: i64) -> Value {
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
pub async fn settle(app: &TestApp, alice: &Alice, worker: &Worker, request_id: i64) -> Value {
    crate::helpers::wait_for("the plan job settles", || async {
        worker.run_once().await.expect("run");
        let state = plan_job(app, alice, request_id).await["state"].clone();
        state == "succeeded" || state == "dead"
    })
    .await;
    plan_job(app, alice, request_id).await
}

pub async fn use_model(app: &TestApp, alice: &Alice, site: SocketAddr) {
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
    let app = serve_app(site).await;
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
