//! Middleware that protects every route: Host allow-list, no tokens in URLs, CSRF for
//! cookie-authenticated writes, and problem bodies for errors the framework produces.

use axum::body::{Body, to_bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::header::{CONTENT_TYPE, COOKIE, HOST, ORIGIN};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::auth::{bearer_token, device, session, session_cookie};
use crate::auth::tokens::{self, DEVICE_TOKEN_PREFIX};
use crate::error::Error;
use crate::http::problem::{problem_response, status_problem};
use crate::state::AppState;

pub const CSRF_HEADER: &str = "x-csrf-token";
pub const CSRF_FIELD: &str = "csrf_token";

/// The host name of a Host header value, without the port (`[::1]:8787` -> `[::1]`).
fn host_name(host: &str) -> &str {
    if host.starts_with('[') {
        host.split_inclusive(']').next().unwrap_or(host)
    } else {
        host.split(':').next().unwrap_or(host)
    }
}

/// DNS rebinding: a hostile site whose name resolves to 127.0.0.1 reaches us with its own
/// name in Host; only our names are answered.
pub async fn allowed_host(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .or(request.uri().host());
    let allowed = host.is_some_and(|host| {
        let name = host_name(host);
        state
            .config
            .allowed_hosts
            .iter()
            .any(|allowed| allowed.eq_ignore_ascii_case(name))
    });
    if allowed {
        next.run(request).await
    } else {
        Error::HostNotAllowed.into_response()
    }
}

const TOKEN_PARAMS: [&str; 7] = [
    "token",
    "access_token",
    "bearer",
    "auth",
    "authorization",
    "api_key",
    "apikey",
];

/// URLs end up in logs, history and Referer headers, so credentials in them are refused
/// outright instead of being ignored.
pub async fn refuse_query_tokens(request: Request, next: Next) -> Response {
    if let Some(query) = request.uri().query() {
        let carries_token = url::form_urlencoded::parse(query.as_bytes()).any(|(name, value)| {
            TOKEN_PARAMS.contains(&name.to_ascii_lowercase().as_str())
                || value.starts_with(DEVICE_TOKEN_PREFIX)
        });
        if carries_token {
            return Error::BadRequest(
                "tokens in query strings are refused; send them in the Authorization header".into(),
            )
            .into_response();
        }
    }
    next.run(request).await
}

fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The request comes from one of our own pages: Origin equals our Host, or, without Origin,
/// Sec-Fetch-Site says same-origin (or a user action). Clients that send neither are not
/// browsers and cannot be forged into sending our cookie.
fn same_origin(headers: &HeaderMap) -> bool {
    let host = headers.get(HOST).and_then(|v| v.to_str().ok());
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    // Browsers send `Origin: null` under some referrer policies and from sandboxed frames;
    // then only Sec-Fetch-Site can vouch for the request.
    if headers.get(ORIGIN).is_some_and(|o| o.as_bytes() == b"null") {
        return fetch_site == Some("same-origin");
    }
    if let Some(origin) = headers.get(ORIGIN) {
        let origin_authority = origin
            .to_str()
            .ok()
            .and_then(|o| url::Url::parse(o).ok())
            .filter(|o| matches!(o.scheme(), "http" | "https"))
            .and_then(|o| {
                let host = o.host_str()?.to_owned();
                Some(match o.port() {
                    Some(port) => format!("{host}:{port}"),
                    None => host,
                })
            });
        return match (origin_authority, host) {
            (Some(origin), Some(host)) => origin.eq_ignore_ascii_case(host),
            _ => false,
        };
    }
    match fetch_site {
        Some(site) => matches!(site, "same-origin" | "none"),
        None => true,
    }
}

fn csrf_refused() -> Response {
    Error::Forbidden(
        "cross-site request refused: send the X-CSRF-Token header (or csrf_token form field) from the dashboard's own pages".into(),
    )
    .into_response()
}

/// SameSite cookies do not separate ports on 127.0.0.1, so any local web app could post to
/// us with the dashboard cookie. Cookie-authenticated writes need a same-origin request and
/// the session's CSRF token. A valid device token is not sent by browsers on their own, so
/// it stands in for that check; any other Authorization value (a proxy's Basic credentials,
/// an unknown token) proves nothing and leaves the request to it.
pub async fn csrf(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    if !is_unsafe(request.method()) {
        return next.run(request).await;
    }
    if let Some(token) = bearer_token(request.headers()) {
        match device(&state, token).await {
            Ok(principal) => {
                // The token's user alone acts: a cookie the browser attached beside it must
                // not lend its own user's authority to a write that skipped the check.
                request.headers_mut().remove(COOKIE);
                request.extensions_mut().insert(principal);
                return next.run(request).await;
            }
            Err(Error::Unauthorized | Error::TokenRevoked) => {}
            Err(e) => return e.into_response(),
        }
    }
    // Without a cookie an API request carries no ambient authority (the extension pairs from
    // its own origin); the dashboard's login and setup forms stay same-origin only.
    let has_cookie = session_cookie(&state.config, request.headers()).is_some();
    if !has_cookie && request.uri().path().starts_with("/api/") {
        return next.run(request).await;
    }
    if !same_origin(request.headers()) {
        return csrf_refused();
    }
    let session = match session(&state, request.headers()).await {
        Ok(Some(session)) => session,
        Ok(None) => return next.run(request).await,
        Err(e) => return e.into_response(),
    };
    if let Some(header) = request.headers().get(CSRF_HEADER) {
        let ok = header
            .to_str()
            .is_ok_and(|t| tokens::constant_time_eq(t, &session.csrf_token));
        return if ok {
            next.run(request).await
        } else {
            csrf_refused()
        };
    }
    let content_type = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if content_type.starts_with("multipart/form-data") {
        // File uploads stream; the form's action carries the token instead of a field.
        let ok = request.uri().query().is_some_and(|query| {
            url::form_urlencoded::parse(query.as_bytes()).any(|(name, value)| {
                name == CSRF_FIELD && tokens::constant_time_eq(&value, &session.csrf_token)
            })
        });
        return if ok {
            next.run(request).await
        } else {
            csrf_refused()
        };
    }
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return csrf_refused();
    }
    let (parts, body) = request.into_parts();
    let bytes = match to_bytes(body, state.config.max_body_bytes).await {
        Ok(bytes) => bytes,
        Err(_) => return too_large(state.config.max_body_bytes),
    };
    let ok = url::form_urlencoded::parse(&bytes).any(|(name, value)| {
        name == CSRF_FIELD && tokens::constant_time_eq(&value, &session.csrf_token)
    });
    if ok {
        next.run(Request::from_parts(parts, Body::from(bytes)))
            .await
    } else {
        csrf_refused()
    }
}

