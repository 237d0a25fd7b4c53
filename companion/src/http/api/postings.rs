//! `/api/v1/postings`: save a posting (JSON-LD, fields, a URL to fetch, pasted text), list,
//! get, delete, and import a JobSpy CSV.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use serde_json::Value;
use shared::api::{ImportReport, MatchOutcome, PostingInfo, Problem, SavedPosting, Source};

use crate::error::{Error, Result};
use crate::http::auth::Principal;
use crate::intake::{self, csv_import};
use crate::state::AppState;
use crate::store::{self, postings::PostingRow};

impl From<PostingRow> for PostingInfo {
    fn from(row: PostingRow) -> Self {
        let outcome = match (row.match_passed, row.match_score) {
            (Some(passed), Some(score)) => Some(MatchOutcome {
                passed: passed != 0,
                score,
                reasons: row
                    .match_reasons
                    .as_deref()
                    .and_then(|r| serde_json::from_str(r).ok())
                    .unwrap_or_default(),
            }),
            _ => None,
        };
        PostingInfo {
            id: row.id,
            source: serde_json::from_value(Value::String(row.source)).unwrap_or(Source::Paste),
            url: row.url,
            canonical_url: row.canonical_url,
            company: row.company,
            title: row.title,
            location: row.location,
            remote: row.remote != 0,
            salary_min: row.salary_min,
            salary_max: row.salary_max,
            salary_currency: row.salary_currency,
            description_html: row.description_html,
            description_text: row.description_text,
            posted_at: row.posted_at,
            created_at: row.created_at,
            outcome,
        }
    }
}

/// Save a job posting. The body is a schema.org `JobPosting` (JSON-LD, also inside `@graph`
/// or a list), or `{url, title, company, description}`, or `{url}` alone (the page is
/// fetched through the SSRF-checked fetcher and read), or `{text}` (a pasted description).
#[utoipa::path(post, path = "/api/v1/postings", tag = "postings",
    request_body(content = Object, description = "A JobPosting JSON-LD object or a PostingRequest"),
    responses(
        (status = 200, description = "Already saved: the existing posting", body = SavedPosting),
        (status = 201, description = "Saved and matched", body = SavedPosting),
        (status = 400, description = "No title or company, a URL that is not http(s) or points to a private address", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "JSON of the wrong shape", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "The page could not be fetched", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    Json(body): Json<Value>,
) -> Result<(StatusCode, Json<SavedPosting>)> {
    let from_device = principal.device_id().is_some();
    let raw = intake::request::raw_posting(&state, body, from_device).await?;
    let saved = intake::save(&state, principal.user_id(), raw).await?;
    let status = if saved.duplicate {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((
        status,
        Json(SavedPosting {
            duplicate: saved.duplicate,
            posting: saved.posting.into(),
        }),
    ))
}

/// The caller's newest 500 postings.
#[utoipa::path(get, path = "/api/v1/postings", tag = "postings",
    responses(
        (status = 200, description = "Postings, newest first", body = [PostingInfo]),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<Vec<PostingInfo>>> {
    let rows = store::postings::list(&state.store, principal.user_id(), 500).await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

/// One of the caller's postings.
#[utoipa::path(get, path = "/api/v1/postings/{posting_id}", tag = "postings",
    params(("posting_id" = i64, Path, description = "Posting id")),
    responses(
        (status = 200, description = "The posting", body = PostingInfo),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such posting of this user", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
    Path(posting_id): Path<i64>,
) -> Result<Json<PostingInfo>> {
    store::postings::get(&state.store, principal.user_id(), posting_id)
        .await?
        .map(|row| Json(row.into()))
        .ok_or(Error::NotFound)
}

/// Forget a posting.
#[utoipa::path(delete, path = "/api/v1/postings/{posting_id}", tag = "postings",
    params(("posting_id" = i64, Path, description = "Posting id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such posting of this user", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn delete(
    State(state): State<AppState>,
    principal: Principal,
    Path(posting_id): Path<i64>,
) -> Result<StatusCode> {
    if store::postings::delete(&state.store, principal.user_id(), posting_id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(Error::NotFound)
    }
}

/// Import postings from a CSV in JobSpy's columns (at least `title` and `company`; also
/// `job_url`, `job_url_direct`, `location`, `date_posted`, `min_amount`, `max_amount`,
/// `currency`, `is_remote`, `description`). Each row is saved like any posting.
#[utoipa::path(post, path = "/api/v1/postings/import", tag = "postings",
    request_body(content = String, content_type = "text/csv"),
    responses(
        (status = 200, description = "What became of each row, by line number", body = ImportReport),
        (status = 400, description = "No header, or no title or company column", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Too large or too many rows", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not text/csv", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn import(
    State(state): State<AppState>,
    principal: Principal,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ImportReport>> {
    let is_csv = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().to_ascii_lowercase().starts_with("text/csv"));
    if !is_csv {
        return Err(Error::UnsupportedMediaType(
            "send the CSV with Content-Type: text/csv".into(),
        ));
    }
    Ok(Json(
        csv_import::import(&state, principal.user_id(), &body).await?,
    ))
}
