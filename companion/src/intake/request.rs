//! A posting as a person or the extension sends it: a schema.org `JobPosting`, a few fields,
//! a URL to fetch, or pasted text, read into a [`RawPosting`].

use serde_json::Value;
use shared::api::{PostingRequest, Source};

use super::{RawPosting, jsonld};
use crate::error::{Error, Result};
use crate::state::AppState;

/// Reads whichever shape the body has (the API's and the dashboard's).
pub async fn raw_posting(state: &AppState, body: Value, from_device: bool) -> Result<RawPosting> {
    if let Some(posting) = jsonld::find_job_posting(&body) {
        let source = if from_device {
            Source::Extension
        } else {
            Source::Url
        };
        return Ok(jsonld::to_raw(posting, source));
    }
    let request: PostingRequest = serde_json::from_value(body).map_err(|e| {
        Error::Unprocessable(format!(
            "not a JobPosting nor {{url, title, company, description, text}}: {e}"
        ))
    })?;
    posting_from_request(state, request, from_device).await
}

pub async fn posting_from_request(
    state: &AppState,
    request: PostingRequest,
    from_device: bool,
) -> Result<RawPosting> {
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let (title, company, text) = (
        given(&request.title),
        given(&request.company),
        given(&request.text),
    );
    let mut raw = if let Some(text) = text {
        RawPosting::pasted(&text, title.as_deref(), company.as_deref())
    } else if title.is_none() && company.is_none() && request.description.is_none() {
        let url = given(&request.url).ok_or_else(|| {
            Error::BadRequest("send a JobPosting, a url, title and company, or text".into())
        })?;
        return super::fetch_page(state, &url).await;
    } else {
        RawPosting {
            title: title.unwrap_or_default(),
            company: company.unwrap_or_default(),
            description_html: request.description.unwrap_or_default(),
            ..RawPosting::new(if from_device {
                Source::Extension
            } else {
                Source::Url
            })
        }
    };
    raw.url = given(&request.url);
    raw.location = given(&request.location).or(raw.location);
    raw.remote |= request.remote;
    Ok(raw)
}
