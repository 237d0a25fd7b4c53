//! Job intake: postings arrive (extension, URL, paste, CSV, board polls), are checked,
//! sanitised, deduplicated, stored and matched against the user's settings and resume.

pub mod boards;
pub mod canonical;
pub mod csv_import;
mod dates;
pub mod jsonld;
pub mod matching;
pub mod page;
pub mod request;
pub mod settings;
pub mod text;
pub mod watchlist;

use serde_json::{Value, json};
use shared::api::{IntakeSettings, MatchOutcome, Source};

use crate::approvals::NewAgentRequest;
use crate::error::{Error, Result};
use crate::fetch::check_url;
use crate::state::AppState;
use crate::store::postings::{NewPosting, PostingRow};
use crate::store::{self, now_ms};

const MAX_TITLE_CHARS: usize = 300;
const MAX_COMPANY_CHARS: usize = 200;
const MAX_LOCATION_CHARS: usize = 300;
const MAX_DESCRIPTION_BYTES: usize = 200_000;

/// A posting as it arrived: nothing checked, the description untrusted HTML.
#[derive(Debug, Clone)]
pub struct RawPosting {
    pub source: Source,
    pub url: Option<String>,
    pub external_id: Option<String>,
    pub company: String,
    pub title: String,
    pub location: Option<String>,
    pub remote: bool,
    pub salary_min: Option<i64>,
    pub salary_max: Option<i64>,
    pub salary_currency: Option<String>,
    pub description_html: String,
    pub posted_at: Option<i64>,
}

impl RawPosting {
    pub fn new(source: Source) -> RawPosting {
        RawPosting {
            source,
            url: None,
            external_id: None,
            company: String::new(),
            title: String::new(),
            location: None,
            remote: false,
            salary_min: None,
            salary_max: None,
            salary_currency: None,
            description_html: String::new(),
            posted_at: None,
        }
    }

    /// A pasted description: title and company from its first two lines unless given.
    pub fn pasted(text: &str, title: Option<&str>, company: Option<&str>) -> RawPosting {
        let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
        let title = title
            .map(str::to_owned)
            .or_else(|| lines.next().map(str::to_owned));
        let company = company
            .map(str::to_owned)
            .or_else(|| lines.next().map(str::to_owned));
        RawPosting {
            title: title.unwrap_or_default(),
            company: company.unwrap_or_default(),
            description_html: text::paragraphs(text),
            ..RawPosting::new(Source::Paste)
        }
    }
}

/// Checks and normalises a raw posting into what is stored. `allow_hosts` is the fetch
/// allow-list: a posting's URL obeys the same rules as a URL the companion fetches.
pub fn prepare(raw: RawPosting, allow_hosts: &[String]) -> Result<NewPosting> {
    let title = text::one_line(&raw.title, MAX_TITLE_CHARS);
    let company = text::one_line(&raw.company, MAX_COMPANY_CHARS);
    if title.is_empty() || company.is_empty() {
        return Err(Error::BadRequest(
            "a posting needs a title and a company".into(),
        ));
    }
    if raw.description_html.len() > MAX_DESCRIPTION_BYTES {
        return Err(Error::TooLarge(format!(
            "the description is larger than {MAX_DESCRIPTION_BYTES} bytes"
        )));
    }
    let url = raw
        .url
        .as_deref()
        .map(|u| check_url(u, allow_hosts))
        .transpose()?;
    let description_html = text::sanitise_html(&raw.description_html);
    let (salary_min, salary_max) = match (raw.salary_min, raw.salary_max) {
        (Some(min), Some(max)) if min > max => (Some(max), Some(min)),
        other => other,
    };
    Ok(NewPosting {
        source: raw.source.as_str().to_owned(),
        canonical_url: url.as_ref().map(canonical::canonical_url),
        url: url.map(String::from),
        dedupe_key: canonical::dedupe_key(&company, &title),
        external_id: raw.external_id.map(|id| text::one_line(&id, 200)),
        location: raw
            .location
            .map(|l| text::one_line(&l, MAX_LOCATION_CHARS))
            .filter(|l| !l.is_empty()),
        remote: raw.remote,
        salary_min,
        salary_max,
        salary_currency: raw
            .salary_currency
            .map(|c| text::one_line(&c, 8).to_uppercase()),
        description_text: text::text_of(&description_html),
        description_html,
        posted_at: raw.posted_at,
        company,
        title,
    })
}

