//! Job postings, one row per posting per user, and the match step's outcome on each.

use super::Store;
use crate::error::Result;

/// A posting ready to store: already sanitised, canonicalised and keyed.
#[derive(Debug, Clone, Default)]
pub struct NewPosting {
    pub source: String,
    pub url: Option<String>,
    pub canonical_url: Option<String>,
    pub dedupe_key: String,
    pub external_id: Option<String>,
    pub company: String,
    pub title: String,
    pub location: Option<String>,
    pub remote: bool,
    pub salary_min: Option<i64>,
    pub salary_max: Option<i64>,
    pub salary_currency: Option<String>,
    pub description_html: String,
    pub description_text: String,
    pub posted_at: Option<i64>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PostingRow {
    pub id: i64,
    pub user_id: i64,
    pub source: String,
    pub url: Option<String>,
    pub canonical_url: Option<String>,
    pub dedupe_key: String,
    pub external_id: Option<String>,
    pub company: String,
    pub title: String,
    pub location: Option<String>,
    pub remote: i64,
    pub salary_min: Option<i64>,
    pub salary_max: Option<i64>,
    pub salary_currency: Option<String>,
    pub description_html: String,
    pub description_text: String,
    pub posted_at: Option<i64>,
    pub created_at: i64,
    pub match_passed: Option<i64>,
    pub match_score: Option<f64>,
    pub match_reasons: Option<String>,
}

macro_rules! columns {
    () => {
        "id, user_id, source, url, canonical_url, dedupe_key, external_id, company, title, \
         location, remote, salary_min, salary_max, salary_currency, description_html, \
         description_text, posted_at, created_at, match_passed, match_score, match_reasons"
    };
}

/// Inserts the posting unless this user already has one with the same canonical URL or the
/// same company + title; returns the row and whether it is new.
pub async fn insert_or_existing(
    store: &Store,
    user_id: i64,
    posting: &NewPosting,
    now: i64,
) -> Result<(PostingRow, bool)> {
    if let Some(existing) = find_duplicate(store, user_id, posting).await? {
        return Ok((existing, false));
    }
    let inserted: Option<PostingRow> = sqlx::query_as(concat!(
        "INSERT INTO postings (user_id, source, url, canonical_url, dedupe_key, external_id,
             company, title, location, remote, salary_min, salary_max, salary_currency,
             description_html, description_text, posted_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
         ON CONFLICT DO NOTHING
         RETURNING ",
        columns!()
    ))
    .bind(user_id)
    .bind(&posting.source)
    .bind(&posting.url)
    .bind(&posting.canonical_url)
    .bind(&posting.dedupe_key)
    .bind(&posting.external_id)
    .bind(&posting.company)
    .bind(&posting.title)
    .bind(&posting.location)
    .bind(i64::from(posting.remote))
    .bind(posting.salary_min)
    .bind(posting.salary_max)
    .bind(&posting.salary_currency)
    .bind(&posting.description_html)
    .bind(&posting.description_text)
    .bind(posting.posted_at)
    .bind(now)
    .fetch_optional(store.pool())
    .await?;
    match inserted {
        Some(row) => Ok((row, true)),
        // Lost a race with a concurrent save of the same posting: theirs is the one.
        None => find_duplicate(store, user_id, posting)
            .await?
            .map(|row| (row, false))
            .ok_or_else(|| crate::error::Error::Internal("posting vanished after conflict".into())),
    }
}

async fn find_duplicate(
    store: &Store,
    user_id: i64,
    posting: &NewPosting,
) -> Result<Option<PostingRow>> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM postings WHERE user_id = $1 AND (canonical_url = $2 OR dedupe_key = $3)
          ORDER BY id LIMIT 1"
    ))
    .bind(user_id)
    .bind(&posting.canonical_url)
    .bind(&posting.dedupe_key)
    .fetch_optional(store.pool())
    .await?)
}

pub async fn get(store: &Store, user_id: i64, id: i64) -> Result<Option<PostingRow>> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM postings WHERE user_id = $1 AND id = $2"
    ))
    .bind(user_id)
    .bind(id)
    .fetch_optional(store.pool())
    .await?)
}

/// The user's newest postings first.
pub async fn list(store: &Store, user_id: i64, limit: i64) -> Result<Vec<PostingRow>> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM postings WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2"
    ))
    .bind(user_id)
    .bind(limit)
    .fetch_all(store.pool())
    .await?)
}

pub async fn delete(store: &Store, user_id: i64, id: i64) -> Result<bool> {
    let done = sqlx::query("DELETE FROM postings WHERE user_id = $1 AND id = $2")
        .bind(user_id)
        .bind(id)
        .execute(store.pool())
        .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn set_match(
    store: &Store,
    user_id: i64,
    id: i64,
    passed: bool,
    score: f64,
    reasons: &serde_json::Value,
) -> Result<()> {
    sqlx::query(
        "UPDATE postings SET match_passed = $1, match_score = $2, match_reasons = $3
         WHERE user_id = $4 AND id = $5",
    )
    .bind(i64::from(passed))
    .bind(score)
    .bind(reasons.to_string())
    .bind(user_id)
    .bind(id)
    .execute(store.pool())
    .await?;
    Ok(())
}
