//! `/api/v1/mail`: upload a raw message, list and read the caller's mail, classify again.

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use axum::{Extension, Json};
use shared::api::{MailMessage, MailQuery, Problem, Queued, Received};

use crate::http::auth::Principal;
use crate::http::bodies::{self, LargeBodies};

use crate::error::{Error, Result};
use crate::mail::messages::{self, Source};
use crate::state::AppState;

/// Upload one raw message (an .eml file's bytes); it is classified by a job.
#[utoipa::path(post, path = "/api/v1/mail", tag = "mail",
    request_body(content = String, content_type = "message/rfc822", description = "The raw message"),
    responses(
        (status = 201, description = "Stored; classification queued", body = Received),
        (status = 200, description = "A duplicate (same Message-ID): not stored again", body = Received),
        (status = 400, description = "Empty, or not a message (no header lines)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than mail_max_bytes", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a raw message (a JSON or form body, say)", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Too many large messages arriving at once; retry after Retry-After seconds", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn upload(
    State(state): State<AppState>,
    Extension(large): Extension<LargeBodies>,
    principal: Principal,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Received>)> {
    refuse_non_messages(&headers)?;
    let _reading = large.admit()?;
    let raw = bodies::read(body, &state.config).await?;
    let received = messages::accept(&state, principal.user_id(), Source::Upload, &raw).await?;
    let status = if received.duplicate {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(received)))
}

/// The media types a raw message arrives as (or none: `curl --data-binary`).
const MESSAGE_TYPES: [&str; 3] = ["message/rfc822", "application/octet-stream", "text/plain"];

/// A JSON or form body is a client that means another route, not a message to store.
fn refuse_non_messages(headers: &HeaderMap) -> Result<()> {
    let Some(content_type) = headers.get(CONTENT_TYPE) else {
        return Ok(());
    };
    let essence = content_type
        .to_str()
        .unwrap_or_default()
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if MESSAGE_TYPES.contains(&essence.as_str()) {
        Ok(())
    } else {
        Err(Error::UnsupportedMediaType(
            "send the raw message as message/rfc822 (an .eml file's bytes)".into(),
        ))
    }
}

/// The caller's mail, newest first.
#[utoipa::path(get, path = "/api/v1/mail", tag = "mail",
    params(MailQuery),
    responses(
        (status = 200, description = "Messages", body = [MailMessage]),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown category", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    Query(query): Query<MailQuery>,
) -> Result<Json<Vec<MailMessage>>> {
    let category = query.category.as_deref().filter(|c| !c.is_empty());
    Ok(Json(
        messages::list(&state, principal.user_id(), category).await?,
    ))
}

/// One message: what parsing and the classifier made of it.
#[utoipa::path(get, path = "/api/v1/mail/{mail_id}", tag = "mail",
    params(("mail_id" = i64, Path, description = "Message id")),
    responses(
        (status = 200, description = "The message", body = MailMessage),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such message of this user", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
    Path(mail_id): Path<i64>,
) -> Result<Json<MailMessage>> {
    Ok(Json(
        messages::get(&state, principal.user_id(), mail_id).await?,
    ))
}

/// Parse and classify the message again (after a rules change, or when it was unparseable).
#[utoipa::path(post, path = "/api/v1/mail/{mail_id}/classify", tag = "mail",
    params(("mail_id" = i64, Path, description = "Message id")),
    responses(
        (status = 202, description = "Queued", body = Queued),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such message of this user", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn classify(
    State(state): State<AppState>,
    principal: Principal,
    Path(mail_id): Path<i64>,
) -> Result<(StatusCode, Json<Queued>)> {
    let job_id = messages::retry(&state, principal.user_id(), mail_id).await?;
    Ok((StatusCode::ACCEPTED, Json(Queued { job_id })))
}
