//! The apply run on the dashboard without JavaScript: the dry-run setting on the Settings
//! page, the approve form's dry-run choice, Submit now from the card, and the request's page
//! with its progress, reason and evidence.

use reqwest::Method;

use crate::apply_fake::{Fake, Plan, run_applies};
use crate::approval_pages::{page, post_form};
use crate::approvals::user_with_device;
use crate::helpers::TestApp;

#[tokio::test]
async fn the_settings_page_turns_dry_runs_off_with_its_csrf_token() {
    let app = TestApp::spawn_with(|config| config.workers = 0).await;
    let (_, alice) = user_with_device(&app, "alice").await;
    let browser = app.login("alice").await;
    let html = page(&browser, app.url("/dashboard/settings")).await;
    assert!(html.contains(r#"id="dry-run" checked"#), "on by default");
    let forged = browser
        .client
        .post(app.url("/dashboard/settings/dry-run"))
        .header("origin", &browser.origin)
        .form(&[("csrf_token", "not-the-token")])
        .send()
        .await
        .expect("post");
    assert_eq!(forged.status(), 403, "refused without the page's token");
    let (_, settings) = alice.call(Method::GET, "/api/v1/agent", None).await;
    assert_eq!(settings["dryRun"], true, "the forged post changed nothing");

    let saved = post_form(&browser, app.url("/dashboard/settings/dry-run"), &[]).await;
    assert_eq!(saved.status(), 200);
    assert!(saved.text().await.expect("html").contains("Dry runs off"));
    let (_, settings) = alice.call(Method::GET, "/api/v1/agent", None).await;
    assert_eq!(settings["dryRun"], false);
    let html = page(&browser, app.url("/dashboard/settings")).await;
    assert!(!html.contains(r#"id="dry-run" checked"#));
    post_form(
        &browser,
        app.url("/dashboard/settings/dry-run"),
        &[("dry_run", "on")],
    )
    .await;
    let (_, settings) = alice.call(Method::GET, "/api/v1/agent", None).await;
    assert_eq!(settings["dryRun"], true);
}

#[tokio::test]
async fn a_dry_run_is_submitted_from_the_card_and_its_page_shows_the_evidence() {
    let app = TestApp::spawn_with(|config| config.workers = 0).await;
    let (_, alice) = user_with_device(&app, "alice").await;
    let browser = app.login("alice").await;
    let request = alice
        .propose("https://jobs.example.com/acme/1", "Acme", "Engineer")
        .await;
    let id = request["id"].as_i64().expect("id");
    let html = page(&browser, app.url("/dashboard/agent-requests")).await;
    assert!(
        html.contains(r#"name="dry_run" class="dry-run" checked"#),
        "{html}"
    );
    let approve = app.url(&format!("/dashboard/agent-requests/{id}/approve"));
    let response = post_form(
        &browser,
        approve,
        &[("version", "1"), ("dry_run_shown", "1"), ("dry_run", "on")],
    )
    .await;
    assert_eq!(response.status(), 303);
    let fake = Fake::new(Plan::Form);
    run_applies(&app, &fake).await;

    let html = page(&browser, app.url("/dashboard/agent-requests")).await;
    assert!(
        html.contains("Ready to submit: the agent filled the form"),
        "{html}"
    );
    assert!(html.contains("Let the agent submit"));
    assert!(html.contains("Finish in your tab"));
    let request_page = app.url(&format!("/dashboard/agent-requests/{id}"));
    let html = page(&browser, request_page.clone()).await;
    assert!(
        html.contains("Step log") && html.contains("filled 3 fields"),
        "{html}"
    );
    assert!(
        html.contains("https://jobs.example.com/acme/1#done"),
        "the final URL"
    );
    assert!(
        html.contains(&format!(
            r#"<img class="thumb" src="/api/v1/agent-requests/{id}/artifacts/"#
        )),
        "a thumbnail: {html}"
    );
    let (_, card) = alice
        .call(Method::GET, &format!("/api/v1/agent-requests/{id}"), None)
        .await;
    let version = card["version"].to_string();
    let submit = app.url(&format!("/dashboard/agent-requests/{id}/submit"));
    let response = post_form(&browser, submit, &[("version", &version)]).await;
    assert_eq!(response.status(), 303);
    run_applies(&app, &fake).await;
    assert_eq!(fake.clicks(), 1);
    let html = page(&browser, request_page).await;
    assert!(html.contains("See the application"), "{html}");
    assert_eq!(
        html.matches(r#"class="card run""#).count(),
        2,
        "both runs' evidence"
    );
}

#[tokio::test]
async fn unticking_dry_run_on_the_approve_form_submits() {
    let app = TestApp::spawn_with(|config| config.workers = 0).await;
    let (_, alice) = user_with_device(&app, "alice").await;
    let browser = app.login("alice").await;
    let request = alice
        .propose("https://jobs.example.com/acme/2", "Acme", "Engineer")
        .await;
    let id = request["id"].as_i64().expect("id");
    let approve = app.url(&format!("/dashboard/agent-requests/{id}/approve"));
    post_form(
        &browser,
        approve,
        &[("version", "1"), ("dry_run_shown", "1")],
    )
    .await;
    let (_, card) = alice
        .call(Method::GET, &format!("/api/v1/agent-requests/{id}"), None)
        .await;
    assert_eq!(card["dryRun"], false);
}
