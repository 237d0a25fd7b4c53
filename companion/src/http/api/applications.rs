//! `/api/v1/applications`: every application and its timeline.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use shared::api::{
    Application, ApplicationsQuery, NewApplication, Problem, StatusBody, TimelineEntry,
};

use crate::approvals::applications;
use crate::error::Result;
use crate::http::auth::Principal;
use crate::state::AppState;

/// The caller's applications, most recently changed first.
#[utoipa::path(get, path = "/api/v1/applications", tag = "applications",
    params(ApplicationsQuery),
    responses(
        (status = 200, description = "Applications", body = [Application]),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown status", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    Query(query): Query<ApplicationsQuery>,
) -> Result<Json<Vec<Application>>> {
    let status = query.status.as_deref().filter(|s| !s.is_empty());
    Ok(Json(
        applications::list(&state, principal.user_id(), status).await?,
    ))
}

/// Record an application made outside the agent.
#[utoipa::path(post, path = "/api/v1/applications", tag = "applications",
    request_body = NewApplication,
    responses(
        (status = 201, description = "The new application", body = Application),
        (status = 400, description = "Malformed body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not an http(s) URL, empty company or title, unknown status", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    Json(body): Json<NewApplication>,
) -> Result<(StatusCode, Json<Application>)> {
    let application = applications::create(&state, principal.user_id(), &body).await?;
    Ok((StatusCode::CREATED, Json(application)))
}

/// One application.
#[utoipa::path(get, path = "/api/v1/applications/{application_id}", tag = "applications",
    params(("application_id" = i64, Path, description = "Application id")),
    responses(
        (status = 200, description = "The application", body = Application),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application of this user", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
    Path(application_id): Path<i64>,
) -> Result<Json<Application>> {
    Ok(Json(
        applications::get(&state, principal.user_id(), application_id).await?,
    ))
}

/// Move an application to another status; the change goes on its timeline.
#[utoipa::path(post, path = "/api/v1/applications/{application_id}/status", tag = "applications",
    params(("application_id" = i64, Path, description = "Application id")),
    request_body = StatusBody,
    responses(
        (status = 200, description = "The application in its new status", body = Application),
        (status = 400, description = "Malformed id or body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application of this user", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already in that status, or changed meanwhile", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown status or too long a note", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn set_status(
    State(state): State<AppState>,
    principal: Principal,
    Path(application_id): Path<i64>,
    Json(body): Json<StatusBody>,
) -> Result<Json<Application>> {
    Ok(Json(
        applications::set_status(
            &state,
            principal.user_id(),
            application_id,
            &body.status,
            body.note.as_deref(),
        )
        .await?,
    ))
}

/// The application's timeline, oldest first.
#[utoipa::path(get, path = "/api/v1/applications/{application_id}/timeline", tag = "applications",
    params(("application_id" = i64, Path, description = "Application id")),
    responses(
        (status = 200, description = "Timeline entries", body = [TimelineEntry]),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application of this user", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn timeline(
    State(state): State<AppState>,
    principal: Principal,
    Path(application_id): Path<i64>,
) -> Result<Json<Vec<TimelineEntry>>> {
    Ok(Json(
        applications::timeline(&state, principal.user_id(), application_id).await?,
    ))
}
