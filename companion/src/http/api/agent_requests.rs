//! `/api/v1/agent-requests`: the approval queue.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use axum::response::{IntoResponse, Response};
use shared::api::{
    AgentRequest, AgentRequestsQuery, ApproveBody, Artifact, DecisionBody, EditBody, Problem,
    ProposeBody,
};

use crate::approvals::{self, Edit, NewAgentRequest};
use crate::error::Result;
use crate::http::auth::Principal;
use crate::state::AppState;

/// The caller's requests, newest first.
#[utoipa::path(get, path = "/api/v1/agent-requests", tag = "agent-requests",
    params(AgentRequestsQuery),
    responses(
        (status = 200, description = "Requests", body = [AgentRequest]),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown state", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    Query(query): Query<AgentRequestsQuery>,
) -> Result<Json<Vec<AgentRequest>>> {
    let filter = query.state.as_deref().filter(|s| !s.is_empty());
    Ok(Json(
        approvals::list(&state, principal.user_id(), filter).await?,
    ))
}

/// Ask the agent to apply to a posting; the request waits for approval like any other.
#[utoipa::path(post, path = "/api/v1/agent-requests", tag = "agent-requests",
    request_body = ProposeBody,
    responses(
        (status = 201, description = "The new pending request", body = AgentRequest),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not an http(s) URL, or empty company or title", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn propose(
    State(state): State<AppState>,
    principal: Principal,
    Json(body): Json<ProposeBody>,
) -> Result<(axum::http::StatusCode, Json<AgentRequest>)> {
    let request = approvals::propose(&state, principal.user_id(), by_hand(body)).await?;
    Ok((axum::http::StatusCode::CREATED, Json(request)))
}

/// A request the user adds: certain, since they chose it.
pub fn by_hand(body: ProposeBody) -> NewAgentRequest {
    NewAgentRequest {
        company: body.company,
        title: body.title,
        job_url: body.job_url,
        confidence: 1.0,
        confidence_reasons: vec!["Added by you".to_owned()],
        ..NewAgentRequest::default()
    }
}

/// One request.
#[utoipa::path(get, path = "/api/v1/agent-requests/{request_id}", tag = "agent-requests",
    params(("request_id" = i64, Path, description = "Request id")),
    responses(
        (status = 200, description = "The request", body = AgentRequest),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request of this user", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
    Path(request_id): Path<i64>,
) -> Result<Json<AgentRequest>> {
    Ok(Json(
        approvals::get(&state, principal.user_id(), request_id).await?,
    ))
}

