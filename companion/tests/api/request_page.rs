//! A request's own page without JavaScript: the same actions as its card, forms that come
//! back to the page (and only ever to the dashboard's own pages), and the "Dry run" badge
//! only where a dry run is still to come or has just stopped.

use reqwest::Method;

use crate::apply_fake::{Fake, Plan, run_applies};
use crate::approval_pages::{page, post_form};
use crate::approvals::user_with_device;
use crate::helpers::TestApp;

fn location(response: &reqwest::Response) -> String {
    assert_eq!(response.status(), 303);
    response.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned()
}

const BADGE: &str = r#"class="badge dry-run""#;

#[tokio::test]
async fn a_pending_request_is_decided_on_its_own_page_which_the_forms_come_back_to() {
    let app = TestApp::spawn_with(|config| config.workers = 0).await;
    let (_, alice) = user_with_device(&app, "alice").await;
    let browser = app.login("alice").await;
    let request = alice
        .propose("https://jobs.example.com/acme/3", "Acme", "Engineer")
        .await;
    let id = request["id"].as_i64().expect("id");
    let here = format!("/dashboard/agent-requests/{id}");
    let html = page(&browser, app.url(&here)).await;
    assert!(
        html.contains(&format!(r#"action="{here}/approve""#))
            && html.contains(&format!(r#"action="{here}/decline""#)),
        "{html}"
    );
    assert!(
        html.contains(r#"name="dry_run" class="dry-run" checked"#),
        "{html}"
    );
    assert!(html.contains(&format!(r#"name="back" value="{here}""#)));
    assert!(html.contains(&format!(r#"href="{here}/edit?back={here}""#)));
    assert!(!html.contains(BADGE), "a pending request has the checkbox");

    // A stale form, and forms asking to go elsewhere: the list, with the reason.
    for hostile in [
        "https://evil.example/",
        "//evil.example/dashboard",
        "/\\evil.example",
        "/dashboard//evil.example",
        "/dashboard/x\r\nSet-Cookie: a=b",
        "javascript:alert(1)",
        "/login",
    ] {
        let response = post_form(
            &browser,
            app.url(&format!("{here}/approve")),
            &[("version", "7"), ("back", hostile)],
        )
        .await;
        let to = location(&response);
        assert!(
            to.starts_with("/dashboard/agent-requests?notice="),
            "{hostile}: {to}"
        );
    }
    let response = post_form(
        &browser,
        app.url(&format!("{here}/approve")),
        &[("version", "7"), ("back", &here)],
    )
    .await;
    let to = location(&response);
    assert!(to.starts_with(&format!("{here}?notice=")), "{to}");
    let html = page(&browser, app.url(&to)).await;
    assert!(
        html.contains(r#"id="notice""#) && html.contains("changed meanwhile"),
        "{html}"
    );

    // Edit from the page: Save comes back to it; a foreign `back` goes to the list.
    let edit = page(&browser, app.url(&format!("{here}/edit?back={here}"))).await;
    assert!(edit.contains(&format!(r#"name="back" value="{here}""#)));
    assert!(edit.contains("Back to the request"));
    let saved = post_form(
        &browser,
        app.url(&format!("{here}/edit")),
        &[("version", "1"), ("resume", ""), ("back", &here)],
    )
    .await;
    assert_eq!(location(&saved), here);
    let edit = page(
        &browser,
        app.url(&format!("{here}/edit?back=https://evil.example/")),
    )
    .await;
    assert!(!edit.contains("evil.example"), "{edit}");
    assert!(edit.contains("All requests"));

    let response = post_form(
        &browser,
        app.url(&format!("{here}/approve")),
        &[
            ("version", "2"),
            ("dry_run_shown", "1"),
            ("dry_run", "on"),
            ("back", &here),
        ],
    )
    .await;
    assert_eq!(location(&response), here);
    let (_, card) = alice
        .call(Method::GET, &format!("/api/v1/agent-requests/{id}"), None)
        .await;
    assert_eq!(
        (card["state"].as_str(), card["dryRun"].as_bool()),
        (Some("approved"), Some(true))
    );
    let html = page(&browser, app.url(&here)).await;
    assert!(html.contains("Queued: the agent applies soon."), "{html}");
    assert!(html.contains(BADGE), "an approved dry run");
    assert!(
        html.contains(&format!(r#"action="{here}/decline""#)),
        "Cancel"
    );
    let response = post_form(
        &browser,
        app.url(&format!("{here}/decline")),
        &[("version", "3"), ("back", &here)],
    )
    .await;
    assert_eq!(location(&response), here);
    let html = page(&browser, app.url(&here)).await;
    assert!(html.contains("Rejected"), "{html}");
    assert!(!html.contains(BADGE), "a cancelled dry run will not run");
    let list = page(&browser, app.url("/dashboard/agent-requests")).await;
    assert!(!list.contains(BADGE), "nor on its card: {list}");
}

#[tokio::test]
async fn the_dry_run_badge_shows_while_the_dry_run_is_to_come_or_ready_to_submit() {
    let app = TestApp::spawn_with(|config| config.workers = 0).await;
    let (_, alice) = user_with_device(&app, "alice").await;
    let browser = app.login("alice").await;
    let mut ids = Vec::new();
    for n in 4..6 {
        let request = alice
            .propose(
                &format!("https://jobs.example.com/acme/{n}"),
                "Acme",
                "Engineer",
            )
            .await;
        let id = request["id"].as_i64().expect("id");
        alice
            .call(
                Method::POST,
                &format!("/api/v1/agent-requests/{id}/approve"),
                Some(serde_json::json!({"version": 1, "dryRun": true})),
            )
            .await;
        ids.push(id);
    }
    let badges = |html: &str| html.matches(BADGE).count();
    let list = page(&browser, app.url("/dashboard/agent-requests")).await;
    assert_eq!(badges(&list), 2, "both approved dry runs: {list}");

    run_applies(&app, &Fake::new(Plan::Form)).await;
    let list = page(&browser, app.url("/dashboard/agent-requests")).await;
    assert_eq!(badges(&list), 2, "both ready to submit");
    let ready = format!("/dashboard/agent-requests/{}", ids[0]);
    let html = page(&browser, app.url(&ready)).await;
    assert!(
        html.contains("Let the agent submit") && badges(&html) == 1,
        "{html}"
    );

    let (_, card) = alice
        .call(
            Method::GET,
            &format!("/api/v1/agent-requests/{}", ids[0]),
            None,
        )
        .await;
    let version = card["version"].to_string();
    let response = post_form(
        &browser,
        app.url(&format!("{ready}/decline")),
        &[("version", &version), ("back", &ready)],
    )
    .await;
    assert_eq!(location(&response), ready);
    let html = page(&browser, app.url(&ready)).await;
    assert_eq!(badges(&html), 0, "a rejected dry run: {html}");
    let list = page(&browser, app.url("/dashboard/agent-requests")).await;
    assert_eq!(badges(&list), 1, "only the one still ready to submit");
}