fn too_large(limit: usize) -> Response {
    Error::TooLarge(format!("the body is larger than {limit} bytes")).into_response()
}

/// Caps request bodies at `max_body_bytes`, or at the resume PDF or mail limit on their
/// routes: a declared length over the cap is refused at once, a streamed body is cut off.
pub async fn limit_body(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let limit = super::body_limit(&state.config, request.uri().path());
    let declared = request
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > u64::try_from(limit).unwrap_or(u64::MAX)) {
        return super::too_large(&state.config, request.uri().path()).into_response();
    }
    let path = request.uri().path().to_owned();
    let (parts, body) = request.into_parts();
    let body = Body::new(http_body_util::Limited::new(body, limit));
    let response = next.run(Request::from_parts(parts, body)).await;
    // An extractor that hit the limit while the body streamed in answers in plain text; the
    // caller gets what a declared length over the limit gets.
    // Pages that render their own 413 (HTML) and our problem bodies are left alone.
    let bare = response
        .headers()
        .get(CONTENT_TYPE)
        .is_none_or(|v| v.as_bytes().starts_with(b"text/plain"));
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE && bare {
        return super::too_large(&state.config, &path).into_response();
    }
    response
}

/// Extractor rejections, 404s, 405s and body-limit errors come as plain text from axum and
/// tower-http; clients get the same problem JSON as from our own errors.
pub async fn problem_bodies(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !(status.is_client_error() || status.is_server_error())
        || content_type.starts_with("application/problem+json")
        || content_type.starts_with("text/html")
    {
        return response;
    }
    let (parts, body) = response.into_parts();
    let text = to_bytes(body, 4096)
        .await
        .ok()
        .and_then(|b| String::from_utf8(b.to_vec()).ok())
        .unwrap_or_default();
    let detail = if text.trim().is_empty() {
        status.canonical_reason().unwrap_or("error").to_lowercase()
    } else {
        text.trim().to_owned()
    };
    let mut rewritten = problem_response(&status_problem(status, detail));
    // Keep headers such as Allow on a 405.
    for (name, value) in parts.headers.iter() {
        if name != CONTENT_TYPE && name != axum::http::header::CONTENT_LENGTH {
            rewritten.headers_mut().insert(name.clone(), value.clone());
        }
    }
    rewritten
}

/// Request counts and latencies by route template (never by raw path: paths can hold tokens).
pub async fn record_metrics(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let method = request.method().to_string();
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("companion_http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("companion_http_request_duration_seconds", "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

pub const CONTENT_SECURITY_POLICY: HeaderValue = HeaderValue::from_static(
    "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_drop_ports() {
        assert_eq!(host_name("127.0.0.1:8787"), "127.0.0.1");
        assert_eq!(host_name("[::1]:8787"), "[::1]");
        assert_eq!(host_name("localhost"), "localhost");
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn origin_must_match_host_including_port() {
        assert!(same_origin(&headers(&[
            ("host", "127.0.0.1:8787"),
            ("origin", "http://127.0.0.1:8787")
        ])));
        assert!(!same_origin(&headers(&[
            ("host", "127.0.0.1:8787"),
            ("origin", "http://127.0.0.1:3000")
        ])));
        assert!(!same_origin(&headers(&[
            ("host", "127.0.0.1:8787"),
            ("origin", "null")
        ])));
        assert!(!same_origin(&headers(&[
            ("host", "127.0.0.1:8787"),
            ("sec-fetch-site", "same-site")
        ])));
        assert!(same_origin(&headers(&[
            ("host", "127.0.0.1:8787"),
            ("sec-fetch-site", "same-origin")
        ])));
        assert!(same_origin(&headers(&[("host", "127.0.0.1:8787")])));
    }
}
