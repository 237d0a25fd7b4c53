//! The plan job behind a sign-in: a local site whose application page needs a session cookie,
//! under two host names (`resolve`) on two ports, planned with the vault's jar for the site;
//! what each hop received is recorded.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use reqwest::Method;
use serde_json::{Value, json};
use shared::cookies::{Cookie, CookieJar, CookieValue, Platform};

use crate::form_site::{Alice, alice_with_profile, answer, settle, worker};
use crate::helpers::{TestApp, read_sse_until};

const JOBS: &str = "jobs.example.test";
const OTHER: &str = "other.example.test";
const PLATFORM: &str = "custom:jobs.example.test";

/// One request the site received.
#[derive(Debug, Clone)]
struct Seen {
    host: String,
    path: String,
    cookie: Option<String>,
}

#[derive(Clone)]
struct Walled {
    seen: Arc<Mutex<Vec<Seen>>>,
    /// Where `/hop` sends the browser: the other host's open page.
    other: String,
}

const FORM: &str = r#"<!doctype html><html><body><h1>Apply</h1><form>
<label for="email">Email</label><input id="email" name="email" type="email" required>
<label for="first">First name</label><input id="first" name="first_name" required>
</form></body></html>"#;

const SIGN_IN: &str = r#"<!doctype html><html><body><h1>Sign in</h1>
<form method="post" action="/sign-in"><label for="user">Email</label>
<input id="user" name="username" type="email"><label for="pass">Password</label>
<input id="pass" name="password" type="password"><button>Sign in</button></form>
</body></html>"#;

