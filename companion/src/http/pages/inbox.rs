//! `/dashboard/inbox`: received mail (category, company, role, linked application, the
//! rules that fired, parse state), the inbound webhook addresses, and an upload form.
//! Plain forms; `static/inbox.js` adds live updates. A message's body is shown in a
//! sandboxed frame served with its own CSP that loads nothing from anywhere.

use askama::Template;
use axum::body::Body;
use axum::extract::multipart::MultipartError;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::header::{CONTENT_SECURITY_POLICY, CONTENT_TYPE, X_FRAME_OPTIONS};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use serde::Deserialize;
use shared::api::{MailMessage, UserInfo};
use shared::mail::Category;

use super::{DashboardUser, ago, render, render_with};

use crate::error::{Error, Result};
use crate::http::bodies::{self, LargeBodies};
use crate::http::problem;
use crate::mail::credentials::{self, FreshCredentials};
use crate::mail::messages::{self, Source};
use crate::state::AppState;
use crate::store::mail as rows;
use crate::store::mail_inbound;

pub const UPLOAD: &str = "/dashboard/inbox/upload";

pub struct MessageView {
    pub id: i64,
    pub received: String,
    pub received_at: i64,
    pub from: String,
    pub subject: String,
    pub category: String,
    pub company: String,
    pub role: String,
    pub sentiment: String,
    pub rules: String,
    pub application_id: Option<i64>,
    pub parse_state: String,
    pub parse_error: String,
    pub source: String,
    pub message_id: String,
    pub size: i64,
}

impl From<MailMessage> for MessageView {
    fn from(m: MailMessage) -> Self {
        let from = match (m.from_name, m.from_address) {
            (Some(name), Some(address)) => format!("{name} <{address}>"),
            (name, address) => name.or(address).unwrap_or_default(),
        };
        MessageView {
            id: m.id,
            received: ago(m.received_at),
            received_at: m.received_at,
            from,
            subject: m.subject.unwrap_or_default(),
            category: m.category.unwrap_or_default(),
            company: m.company.unwrap_or_default(),
            role: m.role.unwrap_or_default(),
            sentiment: m.sentiment.map(|s| format!("{s:+.2}")).unwrap_or_default(),
            rules: m.rules.join(", "),
            application_id: m.application_id,
            parse_state: m.parse_state,
            parse_error: m.parse_error.unwrap_or_default(),
            source: m.source,
            message_id: m.message_id.unwrap_or_default(),
            size: m.size,
        }
    }
}

/// The webhook URLs to give each provider, right after they were made.
pub struct Addresses {
    pub sendgrid: String,
    pub mailgun: String,
    pub mailgun_mime: String,
    pub postmark: String,
}

impl Addresses {
    fn new(base: &str, fresh: &FreshCredentials) -> Addresses {
        let base = base.trim_end_matches('/');
        let inbound = format!("{base}/api/v1/inbound/{}", fresh.secret);
        let (scheme, rest) = base.split_once("://").unwrap_or(("https", base));
        Addresses {
            sendgrid: format!("{inbound}/sendgrid"),
            mailgun: format!("{inbound}/mailgun"),
            mailgun_mime: format!("{inbound}/mailgun/mime"),
            postmark: format!(
                "{scheme}://{}:{}@{rest}/api/v1/inbound/{}/postmark",
                fresh.postmark_user, fresh.postmark_password, fresh.secret
            ),
        }
    }
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    user: UserInfo,
    csrf_token: String,
    nav: &'static str,
    messages: Vec<MessageView>,
    filter: String,
    categories: [Category; 6],
    configured_since: Option<String>,
    mailgun_key_set: bool,
    addresses: Option<Addresses>,
    notice: Option<String>,
}

#[derive(Deserialize)]
pub struct InboxQuery {
    #[serde(default)]
    category: String,
}

