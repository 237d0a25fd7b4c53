//! The one route table.

mod api;
mod assets;
pub mod auth;
pub mod bodies;
pub mod guard;
mod pages;
pub mod problem;

use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::HeaderValue;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::routing::{get, post};
use axum::{Extension, Json, middleware};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::Error;
use crate::state::AppState;
use api::{
    account, agent, agent_requests, applications, devices, events, health, inbound,
    intake_settings, jobs, mail, pairing, postings, profile, vault, watchlist,
};

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
        .routes(routes!(agent_requests::submit_now))
        .routes(routes!(agent_requests::artifacts))
        .routes(routes!(agent_requests::artifact))
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

/// What a route's body holds, as far as its size is concerned.
enum Holds {
    Other,
    ResumePdf,
    Mail,
}

fn holds(path: &str) -> Holds {
    if matches!(
        path,
        "/api/v1/profile/resume-pdf" | pages::profile::RESUME_PDF_UPLOAD
    ) {
        Holds::ResumePdf
    } else if path == "/api/v1/mail"
        || path == pages::inbox::UPLOAD
        || path.starts_with("/api/v1/inbound/")
    {
        Holds::Mail
    } else {
        Holds::Other
    }
}

/// The largest body a route takes: resume PDF uploads and whole mail messages may be
/// larger than the rest (with room for the multipart form or JSON around them).
pub fn body_limit(config: &crate::config::Config, path: &str) -> usize {
    let envelope = |content: usize| config.max_body_bytes.max(content.saturating_add(64 * 1024));
    match holds(path) {
        Holds::ResumePdf => envelope(config.resume_pdf_max_bytes),
        Holds::Mail => envelope(config.mail_max_bytes),
        Holds::Other => config.max_body_bytes,
    }
}

