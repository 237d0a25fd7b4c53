//! A local stand-in for the outside world of job intake: a company's job page, redirects,
//! and the Greenhouse, Lever and Ashby board APIs answering in their real JSON shapes.

use std::net::SocketAddr;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Json};
use axum::routing::get;
use serde_json::json;

use crate::helpers::TestApp;

pub const JOB_PAGE: &str = r#"<!doctype html><html><head><title>Careers at Acme</title>
<script type="application/ld+json">{"@context":"https://schema.org","@graph":[
 {"@type":"WebSite","name":"Acme careers"},
 {"@type":"JobPosting","title":"Platform Engineer","datePosted":"2026-11-20",
  "hiringOrganization":{"@type":"Organization","name":"Acme"},
  "jobLocation":{"@type":"Place","address":{"@type":"PostalAddress","addressLocality":"Berlin","addressCountry":"DE"}},
  "baseSalary":{"@type":"MonetaryAmount","currency":"EUR","value":{"@type":"QuantitativeValue","minValue":70000,"maxValue":90000,"unitText":"YEAR"}},
  "description":"<p>Run Rust services.<\/p><script>alert(1)<\/script>"}]}</script>
</head><body><h1>Platform Engineer</h1></body></html>"#;

/// The Job Board API's `GET /v1/boards/{token}/jobs?content=true` answer: `content` is
/// entity-escaped HTML.
fn greenhouse_jobs() -> serde_json::Value {
    json!({
        "jobs": [{
            "absolute_url": "https://boards.greenhouse.io/acme/jobs/4012345?gh_src=abc",
            "data_compliance": [{"type": "gdpr", "requires_consent": false, "requires_processing_consent": false, "requires_retention_consent": false, "retention_period": null}],
            "internal_job_id": 3012345,
            "location": {"name": "Remote - Europe"},
            "metadata": null,
            "id": 4012345,
            "updated_at": "2026-11-18T10:21:40-05:00",
            "requisition_id": "ENG-101",
            "title": "Senior Backend Engineer",
            "company_name": "Acme",
            "first_published": "2026-11-10T09:00:00-05:00",
            "content": "&lt;p&gt;We use &lt;strong&gt;Rust&lt;/strong&gt; and PostgreSQL.&lt;/p&gt;&lt;img src=x onerror=alert(1)&gt;",
            "departments": [{"id": 1, "name": "Engineering", "child_ids": [], "parent_id": null}],
            "offices": [{"id": 2, "name": "Remote", "location": "Europe", "child_ids": [], "parent_id": null}]
        }],
        "meta": {"total": 1}
    })
}

/// `GET /v0/postings/{company}?mode=json`: a bare array.
fn lever_postings() -> serde_json::Value {
    json!([{
        "additional": "<div>Equal opportunity.</div>",
        "additionalPlain": "Equal opportunity.",
        "categories": {"commitment": "Full-time", "department": "Engineering", "location": "New York, NY", "team": "Infrastructure", "allLocations": ["New York, NY"]},
        "createdAt": 1_793_491_200_000_i64,
        "descriptionPlain": "Build our platform.",
        "description": "<div>Build our platform.</div>",
        "id": "5c8f1f6a-3b1e-4b7a-9d55-0f5c2a6f7e11",
        "lists": [{"text": "What you'll do", "content": "<li>Ship Go services</li><li>On-call</li>"}],
        "text": "Site Reliability Engineer",
        "country": "US",
        "workplaceType": "onsite",
        "salaryRange": {"currency": "USD", "interval": "per-year-salary", "min": 150000, "max": 190000},
        "hostedUrl": "https://jobs.lever.co/globex/5c8f1f6a-3b1e-4b7a-9d55-0f5c2a6f7e11",
        "applyUrl": "https://jobs.lever.co/globex/5c8f1f6a-3b1e-4b7a-9d55-0f5c2a6f7e11/apply"
    }])
}