async fn inbox(
    state: &AppState,
    me: DashboardUser,
    filter: String,
    status: StatusCode,
    addresses: Option<Addresses>,
    notice: Option<String>,
) -> Result<Response> {
    let category = Some(filter.as_str()).filter(|f| !f.is_empty());
    let listed = messages::list(state, me.user.id, category).await?;
    let inbound = mail_inbound::get(&state.store, me.user.id).await?;
    Ok(render_with(
        status,
        &InboxPage {
            messages: listed.into_iter().map(Into::into).collect(),
            filter,
            categories: Category::ALL,
            configured_since: inbound.as_ref().map(|row| ago(row.updated_at)),
            mailgun_key_set: inbound.is_some_and(|row| row.mailgun_key_wrapped.is_some()),
            addresses,
            notice,
            user: me.user,
            csrf_token: me.csrf_token,
            nav: "inbox",
        },
    ))
}

pub async fn page(
    State(state): State<AppState>,
    me: DashboardUser,
    Query(query): Query<InboxQuery>,
) -> Result<Response> {
    let filter = Category::ALL
        .iter()
        .map(|c| c.as_str())
        .find(|c| *c == query.category)
        .unwrap_or_default()
        .to_owned();
    inbox(&state, me, filter, StatusCode::OK, None, None).await
}

/// New inbound secret and Postmark password, shown once on the page it answers with.
pub async fn rotate(State(state): State<AppState>, me: DashboardUser) -> Result<Response> {
    let fresh = credentials::rotate(&state, me.user.id).await?;
    let addresses = Addresses::new(state.config.base_url(), &fresh);
    let notice = "New webhook addresses: give them to your provider now; they are shown only once and the old ones no longer work.";
    inbox(
        &state,
        me,
        String::new(),
        StatusCode::OK,
        Some(addresses),
        Some(notice.into()),
    )
    .await
}

#[derive(Deserialize)]
pub struct MailgunKeyForm {
    #[serde(default)]
    key: String,
}

pub async fn mailgun_key(
    State(state): State<AppState>,
    me: DashboardUser,
    Form(form): Form<MailgunKeyForm>,
) -> Result<Response> {
    match credentials::set_mailgun_key(&state, me.user.id, &form.key).await {
        Ok(()) => Ok(Redirect::to("/dashboard/inbox").into_response()),
        Err(error) if problem::status(&error).is_client_error() => {
            let status = problem::status(&error);
            inbox(
                &state,
                me,
                String::new(),
                status,
                None,
                Some(error.to_string()),
            )
            .await
        }
        Err(error) => Err(error),
    }
}

/// The uploaded file, its body read at the pace [`bodies::paced`] demands.
async fn uploaded(state: &AppState, request: Request) -> Result<Vec<u8>> {
    let (parts, body) = request.into_parts();
    let paced = Request::from_parts(parts, Body::from_stream(bodies::paced(body, &state.config)));
    let mut multipart = Multipart::from_request(paced, state)
        .await
        .map_err(|rejection| Error::BadRequest(rejection.body_text()))?;
    let unreadable = |error: MultipartError| {
        bodies::read_error(&error, &state.config, "the upload could not be read")
    };
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        if field.name() == Some("file") {
            return Ok(Vec::from(field.bytes().await.map_err(unreadable)?));
        }
    }
    Err(Error::BadRequest("choose an .eml file".into()))
}

pub async fn upload(
    State(state): State<AppState>,
    Extension(large): Extension<LargeBodies>,
    me: DashboardUser,
    request: Request,
) -> Result<Response> {
    let result = match large.admit() {
        Ok(_reading) => match uploaded(&state, request).await {
            Ok(raw) => messages::accept(&state, me.user.id, Source::Upload, &raw).await,
            Err(error) => Err(error),
        },
        Err(busy) => Err(busy),
    };
    match result {
        Ok(received) if received.duplicate => {
            let notice = format!("That message is already here (message {}).", received.id);
            inbox(
                &state,
                me,
                String::new(),
                StatusCode::OK,
                None,
                Some(notice),
            )
            .await
        }
        Ok(received) => {
            Ok(Redirect::to(&format!("/dashboard/inbox/{}", received.id)).into_response())
        }
        Err(error)
            if problem::status(&error).is_client_error() || matches!(error, Error::Busy(_)) =>
        {
            let status = problem::status(&error);
            inbox(
                &state,
                me,
                String::new(),
                status,
                None,
                Some(error.to_string()),
            )
            .await
        }
        Err(error) => Err(error),
    }
}

