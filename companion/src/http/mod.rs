//! The one route table.

mod account;
mod accounts;
mod agent;
mod agent_requests;
mod applications;
mod approval_pages;
mod assets;
pub mod auth;
mod dashboard;
mod devices;
mod events;
pub mod guard;
mod health;
mod inbound;
mod inbox_page;
mod intake_pages;
mod intake_settings;
mod jobs;
mod jobs_page;
mod mail;
mod pairing;
mod postings;
mod profile;
mod profile_forms;
mod profile_page;
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
        (name = "account", description = "Your data: export everything, delete the account"),
        (name = "agent", description = "Pause applies and limit them per platform"),
        (name = "profile", description = "The user's JSON Resume, answer bank, free-text answers and resume PDF"),
        (name = "agent-requests", description = "The approval queue: what the agent wants to apply to"),
        (name = "applications", description = "Every application and its timeline"),
        (name = "postings", description = "Job intake: postings, the watchlist and intake settings"),
        (name = "mail", description = "Recruiting mail: provider webhooks (the secret in the URL picks the user), uploads, classification"),
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
        .routes(routes!(account::export))
        .routes(routes!(account::delete))
        .routes(routes!(agent::get, agent::put))
        .routes(routes!(profile::get_resume, profile::put_resume))
        .routes(routes!(profile::get_answers, profile::put_answers))
        .routes(routes!(
            profile::list_free_answers,
            profile::add_free_answer
        ))
        .routes(routes!(
            profile::update_free_answer,
            profile::delete_free_answer
        ))
        .routes(routes!(
            profile::get_resume_pdf,
            profile::put_resume_pdf,
            profile::delete_resume_pdf
        ))
        .routes(routes!(profile::export))
        .routes(routes!(profile::import))
        .routes(routes!(agent_requests::list, agent_requests::propose))
        .routes(routes!(agent_requests::get, agent_requests::edit))
        .routes(routes!(agent_requests::approve))
        .routes(routes!(agent_requests::decline))
        .routes(routes!(agent_requests::mark_submitted))
        .routes(routes!(applications::list, applications::create))
        .routes(routes!(applications::get))
        .routes(routes!(applications::set_status))
        .routes(routes!(applications::timeline))
        .routes(routes!(postings::create, postings::list))
        .routes(routes!(postings::get, postings::delete))
        .routes(routes!(postings::import))
        .routes(routes!(intake_settings::get, intake_settings::put))
        .routes(routes!(watchlist::list, watchlist::add))
        .routes(routes!(watchlist::remove))
        .routes(routes!(watchlist::poll))
        .routes(routes!(inbound::sendgrid))
        .routes(routes!(inbound::mailgun))
        .routes(routes!(inbound::mailgun_mime))
        .routes(routes!(inbound::postmark))
        .routes(routes!(mail::upload, mail::list))
        .routes(routes!(mail::get))
        .routes(routes!(mail::classify))
        .split_for_parts()
}

/// The routes that take a resume PDF, whose bodies may exceed `max_body_bytes`.
pub fn takes_resume_pdf(path: &str) -> bool {
    matches!(
        path,
        "/api/v1/profile/resume-pdf" | profile_page::RESUME_PDF_UPLOAD
    )
}

/// The routes that take a whole mail message: inbound webhooks and uploads, which may
/// exceed `max_body_bytes` up to `mail_max_bytes`.
pub fn takes_mail(path: &str) -> bool {
    path == "/api/v1/mail" || path == inbox_page::UPLOAD || path.starts_with("/api/v1/inbound/")
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
        .route("/dashboard/jobs", get(jobs_page::page))
        .route("/dashboard/jobs/{id}/cancel", post(jobs_page::cancel))
        .route("/dashboard/jobs/{id}/retry", post(jobs_page::retry))
        .route("/dashboard/agent/pause", post(jobs_page::pause))
        .route("/dashboard/agent/limits", post(jobs_page::limits))
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
        .route("/dashboard/account", get(account::page))
        .route("/dashboard/account/export", get(account::download))
        .route(
            "/dashboard/account/delete",
            post(account::delete_from_dashboard),
        )
        .route("/dashboard/profile", get(profile_page::show))
        .route("/dashboard/profile/resume", post(profile_page::save_resume))
        .route(
            "/dashboard/profile/answers",
            post(profile_page::save_answers),
        )
        .route(
            "/dashboard/profile/free-answers",
            post(profile_page::add_free_answer),
        )
        .route(
            "/dashboard/profile/free-answers/{id}",
            post(profile_page::update_free_answer),
        )
        .route(
            "/dashboard/profile/free-answers/{id}/delete",
            post(profile_page::delete_free_answer),
        )
        .route(
            profile_page::RESUME_PDF_UPLOAD,
            post(profile_page::upload_pdf),
        )
        .route(
            "/dashboard/profile/resume-pdf/delete",
            post(profile_page::delete_pdf),
        )
        .route(
            "/dashboard/profile/resume.pdf",
            get(profile_page::download_pdf),
        )
        .route("/dashboard/profile/export", get(profile_page::export))
        .route("/dashboard/profile/import", post(profile_page::import))
        .route("/static/profile.js", get(assets::profile_script))
        .route(
            "/dashboard/agent-requests",
            get(approval_pages::requests).post(approval_pages::propose),
        )
        .route(
            "/dashboard/agent-requests/{id}/edit",
            get(approval_pages::edit_page).post(approval_pages::edit),
        )
        .route(
            "/dashboard/agent-requests/{id}/magic-link",
            get(approval_pages::magic_link),
        )
        .route(
            "/dashboard/agent-requests/{id}/{action}",
            post(approval_pages::decide),
        )
        .route(
            "/dashboard/applications",
            get(approval_pages::pipeline).post(approval_pages::create_application),
        )
        .route(
            "/dashboard/applications/{id}",
            get(approval_pages::application),
        )
        .route(
            "/dashboard/applications/{id}/status",
            post(approval_pages::set_status),
        )
        .route("/static/agent-requests.js", get(assets::requests_script))
        .route("/static/magic-link.js", get(assets::magic_link_script))
        .route("/static/time.js", get(assets::time_script))
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
        .route("/dashboard/inbox", get(inbox_page::page))
        .route("/dashboard/inbox/address", post(inbox_page::rotate))
        .route(
            "/dashboard/inbox/mailgun-key",
            post(inbox_page::mailgun_key),
        )
        .route(inbox_page::UPLOAD, post(inbox_page::upload))
        .route("/dashboard/inbox/{id}", get(inbox_page::message))
        .route("/dashboard/inbox/{id}/body", get(inbox_page::body))
        .route("/dashboard/inbox/{id}/classify", post(inbox_page::classify))
        .route("/static/inbox.js", get(assets::inbox_script))
        .route("/static/wasm/{file}", get(accounts::wasm_file))
        .route("/static/accounts.js", get(assets::accounts_script))
        .route("/static/app.css", get(assets::stylesheet))
        .route("/static/live.js", get(assets::live_script))
        .route("/static/jobs.js", get(assets::jobs_script))
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
        // The limit is enforced by `limit_body` alone (per route), not again by extractors.
        .layer(DefaultBodyLimit::disable())
        .layer(middleware::from_fn_with_state(
            state.clone(),
            guard::limit_body,
        ))
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
