//! The profile tables: the resume and the answer bank (versioned JSON documents, one per
//! user), free-text answers, and uploaded files.

use sqlx::{Any, AssertSqlSafe, Transaction};

use super::{Store, now_ms};
use crate::error::Result;

/// A stored versioned JSON document.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Document {
    pub json: String,
    pub version: i64,
    pub updated_at: i64,
}

/// The two versioned documents of a profile, each in its own table.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Resume,
    Answers,
}

impl Kind {
    fn table_and_column(self) -> (&'static str, &'static str) {
        match self {
            Kind::Resume => ("profiles", "resume"),
            Kind::Answers => ("answer_banks", "answers"),
        }
    }
}

pub async fn get(store: &Store, kind: Kind, user_id: i64) -> Result<Option<Document>> {
    let (table, column) = kind.table_and_column();
    let sql =
        format!("SELECT {column} AS json, version, updated_at FROM {table} WHERE user_id = $1");
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(user_id)
        .fetch_optional(store.pool())
        .await?)
}

/// Saves `json` if the stored version is still `expected` (0: nothing stored yet). Returns
/// the new version, or None when someone else saved first.
pub async fn save(
    store: &Store,
    kind: Kind,
    user_id: i64,
    json: &str,
    expected: i64,
) -> Result<Option<i64>> {
    let (table, column) = kind.table_and_column();
    let sql = if expected == 0 {
        format!(
            "INSERT INTO {table} (user_id, {column}, version, updated_at) VALUES ($1, $2, 1, $3)
             ON CONFLICT (user_id) DO NOTHING RETURNING version"
        )
    } else {
        format!(
            "UPDATE {table} SET {column} = $2, version = version + 1, updated_at = $3
             WHERE user_id = $1 AND version = $4 RETURNING version"
        )
    };
    let mut query = sqlx::query_as(AssertSqlSafe(sql))
        .bind(user_id)
        .bind(json)
        .bind(now_ms());
    if expected != 0 {
        query = query.bind(expected);
    }
    let saved: Option<(i64,)> = query.fetch_optional(store.pool()).await?;
    Ok(saved.map(|(v,)| v))
}

/// Replaces a document whatever its version (an import), bumping the version.
async fn replace(
    tx: &mut Transaction<'_, Any>,
    kind: Kind,
    user_id: i64,
    json: &str,
    now: i64,
) -> Result<()> {
    let (table, column) = kind.table_and_column();
    let sql = format!(
        "INSERT INTO {table} (user_id, {column}, version, updated_at) VALUES ($1, $2, 1, $3)
         ON CONFLICT (user_id) DO UPDATE SET {column} = excluded.{column},
             version = {table}.version + 1, updated_at = excluded.updated_at"
    );
    sqlx::query(AssertSqlSafe(sql))
        .bind(user_id)
        .bind(json)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FreeAnswerRow {
    pub id: i64,
    pub question: String,
    pub answer: String,
    /// A JSON array of strings.
    pub tags: String,
    pub created_at: i64,
    pub updated_at: i64,
}

pub async fn free_answers(store: &Store, user_id: i64) -> Result<Vec<FreeAnswerRow>> {
    let sql =
        format!("SELECT {FREE_ANSWER_COLUMNS} FROM free_answers WHERE user_id = $1 ORDER BY id");
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(user_id)
        .fetch_all(store.pool())
        .await?)
}

const FREE_ANSWER_COLUMNS: &str = "id, question, answer, tags, created_at, updated_at";

/// Adds an answer and returns it as stored (read in the same statement: a concurrent
/// import may replace all answers right after).
pub async fn add_free_answer(
    store: &Store,
    user_id: i64,
    question: &str,
    answer: &str,
    tags: &str,
) -> Result<FreeAnswerRow> {
    let sql = format!(
        "INSERT INTO free_answers (user_id, question, answer, tags, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING {FREE_ANSWER_COLUMNS}"
    );
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(user_id)
        .bind(question)
        .bind(answer)
        .bind(tags)
        .bind(now_ms())
        .fetch_one(store.pool())
        .await?)
}

