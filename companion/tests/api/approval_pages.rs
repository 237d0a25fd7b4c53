//! The approval pages without JavaScript: server-rendered, escaped, plain forms with the CSRF
//! field.

use reqwest::Method;
use serde_json::json;

use crate::approvals::user_with_device;
use crate::helpers::{Browser, TestApp, read_sse_until, sse_events};

const MAGIC_LINK_OPENED: &str = "agent_request.magic_link_opened";

pub async fn page(browser: &Browser, url: String) -> String {
    let response = browser.client.get(url).send().await.expect("page");
    assert_eq!(response.status(), 200);
    response.text().await.expect("html")
}

pub async fn post_form(
    browser: &Browser,
    url: String,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let mut form: Vec<(&str, &str)> = vec![("csrf_token", browser.csrf.as_str())];
    form.extend_from_slice(fields);
    browser
        .client
        .post(url)
        .header("origin", &browser.origin)
        .form(&form)
        .send()
        .await
        .expect("post")
}

#[tokio::test]
async fn requests_are_decided_with_plain_forms() {
    let app = TestApp::spawn_with(|config| config.workers = 0).await;
    let (_, alice) = user_with_device(&app, "alice").await;
    let browser = app.login("alice").await;
    let hostile = "<img src=x onerror=alert(1)>";
    let response = post_form(
        &browser,
        app.url("/dashboard/agent-requests"),
        &[
            ("job_url", "https://jobs.example.com/evil"),
            ("company", "Evil Corp"),
            ("title", hostile),
        ],
    )
    .await;
    assert_eq!(response.status(), 303);

    let html = page(&browser, app.url("/dashboard/agent-requests")).await;
    assert!(html.contains("Action Agent wants to apply to"));
    assert!(html.contains("Confidence 100%"));
    assert!(!html.contains(hostile), "titles are escaped");
    assert!(html.contains("Evil Corp - &#60;img"), "{html}");
    let (_, list) = alice
        .call(Method::GET, "/api/v1/agent-requests", None)
        .await;
    let id = list[0]["id"].as_i64().expect("id");

    let response = post_form(
        &browser,
        app.url(&format!("/dashboard/agent-requests/{id}/approve")),
        &[("version", "1")],
    )
    .await;
    assert_eq!(response.status(), 303);
    let (_, request) = alice
        .call(Method::GET, &format!("/api/v1/agent-requests/{id}"), None)
        .await;
    assert_eq!(request["state"], "approved");

    // Approving again from a stale page: back to the list with the reason, nothing changes.
    let response = post_form(
        &browser,
        app.url(&format!("/dashboard/agent-requests/{id}/approve")),
        &[("version", "1")],
    )
    .await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().expect("location");
    assert!(location.contains("notice="), "{location}");
    let html = page(&browser, app.url(location)).await;
    assert!(html.contains("changed meanwhile"), "{html}");

    let refused = browser
        .client
        .post(app.url(&format!("/dashboard/agent-requests/{id}/decline")))
        .header("origin", &browser.origin)
        .form(&[("version", "2")])
        .send()
        .await
        .expect("post");
    assert_eq!(
        refused.status(),
        403,
        "a form without the CSRF field is refused"
    );
}

#[tokio::test]
async fn magic_link_edit_and_pipeline_pages() {
    let app = TestApp::spawn_with(|config| config.workers = 0).await;
    let (_, alice) = user_with_device(&app, "alice").await;
    let browser = app.login("alice").await;
    let request = alice
        .propose(
            "https://jobs.example.com/acme/9",
            "Acme",
            "Platform Engineer",
        )
        .await;
    let id = request["id"].as_i64().expect("id");

    let edit = app.url(&format!("/dashboard/agent-requests/{id}/edit"));
    assert!(
        page(&browser, edit.clone())
            .await
            .contains("Planned answers")
    );
    let response = post_form(
        &browser,
        edit,
        &[
            ("version", "1"),
            ("new_label", "Notice period"),
            ("new_value", "Two weeks \"exactly\""),
            ("resume", ""),
        ],
    )
    .await;
    assert_eq!(response.status(), 303);
    let (_, edited) = alice
        .call(Method::GET, &format!("/api/v1/agent-requests/{id}"), None)
        .await;
    assert_eq!(
        edited["answers"],
        json!([{"field": "notice_period", "label": "Notice period", "value": "Two weeks \"exactly\"", "source": "you"}])
    );

    let magic = page(
        &browser,
        app.url(&format!("/dashboard/agent-requests/{id}/magic-link")),
    )
    .await;
    assert!(magic.contains(r#"target="_blank" rel="noopener noreferrer""#));
    assert!(magic.contains("/dashboard/profile/resume.pdf"));
    assert!(
        magic.contains(r#"class="copy" data-value="Two weeks &#34;exactly&#34;""#),
        "{magic}"
    );
    // The extension hears of it and offers "Open & autofill" for this card.
    let stream = alice.client.get(app.url("/api/v1/events")).send();
    let opened_yet = |text: &str| text.contains(MAGIC_LINK_OPENED);
    let text = read_sse_until(stream.await.expect("stream"), opened_yet).await;
    let opened = sse_events(&text)
        .into_iter()
        .find(|e| e["type"] == MAGIC_LINK_OPENED)
        .expect("the event");
    assert_eq!(opened["payload"]["id"], id);
    assert_eq!(
        opened["payload"]["jobUrl"],
        "https://jobs.example.com/acme/9"
    );
    assert_eq!(
        opened["text"],
        "Magic link opened: Acme - Platform Engineer"
    );

    alice
        .call(
            Method::POST,
            &format!("/api/v1/agent-requests/{id}/approve"),
            Some(json!({})),
        )
        .await;
    let response = post_form(
        &browser,
        app.url(&format!("/dashboard/agent-requests/{id}/mark-submitted")),
        &[],
    )
    .await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().expect("location");
    assert!(
        location.starts_with("/dashboard/applications/"),
        "{location}"
    );
    let application = page(&browser, app.url(location)).await;
    assert!(application.contains("Submitted by you through the magic link"));

    let response = post_form(
        &browser,
        app.url(&format!("{location}/status")),
        &[("status", "interviewing"), ("note", "Onsite next week")],
    )
    .await;
    assert_eq!(response.status(), 303);
    let pipeline = page(&browser, app.url("/dashboard/applications")).await;
    assert!(pipeline.contains(r#"data-status="interviewing""#));
    assert!(pipeline.contains("Platform Engineer"));

    alice
        .propose("https://jobs.example.com/acme/10", "Acme", "SRE")
        .await;
    let home = page(&browser, app.url("/dashboard")).await;
    let count = |id: &str| {
        home.split(&format!("id=\"{id}\""))
            .nth(1)
            .and_then(|rest| rest.split("<span class=\"number\">").nth(1))
            .and_then(|rest| rest.split('<').next())
            .expect("count")
            .to_owned()
    };
    assert_eq!(count("count-pending"), "1");
    assert_eq!(count("count-needs-you"), "0");
    assert_eq!(count("count-interviews"), "1");
}