#[derive(Template)]
#[template(path = "inbox_message.html")]
struct MessagePage {
    user: UserInfo,
    csrf_token: String,
    nav: &'static str,
    message: MessageView,
}

/// The dashboard's CSP, plus frames from this origin (the message body).
const MESSAGE_PAGE_CSP: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; \
    form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub async fn message(
    State(state): State<AppState>,
    me: DashboardUser,
    Path(id): Path<i64>,
) -> Result<Response> {
    let message = messages::get(&state, me.user.id, id).await?;
    let mut response = render(&MessagePage {
        message: message.into(),
        user: me.user,
        csrf_token: me.csrf_token,
        nav: "inbox",
    });
    response.headers_mut().insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(MESSAGE_PAGE_CSP),
    );
    Ok(response)
}

pub async fn classify(
    State(state): State<AppState>,
    me: DashboardUser,
    Path(id): Path<i64>,
) -> Result<Response> {
    messages::retry(&state, me.user.id, id).await?;
    Ok(Redirect::to(&format!("/dashboard/inbox/{id}")).into_response())
}

/// Nothing loads, nothing runs: no scripts, no remote images, fonts or styles, no forms;
/// inline styles only, and data: images. `sandbox` also gives the frame an opaque origin.
const BODY_CSP: &str = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; \
    form-action 'none'; frame-ancestors 'self'; base-uri 'none'; sandbox";

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The message body as a page for the frame: the HTML part with scripts, forms and active
/// content removed, else the text in a `<pre>`.
pub fn body_document(raw: &[u8]) -> String {
    let parsed = mail_parser::MessageParser::default().parse(raw);
    // mail-parser converts a text-only message to HTML on request; only a real HTML part
    // counts here.
    let html = parsed.as_ref().and_then(|m| {
        let part = m.part(*m.html_body.first()?)?;
        match &part.body {
            mail_parser::PartType::Html(html) => Some(html.clone()),
            _ => None,
        }
    });
    let content = match html {
        Some(html) => ammonia::Builder::default()
            .url_relative(ammonia::UrlRelative::Deny)
            .clean(&html)
            .to_string(),
        None => {
            let text = parsed
                .as_ref()
                .and_then(|m| m.body_text(0))
                .map(|t| t.into_owned())
                .unwrap_or_else(|| String::from_utf8_lossy(raw).into_owned());
            format!("<pre>{}</pre>", escape(&text))
        }
    };
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><style>body{{font:14px/1.5 system-ui,sans-serif;margin:1rem;color:#1d2433}}pre{{white-space:pre-wrap}}img{{max-width:100%}}</style></head><body>{content}</body></html>"
    )
}

pub async fn body(
    State(state): State<AppState>,
    me: DashboardUser,
    Path(id): Path<i64>,
) -> Result<Response> {
    let raw = rows::raw(&state.store, me.user.id, id)
        .await?
        .ok_or(Error::NotFound)?;
    let mut response = body_document(&raw).into_response();
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(BODY_CSP));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("SAMEORIGIN"));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_lose_scripts_and_keep_text() {
        let raw = b"Subject: x\r\nContent-Type: text/html\r\n\r\n<p onclick=\"steal()\">Hello <b>there</b></p><script>alert(1)</script><img src=\"https://tracker.example/p.gif\">";
        let page = body_document(raw);
        assert!(page.contains("Hello <b>there</b>"), "{page}");
        assert!(
            !page.contains("script") && !page.contains("onclick"),
            "{page}"
        );
        let text = body_document(b"Subject: y\r\n\r\nIf 1 < 2 & <b>not bold</b>");
        assert!(
            text.contains("<pre>If 1 &lt; 2 &amp; &lt;b&gt;not bold&lt;/b&gt;</pre>"),
            "{text}"
        );
    }
}
