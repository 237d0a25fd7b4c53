//! The one route table.

mod accounts;
mod assets;
pub mod auth;
mod dashboard;
mod devices;
mod events;
pub mod guard;
mod health;
mod intake_pages;
mod intake_settings;
mod jobs;
mod pairing;
mod postings;
mod vault;
mod watchlist;

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::HeaderValue;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, middleware};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::Error;
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "AutoResume companion API", description = "Pairing, devices and live events. Authenticate with `Authorization: Bearer <device token>` (from `POST /api/v1/pair`) or the dashboard session cookie plus `X-CSRF-Token` on writes."),
    tags(
        (name = "pairing", description = "Pair the extension with a one-time code"),
        (name = "account", description = "Who is calling"),
        (name = "devices", description = "Paired extensions (dashboard session only)"),
        (name = "events", description = "The live event log"),
        (name = "vault", description = "Job-site sessions sealed in the browser"),
        (name = "jobs", description = "Durable background jobs"),
        (name = "postings", description = "Job intake: postings, the watchlist and intake settings"),
    )
)]
struct ApiDoc;

/// The API routes and the OpenAPI document generated from the same table, so every route
/// is documented.
fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(pairing::pair))
        .routes(routes!(pairing::create_code))
        .routes(routes!(pairing::me))
        .routes(routes!(devices::list))
        .routes(routes!(devices::revoke))
        .routes(routes!(events::stream))
        .routes(routes!(vault::public_key))
        .routes(routes!(vault::list))
        .routes(routes!(vault::put, vault::delete))
        .routes(routes!(vault::platforms))
        .routes(routes!(jobs::list))
        .routes(routes!(jobs::get))
        .routes(routes!(jobs::cancel))
        .routes(routes!(jobs::retry))
        .routes(routes!(postings::create, postings::list))
        .routes(routes!(postings::get, postings::delete))
        .routes(routes!(postings::import))
        .routes(routes!(intake_settings::get, intake_settings::put))
        .routes(routes!(watchlist::list, watchlist::add))
        .routes(routes!(watchlist::remove))
        .routes(routes!(watchlist::poll))
        .split_for_parts()
}

pub fn openapi() -> utoipa::openapi::OpenApi {
    api().1
}

async fn not_found() -> Error {
    Error::NotFound
}

pub fn router(state: AppState) -> Router {
    let (api, openapi) = api();
    let openapi = Arc::new(openapi);
    let body_limit = state.config.max_body_bytes;
    Router::new()
        .merge(api)
        .route(
            "/api/v1/openapi.json",
            get(move || async move { Json(openapi.as_ref().clone()) }),
        )
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .route("/", get(dashboard::root))
        .route("/login", get(dashboard::login_page).post(dashboard::login))
        .route("/logout", post(dashboard::logout))
        .route(
            "/setup/{token}",
            get(dashboard::setup_page).post(dashboard::setup),
        )
        .route("/dashboard", get(dashboard::home))
        .route("/dashboard/devices", get(dashboard::devices))
        .route(
            "/dashboard/devices/{id}/revoke",
            post(dashboard::revoke_device),
        )
        .route(
            "/dashboard/pairing-codes",
            post(dashboard::create_pairing_code),
        )
        .route("/dashboard/activity", get(dashboard::activity))
        .route(
            "/dashboard/activity/test-event",
            post(dashboard::send_test_event),
        )
        .route("/dashboard/accounts", get(accounts::page))
        .route(
            "/dashboard/accounts/{platform}/disconnect",
            post(accounts::disconnect),
        )
        .route(
            "/dashboard/postings",
            get(intake_pages::postings).post(intake_pages::add_posting),
        )
        .route("/dashboard/postings/import", post(intake_pages::import_csv))
        .route(
            "/dashboard/settings",
            get(intake_pages::settings).post(intake_pages::save_settings),
        )
        .route("/dashboard/watchlist", post(intake_pages::add_watch))
        .route(
            "/dashboard/watchlist/{id}/remove",
            post(intake_pages::remove_watch),
        )
        .route("/dashboard/watchlist/poll", post(intake_pages::poll_now))
        .route("/static/postings.js", get(assets::postings_script))
        .route("/static/wasm/{file}", get(accounts::wasm_file))
        .route("/static/accounts.js", get(assets::accounts_script))
        .route("/static/app.css", get(assets::stylesheet))
        .route("/static/live.js", get(assets::live_script))
        .fallback(not_found)
        .method_not_allowed_fallback(|| async {
            Error::Rejected {
                status: axum::http::StatusCode::METHOD_NOT_ALLOWED,
                detail: "method not allowed on this route".into(),
            }
            .into_response()
        })
        .layer(middleware::from_fn_with_state(state.clone(), guard::csrf))
        .layer(middleware::from_fn(guard::refuse_query_tokens))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            guard::allowed_host,
        ))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(RequestBodyLimitLayer::new(body_limit))
        .layer(middleware::from_fn(guard::problem_bodies))
        .layer(SetResponseHeaderLayer::if_not_present(
            CONTENT_SECURITY_POLICY,
            guard::CONTENT_SECURITY_POLICY,
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(middleware::from_fn(guard::record_metrics))
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &Request| {
                // The route template, never the raw URI: paths and queries can carry secrets.
                let route = request
                    .extensions()
                    .get::<MatchedPath>()
                    .map_or("unmatched", |p| p.as_str());
                tracing::info_span!("http", method = %request.method(), route)
            }),
        )
        .with_state(state)
}
