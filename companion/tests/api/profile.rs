//! The profile API and page: versioned resume and answer bank, schema errors with paths,
//! the JSON Resume corpus, free-text answers, the resume PDF, export and atomic import.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{Browser, TestApp};

pub const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

async fn call(
    client: &reqwest::Client,
    method: Method,
    url: String,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut request = client.request(method, url);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("request");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn device(app: &TestApp, name: &str) -> (i64, reqwest::Client) {
    let user = app.create_user(name).await;
    let paired = app.pair(user.id, "Chrome").await;
    (user.id, app.device_client(&paired.token))
}

fn error_paths(problem: &Value) -> Vec<String> {
    let mut paths: Vec<String> = problem["errors"]
        .as_array()
        .expect("errors list")
        .iter()
        .map(|e| e["path"].as_str().expect("path").to_owned())
        .collect();
    paths.sort();
    paths
}

async fn event_parts(app: &TestApp, user_id: i64) -> Vec<String> {
    companion::store::events::recent(&app.state.store, user_id, 50)
        .await
        .expect("events")
        .into_iter()
        .filter(|e| e.kind == "profile.updated")
        .map(|e| e.payload["part"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn the_resume_is_versioned_and_a_stale_write_is_refused() {
    let app = TestApp::spawn().await;
    let (user_id, client) = device(&app, "alice").await;
    let url = app.url("/api/v1/profile");

    let (status, empty) = call(&client, Method::GET, url.clone(), None).await;
    assert_eq!(status, 200);
    assert_eq!(empty["version"], 0);
    assert_eq!(empty["resume"], json!({}));

    let resume = json!({"basics": {"name": "Ada Lovelace", "email": "ada@example.com"}});
    let (status, saved) = call(
        &client,
        Method::PUT,
        url.clone(),
        Some(json!({"resume": resume, "version": 0})),
    )
    .await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["version"], 1);
    assert_eq!(saved["resume"], resume);

    let (status, problem) = call(
        &client,
        Method::PUT,
        url.clone(),
        Some(json!({"resume": {"basics": {"name": "Other"}}, "version": 0})),
    )
    .await;
    assert_eq!(status, 409, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .expect("detail")
            .contains("version 1"),
        "{problem}"
    );

    let (status, saved) = call(
        &client,
        Method::PUT,
        url.clone(),
        Some(json!({"resume": {"basics": {"name": "Ada King"}}, "version": 1})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(saved["version"], 2);
    let (_, read) = call(&client, Method::GET, url, None).await;
    assert_eq!(read["resume"]["basics"]["name"], "Ada King");
    assert_eq!(event_parts(&app, user_id).await, ["resume", "resume"]);
}

#[tokio::test]
async fn an_invalid_resume_is_a_422_listing_every_path() {
    let app = TestApp::spawn().await;
    let (_, client) = device(&app, "alice").await;
    let url = app.url("/api/v1/profile");
    let bad = json!({
        "basics": {"name": 5, "profiles": [{"url": null}]},
        "work": [{"name": "Acme", "startDate": "2013-12-021"}]
    });
    let response = client
        .put(&url)
        .json(&json!({"resume": bad, "version": 0}))
        .send()
        .await
        .expect("put");
    assert_eq!(response.status(), 422);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let problem: Value = response.json().await.expect("problem");
    assert_eq!(problem["type"], "urn:autoresume:problem:invalid");
    assert_eq!(
        error_paths(&problem),
        ["basics.name", "basics.profiles[0].url", "work[0].startDate"]
    );
    let (_, read) = call(&client, Method::GET, url.clone(), None).await;
    assert_eq!(read["version"], 0, "nothing was saved");

    let (status, problem) = call(
        &client,
        Method::PUT,
        url,
        Some(json!({"resume": [1, 2], "version": 0})),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
}

fn json_resume_corpus() -> Option<std::path::PathBuf> {
    test_corpus::dir().map(|corpus| corpus.join("json_resume"))
}

fn corpus_json(corpus: &std::path::Path, path: &str) -> Value {
    let path = corpus.join(path);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The JSON pointer of the value a fixture makes invalid: its `null`, else the non-string
/// `$schema`.
fn offending_path(value: &Value, path: String) -> Option<String> {
    match value {
        Value::Null => Some(path),
        Value::Object(map) => map.iter().find_map(|(key, v)| {
            if key == "$schema" && !v.is_string() {
                return Some(format!("{path}.{key}").trim_start_matches('.').to_owned());
            }
            offending_path(
                v,
                format!("{path}.{key}").trim_start_matches('.').to_owned(),
            )
        }),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| offending_path(v, format!("{path}[{i}]"))),
        _ => None,
    }
}

fn schema_errors(resume: &Value) -> Vec<shared::profile::FieldError> {
    match companion::profile::schema::validate_resume(resume).expect("schema loads") {
        Ok(()) => Vec::new(),
        Err(problems) => problems.0,
    }
}

#[test]
fn the_official_fixtures_and_samples_validate_as_upstream_says() {
    let Some(corpus) = json_resume_corpus() else {
        return;
    };
    let fixtures =
        std::fs::read_dir(corpus.join("resume-schema_test_fixtures")).expect("fixture folder");
    let mut valid = 0;
    let mut invalid = 0;
    for entry in fixtures {
        let file = entry
            .expect("entry")
            .file_name()
            .into_string()
            .expect("name");
        let cases = corpus_json(&corpus, &format!("resume-schema_test_fixtures/{file}"));
        for (name, case) in cases.as_object().expect("cases") {
            // dates.json holds bare date strings, tried as a work start date.
            let resume = if file == "dates.json" {
                json!({"work": [{"startDate": case}]})
            } else {
                case.clone()
            };
            let errors = schema_errors(&resume);
            let context = format!("{file} {name}: {errors:?}");
            if name.to_lowercase().contains("invalid") {
                invalid += 1;
                assert!(!errors.is_empty(), "accepted {context}");
                let expected = if file == "dates.json" {
                    "work[0].startDate".to_owned()
                } else {
                    offending_path(&resume, String::new()).expect("offending value")
                };
                assert!(
                    errors.iter().any(|e| e.path == expected),
                    "{context}: no error at {expected}"
                );
            } else {
                valid += 1;
                assert!(errors.is_empty(), "refused {context}");
            }
        }
    }
    assert!(
        valid >= 60 && invalid >= 60,
        "{valid} valid, {invalid} invalid"
    );
    for sample in [
        "jsonresume_resume-schema_sample.resume.json",
        "jsonresume_resume-schema_examples_valid_complete.json",
        "56kyle_resume_resume.json",
    ] {
        let errors = schema_errors(&corpus_json(&corpus, sample));
        assert!(errors.is_empty(), "{sample}: {errors:?}");
    }
}

#[tokio::test]
async fn a_real_resume_round_trips_through_the_api() {
    let Some(corpus) = json_resume_corpus() else {
        return;
    };
    let app = TestApp::spawn().await;
    let (_, client) = device(&app, "alice").await;
    let resume = corpus_json(&corpus, "56kyle_resume_resume.json");
    let (status, saved) = call(
        &client,
        Method::PUT,
        app.url("/api/v1/profile"),
        Some(json!({"resume": resume, "version": 0})),
    )
    .await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["resume"], resume);
}

fn answer_bank() -> Value {
    json!({
        "workAuthorization": [{"country": "US", "status": "needs_sponsorship"}],
        "needsSponsorship": true,
        "salary": {"currency": "USD", "minimum": 150000, "maximum": 180000, "period": "year"},
        "noticePeriod": {"amount": 2, "unit": "weeks"},
        "earliestStart": {"kind": "immediately"},
        "relocation": {"willing": "no", "locations": []},
        "remote": "remote",
        "eeo": {"declineByDefault": true, "gender": "decline"}
    })
}

#[tokio::test]
async fn the_answer_bank_round_trips_with_versions_and_field_errors() {
    let app = TestApp::spawn().await;
    let (_, client) = device(&app, "alice").await;
    let url = app.url("/api/v1/profile/answers");
    let (status, empty) = call(&client, Method::GET, url.clone(), None).await;
    assert_eq!(status, 200);
    assert_eq!(empty["version"], 0);
    assert_eq!(empty["answers"]["workAuthorization"], json!([]));

    let (status, saved) = call(
        &client,
        Method::PUT,
        url.clone(),
        Some(json!({"answers": answer_bank(), "version": 0})),
    )
    .await;
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["version"], 1);
    assert_eq!(saved["answers"]["salary"]["currency"], "USD");
    assert_eq!(saved["answers"]["eeo"]["gender"], "decline");

    let (status, _) = call(
        &client,
        Method::PUT,
        url.clone(),
        Some(json!({"answers": answer_bank(), "version": 0})),
    )
    .await;
    assert_eq!(status, 409);

    let mut bad = answer_bank();
    bad["workAuthorization"][0]["country"] = json!("USA");
    bad["salary"]["currency"] = json!("dollars");
    bad["earliestStart"] = json!({"kind": "date", "date": "2027-13-01"});
    let (status, problem) = call(
        &client,
        Method::PUT,
        url.clone(),
        Some(json!({"answers": bad, "version": 1})),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(
        error_paths(&problem),
        [
            "earliestStart.date",
            "salary.currency",
            "workAuthorization[0].country"
        ]
    );
    let (status, problem) = call(
        &client,
        Method::PUT,
        url,
        Some(json!({"answers": {"eeo": {"veteran": "maybe"}}, "version": 1})),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(error_paths(&problem), ["eeo.veteran"]);
}

#[tokio::test]
async fn free_text_answers_are_added_edited_and_deleted() {
    let app = TestApp::spawn().await;
    let (user_id, client) = device(&app, "alice").await;
    let url = app.url("/api/v1/profile/free-answers");
    let (status, added) = call(
        &client,
        Method::POST,
        url.clone(),
        Some(json!({"question": " Why us? ", "answer": "Your mission.", "tags": ["Motivation", "motivation"]})),
    )
    .await;
    assert_eq!(status, 201, "{added}");
    assert_eq!(added["question"], "Why us?");
    assert_eq!(added["tags"], json!(["motivation"]));
    let id = added["id"].as_i64().expect("id");

    let (status, edited) = call(
        &client,
        Method::PUT,
        format!("{url}/{id}"),
        Some(json!({"question": "Why us?", "answer": "Your mission and team."})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(edited["answer"], "Your mission and team.");
    let (_, list) = call(&client, Method::GET, url.clone(), None).await;
    assert_eq!(list.as_array().expect("list").len(), 1);

    let (status, problem) = call(
        &client,
        Method::POST,
        url.clone(),
        Some(json!({"question": "", "answer": "x"})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(error_paths(&problem), ["question"]);
    let (status, _) = call(
        &client,
        Method::PUT,
        format!("{url}/999999"),
        Some(json!({"question": "q", "answer": "a"})),
    )
    .await;
    assert_eq!(status, 404);

    let (status, _) = call(&client, Method::DELETE, format!("{url}/{id}"), None).await;
    assert_eq!(status, 204);
    let (status, _) = call(&client, Method::DELETE, format!("{url}/{id}"), None).await;
    assert_eq!(status, 404);
    let (_, list) = call(&client, Method::GET, url, None).await;
    assert_eq!(list, json!([]));
    assert_eq!(
        event_parts(&app, user_id).await,
        ["free_answers", "free_answers", "free_answers"]
    );
}

async fn put_pdf(
    client: &reqwest::Client,
    app: &TestApp,
    content_type: &str,
    body: Vec<u8>,
) -> (StatusCode, Value) {
    let response = client
        .put(app.url("/api/v1/profile/resume-pdf?name=Ada%20CV.pdf"))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("upload");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_resume_pdf_is_checked_stored_downloaded_and_removed() {
    // The PDF cap is above the general body cap: only the PDF route may exceed the latter.
    let app = TestApp::spawn_with(|config| {
        config.max_body_bytes = 1024;
        config.resume_pdf_max_bytes = 4096;
    })
    .await;
    let (_, client) = device(&app, "alice").await;
    let url = app.url("/api/v1/profile/resume-pdf");
    let (status, _) = call(&client, Method::GET, url.clone(), None).await;
    assert_eq!(status, 404);

    let mut pdf = PDF.to_vec();
    pdf.resize(3000, b' ');
    let (status, info) = put_pdf(&client, &app, "application/pdf", pdf.clone()).await;
    assert_eq!(status, 200, "{info}");
    assert_eq!(info["name"], "Ada CV.pdf");
    assert_eq!(info["size"], 3000);
    assert_eq!(info["sha256"].as_str().expect("hash").len(), 64);

    let response = client.get(&url).send().await.expect("download");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .expect("header")
        .to_owned();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(disposition.contains("Ada%20CV.pdf"), "{disposition}");
    assert_eq!(response.bytes().await.expect("bytes"), pdf);

    let (status, problem) = put_pdf(&client, &app, "application/json", PDF.to_vec()).await;
    assert_eq!(status, 415, "{problem}");
    let (status, problem) = put_pdf(&client, &app, "application/pdf", b"<html>".to_vec()).await;
    assert_eq!(status, 422, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .expect("detail")
            .contains("%PDF-")
    );
    let mut big = PDF.to_vec();
    big.resize(5000, b' ');
    let (status, problem) = put_pdf(&client, &app, "application/pdf", big).await;
    assert_eq!(status, 413, "{problem}");
    let (status, problem) = call(
        &client,
        Method::PUT,
        app.url("/api/v1/profile"),
        Some(json!({"resume": {"basics": {"summary": "x".repeat(2000)}}, "version": 0})),
    )
    .await;
    assert_eq!(status, 413, "other routes keep max_body_bytes: {problem}");

    let response = client.get(&url).send().await.expect("download");
    assert_eq!(
        response.bytes().await.expect("bytes"),
        pdf,
        "refused uploads left the stored file alone"
    );
    let (status, _) = call(&client, Method::DELETE, url.clone(), None).await;
    assert_eq!(status, 204);
    let (status, _) = call(&client, Method::GET, url.clone(), None).await;
    assert_eq!(status, 404);
    let (status, _) = call(&client, Method::DELETE, url, None).await;
    assert_eq!(status, 404);
}

async fn fill_profile(app: &TestApp, client: &reqwest::Client) {
    for (path, body) in [
        (
            "/api/v1/profile",
            json!({"resume": {"basics": {"name": "Ada"}, "skills": [{"name": "Rust"}]}, "version": 0}),
        ),
        (
            "/api/v1/profile/answers",
            json!({"answers": answer_bank(), "version": 0}),
        ),
    ] {
        let (status, body) = call(client, Method::PUT, app.url(path), Some(body)).await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, _) = call(
        client,
        Method::POST,
        app.url("/api/v1/profile/free-answers"),
        Some(json!({"question": "Why us?", "answer": "Because.", "tags": ["motivation"]})),
    )
    .await;
    assert_eq!(status, 201);
}

async fn snapshot(app: &TestApp, client: &reqwest::Client) -> Value {
    let mut all = json!({});
    for (key, path) in [
        ("resume", "/api/v1/profile"),
        ("answers", "/api/v1/profile/answers"),
        ("free", "/api/v1/profile/free-answers"),
    ] {
        all[key] = call(client, Method::GET, app.url(path), None).await.1;
    }
    all
}

async fn import(client: &reqwest::Client, app: &TestApp, file: &Value) -> (StatusCode, Value) {
    call(
        client,
        Method::POST,
        app.url("/api/v1/profile/import"),
        Some(file.clone()),
    )
    .await
}

#[tokio::test]
async fn an_export_imports_elsewhere_and_a_bad_import_changes_nothing() {
    let app = TestApp::spawn().await;
    let (_, alice) = device(&app, "alice").await;
    fill_profile(&app, &alice).await;

    let response = alice
        .get(app.url("/api/v1/profile/export"))
        .send()
        .await
        .expect("export");
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .expect("header")
            .starts_with("attachment; filename=\"autoresume-profile.json\"")
    );
    let file: Value = response.json().await.expect("file");
    assert_eq!(file["format"], "autoresume-profile");
    assert_eq!(file["resume"]["skills"][0]["name"], "Rust");
    assert_eq!(file["freeAnswers"][0]["question"], "Why us?");

    let (bob_id, bob) = device(&app, "bob").await;
    fill_profile(&app, &bob).await;
    let before = snapshot(&app, &bob).await;

    let mut bad_resume = file.clone();
    bad_resume["resume"]["basics"]["name"] = json!(42);
    let mut bad_answer = file.clone();
    bad_answer["freeAnswers"][0]["answer"] = json!("   ");
    bad_answer["answers"]["salary"]["minimum"] = json!(-1);
    for (bad, paths) in [
        (&bad_resume, vec!["resume.basics.name"]),
        (
            &bad_answer,
            vec!["answers.salary.minimum", "freeAnswers[0].answer"],
        ),
    ] {
        let (status, problem) = import(&bob, &app, bad).await;
        assert_eq!(status, 422, "{problem}");
        assert_eq!(error_paths(&problem), paths);
        assert_eq!(
            snapshot(&app, &bob).await,
            before,
            "a bad import changed data"
        );
    }
    let (status, _) = import(&bob, &app, &json!({"format": "something", "version": 1})).await;
    assert_eq!(status, 422);
    let response = bob
        .post(app.url("/api/v1/profile/import"))
        .header("content-type", "text/plain")
        .body(file.to_string())
        .send()
        .await
        .expect("import");
    assert_eq!(response.status(), 415);

    let (status, body) = import(&bob, &app, &file).await;
    assert_eq!(status, 204, "{body}");
    let after = snapshot(&app, &bob).await;
    assert_eq!(after["resume"]["resume"], file["resume"]);
    assert_eq!(after["resume"]["version"], 2, "an import bumps the version");
    assert_eq!(after["answers"]["answers"], file["answers"]);
    assert_eq!(after["free"].as_array().expect("list").len(), 1);
    assert_eq!(after["free"][0]["answer"], "Because.");
    assert_eq!(
        event_parts(&app, bob_id).await.last().map(String::as_str),
        Some("import")
    );
}

fn form_page_has(page: &str, needles: &[&str]) {
    for needle in needles {
        assert!(page.contains(needle), "the page lacks {needle:?}");
    }
}

async fn page(browser: &Browser, app: &TestApp) -> String {
    let response = browser
        .client
        .get(app.url("/dashboard/profile"))
        .send()
        .await
        .expect("page");
    assert_eq!(response.status(), 200);
    response.text().await.expect("html")
}

#[tokio::test]
async fn the_dashboard_page_edits_the_profile_without_javascript() {
    let app = TestApp::spawn().await;
    let user = app.create_user("alice").await;
    let browser = app.login("alice").await;
    let html = page(&browser, &app).await;
    form_page_has(
        &html,
        &[
            "action=\"/dashboard/profile/resume\"",
            "name=\"wa_country\"",
            "name=\"eeo_decline_by_default\"",
            "value=\"decline\"",
            "enctype=\"multipart/form-data\"",
            "href=\"/dashboard/profile/export\"",
        ],
    );

    let post = |path: &str, form: Vec<(&str, String)>| {
        let mut form = form;
        form.push(("csrf_token", browser.csrf.clone()));
        browser
            .client
            .post(app.url(path))
            .header("origin", &app.base)
            .form(&form)
            .send()
    };
    let response = post(
        "/dashboard/profile/resume",
        vec![
            ("version", "0".into()),
            ("name", "Ada <b>Lovelace</b>".into()),
            ("email", "ada@example.com".into()),
            ("country_code", "gb".into()),
            ("linkedin", "https://www.linkedin.com/in/ada".into()),
            (
                "advanced",
                "{\"work\": [{\"name\": \"Analytical Engines\"}]}".into(),
            ),
        ],
    )
    .await
    .expect("save");
    assert_eq!(response.status(), 303);
    let stored = companion::profile::resume(&app.state.store, user.id)
        .await
        .expect("resume");
    assert_eq!(stored.resume["basics"]["location"]["countryCode"], "GB");
    assert_eq!(
        stored.resume["basics"]["profiles"][0]["network"],
        "LinkedIn"
    );
    assert_eq!(stored.resume["work"][0]["name"], "Analytical Engines");
    let html = page(&browser, &app).await;
    assert!(html.contains("Ada &#60;b&#62;Lovelace") || html.contains("Ada &lt;b&gt;Lovelace"));

    // A bad save answers 422, shows the problem and keeps what was typed.
    let response = post(
        "/dashboard/profile/resume",
        vec![
            ("version", "1".into()),
            ("name", "Kept Name".into()),
            ("advanced", "{not json".into()),
        ],
    )
    .await
    .expect("save");
    assert_eq!(response.status(), 422);
    let html = response.text().await.expect("html");
    form_page_has(&html, &["Kept Name", "{not json", "not JSON"]);

    let response = post(
        "/dashboard/profile/answers",
        vec![
            ("version", "0".into()),
            ("wa_country", "us".into()),
            ("wa_status", "citizen".into()),
            ("salary_currency", "usd".into()),
            ("salary_minimum", "abc".into()),
            ("salary_period", "year".into()),
        ],
    )
    .await
    .expect("save");
    assert_eq!(response.status(), 422);
    form_page_has(
        &response.text().await.expect("html"),
        &["salary.minimum", "value=\"abc\""],
    );
    let response = post(
        "/dashboard/profile/answers",
        vec![
            ("version", "0".into()),
            ("wa_country", "us".into()),
            ("wa_status", "citizen".into()),
            ("eeo_decline_by_default", "on".into()),
        ],
    )
    .await
    .expect("save");
    assert_eq!(response.status(), 303);
    let answers = companion::profile::answers(&app.state.store, user.id)
        .await
        .expect("answers");
    assert_eq!(answers.answers.work_authorization[0].country, "US");
    assert!(answers.answers.eeo.decline_by_default);

    let response = post(
        "/dashboard/profile/free-answers",
        vec![
            ("question", "Why us?".into()),
            ("answer", "Because.".into()),
            ("tags", "motivation, why".into()),
        ],
    )
    .await
    .expect("add");
    assert_eq!(response.status(), 303);
    let id = companion::profile::free_answers(&app.state.store, user.id)
        .await
        .expect("list")[0]
        .id;
    let response = post(
        &format!("/dashboard/profile/free-answers/{id}/delete"),
        vec![],
    )
    .await
    .expect("delete");
    assert_eq!(response.status(), 303);

    // File uploads carry the CSRF token in the form's action.
    let upload = |path: String, bytes: &'static [u8], name: &'static str| {
        let part = reqwest::multipart::Part::bytes(bytes).file_name(name);
        browser
            .client
            .post(app.url(&path))
            .header("origin", &app.base)
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
    };
    let response = upload("/dashboard/profile/resume-pdf".into(), PDF, "cv.pdf")
        .await
        .expect("upload");
    assert_eq!(response.status(), 403, "no token, no upload");
    let with_token = format!("/dashboard/profile/resume-pdf?csrf_token={}", browser.csrf);
    let response = upload(with_token.clone(), b"GIF89a", "cv.pdf")
        .await
        .expect("upload");
    assert_eq!(response.status(), 422);
    assert!(response.text().await.expect("html").contains("%PDF-"));
    let response = upload(with_token, PDF, "cv.pdf").await.expect("upload");
    assert_eq!(response.status(), 303);
    let response = browser
        .client
        .get(app.url("/dashboard/profile/resume.pdf"))
        .send()
        .await
        .expect("download");
    assert_eq!(response.status(), 200);
    assert_eq!(response.bytes().await.expect("bytes"), PDF);
    form_page_has(
        &page(&browser, &app).await,
        &["cv.pdf", "/dashboard/profile/resume.pdf"],
    );

    let export = browser
        .client
        .get(app.url("/dashboard/profile/export"))
        .send()
        .await
        .expect("export")
        .bytes()
        .await
        .expect("file");
    let import = |bytes: Vec<u8>| {
        let part = reqwest::multipart::Part::bytes(bytes).file_name("profile.json");
        browser
            .client
            .post(app.url(&format!(
                "/dashboard/profile/import?csrf_token={}",
                browser.csrf
            )))
            .header("origin", &app.base)
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
    };
    let response = import(b"{\"format\": 1}".to_vec()).await.expect("import");
    assert_eq!(response.status(), 422);
    assert!(response.text().await.expect("html").contains("format"));
    let response = import(export.to_vec()).await.expect("import");
    assert_eq!(response.status(), 303);
}

// ---- cross-user cases (called from cross_user.rs) ----

/// Text that appears in A's profile only.
pub const MARKER: &str = "alice-profile-marker";

pub struct CrossUserProfile {
    pub free_answer_id: i64,
    before: Value,
}

/// Fills A's profile (resume, answers, a free answer, a PDF) for the cross-user walk.
pub async fn fill_for_cross_user(app: &TestApp, client: &reqwest::Client) -> CrossUserProfile {
    let (status, _) = call(
        client,
        Method::PUT,
        app.url("/api/v1/profile"),
        Some(json!({"resume": {"basics": {"name": MARKER}}, "version": 0})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = call(
        client,
        Method::PUT,
        app.url("/api/v1/profile/answers"),
        Some(json!({"answers": {"relocation": {"willing": "yes", "locations": [MARKER]}}, "version": 0})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, added) = call(
        client,
        Method::POST,
        app.url("/api/v1/profile/free-answers"),
        Some(json!({"question": MARKER, "answer": MARKER})),
    )
    .await;
    assert_eq!(status, 201);
    let (status, _) = put_pdf(client, app, "application/pdf", PDF.to_vec()).await;
    assert_eq!(status, 200);
    CrossUserProfile {
        free_answer_id: added["id"].as_i64().expect("id"),
        before: snapshot(app, client).await,
    }
}

/// B's request for each profile operation: writes carry B's own valid data.
pub fn cross_user_request(
    request: reqwest::RequestBuilder,
    method: &str,
    path: &str,
) -> reqwest::RequestBuilder {
    match (method, path) {
        ("PUT", "/api/v1/profile") => {
            request.json(&json!({"resume": {"basics": {"name": "Bob"}}, "version": 1}))
        }
        ("PUT", "/api/v1/profile/answers") => request.json(&json!({"answers": {}, "version": 1})),
        ("POST", "/api/v1/profile/free-answers")
        | ("PUT", "/api/v1/profile/free-answers/{answer_id}") => {
            request.json(&json!({"question": "Bob's?", "answer": "Bob's."}))
        }
        ("PUT", "/api/v1/profile/resume-pdf") => request
            .header("content-type", "application/pdf")
            .body(b"%PDF-1.7 bob".to_vec()),
        ("POST", "/api/v1/profile/import") => request.json(&json!({
            "format": "autoresume-profile", "version": 1, "resume": {"basics": {"name": "Bob"}}
        })),
        _ => request,
    }
}

/// What B may get: B's own data (200/201/204), a 404 for A's ids or for a PDF B has not
/// uploaded, or a 409 when B's own version moved on; never A's data.
pub fn assert_cross_user_answer(method: &str, path: &str, status: u16, text: &str, context: &str) {
    assert!(
        !text.contains(MARKER),
        "{context}: A's profile leaked: {text}"
    );
    let allowed: &[u16] = match (method, path) {
        (_, "/api/v1/profile/free-answers/{answer_id}") => &[404],
        ("PUT", "/api/v1/profile") | ("PUT", "/api/v1/profile/answers") => &[200, 409],
        ("GET" | "DELETE", "/api/v1/profile/resume-pdf") => &[200, 204, 404],
        ("POST", "/api/v1/profile/free-answers") => &[201],
        ("POST", "/api/v1/profile/import") => &[204],
        _ => &[200],
    };
    assert!(allowed.contains(&status), "{context}: {status} {text}");
}

/// A's profile is exactly as it was before B's walk.
pub async fn assert_intact(app: &TestApp, client: &reqwest::Client, profile: &CrossUserProfile) {
    assert_eq!(
        snapshot(app, client).await,
        profile.before,
        "B changed A's profile"
    );
    let pdf = client
        .get(app.url("/api/v1/profile/resume-pdf"))
        .send()
        .await
        .expect("download")
        .bytes()
        .await
        .expect("bytes");
    assert_eq!(pdf, PDF, "B changed A's resume PDF");
}