/// `GET /posting-api/job-board/{name}?includeCompensation=true`.
fn ashby_board() -> serde_json::Value {
    json!({
        "apiVersion": "1",
        "jobs": [{
            "id": "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
            "title": "Product Engineer",
            "department": "Engineering",
            "team": "Product",
            "employmentType": "FullTime",
            "location": "London",
            "secondaryLocations": [{"location": "Remote UK", "address": {"addressCountry": "United Kingdom"}}],
            "publishedAt": "2026-11-15T12:00:00.000+00:00",
            "isListed": true,
            "isRemote": true,
            "address": {"postalAddress": {"addressLocality": "London", "addressCountry": "United Kingdom"}},
            "jobUrl": "https://jobs.ashbyhq.com/initech/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
            "applyUrl": "https://jobs.ashbyhq.com/initech/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b/application",
            "descriptionHtml": "<p>TypeScript and Rust.</p>",
            "descriptionPlain": "TypeScript and Rust.",
            "compensation": {
                "compensationTierSummary": "£80K – £100K • Offers Equity",
                "scrapeableCompensationSalarySummary": "£80K - £100K",
                "compensationTiers": [],
                "summaryComponents": [
                    {"compensationType": "Salary", "interval": "1 YEAR", "currencyCode": "GBP", "minValue": 80000, "maxValue": 100000},
                    {"compensationType": "EquityPercentage", "interval": "NONE", "currencyCode": null, "minValue": null, "maxValue": null}
                ]
            }
        }, {
            "id": "unlisted", "title": "Secret role", "isListed": false, "isRemote": false,
            "location": "London", "jobUrl": "https://jobs.ashbyhq.com/initech/unlisted", "descriptionHtml": ""
        }]
    })
}

/// Starts the site on 127.0.0.1. Its redirects to other local or metadata addresses must
/// not be followed: only the site itself is on the companion's allow-list.
pub async fn start() -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let redirect = |to: String| {
        move || {
            let to = to.clone();
            async move { (StatusCode::FOUND, [(header::LOCATION, to)]).into_response() }
        }
    };
    let router = Router::new()
        .route("/jobs/platform", get(|| async { Html(JOB_PAGE) }))
        .route("/go", get(redirect("/hop/1".into())))
        .route(
            "/hop/1",
            get(redirect(format!("http://{addr}/jobs/platform"))),
        )
        .route("/loop", get(redirect("/loop".into())))
        .route(
            "/to-metadata",
            get(redirect("http://169.254.169.254/latest/meta-data/".into())),
        )
        .route(
            "/to-loopback",
            get(redirect("http://127.0.0.1:9/admin".into())),
        )
        .route("/to-file", get(redirect("file:///etc/passwd".into())))
        .route("/huge", get(|| async { "x".repeat(300_000) }))
        .route(
            "/v1/boards/acme/jobs",
            get(|| async { Json(greenhouse_jobs()) }),
        )
        .route(
            "/v0/postings/globex",
            get(|| async { Json(lever_postings()) }),
        )
        .route(
            "/posting-api/job-board/initech",
            get(|| async { Json(ashby_board()) }),
        )
        .route(
            "/v1/boards/broken/jobs",
            get(|| async { StatusCode::INTERNAL_SERVER_ERROR }),
        );
    tokio::spawn(async move {
        axum::serve(listener, router).await.expect("site serves");
    });
    addr
}

/// A companion that may fetch from `site` (and only there among private addresses), with
/// the board APIs pointed at it.
pub async fn companion_for(site: SocketAddr) -> TestApp {
    TestApp::spawn_with(|config| {
        config.fetch_allow_hosts = vec![site.to_string()];
        config.fetch_max_bytes = 200_000;
        config.greenhouse_api_url = format!("http://{site}");
        config.lever_api_url = format!("http://{site}/");
        config.ashby_api_url = format!("http://{site}");
        // The poll tests run their jobs themselves, one at a time.
        config.workers = 0;
    })
    .await
}
