//! Static files of the dashboard, compiled into the binary.

use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;

fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, content_type),
            (CACHE_CONTROL, "public, max-age=300"),
        ],
        body,
    )
}

const JAVASCRIPT: &str = "text/javascript; charset=utf-8";

pub async fn stylesheet() -> impl IntoResponse {
    asset(
        "text/css; charset=utf-8",
        include_str!("../../static/app.css"),
    )
}

pub async fn inbox_script() -> impl IntoResponse {
    asset(JAVASCRIPT, include_str!("../../static/inbox.js"))
}

pub async fn live_script() -> impl IntoResponse {
    asset(JAVASCRIPT, include_str!("../../static/live.js"))
}

pub async fn jobs_script() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (CACHE_CONTROL, "public, max-age=300"),
        ],
        include_str!("../../static/jobs.js"),
    )
}

pub async fn accounts_script() -> impl IntoResponse {
    asset(JAVASCRIPT, include_str!("../../static/accounts.js"))
}

pub async fn profile_script() -> impl IntoResponse {
    asset(JAVASCRIPT, include_str!("../../static/profile.js"))
}

pub async fn requests_script() -> impl IntoResponse {
    script(include_str!("../../static/agent-requests.js"))
}

pub async fn request_script() -> impl IntoResponse {
    script(include_str!("../../static/agent-request.js"))
}

pub async fn stream_script() -> impl IntoResponse {
    script(include_str!("../../static/stream.js"))
}

pub async fn time_script() -> impl IntoResponse {
    script(include_str!("../../static/time.js"))
}

pub async fn magic_link_script() -> impl IntoResponse {
    script(include_str!("../../static/magic-link.js"))
}

fn script(body: &'static str) -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (CACHE_CONTROL, "public, max-age=300"),
        ],
        body,
    )
}

pub async fn postings_script() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (CACHE_CONTROL, "public, max-age=300"),
        ],
        include_str!("../../static/postings.js"),
    )
}
