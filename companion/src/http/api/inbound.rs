//! `/api/v1/inbound/{secret}/…`: the mail providers' webhooks. No session: the secret in
//! the URL picks the user. Verify, store raw, answer 200; the `mail.classify` job reads
//! the message later. Anything refused is refused before a byte is stored, and an unknown
//! secret (or Postmark's basic auth) before a byte of the body is read.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::{Extension, Json};
use shared::api::{Problem, Received};

use crate::error::{Error, Result};
use crate::http::bodies::{self, LargeBodies};
use crate::mail::credentials;
use crate::mail::inbound::{self, Fields, Malformed};
use crate::mail::messages::{Source, accept};
use crate::state::AppState;

fn malformed(error: Malformed) -> Error {
    Error::BadRequest(error.0)
}

/// `+` and `%XX` decoded to bytes, so a raw message keeps every byte.
fn percent_decode(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match input[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < input.len() => match (hex(input[i + 1]), hex(input[i + 2])) {
                (Some(high), Some(low)) => {
                    out.push(u8::try_from(high * 16 + low).unwrap_or(b'?'));
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            byte => out.push(byte),
        }
        i += 1;
    }
    out
}

/// How a form post is encoded, known from its headers before a byte of it is read.
enum Form {
    UrlEncoded,
    Multipart { boundary: String },
}

impl Form {
    fn of(headers: &HeaderMap) -> Result<Form> {
        let content_type = headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if content_type.starts_with("application/x-www-form-urlencoded") {
            return Ok(Form::UrlEncoded);
        }
        if !content_type.starts_with("multipart/form-data") {
            return Err(Error::UnsupportedMediaType(
                "send multipart/form-data or application/x-www-form-urlencoded".into(),
            ));
        }
        let boundary = multer::parse_boundary(content_type)
            .map_err(|e| Error::BadRequest(format!("malformed multipart: {e}")))?;
        Ok(Form::Multipart { boundary })
    }

    /// The form's fields. A multipart post is parsed as it streams in, so only its fields
    /// are held, each once.
    async fn fields(self, state: &AppState, body: Body) -> Result<Fields> {
        let boundary = match self {
            Form::UrlEncoded => {
                let body = bodies::read(body, &state.config).await?;
                return Ok(body
                    .split(|&b| b == b'&')
                    .filter(|pair| !pair.is_empty())
                    .map(|pair| {
                        let (name, value) = match pair.iter().position(|&b| b == b'=') {
                            Some(at) => (&pair[..at], &pair[at + 1..]),
                            None => (pair, &[][..]),
                        };
                        (
                            String::from_utf8_lossy(&percent_decode(name)).into_owned(),
                            percent_decode(value),
                        )
                    })
                    .collect());
            }
            Form::Multipart { boundary } => boundary,
        };
        let mut multipart = multer::Multipart::new(bodies::paced(body, &state.config), boundary);
        let broken =
            |e: multer::Error| bodies::read_error(&e, &state.config, "malformed multipart");
        let mut fields = Vec::new();
        while let Some(field) = multipart.next_field().await.map_err(broken)? {
            let name = field.name().unwrap_or_default().to_owned();
            let bytes = field.bytes().await.map_err(broken)?;
            fields.push((name, Vec::from(bytes)));
        }
        Ok(fields)
    }
}

/// SendGrid Inbound Parse, in either mode ("post raw MIME" or parsed).
#[utoipa::path(post, path = "/api/v1/inbound/{secret}/sendgrid", tag = "mail",
    params(("secret" = String, Path, description = "Your inbound secret (Inbox page)")),
    request_body(content = String, content_type = "multipart/form-data", description = "SendGrid's Inbound Parse post"),
    responses(
        (status = 200, description = "Stored (or a duplicate, not stored again)", body = Received),
        (status = 400, description = "Malformed multipart, or no message in it", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Unknown inbound secret", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than mail_max_bytes", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a form post", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Too many large messages arriving at once; retry after Retry-After seconds", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn sendgrid(
    State(state): State<AppState>,
    Extension(large): Extension<LargeBodies>,
    Path(secret): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Received>> {
    let owner = credentials::owner(&state, &secret).await?;
    let form = Form::of(&headers)?;
    let _reading = large.admit()?;
    let fields = form.fields(&state, body).await?;
    let raw = inbound::sendgrid(fields).map_err(malformed)?;
    Ok(Json(
        accept(&state, owner.user_id, Source::Sendgrid, &raw).await?,
    ))
}

async fn mailgun_post(
    state: &AppState,
    large: &LargeBodies,
    secret: &str,
    headers: &HeaderMap,
    body: Body,
) -> Result<Json<Received>> {
    let owner = credentials::owner(state, secret).await?;
    let form = Form::of(headers)?;
    let _reading = large.admit()?;
    let fields = form.fields(state, body).await?;
    credentials::verify_mailgun(state, &owner, &fields).await?;
    let raw = inbound::mailgun(fields).map_err(malformed)?;
    Ok(Json(
        accept(state, owner.user_id, Source::Mailgun, &raw).await?,
    ))
}

/// A Mailgun route's `forward()` of the parsed message.
#[utoipa::path(post, path = "/api/v1/inbound/{secret}/mailgun", tag = "mail",
    params(("secret" = String, Path, description = "Your inbound secret (Inbox page)")),
    request_body(content = String, content_type = "multipart/form-data", description = "Mailgun's parsed route post, signed"),
    responses(
        (status = 200, description = "Stored (or a duplicate, not stored again)", body = Received),
        (status = 400, description = "Malformed form, or no message in it", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Unknown secret, bad signature, expired timestamp or replayed token", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than mail_max_bytes", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a form post", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Too many large messages arriving at once; retry after Retry-After seconds", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn mailgun(
    State(state): State<AppState>,
    Extension(large): Extension<LargeBodies>,
    Path(secret): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Received>> {
    mailgun_post(&state, &large, &secret, &headers, body).await
}

/// A Mailgun route forwarding to a URL ending in `mime`: the raw message in `body-mime`.
#[utoipa::path(post, path = "/api/v1/inbound/{secret}/mailgun/mime", tag = "mail",
    params(("secret" = String, Path, description = "Your inbound secret (Inbox page)")),
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "Mailgun's raw MIME route post, signed"),
    responses(
        (status = 200, description = "Stored (or a duplicate, not stored again)", body = Received),
        (status = 400, description = "Malformed form, or no message in it", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Unknown secret, bad signature, expired timestamp or replayed token", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than mail_max_bytes", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not a form post", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Too many large messages arriving at once; retry after Retry-After seconds", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn mailgun_mime(
    State(state): State<AppState>,
    Extension(large): Extension<LargeBodies>,
    Path(secret): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Received>> {
    mailgun_post(&state, &large, &secret, &headers, body).await
}

/// Postmark's inbound webhook: JSON, with basic auth in the URL you give Postmark.
#[utoipa::path(post, path = "/api/v1/inbound/{secret}/postmark", tag = "mail",
    params(("secret" = String, Path, description = "Your inbound secret (Inbox page)")),
    request_body(content = String, content_type = "application/json", description = "Postmark's inbound JSON"),
    responses(
        (status = 200, description = "Stored (or a duplicate, not stored again)", body = Received),
        (status = 400, description = "Not Postmark inbound JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Unknown secret or wrong basic auth", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than mail_max_bytes", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "Too many large messages arriving at once; retry after Retry-After seconds", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn postmark(
    State(state): State<AppState>,
    Extension(large): Extension<LargeBodies>,
    Path(secret): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Received>> {
    let owner = credentials::owner(&state, &secret).await?;
    let authorization = headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok());
    credentials::check_postmark(&owner, authorization)?;
    let _reading = large.admit()?;
    let body = bodies::read(body, &state.config).await?;
    let raw = inbound::postmark(body).map_err(malformed)?;
    Ok(Json(
        accept(&state, owner.user_id, Source::Postmark, &raw).await?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_decoding_keeps_bytes() {
        assert_eq!(percent_decode(b"a+b%3D%e9%zz%4"), b"a b=\xe9%zz%4");
    }
}