/// The answer as stored after the change; None: no such answer of this user.
pub async fn update_free_answer(
    store: &Store,
    user_id: i64,
    id: i64,
    question: &str,
    answer: &str,
    tags: &str,
) -> Result<Option<FreeAnswerRow>> {
    let sql = format!(
        "UPDATE free_answers SET question = $3, answer = $4, tags = $5, updated_at = $6
         WHERE user_id = $1 AND id = $2 RETURNING {FREE_ANSWER_COLUMNS}"
    );
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(user_id)
        .bind(id)
        .bind(question)
        .bind(answer)
        .bind(tags)
        .bind(now_ms())
        .fetch_optional(store.pool())
        .await?)
}

pub async fn delete_free_answer(store: &Store, user_id: i64, id: i64) -> Result<bool> {
    let done = sqlx::query("DELETE FROM free_answers WHERE user_id = $1 AND id = $2")
        .bind(user_id)
        .bind(id)
        .execute(store.pool())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// What an import writes; `free_answers` are (question, answer, tags JSON).
pub struct Import<'a> {
    pub resume: &'a str,
    pub answers: &'a str,
    pub free_answers: &'a [(String, String, String)],
}

/// Replaces the resume, the answer bank and all free-text answers in one transaction:
/// either all of it lands or nothing changes.
pub async fn import(store: &Store, user_id: i64, import: &Import<'_>) -> Result<()> {
    let now = now_ms();
    let mut tx = store.pool().begin().await?;
    replace(&mut tx, Kind::Resume, user_id, import.resume, now).await?;
    replace(&mut tx, Kind::Answers, user_id, import.answers, now).await?;
    sqlx::query("DELETE FROM free_answers WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    for (question, answer, tags) in import.free_answers {
        sqlx::query(
            "INSERT INTO free_answers (user_id, question, answer, tags, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(user_id)
        .bind(question)
        .bind(answer)
        .bind(tags)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub const RESUME_PDF: &str = "resume_pdf";

/// A stored file without its bytes.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FileInfo {
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub created_at: i64,
}

pub struct NewFile<'a> {
    pub kind: &'a str,
    pub name: &'a str,
    pub content_type: &'a str,
    pub sha256: &'a str,
    pub bytes: &'a [u8],
}

/// Stores the user's file of this kind, replacing the previous one; returns its time.
pub async fn put_file(store: &Store, user_id: i64, file: &NewFile<'_>) -> Result<i64> {
    let now = now_ms();
    sqlx::query(
        "INSERT INTO profile_files (user_id, kind, name, content_type, size, sha256, bytes, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (user_id, kind) DO UPDATE SET name = excluded.name,
             content_type = excluded.content_type, size = excluded.size,
             sha256 = excluded.sha256, bytes = excluded.bytes, created_at = excluded.created_at",
    )
    .bind(user_id)
    .bind(file.kind)
    .bind(file.name)
    .bind(file.content_type)
    .bind(i64::try_from(file.bytes.len()).unwrap_or(i64::MAX))
    .bind(file.sha256)
    .bind(file.bytes)
    .bind(now)
    .execute(store.pool())
    .await?;
    Ok(now)
}

pub async fn file_info(store: &Store, user_id: i64, kind: &str) -> Result<Option<FileInfo>> {
    Ok(sqlx::query_as(
        "SELECT name, content_type, size, sha256, created_at FROM profile_files
         WHERE user_id = $1 AND kind = $2",
    )
    .bind(user_id)
    .bind(kind)
    .fetch_optional(store.pool())
    .await?)
}

pub async fn file_bytes(
    store: &Store,
    user_id: i64,
    kind: &str,
) -> Result<Option<(FileInfo, Vec<u8>)>> {
    let row: Option<(String, String, i64, String, i64, Vec<u8>)> = sqlx::query_as(
        "SELECT name, content_type, size, sha256, created_at, bytes FROM profile_files
         WHERE user_id = $1 AND kind = $2",
    )
    .bind(user_id)
    .bind(kind)
    .fetch_optional(store.pool())
    .await?;
    Ok(
        row.map(|(name, content_type, size, sha256, created_at, bytes)| {
            (
                FileInfo {
                    name,
                    content_type,
                    size,
                    sha256,
                    created_at,
                },
                bytes,
            )
        }),
    )
}

pub async fn delete_file(store: &Store, user_id: i64, kind: &str) -> Result<bool> {
    let done = sqlx::query("DELETE FROM profile_files WHERE user_id = $1 AND kind = $2")
        .bind(user_id)
        .bind(kind)
        .execute(store.pool())
        .await?;
    Ok(done.rows_affected() == 1)
}