/// A stored posting and whether it was already there.
pub struct Saved {
    pub posting: PostingRow,
    pub duplicate: bool,
}

/// Stores a posting unless the user has it already; a new one is matched and announced.
pub async fn save(state: &AppState, user_id: i64, raw: RawPosting) -> Result<Saved> {
    let posting = prepare(raw, &state.config.fetch_allow_hosts)?;
    let (row, created) =
        store::postings::insert_or_existing(&state.store, user_id, &posting, now_ms()).await?;
    if !created {
        return Ok(Saved {
            posting: row,
            duplicate: true,
        });
    }
    state
        .bus
        .emit(
            user_id,
            shared::events::POSTING_SAVED,
            json!({"id": row.id, "company": row.company, "title": row.title, "source": row.source}),
        )
        .await?;
    let settings = load_settings(state, user_id).await?;
    let resume = resume_for_matching(state, user_id).await?;
    let outcome = matching::evaluate(&posting, &resume, &settings);
    store::postings::set_match(
        &state.store,
        user_id,
        row.id,
        outcome.passed,
        outcome.score,
        &json!(outcome.reasons),
    )
    .await?;
    state
        .bus
        .emit(
            user_id,
            shared::events::POSTING_MATCHED,
            json!({
                "id": row.id,
                "company": row.company,
                "title": row.title,
                "source": row.source,
                "passed": outcome.passed,
                "score": outcome.score,
                "reasons": outcome.reasons,
            }),
        )
        .await?;
    if outcome.passed {
        propose(state, &row, &outcome).await?;
    }
    let posting = store::postings::get(&state.store, user_id, row.id)
        .await?
        .ok_or(Error::NotFound)?;
    Ok(Saved {
        posting,
        duplicate: false,
    })
}

/// A posting that passed the user's filters becomes an agent request waiting for approval.
/// One without a link (a pasted description) cannot be applied to and stays a posting.
async fn propose(state: &AppState, row: &PostingRow, outcome: &MatchOutcome) -> Result<()> {
    let Some(job_url) = row.url.clone() else {
        return Ok(());
    };
    let resume = crate::profile::pdf::info(&state.store, row.user_id)
        .await?
        .map(|pdf| pdf.name);
    let request = NewAgentRequest {
        posting_id: Some(row.id),
        company: row.company.clone(),
        title: row.title.clone(),
        job_url,
        confidence: outcome.score,
        confidence_reasons: outcome.reasons.clone(),
        answers: Vec::new(),
        resume,
    };
    crate::approvals::propose(state, row.user_id, request).await?;
    Ok(())
}

/// The user's JSON Resume, which the relevance score reads (null when none is stored).
pub async fn resume_for_matching(state: &AppState, user_id: i64) -> Result<Value> {
    Ok(crate::profile::resume(&state.store, user_id).await?.resume)
}

pub async fn load_settings(state: &AppState, user_id: i64) -> Result<IntakeSettings> {
    match store::intake_settings::get(&state.store, user_id).await? {
        Some(stored) => serde_json::from_str(&stored)
            .map_err(|e| Error::Internal(format!("stored intake settings: {e}"))),
        None => Ok(IntakeSettings::default()),
    }
}

/// Fetches a job page with the safe fetcher and reads the posting from it.
pub async fn fetch_page(state: &AppState, url: &str) -> Result<RawPosting> {
    let fetched = state
        .fetcher
        .get(url, "text/html,application/xhtml+xml")
        .await?;
    let html = String::from_utf8_lossy(&fetched.body);
    Ok(page::extract(&html, &fetched.url))
}
