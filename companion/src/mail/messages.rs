//! Received mail: stored raw at once (duplicates by Message-ID skipped), then parsed and
//! classified by a `mail.classify` job, whose effects move the matching application.

use std::sync::{Arc, OnceLock};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use shared::api::{MailMessage, Received};
use shared::mail::Classifier;

use super::effects;
use crate::error::{Error, Result};
use crate::jobs::{JobContext, JobError, Worker};
use crate::state::AppState;
use crate::store::jobs::{self, NewJob};
use crate::store::mail::{self as rows, MessageRow, NewMessage, Reading};
use crate::store::{Store, now_ms};

pub const CLASSIFY_JOB: &str = "mail.classify";
pub const CLASSIFIED_EVENT: &str = shared::events::MAIL_CLASSIFIED;

/// Where a message came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Sendgrid,
    Mailgun,
    Postmark,
    Upload,
    Import,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Sendgrid => "sendgrid",
            Source::Mailgun => "mailgun",
            Source::Postmark => "postmark",
            Source::Upload => "upload",
            Source::Import => "import",
        }
    }
}

impl From<MessageRow> for MailMessage {
    fn from(row: MessageRow) -> Self {
        MailMessage {
            id: row.id,
            source: row.source,
            message_id: row.message_id,
            received_at: row.received_at,
            parse_state: row.parse_state,
            parse_error: row.parse_error,
            from_name: row.from_name,
            from_address: row.from_address,
            subject: row.subject,
            category: row.category,
            company: row.company,
            role: row.role,
            sentiment: row.sentiment,
            rules: row
                .rules
                .as_deref()
                .and_then(|r| serde_json::from_str(r).ok())
                .unwrap_or_default(),
            application_id: row.application_id,
            classified_at: row.classified_at,
            size: row.size,
        }
    }
}

/// The Message-ID, from the headers alone (the body is read later, in the job).
pub fn message_id(raw: &[u8]) -> Option<String> {
    let message = mail_parser::MessageParser::new().parse_headers(raw)?;
    message
        .message_id()
        .map(str::trim)
        .filter(|id| !id.is_empty() && id.len() <= 998)
        .map(str::to_owned)
}

fn dedupe_key(message_id: Option<&str>, raw: &[u8]) -> String {
    match message_id {
        Some(id) => format!("id:{id}"),
        None => format!("sha256:{}", hex::encode(Sha256::digest(raw))),
    }
}

/// Stores a message for the user unless it is a duplicate, and queues its classification.
pub async fn receive(store: &Store, user_id: i64, source: Source, raw: &[u8]) -> Result<Received> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(Error::BadRequest("the message is empty".into()));
    }
    let message_id = message_id(raw);
    let key = dedupe_key(message_id.as_deref(), raw);
    let new = NewMessage {
        user_id,
        source: source.as_str(),
        message_id: message_id.as_deref(),
        dedupe_key: &key,
        raw,
    };
    // One transaction: a process killed in between leaves neither, never a message that
    // no job will classify (a rerun would skip it as a duplicate).
    let mut tx = store.pool().begin().await?;
    let Some(id) = rows::insert(&mut tx, &new, now_ms()).await? else {
        tx.rollback().await?;
        let id = rows::find_by_dedupe_key(store, user_id, &key)
            .await?
            .ok_or_else(|| Error::Internal("a duplicate message vanished".into()))?;
        return Ok(Received {
            id,
            duplicate: true,
            detail: "already received (same Message-ID); not stored again".into(),
        });
    };
    let payload = classify_payload(id);
    let job_key = rows::classify_key(id);
    jobs::enqueue_on(
        &mut tx,
        &new_classify_job(user_id, &payload, Some(&job_key)),
        now_ms(),
    )
    .await?;
    tx.commit().await?;
    jobs::wake_workers(store).await?;
    Ok(Received {
        id,
        duplicate: false,
        detail: "stored; classification queued".into(),
    })
}

fn classify_payload(id: i64) -> Value {
    json!({ "messageId": id })
}

