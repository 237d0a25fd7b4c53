//! `/api/v1/watchlist`: the Greenhouse, Lever and Ashby boards polled for new postings.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use shared::api::{PollQueued, Problem, Vendor, WatchInfo, WatchRequest};

use crate::error::{Error, Result};
use crate::http::auth::Principal;
use crate::intake::watchlist;
use crate::state::AppState;
use crate::store::{self, watchlist::WatchRow};

impl From<WatchRow> for WatchInfo {
    fn from(row: WatchRow) -> Self {
        WatchInfo {
            id: row.id,
            vendor: Vendor::parse(&row.vendor).unwrap_or(Vendor::Greenhouse),
            board: row.board,
            created_at: row.created_at,
            last_polled_at: row.last_polled_at,
            last_error: row.last_error,
        }
    }
}

/// The caller's watched boards.
#[utoipa::path(get, path = "/api/v1/watchlist", tag = "postings",
    responses(
        (status = 200, description = "Watched boards", body = [WatchInfo]),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<Vec<WatchInfo>>> {
    let rows = store::watchlist::list(&state.store, principal.user_id()).await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

/// Watch a board; watching one twice returns the existing entry.
#[utoipa::path(post, path = "/api/v1/watchlist", tag = "postings",
    request_body = WatchRequest,
    responses(
        (status = 200, description = "Watched", body = WatchInfo),
        (status = 400, description = "Not a board token or slug", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "JSON of the wrong shape or an unknown vendor", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add(
    State(state): State<AppState>,
    principal: Principal,
    Json(request): Json<WatchRequest>,
) -> Result<Json<WatchInfo>> {
    Ok(Json(
        watchlist::watch(&state, principal.user_id(), request.vendor, &request.board)
            .await?
            .into(),
    ))
}

/// Stop watching a board.
#[utoipa::path(delete, path = "/api/v1/watchlist/{watch_id}", tag = "postings",
    params(("watch_id" = i64, Path, description = "Watchlist entry id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 400, description = "Malformed id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such entry of this user", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn remove(
    State(state): State<AppState>,
    principal: Principal,
    Path(watch_id): Path<i64>,
) -> Result<StatusCode> {
    if store::watchlist::remove(&state.store, principal.user_id(), watch_id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(Error::NotFound)
    }
}

/// Poll every watched board now (a durable job, `intake.poll_boards`); new postings are
/// saved and matched.
#[utoipa::path(post, path = "/api/v1/watchlist/poll", tag = "postings",
    responses(
        (status = 202, description = "Queued", body = PollQueued),
        (status = 401, description = "No valid token or session", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn poll(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<(StatusCode, Json<PollQueued>)> {
    let job_id = watchlist::enqueue_poll(&state, principal.user_id()).await?;
    Ok((StatusCode::ACCEPTED, Json(PollQueued { job_id })))
}