/// `/apply` needs the cookie `session=good` (else a redirect to `/sign-in`); `/open` needs
/// nothing; `/hop` redirects to the other host.
async fn page(State(site): State<Walled>, request: Request) -> Response {
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let cookie = header("cookie");
    let path = request.uri().path().to_owned();
    site.seen.lock().expect("seen").push(Seen {
        host: header("host").unwrap_or_default(),
        path: path.clone(),
        cookie: cookie.clone(),
    });
    let signed_in = cookie
        .unwrap_or_default()
        .split("; ")
        .any(|c| c == "session=good");
    match path.as_str() {
        "/apply" if signed_in => Html(FORM).into_response(),
        "/apply" => redirect("/sign-in?next=/apply".to_owned()),
        "/sign-in" => Html(SIGN_IN).into_response(),
        "/open" => Html(FORM).into_response(),
        "/hop" => redirect(format!("{}/open", site.other)),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

fn redirect(to: String) -> Response {
    (StatusCode::FOUND, [("location", to)]).into_response()
}

/// The site on two loopback ports, `jobs.example.test:A` and `other.example.test:B`, and a
/// companion that reaches them by those names.
async fn walled_site() -> (TestApp, Walled, String) {
    let jobs = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let other = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let (a, b) = (
        jobs.local_addr().expect("addr").port(),
        other.local_addr().expect("addr").port(),
    );
    let site = Walled {
        seen: Arc::default(),
        other: format!("http://{OTHER}:{b}"),
    };
    for listener in [jobs, other] {
        let router = Router::new().fallback(page).with_state(site.clone());
        tokio::spawn(async move {
            axum::serve(listener, router).await.expect("site serves");
        });
    }
    let app = TestApp::spawn_with(|config| {
        config.fetch_allow_hosts = vec![format!("{JOBS}:{a}"), format!("{OTHER}:{b}")];
        config.resolve = vec![
            format!("{JOBS}:{a}=127.0.0.1:{a}"),
            format!("{OTHER}:{b}=127.0.0.1:{b}"),
        ];
        config.workers = 0;
    })
    .await;
    (app, site, format!("http://{JOBS}:{a}"))
}

fn cookie(name: &str, value: &str) -> Cookie {
    Cookie {
        name: name.into(),
        value: CookieValue::new(value.into()),
        domain: JOBS.into(),
        path: "/".into(),
        expires: None,
        secure: false,
        http_only: true,
        same_site: None,
        host_only: true,
    }
}

/// Seals `cookies` to Alice's vault key and stores them as her account for the site, as the
/// extension's Connect does.
async fn connect(app: &TestApp, alice: &Alice, cookies: Vec<Cookie>) {
    let (_, me) = alice.call(app, Method::GET, "/api/v1/me", None).await;
    let user_id = me["user"]["id"].as_i64().expect("user id");
    let key = app
        .state
        .vault
        .current_public_key(user_id)
        .await
        .expect("key");
    let platform = Platform::lookup(PLATFORM).expect("platform");
    let envelope = shared::vault::seal_jar(
        &key,
        &user_id.to_string(),
        &platform,
        &CookieJar::new(cookies),
    )
    .expect("sealed");
    let path = format!("/api/v1/credentials/{PLATFORM}");
    let (status, stored) = alice
        .call(
            app,
            Method::PUT,
            &path,
            Some(json!({ "envelope": envelope })),
        )
        .await;
    assert_eq!(status, 200, "{stored}");
}

/// Proposes `url`, runs its plan job and returns the planned request.
async fn planned(app: &TestApp, alice: &Alice, url: &str) -> Value {
    let id = alice.propose(app, url).await;
    let job = settle(app, alice, &worker(app), id).await;
    assert_eq!(job["state"], "succeeded", "{job}");
    let result = job["result"].to_string();
    for secret in ["good", "stale", "tls", "deep"] {
        assert!(!result.contains(secret), "the job's result: {result}");
    }
    alice.request(app, id).await
}

fn seen(site: &Walled, host: &str, path: &str) -> Vec<Seen> {
    let seen = site.seen.lock().expect("seen");
    seen.iter()
        .filter(|s| s.host.starts_with(&format!("{host}:")) && s.path == path)
        .cloned()
        .collect()
}

fn reasons(request: &Value) -> String {
    request["confidenceReasons"].to_string()
}

#[tokio::test]
async fn the_vaulted_session_gets_through_the_wall_and_only_the_cookies_for_the_page_go() {
    let (app, site, jobs) = walled_site().await;
    let alice = alice_with_profile(&app).await;
    connect(
        &app,
        &alice,
        vec![
            cookie("session", "good"),
            Cookie {
                expires: Some(1_600_000_000),
                ..cookie("stale", "expired-long-ago")
            },
            Cookie {
                secure: true,
                ..cookie("tls", "https-only")
            },
            Cookie {
                path: "/elsewhere".into(),
                ..cookie("deep", "another-path")
            },
        ],
    )
    .await;
    let request = planned(&app, &alice, &format!("{jobs}/apply")).await;

    assert_eq!(request["form"]["blocked"], false, "{request}");
    assert_eq!(request["form"]["url"], format!("{jobs}/apply"));
    assert_eq!(answer(&request, "#email")["value"], "ada@example.org");
    let apply = seen(&site, JOBS, "/apply");
    assert_eq!(apply.len(), 1, "{apply:?}");
    assert_eq!(apply[0].cookie.as_deref(), Some("session=good"));
    assert!(seen(&site, JOBS, "/sign-in").is_empty());
}

#[tokio::test]
async fn a_redirect_to_another_host_carries_none_of_the_cookies() {
    let (app, site, jobs) = walled_site().await;
    let alice = alice_with_profile(&app).await;
    connect(&app, &alice, vec![cookie("session", "good")]).await;
    let request = planned(&app, &alice, &format!("{jobs}/hop")).await;

    assert_eq!(request["form"]["blocked"], false, "{request}");
    assert_eq!(request["form"]["url"], format!("{}/open", site.other));
    let hop = seen(&site, JOBS, "/hop");
    assert_eq!(hop.len(), 1, "{hop:?}");
    assert_eq!(hop[0].cookie.as_deref(), Some("session=good"));
    let landed = seen(&site, OTHER, "/open");
    assert_eq!(landed.len(), 1, "{landed:?}");
    assert_eq!(landed[0].cookie, None, "the other host got a cookie");
}

#[tokio::test]
async fn without_an_account_the_wall_says_to_connect_one() {
    let (app, site, jobs) = walled_site().await;
    let alice = alice_with_profile(&app).await;
    let request = planned(&app, &alice, &format!("{jobs}/apply")).await;

    assert_eq!(request["form"]["blocked"], true, "{request}");
    let blockers = request["form"]["blockers"].to_string();
    assert!(blockers.contains("login_wall"), "{blockers}");
    let reasons = reasons(&request);
    assert!(
        reasons.contains("connect your account for jobs.example.test in the extension"),
        "{reasons}"
    );
    // The sign-in page is not the form: a run goes to the page asked for.
    assert_eq!(request["form"]["url"], format!("{jobs}/apply"));
    assert_eq!(seen(&site, JOBS, "/apply")[0].cookie, None);
    assert_eq!(seen(&site, JOBS, "/sign-in").len(), 1);
}

#[tokio::test]
async fn a_session_that_no_longer_signs_in_flags_the_account_for_a_refresh() {
    let (app, site, jobs) = walled_site().await;
    let alice = alice_with_profile(&app).await;
    connect(&app, &alice, vec![cookie("session", "ended")]).await;
    let request = planned(&app, &alice, &format!("{jobs}/apply")).await;

    assert_eq!(request["form"]["blocked"], true, "{request}");
    assert_eq!(
        seen(&site, JOBS, "/apply")[0].cookie.as_deref(),
        Some("session=ended")
    );
    let reasons = reasons(&request);
    assert!(
        reasons.contains("your jobs.example.test session seems to have expired"),
        "{reasons}"
    );
    assert!(!reasons.contains("connect your account"), "{reasons}");
    let (_, accounts) = alice
        .call(&app, Method::GET, "/api/v1/credentials", None)
        .await;
    assert_eq!(accounts[0]["platform"], PLATFORM);
    assert!(accounts[0]["refreshNeededAt"].is_i64(), "{accounts}");
    let events = alice
        .client
        .get(app.url("/api/v1/events"))
        .send()
        .await
        .expect("events");
    let text = read_sse_until(events, |t| t.contains("credentials.refresh_needed")).await;
    assert!(text.contains(PLATFORM), "{text}");
}