/// A message's classification job. The first one carries the message's key, so that the
/// sweep queues none beside it; one the user asks for again carries none (it is a new
/// classification, with its own `mail.classified`).
fn new_classify_job<'a>(user_id: i64, payload: &'a Value, key: Option<&'a str>) -> NewJob<'a> {
    NewJob {
        user_id,
        kind: CLASSIFY_JOB,
        payload,
        max_attempts: 5,
        idempotency_key: key,
        run_at: now_ms(),
        platform: None,
    }
}

/// Queues (again) the parsing and classification of a stored message; the job's id.
pub async fn enqueue_classify(store: &Store, user_id: i64, id: i64) -> Result<i64> {
    let payload = classify_payload(id);
    jobs::enqueue(store, &new_classify_job(user_id, &payload, None), now_ms()).await
}

/// Queues the classification of every message left pending without its job (stored by a
/// companion older than the one-transaction store, or whose job row was deleted). Safe to
/// run anywhere at any time: a message's job key makes it one job however many sweeps
/// find it. Returns how many it queued.
pub async fn enqueue_unqueued(store: Store) -> Result<usize> {
    const BATCH: i64 = 500;
    let mut queued = 0;
    loop {
        let found = rows::unqueued(&store, BATCH).await?;
        let payloads: Vec<(i64, Value, String)> = found
            .iter()
            .map(|&(id, user_id)| (user_id, classify_payload(id), rows::classify_key(id)))
            .collect();
        let jobs: Vec<NewJob<'_>> = payloads
            .iter()
            .map(|(user_id, payload, key)| new_classify_job(*user_id, payload, Some(key)))
            .collect();
        jobs::enqueue_many(&store, &jobs, now_ms()).await?;
        queued += found.len();
        if (found.len() as i64) < BATCH {
            return Ok(queued);
        }
    }
}

pub async fn get(state: &AppState, user_id: i64, id: i64) -> Result<MailMessage> {
    rows::get(&state.store, user_id, id)
        .await?
        .map(Into::into)
        .ok_or(Error::NotFound)
}