/// Change the planned answers and the resume (pending or needs_you requests), and approve
/// model drafts.
#[utoipa::path(put, path = "/api/v1/agent-requests/{request_id}", tag = "agent-requests",
    params(("request_id" = i64, Path, description = "Request id")),
    request_body = EditBody,
    responses(
        (status = 200, description = "The edited request (version + 1)", body = AgentRequest),
        (status = 400, description = "Malformed id or body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request of this user", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version (the body's currentVersion is the current one) or a state that cannot be edited", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid answers or resume", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn edit(
    State(state): State<AppState>,
    principal: Principal,
    Path(request_id): Path<i64>,
    Json(body): Json<EditBody>,
) -> Result<Json<AgentRequest>> {
    Ok(Json(
        approvals::edit(
            &state,
            principal.user_id(),
            request_id,
            body.version,
            &Edit {
                answers: &body.answers,
                resume: body.resume.as_deref(),
                approve_drafts: &body.approve_drafts,
            },
        )
        .await?,
    ))
}

macro_rules! decision {
    ($name:ident, $path:literal, $summary:literal, $done:literal, $from:literal, $action:path) => {
        #[doc = $summary]
        #[utoipa::path(post, path = $path, tag = "agent-requests",
            params(("request_id" = i64, Path, description = "Request id")),
            request_body = DecisionBody,
            responses(
                (status = 200, description = $done, body = AgentRequest),
                (status = 400, description = "Malformed id or body", body = Problem, content_type = "application/problem+json"),
                (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
                (status = 404, description = "No such request of this user", body = Problem, content_type = "application/problem+json"),
                (status = 409, description = $from, body = Problem, content_type = "application/problem+json"),
                (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
                (status = 422, description = "A body of the wrong shape (version not an integer)", body = Problem, content_type = "application/problem+json"),
            ))]
        pub async fn $name(
            State(state): State<AppState>,
            principal: Principal,
            Path(request_id): Path<i64>,
            Json(body): Json<DecisionBody>,
        ) -> Result<Json<AgentRequest>> {
            Ok(Json(
                $action(&state, principal.user_id(), request_id, body.version).await?,
            ))
        }
    };
}

/// Approve: the request is queued for applying, as a dry run (everything but the final
/// click) unless `dryRun` is false or the user turned dry runs off.
#[utoipa::path(post, path = "/api/v1/agent-requests/{request_id}/approve", tag = "agent-requests",
    params(("request_id" = i64, Path, description = "Request id")),
    request_body = ApproveBody,
    responses(
        (status = 200, description = "Approved", body = AgentRequest),
        (status = 400, description = "Malformed id or body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request of this user", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not pending (approving twice), a stale version, or drafted answers the user has not approved yet", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A body of the wrong shape", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn approve(
    State(state): State<AppState>,
    principal: Principal,
    Path(request_id): Path<i64>,
    Json(body): Json<ApproveBody>,
) -> Result<Json<AgentRequest>> {
    Ok(Json(
        approvals::approve(
            &state,
            principal.user_id(),
            request_id,
            body.version,
            body.dry_run,
        )
        .await?,
    ))
}

decision!(
    submit_now,
    "/api/v1/agent-requests/{request_id}/submit",
    "Submit now: after a dry run, the agent runs again and submits.",
    "Approved again, not a dry run: a new run is queued",
    "Not a dry run ready to submit, the posting was submitted (or may have been), or a stale version",
    approvals::submit_now
);
decision!(
    decline,
    "/api/v1/agent-requests/{request_id}/decline",
    "Reject the request.",
    "Declined",
    "Already applied, declined or expired, or a stale version",
    approvals::decline
);
decision!(
    mark_submitted,
    "/api/v1/agent-requests/{request_id}/mark-submitted",
    "The user submitted the application themselves (magic link): applied, with its application.",
    "Applied, linked to its application",
    "Not approved, applying or needs_you, or a stale version",
    approvals::mark_submitted
);

/// The evidence of the request's runs: screenshots, step logs and final URLs, without
/// their bytes.
#[utoipa::path(get, path = "/api/v1/agent-requests/{request_id}/artifacts", tag = "agent-requests",
    params(("request_id" = i64, Path, description = "Request id")),
    responses(
        (status = 200, description = "Artifacts, oldest first", body = [Artifact]),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such request of this user", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn artifacts(
    State(state): State<AppState>,
    principal: Principal,
    Path(request_id): Path<i64>,
) -> Result<Json<Vec<Artifact>>> {
    Ok(Json(
        crate::apply::artifacts::list(&state, principal.user_id(), request_id).await?,
    ))
}

/// One artifact's bytes, with its content type (a PNG, or text).
#[utoipa::path(get, path = "/api/v1/agent-requests/{request_id}/artifacts/{artifact_id}", tag = "agent-requests",
    params(
        ("request_id" = i64, Path, description = "Request id"),
        ("artifact_id" = i64, Path, description = "Artifact id"),
    ),
    responses(
        (status = 200, description = "The bytes", body = Vec<u8>, content_type = "image/png"),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such artifact of this user's request", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn artifact(
    State(state): State<AppState>,
    principal: Principal,
    Path((request_id, artifact_id)): Path<(i64, i64)>,
) -> Result<Response> {
    let (content_type, bytes) =
        crate::apply::artifacts::content(&state, principal.user_id(), request_id, artifact_id)
            .await?;
    Ok(artifact_response(&content_type, bytes))
}

/// An artifact as a response: never sniffed into something else, cached by the browser
/// only (screenshots of one's applications stay out of shared caches).
pub fn artifact_response(content_type: &str, bytes: Vec<u8>) -> Response {
    let content_type = HeaderValue::from_str(content_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    (
        [
            (CONTENT_TYPE, content_type),
            (X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")),
            (
                CACHE_CONTROL,
                HeaderValue::from_static("private, max-age=3600"),
            ),
        ],
        Bytes::from(bytes),
    )
        .into_response()
}