/// The refusal of a body over [`body_limit`]: on mail routes the same as a message over
/// `mail_max_bytes`, so that a caller sees one answer however far over it is.
pub fn too_large(config: &crate::config::Config, path: &str) -> Error {
    match holds(path) {
        Holds::Mail => crate::mail::too_large(config.mail_max_bytes),
        Holds::ResumePdf | Holds::Other => Error::TooLarge(format!(
            "the body is larger than {} bytes",
            body_limit(config, path)
        )),
    }
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
        .route("/", get(pages::root))
        .route(
            "/login",
            get(pages::session::login_page).post(pages::session::login),
        )
        .route("/logout", post(pages::session::logout))
        .route(
            "/setup/{token}",
            get(pages::session::setup_page).post(pages::session::setup),
        )
        .route("/dashboard", get(pages::home::home))
        .route("/dashboard/devices", get(pages::home::devices))
        .route(
            "/dashboard/devices/{id}/revoke",
            post(pages::home::revoke_device),
        )
        .route(
            "/dashboard/pairing-codes",
            post(pages::home::create_pairing_code),
        )
        .route("/dashboard/jobs", get(pages::jobs::page))
        .route("/dashboard/jobs/{id}/cancel", post(pages::jobs::cancel))
        .route("/dashboard/jobs/{id}/retry", post(pages::jobs::retry))
        .route("/dashboard/agent/pause", post(pages::jobs::pause))
        .route("/dashboard/agent/limits", post(pages::jobs::limits))
        .route("/dashboard/activity", get(pages::home::activity))
        .route(
            "/dashboard/activity/test-event",
            post(pages::home::send_test_event),
        )
        .route("/dashboard/accounts", get(pages::accounts::page))
        .route(
            "/dashboard/accounts/{platform}/disconnect",
            post(pages::accounts::disconnect),
        )
        .route("/dashboard/account", get(pages::account::page))
        .route("/dashboard/account/export", get(pages::account::download))
        .route(
            "/dashboard/account/delete",
            post(pages::account::delete_from_dashboard),
        )
        .route("/dashboard/profile", get(pages::profile::show))
        .route(
            "/dashboard/profile/resume",
            post(pages::profile::save_resume),
        )
        .route(
            "/dashboard/profile/answers",
            post(pages::profile::save_answers),
        )
        .route(
            "/dashboard/profile/free-answers",
            post(pages::profile::add_free_answer),
        )
        .route(
            "/dashboard/profile/free-answers/{id}",
            post(pages::profile::update_free_answer),
        )
        .route(
            "/dashboard/profile/free-answers/{id}/delete",
            post(pages::profile::delete_free_answer),
        )
        .route(
            pages::profile::RESUME_PDF_UPLOAD,
            post(pages::profile_files::upload_pdf),
        )
        .route(
            "/dashboard/profile/resume-pdf/delete",
            post(pages::profile_files::delete_pdf),
        )
        .route(
            "/dashboard/profile/resume.pdf",
            get(pages::profile_files::download_pdf),
        )
        .route(
            "/dashboard/profile/export",
            get(pages::profile_files::export),
        )
        .route(
            "/dashboard/profile/import",
            post(pages::profile_files::import),
        )
        .route("/static/profile.js", get(assets::profile_script))
        .route(
            "/dashboard/agent-requests",
            get(pages::approvals::requests).post(pages::approvals::propose),
        )
        .route(
            "/dashboard/agent-requests/{id}",
            get(pages::agent_request::page),
        )
        .route(
            "/dashboard/agent-requests/{id}/edit",
            get(pages::approvals::edit_page).post(pages::approvals::edit),
        )
        .route(
            "/dashboard/agent-requests/{id}/magic-link",
            get(pages::approvals::magic_link),
        )
        .route(
            "/dashboard/agent-requests/{id}/{action}",
            post(pages::approvals::decide),
        )
        .route(
            "/dashboard/applications",
            get(pages::applications::pipeline).post(pages::applications::create_application),
        )
        .route(
            "/dashboard/applications/{id}",
            get(pages::applications::application),
        )
        .route(
            "/dashboard/applications/{id}/status",
            post(pages::applications::set_status),
        )
        .route("/static/agent-requests.js", get(assets::requests_script))
        .route("/static/agent-request.js", get(assets::request_script))
        .route("/static/magic-link.js", get(assets::magic_link_script))
        .route("/static/time.js", get(assets::time_script))
        .route("/static/stream.js", get(assets::stream_script))
        .route(
            "/dashboard/postings",
            get(pages::intake::postings).post(pages::intake::add_posting),
        )
        .route(
            "/dashboard/postings/import",
            post(pages::intake::import_csv),
        )
        .route(
            "/dashboard/settings",
            get(pages::intake::settings).post(pages::intake::save_settings),
        )
        .route(
            "/dashboard/settings/dry-run",
            post(pages::intake::save_dry_run),
        )
        .route("/dashboard/watchlist", post(pages::intake::add_watch))
        .route(
            "/dashboard/watchlist/{id}/remove",
            post(pages::intake::remove_watch),
        )
        .route("/dashboard/watchlist/poll", post(pages::intake::poll_now))
        .route("/static/postings.js", get(assets::postings_script))
        .route("/dashboard/inbox", get(pages::inbox::page))
        .route("/dashboard/inbox/address", post(pages::inbox::rotate))
        .route(
            "/dashboard/inbox/mailgun-key",
            post(pages::inbox::mailgun_key),
        )
        .route(pages::inbox::UPLOAD, post(pages::inbox::upload))
        .route("/dashboard/inbox/{id}", get(pages::inbox::message))
        .route("/dashboard/inbox/{id}/body", get(pages::inbox::body))
        .route(
            "/dashboard/inbox/{id}/classify",
            post(pages::inbox::classify),
        )
        .route("/static/inbox.js", get(assets::inbox_script))
        .route("/static/wasm/{file}", get(pages::accounts::wasm_file))
        .route("/static/accounts.js", get(assets::accounts_script))
        .route("/static/app.css", get(assets::stylesheet))
        .route("/static/live.js", get(assets::live_script))
        .route("/static/jobs.js", get(assets::jobs_script))
        .fallback(not_found)
        .method_not_allowed_fallback(problem::method_not_allowed)
        .layer(Extension(bodies::LargeBodies::default()))
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