pub async fn list(
    state: &AppState,
    user_id: i64,
    category: Option<&str>,
) -> Result<Vec<MailMessage>> {
    if let Some(category) = category {
        category
            .parse::<shared::mail::Category>()
            .map_err(|e| crate::approvals::url::invalid(e.to_string()))?;
    }
    let rows = rows::list(&state.store, user_id, category, 500).await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// Re-runs parsing and classification of one of the user's messages; the job's id.
pub async fn retry(state: &AppState, user_id: i64, id: i64) -> Result<i64> {
    get(state, user_id, id).await?;
    enqueue_classify(&state.store, user_id, id).await
}

/// Adds `mail.classify` to a worker. The classifier (built-in rules plus
/// `mail_rules_path`) is compiled once, on the first message.
pub fn register(worker: Worker, state: &AppState) -> Worker {
    let state = state.clone();
    let classifier: Arc<OnceLock<Arc<Classifier>>> = Arc::default();
    worker.register(CLASSIFY_JOB, move |ctx| {
        classify_job(state.clone(), classifier.clone(), ctx)
    })
}

fn compiled(state: &AppState, cell: &OnceLock<Arc<Classifier>>) -> Result<Arc<Classifier>> {
    if let Some(classifier) = cell.get() {
        return Ok(classifier.clone());
    }
    let classifier = Arc::new(super::classifier(&state.config)?);
    Ok(cell.get_or_init(|| classifier).clone())
}

async fn classify_job(
    state: AppState,
    classifier: Arc<OnceLock<Arc<Classifier>>>,
    ctx: JobContext,
) -> std::result::Result<Value, JobError> {
    let user_id = ctx.user_id();
    let id = ctx.payload()["messageId"]
        .as_i64()
        .ok_or_else(|| JobError::Failed("the job names no message".into()))?;
    let Some(raw) = rows::raw(&state.store, user_id, id).await? else {
        // Deleted meanwhile (with the account): nothing left to do.
        return Ok(json!({ "messageId": id, "gone": true }));
    };
    let classifier = compiled(&state, &classifier)?;
    ctx.checkpoint().await?;
    let mail = match shared::mail::parse(&raw) {
        Ok(mail) => mail,
        Err(error) => {
            let error = error.to_string();
            record(&state, &ctx, id, Record::Unparseable(&error)).await?;
            return Ok(json!({ "messageId": id, "parseState": rows::UNPARSEABLE }));
        }
    };
    let result = classifier.classify(&mail);
    // The effects run on the reading before it is stored, so that the message turns
    // `parsed` together with its link: nobody sees a parsed message the job is not done with.
    // Run again after a crash, they find what the first run did and change nothing.
    let mut message = get(&state, user_id, id).await?;
    message.from_name = mail.from_name.clone();
    message.from_address = mail.from_address.clone();
    message.subject = mail.subject.clone();
    message.category = Some(result.category.as_str().to_owned());
    message.company = result.company.clone();
    message.role = result.role.clone();
    message.sentiment = Some(result.sentiment);
    message.rules = result.rules.clone();
    let application_id = effects::apply(&state, user_id, &message).await?;
    let rules = serde_json::to_string(&result.rules).map_err(|e| Error::Internal(e.to_string()))?;
    let reading = Reading {
        from_name: mail.from_name.as_deref(),
        from_address: mail.from_address.as_deref(),
        subject: mail.subject.as_deref(),
        category: result.category.as_str(),
        company: result.company.as_deref(),
        role: result.role.as_deref(),
        sentiment: result.sentiment,
        rules: &rules,
        application_id,
    };
    let message = record(&state, &ctx, id, Record::Reading(reading)).await?;
    Ok(json!({
        "messageId": id,
        "category": message.category,
        "applicationId": message.application_id,
    }))
}

/// What a classification job found.
enum Record<'a> {
    Unparseable(&'a str),
    Reading(Reading<'a>),
}

/// Stores what the job found and writes `mail.classified`, in one transaction whose event
/// is keyed by the message and the job: a run of the same job after a crash (or beside a
/// worker that lost its lease) finds the event there, stores nothing and sends nothing
/// again. Returns the message as stored.
async fn record(
    state: &AppState,
    ctx: &JobContext,
    id: i64,
    found: Record<'_>,
) -> Result<MailMessage> {
    let user_id = ctx.user_id();
    let mut tx = state.store.pool().begin().await?;
    match &found {
        Record::Unparseable(error) => {
            rows::record_unparseable(&mut tx, user_id, id, error, now_ms()).await?;
        }
        Record::Reading(reading) => {
            rows::record_reading(&mut tx, user_id, id, reading, now_ms()).await?;
        }
    }
    let message: MailMessage = rows::get_on(&mut *tx, user_id, id)
        .await?
        .ok_or(Error::NotFound)?
        .into();
    let payload = serde_json::to_value(&message).map_err(|e| Error::Internal(e.to_string()))?;
    let key = format!("{CLASSIFIED_EVENT}:{id}:{}", ctx.id());
    let written = state
        .bus
        .emit_on(&mut tx, user_id, CLASSIFIED_EVENT, Some(&key), &payload)
        .await?;
    let Some(written) = written else {
        tx.rollback().await?;
        return get(state, user_id, id).await;
    };
    tx.commit().await?;
    state.bus.publish_written(&[written]);
    Ok(message)
}

/// Takes a message in from a verified provider post or a user's upload: refuses one over
/// `mail_max_bytes` (and an upload that is not a message), then stores it.
pub async fn accept(
    state: &AppState,
    user_id: i64,
    source: Source,
    raw: &[u8],
) -> Result<Received> {
    let limit = state.config.mail_max_bytes;
    if raw.len() > limit {
        return Err(super::too_large(limit));
    }
    // A provider's post was verified, so even broken MIME is kept; a user's upload that is
    // not a message at all is better refused while they can still pick the right file.
    if matches!(source, Source::Upload) && !starts_with_header(raw) {
        return Err(Error::BadRequest(
            "this is not an email message: an .eml file starts with header lines such as \
             \"From: …\""
                .into(),
        ));
    }
    receive(&state.store, user_id, source, raw).await
}

/// Whether the first line is a header field, `Name: value`. RFC 5322 allows more in a name,
/// but real ones (From, Received, DKIM-Signature, X-…) are letters, digits and dashes.
fn starts_with_header(raw: &[u8]) -> bool {
    let line = raw.split(|&b| b == b'\n').next().unwrap_or_default();
    match line.iter().position(|&b| b == b':') {
        Some(colon) if colon > 0 => line[..colon]
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'-'),
        _ => false,
    }
}
