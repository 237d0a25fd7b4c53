//! Sends every write the companion knows, from `openapi.json` and from the route table, with
//! a signed-in cookie but without the CSRF token: same-origin (the token check) and cross-site
//! (the origin check). Each must be
//! refused before it changes anything, with no `Authorization` header and with a Basic one
//! (a browser adds cached Basic credentials by itself behind a basic-auth proxy). A route
//! added later is walked without editing this test.

use reqwest::Method;

use crate::cross_user_seed::seed_alice;
use crate::helpers::TestApp;

/// Writes that a cookie does not authorise, so there is no CSRF to check: each names why.
fn not_cookie_authorised(method: &str, path: &str) -> bool {
    matches!(
        (method, path),
        // The pairing code in the body names the user; a cookie adds nothing.
        ("POST", "/api/v1/pair")
            // Signing in and first-user setup: no session yet (the login limiter guards them).
            | ("POST", "/login")
            | ("POST", "/setup/{token}")
    ) || path.starts_with("/api/v1/inbound/") // Webhooks: the secret in the path authorises.
}

/// Every route's path literal in the route table with the methods it answers besides GET.
fn route_table_writes() -> Vec<(String, String)> {
    let table = include_str!("../../src/http/mod.rs");
    let mut writes = Vec::new();
    for route in table.split(".route(").skip(1) {
        let Some(path) = route.split('"').nth(1) else {
            continue;
        };
        let call = route.split(".route(").next().unwrap_or_default();
        for method in ["post", "put", "patch", "delete"] {
            if call.contains(&format!("{method}(")) {
                writes.push((method.to_uppercase(), path.to_owned()));
            }
        }
    }
    writes
}

fn openapi_writes(spec: &serde_json::Value) -> Vec<(String, String)> {
    let mut writes = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("path item").keys() {
            if method != "get" {
                writes.push((method.to_uppercase(), path.clone()));
            }
        }
    }
    writes
}

#[tokio::test]
async fn every_cookie_write_without_the_csrf_token_is_refused() {
    // No workers: queued jobs would otherwise add rows while the requests run.
    let app = TestApp::spawn_with(|c| c.workers = 0).await;
    let alice = seed_alice(&app).await;
    let browser = app.login("alice").await;
    let before = app.row_counts(alice.user.id).await;
    let spec = app.openapi().await;

    let mut writes = openapi_writes(&spec);
    let api_count = writes.len();
    writes.extend(route_table_writes());
    assert!(
        api_count >= 20 && writes.len() >= api_count + 25,
        "both lists were read: {writes:?}"
    );
    let mut walked = 0;
    for (method, path) in &writes {
        if not_cookie_authorised(method, path) {
            continue;
        }
        let url = app.url(
            &path
                .replace("{platform}", "linkedin")
                .replace("{action}", "approve")
                .replace("{secret}", "x")
                .replace("{id}", &alice.application["id"].to_string())
                .replace("{job_id}", &alice.job.to_string())
                .replace("{answer_id}", &alice.profile.free_answer_id.to_string())
                .replace("{request_id}", &alice.request.to_string())
                .replace("{application_id}", &alice.application["id"].to_string())
                .replace("{posting_id}", &alice.intake.posting_id.to_string())
                .replace("{watch_id}", &alice.intake.watch_id.to_string())
                .replace("{mail_id}", &alice.mail.to_string()),
        );
        let method = Method::from_bytes(method.as_bytes()).expect("method");
        // Same origin without the token tests the token; cross-site tests the origin check.
        let origins = [
            ("origin", app.base.as_str()),
            ("sec-fetch-site", "cross-site"),
        ];
        for (header, value) in origins {
            for authorization in [None, Some("Basic YWxpY2U6cGFzc3dvcmQ=")] {
                let mut request = browser
                    .client
                    .request(method.clone(), &url)
                    .header(header, value)
                    .form(&[("status", "offer"), ("note", "forged")]);
                if let Some(basic) = authorization {
                    request = request.header("authorization", basic);
                }
                let response = request.send().await.expect("request");
                assert_eq!(
                    response.status(),
                    403,
                    "{method} {path} ({header}: {value}, authorization {authorization:?}) was not refused"
                );
            }
        }
        walked += 1;
    }
    assert!(walked >= 40, "{walked} writes walked");
    assert_eq!(
        app.row_counts(alice.user.id).await,
        before,
        "a refused write changed rows"
    );
}
