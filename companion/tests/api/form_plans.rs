//! The plan job: the real saved application forms (../shared/corpus/ats_forms_real) served by a
//! local site, snapshotted in headless Chromium and planned onto the request; drafts from a
//! local server speaking the OpenAI chat-completions JSON; the cards that show it all.

use std::path::PathBuf;
use std::sync::atomic::Ordering;

use reqwest::Method;
use serde_json::{Value, json};

use crate::form_site::*;
use crate::helpers::Browser;

#[tokio::test]
async fn a_new_request_gets_the_plan_of_its_real_application_form() {
    let Some(corpus) = test_corpus::dir() else {
        return;
    };
    let (site, _) = start(Some(corpus)).await;
    let app = serve_app(site).await;
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
    let app = serve_app(site).await;
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
    let app = serve_app(site).await;
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
    let app = serve_app(site).await;
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
    // Ashby's form has an invisible reCAPTCHA: it asks nothing before Submit.
    assert_eq!(request["form"]["blocked"], false);
    assert!(
        request["confidenceReasons"]
            .to_string()
            .contains("an invisible captcha on the form")
    );

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
