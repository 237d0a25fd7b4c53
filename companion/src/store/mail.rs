//! `mail_messages`: every message received, its raw bytes, and what parsing and the
//! classifier made of it.

use sqlx::{Any, AnyConnection, AssertSqlSafe, Executor};

use super::Store;
use crate::error::Result;

pub const PENDING: &str = "pending";
pub const PARSED: &str = "parsed";
pub const UNPARSEABLE: &str = "unparseable";

/// The idempotency key of a message's first classification job: the same message is queued
/// once however often the sweep finds it pending.
pub fn classify_key(id: i64) -> String {
    format!("{CLASSIFY_KEY_PREFIX}{id}")
}

const CLASSIFY_KEY_PREFIX: &str = "mail.classify:";

/// A stored message without its raw bytes (lists never need them).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MessageRow {
    pub id: i64,
    pub user_id: i64,
    pub source: String,
    pub message_id: Option<String>,
    pub received_at: i64,
    pub parse_state: String,
    pub parse_error: Option<String>,
    pub from_name: Option<String>,
    pub from_address: Option<String>,
    pub subject: Option<String>,
    pub category: Option<String>,
    pub company: Option<String>,
    pub role: Option<String>,
    pub sentiment: Option<f64>,
    pub rules: Option<String>,
    pub application_id: Option<i64>,
    pub classified_at: Option<i64>,
    pub size: i64,
}

const COLUMNS: &str = "id, user_id, source, message_id, received_at, parse_state, parse_error, \
    from_name, from_address, subject, category, company, role, sentiment, rules, application_id, \
    classified_at, CAST(LENGTH(raw) AS BIGINT) AS size";

pub struct NewMessage<'a> {
    pub user_id: i64,
    pub source: &'a str,
    pub message_id: Option<&'a str>,
    /// The Message-ID, or a hash of the bytes for a message without one.
    pub dedupe_key: &'a str,
    pub raw: &'a [u8],
}

/// The new message's id, or None when the user already has it (same dedupe key). On a
/// transaction, so that its classification job is queued with it.
pub async fn insert(
    conn: &mut AnyConnection,
    message: &NewMessage<'_>,
    now: i64,
) -> Result<Option<i64>> {
    let inserted: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO mail_messages (user_id, source, message_id, dedupe_key, raw, received_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (user_id, dedupe_key) DO NOTHING
         RETURNING id",
    )
    .bind(message.user_id)
    .bind(message.source)
    .bind(message.message_id)
    .bind(message.dedupe_key)
    .bind(message.raw)
    .bind(now)
    .fetch_optional(conn)
    .await?;
    Ok(inserted.map(|(id,)| id))
}

/// The id of the user's message with this dedupe key.
pub async fn find_by_dedupe_key(
    store: &Store,
    user_id: i64,
    dedupe_key: &str,
) -> Result<Option<i64>> {
    let found: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM mail_messages WHERE user_id = $1 AND dedupe_key = $2")
            .bind(user_id)
            .bind(dedupe_key)
            .fetch_optional(store.pool())
            .await?;
    Ok(found.map(|(id,)| id))
}

pub async fn get(store: &Store, user_id: i64, id: i64) -> Result<Option<MessageRow>> {
    get_on(store.pool(), user_id, id).await
}

/// [`get`] on a connection or transaction.
pub async fn get_on<'e>(
    db: impl Executor<'e, Database = Any>,
    user_id: i64,
    id: i64,
) -> Result<Option<MessageRow>> {
    let sql = format!("SELECT {COLUMNS} FROM mail_messages WHERE id = $1 AND user_id = $2");
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(id)
        .bind(user_id)
        .fetch_optional(db)
        .await?)
}

/// Pending messages (id, user) that have no job under their [`classify_key`]: their
/// import or delivery stopped between storing and queueing (before both were one
/// transaction), or the job was deleted. Oldest first.
pub async fn unqueued(store: &Store, limit: i64) -> Result<Vec<(i64, i64)>> {
    Ok(sqlx::query_as(
        "SELECT m.id, m.user_id FROM mail_messages m
         WHERE m.parse_state = 'pending' AND NOT EXISTS (
             SELECT 1 FROM jobs j
             WHERE j.user_id = m.user_id AND j.idempotency_key = $1 || CAST(m.id AS TEXT))
         ORDER BY m.id LIMIT $2",
    )
    .bind(CLASSIFY_KEY_PREFIX)
    .bind(limit)
    .fetch_all(store.pool())
    .await?)
}

pub async fn raw(store: &Store, user_id: i64, id: i64) -> Result<Option<Vec<u8>>> {
    let found: Option<(Vec<u8>,)> =
        sqlx::query_as("SELECT raw FROM mail_messages WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user_id)
            .fetch_optional(store.pool())
            .await?;
    Ok(found.map(|(raw,)| raw))
}

/// The user's messages, newest first, optionally of one category.
pub async fn list(
    store: &Store,
    user_id: i64,
    category: Option<&str>,
    limit: i64,
) -> Result<Vec<MessageRow>> {
    let filter = if category.is_some() {
        "AND category = $3"
    } else {
        ""
    };
    let sql = format!(
        "SELECT {COLUMNS} FROM mail_messages WHERE user_id = $1 {filter}
         ORDER BY received_at DESC, id DESC LIMIT $2"
    );
    let mut query = sqlx::query_as(AssertSqlSafe(sql)).bind(user_id).bind(limit);
    if let Some(category) = category {
        query = query.bind(category);
    }
    Ok(query.fetch_all(store.pool()).await?)
}

/// What parsing and classifying found.
pub struct Reading<'a> {
    pub from_name: Option<&'a str>,
    pub from_address: Option<&'a str>,
    pub subject: Option<&'a str>,
    pub category: &'a str,
    pub company: Option<&'a str>,
    pub role: Option<&'a str>,
    pub sentiment: f64,
    pub rules: &'a str,
    pub application_id: Option<i64>,
}

pub async fn record_reading(
    conn: &mut AnyConnection,
    user_id: i64,
    id: i64,
    reading: &Reading<'_>,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE mail_messages SET parse_state = 'parsed', parse_error = NULL, from_name = $3,
             from_address = $4, subject = $5, category = $6, company = $7, role = $8,
             sentiment = $9, rules = $10, application_id = $11, classified_at = $12
         WHERE id = $1 AND user_id = $2",
    )
    .bind(id)
    .bind(user_id)
    .bind(reading.from_name)
    .bind(reading.from_address)
    .bind(reading.subject)
    .bind(reading.category)
    .bind(reading.company)
    .bind(reading.role)
    .bind(reading.sentiment)
    .bind(reading.rules)
    .bind(reading.application_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn record_unparseable(
    conn: &mut AnyConnection,
    user_id: i64,
    id: i64,
    error: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE mail_messages SET parse_state = 'unparseable', parse_error = $3,
             category = NULL, company = NULL, role = NULL, sentiment = NULL, rules = NULL,
             classified_at = $4
         WHERE id = $1 AND user_id = $2",
    )
    .bind(id)
    .bind(user_id)
    .bind(error)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}
