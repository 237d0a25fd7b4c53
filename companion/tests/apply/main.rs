#![cfg(feature = "browser")]
//! The headless apply (`companion::apply::Runner`) for real: Chromium behind its egress proxy
//! loads small pages from loopback servers in the test (allow-listed host:port), fills them
//! and submits; the servers record what arrives.

mod pages;
mod runs;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use companion::apply::{Attempt, Report, Runner, Step, Watch};
use companion::config::Config;
use companion::jobs::JobError;
use futures_util::future::BoxFuture;
use shared::api::Answer;
use shared::cookies::CookieJar;
use shared::forms::Profile;

/// What a test server received.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub path: String,
    pub cookie: String,
    pub body: Bytes,
}

/// A loopback server of fixed pages that records every request; a POST is answered with a
/// thank-you page.
#[derive(Clone)]
pub struct Site {
    pub port: u16,
    pub received: Arc<Mutex<Vec<Received>>>,
}

struct Served {
    pages: BTreeMap<String, String>,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Site {
    pub async fn serve(pages: &[(&str, String)]) -> Site {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let served = Arc::new(Served {
            pages: pages
                .iter()
                .map(|(path, html)| ((*path).to_owned(), html.clone()))
                .collect(),
            received: received.clone(),
        });
        let app = axum::Router::new().fallback(answer).with_state(served);
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Site { port, received }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn allow(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The requests with this method, oldest first.
    pub fn got(&self, method: &str) -> Vec<Received> {
        let received = self.received.lock().expect("lock");
        received
            .iter()
            .filter(|r| r.method == method)
            .cloned()
            .collect()
    }
}

async fn answer(State(served): State<Arc<Served>>, request: Request) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let headers: HeaderMap = request.headers().clone();
    let body = axum::body::to_bytes(request.into_body(), 1 << 24)
        .await
        .unwrap_or_default();
    served.received.lock().expect("lock").push(Received {
        method: method.to_string(),
        path: path.clone(),
        cookie: headers
            .get("cookie")
            .and_then(|c| c.to_str().ok())
            .unwrap_or_default()
            .to_owned(),
        body,
    });
    if method == Method::POST {
        return Html("<!doctype html><h1>Thank you for applying!</h1>").into_response();
    }
    match served.pages.get(&path) {
        Some(page) => Html(page.clone()).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Records the steps; refuses the submit when told to.
#[derive(Default)]
pub struct Watcher {
    pub steps: Mutex<Vec<Step>>,
    pub refuse_submit: bool,
    pub submitting: Mutex<u32>,
}

impl Watch for Watcher {
    fn step<'a>(&'a self, step: &'a Step) -> BoxFuture<'a, Result<(), JobError>> {
        self.steps.lock().expect("lock").push(step.clone());
        Box::pin(async { Ok(()) })
    }

    fn submitting(&self) -> BoxFuture<'_, Result<(), JobError>> {
        *self.submitting.lock().expect("lock") += 1;
        let refuse = self.refuse_submit;
        Box::pin(async move {
            if refuse {
                Err(JobError::Cancelled)
            } else {
                Ok(())
            }
        })
    }
}

pub fn profile() -> Profile {
    Profile {
        resume: serde_json::json!({"basics": {
            "name": "Ada Lovelace",
            "email": "ada@example.org",
            "phone": "+44 20 7946 0000",
            "location": {"city": "London", "countryCode": "GB"},
        }}),
        ..Profile::default()
    }
}

/// The answers the plan job would put on a request for `html` (planned with scripts off, as
/// it does), every free-text answer then written by the user as `free_text`.
pub async fn planned(html: &str, url: &str, free_text: &str) -> Vec<Answer> {
    let snapshot = companion::forms::snapshot(html, url)
        .await
        .expect("a snapshot");
    let plan = shared::forms::plan(&snapshot, &profile());
    companion::approvals::plan::planned_answers(&plan, &[])
        .into_iter()
        .map(|mut answer| {
            if answer.value.is_empty() && answer.source == "unknown" {
                answer.value = free_text.to_owned();
                answer.source = "you".to_owned();
            }
            answer
        })
        .collect()
}

pub fn runner(allow: &[String]) -> Runner {
    let config = Config {
        fetch_allow_hosts: allow.to_vec(),
        apply_timeout_secs: 60,
        ..Config::default()
    };
    Runner::new(&config)
}

/// One attempt of `runner` at `url`.
pub async fn apply(
    runner: &Runner,
    url: &str,
    answers: &[Answer],
    cookies: &CookieJar,
    submit: bool,
    watch: &Watcher,
) -> companion::error::Result<Report> {
    let profile = profile();
    let attempt = Attempt {
        url,
        cookies,
        answers,
        profile: &profile,
        resume: None,
        submit,
    };
    runner.attempt(attempt, watch).await
}

/// A urlencoded body as pairs, in order.
pub fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

pub fn log_text(report: &Report) -> String {
    report
        .log
        .iter()
        .map(|l| l.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}
