//! Job intake over HTTP: saving postings in every shape, deduplication, sanitising, the
//! SSRF-checked fetch, CSV import, settings and the match step.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, read_sse_until};
use crate::intake_site;

pub async fn post_json(client: &reqwest::Client, url: String, body: &Value) -> (u16, Value) {
    let response = client.post(url).json(body).send().await.expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

pub async fn get_json(client: &reqwest::Client, url: String) -> Value {
    let response = client.get(url).send().await.expect("request");
    assert_eq!(response.status(), 200);
    response.json().await.expect("json")
}

fn job_posting(url: &str, title: &str) -> Value {
    json!({
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": title,
        "hiringOrganization": {"@type": "Organization", "name": "Acme"},
        "jobLocation": {"@type": "Place", "address": {"addressLocality": "Berlin", "addressCountry": "DE"}},
        "jobLocationType": "TELECOMMUTE",
        "baseSalary": {"@type": "MonetaryAmount", "currency": "EUR",
            "value": {"@type": "QuantitativeValue", "minValue": 80000, "maxValue": 95000}},
        "datePosted": "2026-11-01",
        "description": "<p onclick=\"x()\">Rust and PostgreSQL</p><script>alert(1)</script>",
        "url": url,
        "identifier": {"@type": "PropertyValue", "value": "R-1"}
    })
}

#[tokio::test]
async fn a_json_ld_posting_is_saved_sanitised_matched_and_deduplicated() {
    let app = TestApp::spawn().await;
    let alice = app.create_user("alice").await;
    let client = app.device_client(&app.pair(alice.id, "Chrome").await.token);
    let events = client
        .get(app.url("/api/v1/events"))
        .send()
        .await
        .expect("events");

    let posting = job_posting(
        "https://jobs.example.com/acme/1?utm_source=li",
        "Rust Engineer",
    );
    let (status, saved) = post_json(&client, app.url("/api/v1/postings"), &posting).await;
    assert_eq!(status, 201, "{saved}");
    assert_eq!(saved["duplicate"], false);
    let stored = &saved["posting"];
    assert_eq!(stored["source"], "extension");
    assert_eq!(stored["company"], "Acme");
    assert_eq!(stored["location"], "Berlin, DE");
    assert_eq!(stored["remote"], true);
    assert_eq!(
        (stored["salaryMin"].as_i64(), stored["salaryMax"].as_i64()),
        (Some(80_000), Some(95_000))
    );
    assert_eq!(stored["canonicalUrl"], "https://jobs.example.com/acme/1");
    assert_eq!(stored["descriptionHtml"], "<p>Rust and PostgreSQL</p>");
    assert_eq!(stored["descriptionText"], "Rust and PostgreSQL");
    assert_eq!(stored["match"]["passed"], true);
    assert!(
        stored["match"]["reasons"]
            .as_array()
            .is_some_and(|r| !r.is_empty())
    );
    let id = stored["id"].as_i64().expect("id");

    let text = read_sse_until(events, |t| t.contains("posting.matched")).await;
    assert!(text.contains("posting.saved"), "{text}");

    // The same posting by another spelling of its URL, then by company and title alone.
    let again = job_posting(
        "HTTPS://Jobs.Example.com:443/acme/1/#apply",
        "Rust Engineer",
    );
    let (status, duplicate) = post_json(&client, app.url("/api/v1/postings"), &again).await;
    assert_eq!((status, duplicate["duplicate"].clone()), (200, json!(true)));
    assert_eq!(duplicate["posting"]["id"], id);
    let (status, duplicate) = post_json(
        &client,
        app.url("/api/v1/postings"),
        &json!({"url": "https://other.example.org/x", "title": " rust  ENGINEER ", "company": "ACME, Inc."}),
    )
    .await;
    assert_eq!(
        (status, duplicate["posting"]["id"].clone()),
        (200, json!(id))
    );

    let list: Value = get_json(&client, app.url("/api/v1/postings")).await;
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    let response = client
        .request(Method::DELETE, app.url(&format!("/api/v1/postings/{id}")))
        .send()
        .await
        .expect("delete");
    assert_eq!(response.status(), 204);
    let response = client
        .get(app.url(&format!("/api/v1/postings/{id}")))
        .send()
        .await
        .expect("get");
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn a_script_title_is_stored_as_text_and_rendered_escaped() {
    let app = TestApp::spawn().await;
    app.create_user("alice").await;
    let browser = app.login("alice").await;
    let title = "<img src=x onerror=alert(1)>";
    let response = browser
        .write(Method::POST, &app.url("/api/v1/postings"))
        .json(&json!({"title": title, "company": "<b>Evil</b>", "description": "<img src=x onerror=alert(2)>hi"}))
        .send()
        .await
        .expect("save");
    assert_eq!(response.status(), 201);
    let saved: Value = response.json().await.expect("json");
    assert_eq!(saved["posting"]["title"], title);
    assert_eq!(saved["posting"]["descriptionHtml"], "hi");

    let page = browser
        .client
        .get(app.url("/dashboard/postings"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    // askama escapes `<` as `&#60;`.
    assert!(
        page.contains("&#60;img src=x onerror=alert(1)&#62;"),
        "{page}"
    );
    assert!(!page.contains("<img src=x"), "{page}");
    assert!(!page.contains("<b>Evil"), "{page}");
}

#[tokio::test]
async fn pasted_text_takes_title_and_company_from_its_first_lines() {
    let app = TestApp::spawn().await;
    let alice = app.create_user("alice").await;
    let client = app.device_client(&app.pair(alice.id, "Chrome").await.token);
    let (status, saved) = post_json(
        &client,
        app.url("/api/v1/postings"),
        &json!({"text": "Data Engineer\nInitech\n\nWe need <SQL> skills.\nApply now."}),
    )
    .await;
    assert_eq!(status, 201, "{saved}");
    let posting = &saved["posting"];
    assert_eq!(
        (posting["title"].as_str(), posting["company"].as_str()),
        (Some("Data Engineer"), Some("Initech"))
    );
    assert_eq!(posting["source"], "paste");
    assert!(
        posting["descriptionHtml"]
            .as_str()
            .is_some_and(|h| h.contains("&lt;SQL&gt;")),
        "{posting}"
    );
    assert_eq!(
        posting["match"]["reasons"][0],
        "no resume in your profile yet: relevance unknown"
    );
}

#[tokio::test]
async fn a_url_is_fetched_through_redirects_and_read() {
    let site = intake_site::start().await;
    let app = intake_site::companion_for(site).await;
    let alice = app.create_user("alice").await;
    let client = app.device_client(&app.pair(alice.id, "Chrome").await.token);
    let (status, saved) = post_json(
        &client,
        app.url("/api/v1/postings"),
        &json!({"url": format!("http://{site}/go")}),
    )
    .await;
    assert_eq!(status, 201, "{saved}");
    let posting = &saved["posting"];
    assert_eq!(posting["title"], "Platform Engineer");
    assert_eq!(posting["company"], "Acme");
    assert_eq!(posting["source"], "url");
    assert_eq!(posting["url"], format!("http://{site}/jobs/platform"));
    assert_eq!(posting["descriptionHtml"], "<p>Run Rust services.</p>");
    assert_eq!(posting["salaryCurrency"], "EUR");
}

#[tokio::test]
async fn private_metadata_and_non_http_urls_are_refused_with_4xx() {
    let site = intake_site::start().await;
    let app = intake_site::companion_for(site).await;
    let alice = app.create_user("alice").await;
    let client = app.device_client(&app.pair(alice.id, "Chrome").await.token);
    for url in [
        "javascript:alert(1)".to_owned(),
        "file:///etc/passwd".to_owned(),
        "http://127.0.0.1:9/".to_owned(),
        "http://0x7f.1/".to_owned(),
        "http://[::ffff:127.0.0.1]/".to_owned(),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        "http://localhost/".to_owned(),
        format!("http://{site}/to-metadata"),
        format!("http://{site}/to-loopback"),
        format!("http://{site}/to-file"),
    ] {
        let (status, problem) =
            post_json(&client, app.url("/api/v1/postings"), &json!({"url": url})).await;
        assert_eq!(status, 400, "{url}: {problem}");
        assert!(
            problem["detail"].as_str().is_some_and(|d| !d.is_empty()),
            "{problem}"
        );
    }
    // A posting that is not fetched still may not point at such a URL.
    let (status, _) = post_json(
        &client,
        app.url("/api/v1/postings"),
        &json!({"url": "javascript:alert(1)", "title": "T", "company": "C"}),
    )
    .await;
    assert_eq!(status, 400);
    for path in ["/loop", "/huge"] {
        let (status, problem) = post_json(
            &client,
            app.url("/api/v1/postings"),
            &json!({"url": format!("http://{site}{path}")}),
        )
        .await;
        assert_eq!(status, 502, "{path}: {problem}");
    }
    let list: Value = get_json(&client, app.url("/api/v1/postings")).await;
    assert_eq!(list, json!([]));
}

#[tokio::test]
async fn bad_posting_bodies_are_clear_4xx() {
    let app = TestApp::spawn().await;
    let alice = app.create_user("alice").await;
    let client = app.device_client(&app.pair(alice.id, "Chrome").await.token);
    for (body, expected) in [
        (json!({}), 400),
        (json!({"title": "Only a title"}), 400),
        (json!({"@type": "JobPosting", "title": "No company"}), 400),
        (json!({"unknown": 1}), 422),
        (json!([1, 2]), 422),
        (
            json!({"title": "x".repeat(10), "company": "c", "description": "d".repeat(300_000)}),
            413,
        ),
    ] {
        let (status, problem) = post_json(&client, app.url("/api/v1/postings"), &body).await;
        assert_eq!(status, expected, "{problem}");
    }
}

const JOBSPY_CSV: &str = "id,site,job_url,job_url_direct,title,company,location,date_posted,job_type,salary_source,interval,min_amount,max_amount,currency,is_remote,job_level,job_function,listing_type,emails,description,company_industry\n\
in-1,indeed,https://www.indeed.com/viewjob?jk=1,https://careers.acme.com/jobs/1?utm_source=indeed,Rust Engineer,Acme,\"Berlin, BE, DE\",2026-11-20,fulltime,direct_data,yearly,70000.0,90000.0,EUR,False,,,,,\"**Rust** and Go\n\nMulti-line <script>x</script>\",Software\n\
li-2,linkedin,https://www.linkedin.com/jobs/view/2,,Rust Engineer,ACME Inc,Berlin,2026-11-21,fulltime,,,,,,True,,,,,,\n\
gd-3,glassdoor,https://www.glassdoor.com/job/3,,,Globex,Paris,2026-11-21,,,,,,,False,,,,,,\n\
zr-4,zip_recruiter,https://www.ziprecruiter.com/4,,Data Engineer,Initech,Remote,2026-11-22,,,,lots,,USD,True,,,,,,\n";

#[tokio::test]
async fn a_jobspy_csv_is_imported_with_a_report_by_line() {
    let app = TestApp::spawn().await;
    let alice = app.create_user("alice").await;
    let client = app.device_client(&app.pair(alice.id, "Chrome").await.token);
    let response = client
        .post(app.url("/api/v1/postings/import"))
        .header("content-type", "text/csv")
        .body(JOBSPY_CSV)
        .send()
        .await
        .expect("import");
    assert_eq!(response.status(), 200);
    let report: Value = response.json().await.expect("json");
    assert_eq!(
        report["imported"].as_array().map(Vec::len),
        Some(1),
        "{report}"
    );
    assert_eq!(report["imported"][0]["line"], 2);
    assert_eq!(report["duplicates"][0]["line"], 5, "{report}");
    assert_eq!(
        report["duplicates"][0]["postingId"],
        report["imported"][0]["postingId"]
    );
    let rejected: Vec<(i64, String)> = report["rejected"]
        .as_array()
        .expect("rejected")
        .iter()
        .map(|r| {
            (
                r["line"].as_i64().unwrap_or(0),
                r["reason"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(rejected.len(), 2, "{report}");
    assert_eq!(rejected[0].0, 6);
    assert!(
        rejected[0].1.contains("title and a company"),
        "{rejected:?}"
    );
    assert_eq!(rejected[1].0, 7);
    assert!(rejected[1].1.contains("min_amount"), "{rejected:?}");

    let id = report["imported"][0]["postingId"].as_i64().expect("id");
    let posting: Value = get_json(&client, app.url(&format!("/api/v1/postings/{id}"))).await;
    assert_eq!(posting["source"], "csv");
    assert_eq!(
        posting["url"],
        "https://careers.acme.com/jobs/1?utm_source=indeed"
    );
    assert_eq!(posting["salaryMax"], 90_000);
    assert!(
        !posting["descriptionHtml"]
            .as_str()
            .unwrap_or("<script")
            .contains("<script")
    );
}

#[tokio::test]
async fn csv_import_refuses_other_types_missing_columns_and_oversized_bodies() {
    let app = TestApp::spawn().await;
    let alice = app.create_user("alice").await;
    let client = app.device_client(&app.pair(alice.id, "Chrome").await.token);
    let send = |content_type: &'static str, body: String| {
        client
            .post(app.url("/api/v1/postings/import"))
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    assert_eq!(
        send("application/json", "{}".into())
            .await
            .expect("send")
            .status(),
        415
    );
    assert_eq!(
        send("text/csv", "name,url\nx,y\n".into())
            .await
            .expect("send")
            .status(),
        400
    );
    let huge = format!("title,company\n{}", "Engineer,Acme\n".repeat(100_000));
    let response = send("text/csv", huge).await.expect("send");
    assert_eq!(response.status(), 413);
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/problem+json")
    );
}

#[tokio::test]
async fn settings_are_validated_and_drive_the_match_step() {
    let app = TestApp::spawn().await;
    let alice = app.create_user("alice").await;
    let client = app.device_client(&app.pair(alice.id, "Chrome").await.token);
    let defaults: Value = get_json(&client, app.url("/api/v1/settings/intake")).await;
    assert_eq!(defaults["remoteAllowed"], true);
    assert_eq!(defaults["companyBlocklist"], json!([]));

    let put = |body: Value| {
        client
            .put(app.url("/api/v1/settings/intake"))
            .json(&body)
            .send()
    };
    assert_eq!(
        put(json!({"salaryFloor": -1})).await.expect("put").status(),
        400
    );
    assert_eq!(
        put(json!({"model": {"baseUrl": "ftp://x"}}))
            .await
            .expect("put")
            .status(),
        400
    );
    assert_eq!(
        put(json!({"apiKey": "sk-secret"}))
            .await
            .expect("put")
            .status(),
        422
    );
    let response = put(json!({
        "companyBlocklist": [" Globex ", ""],
        "salaryFloor": 100000,
        "titleExclude": ["manager"],
        "model": {"baseUrl": "https://models.example/v1", "model": "llama3"}
    }))
    .await
    .expect("put");
    assert_eq!(response.status(), 200);
    let stored: Value = response.json().await.expect("json");
    assert_eq!(stored["companyBlocklist"], json!(["Globex"]));

    let (_, blocked) = post_json(
        &client,
        app.url("/api/v1/postings"),
        &json!({"title": "Engineer", "company": "globex"}),
    )
    .await;
    assert_eq!(blocked["posting"]["match"]["passed"], false);
    assert!(
        blocked["posting"]["match"]["reasons"][0]
            .as_str()
            .is_some_and(|r| r.contains("blocklist")),
        "{blocked}"
    );
    let (_, fine) = post_json(
        &client,
        app.url("/api/v1/postings"),
        &json!({"title": "Engineer", "company": "Acme"}),
    )
    .await;
    assert_eq!(fine["posting"]["match"]["passed"], true, "{fine}");
    assert!(
        fine["posting"]["match"]["reasons"]
            .to_string()
            .contains("salary unknown")
    );
}

#[tokio::test]
async fn the_dashboard_forms_work_without_javascript() {
    let app = TestApp::spawn().await;
    app.create_user("alice").await;
    let browser = app.login("alice").await;
    let form = |path: &str, fields: &[(&str, &str)]| {
        let mut fields: Vec<(&str, &str)> = fields.to_vec();
        fields.push(("csrf_token", &browser.csrf));
        browser
            .client
            .post(app.url(path))
            .header("origin", &browser.origin)
            .form(&fields)
            .send()
    };

    let response = form(
        "/dashboard/postings",
        &[("text", "Rust Developer\nHooli\n\nSystems work.")],
    )
    .await
    .expect("add");
    assert_eq!(response.status(), 303);
    let response = form("/dashboard/postings", &[("url", "javascript:alert(1)")])
        .await
        .expect("add");
    assert_eq!(response.status(), 400);
    assert!(
        response
            .text()
            .await
            .expect("html")
            .contains("only http and https")
    );
    let page = form(
        "/dashboard/postings/import",
        &[("csv", "title,company\nGo Developer,Hooli\n,Nobody\n")],
    )
    .await
    .expect("import")
    .text()
    .await
    .expect("html");
    assert!(
        page.contains("Imported 1, 0 already saved, 1 rejected."),
        "{page}"
    );
    assert!(
        page.contains("line 3: a posting needs a title and a company"),
        "{page}"
    );
    assert!(page.contains("Rust Developer") && page.contains("Go Developer"));

    let page = form(
        "/dashboard/settings",
        &[
            ("locations", "Berlin\n\nParis"),
            ("remote_allowed", "on"),
            ("salary_floor", "90,000"),
            ("company_blocklist", "Globex"),
        ],
    )
    .await
    .expect("save")
    .text()
    .await
    .expect("html");
    assert!(page.contains("Saved."), "{page}");
    let settings: Value = get_json(&browser.client, app.url("/api/v1/settings/intake")).await;
    assert_eq!(settings["locations"], json!(["Berlin", "Paris"]));
    assert_eq!(
        (
            settings["remoteAllowed"].as_bool(),
            settings["remoteOnly"].as_bool()
        ),
        (Some(true), Some(false))
    );
    assert_eq!(settings["salaryFloor"], 90_000);
    let response = form("/dashboard/settings", &[("salary_floor", "lots")])
        .await
        .expect("save");
    assert_eq!(response.status(), 400);

    let response = form(
        "/dashboard/watchlist",
        &[("vendor", "lever"), ("board", "hooli")],
    )
    .await
    .expect("watch");
    assert_eq!(response.status(), 303);
    let response = form(
        "/dashboard/watchlist",
        &[("vendor", "lever"), ("board", "../x")],
    )
    .await
    .expect("watch");
    assert_eq!(response.status(), 400);
    let page = form("/dashboard/watchlist/poll", &[])
        .await
        .expect("poll")
        .text()
        .await
        .expect("html");
    assert!(page.contains("Poll queued as job"), "{page}");
    let watchlist: Value = get_json(&browser.client, app.url("/api/v1/watchlist")).await;
    let id = watchlist[0]["id"].as_i64().expect("id");
    let response = form(&format!("/dashboard/watchlist/{id}/remove"), &[])
        .await
        .expect("remove");
    assert_eq!(response.status(), 303);
    let page = browser
        .client
        .get(app.url("/dashboard/settings"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(page.contains("No board is watched yet."), "{page}");
}
