//! Walks every dashboard route with an id in its path as user B, with B's cookie and CSRF
//! token, against user A's ids. The routes are read from the route table, so a new one
//! without a case here fails the test.

use reqwest::Method;

use crate::cross_user_seed::{assert_alice_untouched, seed_alice};
use crate::helpers::TestApp;

/// Dashboard paths with a placeholder, in the order the route table lists them.
fn dashboard_routes_with_ids() -> Vec<&'static str> {
    include_str!("../../src/http/mod.rs")
        .split('"')
        .filter(|literal| literal.starts_with("/dashboard/") && literal.contains('{'))
        .collect()
}

/// Form fields any of the routes may want, so that B's request reaches the lookup of A's id
/// instead of failing on a missing field.
fn form(csrf: &str) -> Vec<(&str, &str)> {
    vec![
        ("csrf_token", csrf),
        ("version", "1"),
        ("status", "offer"),
        ("note", "from bob"),
        ("question", "bob's question"),
        ("answer", "bob's answer"),
        ("tags", ""),
        ("category", "rejection"),
    ]
}

#[tokio::test]
async fn user_b_cannot_reach_user_a_through_dashboard_routes_with_ids() {
    // No workers: A's own queued jobs would otherwise add rows while B's requests run.
    let app = TestApp::spawn_with(|c| c.workers = 0).await;
    let alice = seed_alice(&app).await;
    let before = app.row_counts(alice.user.id).await;
    app.create_user("bob").await;
    let bob = app.login("bob").await;

    let routes = dashboard_routes_with_ids();
    assert!(routes.len() >= 10, "{routes:?}");
    for route in routes {
        let id = match route.split('/').nth(2) {
            Some("devices") => alice.device.device.id.clone(),
            Some("jobs") => alice.job.to_string(),
            Some("accounts") => "linkedin".to_owned(),
            Some("profile") => alice.profile.free_answer_id.to_string(),
            Some("agent-requests") => alice.request.to_string(),
            Some("applications") => alice.application["id"].to_string(),
            Some("watchlist") => alice.intake.watch_id.to_string(),
            Some("inbox") => alice.mail.to_string(),
            _ => panic!("no cross-user case for {route}: add one to this test"),
        };
        let actions: &[&str] = if route.contains("{action}") {
            &["approve", "decline", "mark-submitted"]
        } else {
            &[""]
        };
        for action in actions {
            let path = route
                .replace("{id}", &id)
                .replace("{platform}", &id)
                .replace("{action}", action);
            for method in [Method::GET, Method::POST] {
                let context = format!("B's cookie {method} {route} as {path}");
                let response = bob
                    .write(method.clone(), &app.url(&path))
                    .form(&form(&bob.csrf))
                    .send()
                    .await
                    .expect("request");
                let status = response.status().as_u16();
                let location = response
                    .headers()
                    .get("location")
                    .and_then(|l| l.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                let text = response.text().await.expect("body");
                let allowed: &[u16] = if method == Method::GET {
                    &[404, 405]
                } else {
                    &[303, 404, 405]
                };
                assert!(
                    allowed.contains(&status),
                    "{context}: {status} {location} {text}"
                );
                assert!(
                    !location.contains(&id) || id == "linkedin",
                    "{context}: {location}"
                );
                for marker in ["Alice", "alice"] {
                    assert!(!text.contains(marker), "{context}: {text}");
                }
            }
        }
    }

    assert_eq!(
        app.row_counts(alice.user.id).await,
        before,
        "B's requests changed A's rows"
    );
    assert_alice_untouched(&app, &alice).await;
}
