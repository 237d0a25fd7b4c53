//! The job boards a user watches for new postings.

use super::Store;
use crate::error::Result;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WatchRow {
    pub id: i64,
    pub user_id: i64,
    pub vendor: String,
    pub board: String,
    pub created_at: i64,
    pub last_polled_at: Option<i64>,
    pub last_error: Option<String>,
}

macro_rules! columns {
    () => {
        "id, user_id, vendor, board, created_at, last_polled_at, last_error"
    };
}

/// Adds a board; adding one already watched returns the existing entry.
pub async fn add(
    store: &Store,
    user_id: i64,
    vendor: &str,
    board: &str,
    now: i64,
) -> Result<WatchRow> {
    sqlx::query(
        "INSERT INTO watchlist (user_id, vendor, board, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, vendor, board) DO NOTHING",
    )
    .bind(user_id)
    .bind(vendor)
    .bind(board)
    .bind(now)
    .execute(store.pool())
    .await?;
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM watchlist WHERE user_id = $1 AND vendor = $2 AND board = $3"
    ))
    .bind(user_id)
    .bind(vendor)
    .bind(board)
    .fetch_one(store.pool())
    .await?)
}

pub async fn list(store: &Store, user_id: i64) -> Result<Vec<WatchRow>> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        columns!(),
        " FROM watchlist WHERE user_id = $1 ORDER BY vendor, board"
    ))
    .bind(user_id)
    .fetch_all(store.pool())
    .await?)
}

pub async fn remove(store: &Store, user_id: i64, id: i64) -> Result<bool> {
    let done = sqlx::query("DELETE FROM watchlist WHERE user_id = $1 AND id = $2")
        .bind(user_id)
        .bind(id)
        .execute(store.pool())
        .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn record_poll(
    store: &Store,
    user_id: i64,
    id: i64,
    error: Option<&str>,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE watchlist SET last_polled_at = $1, last_error = $2 WHERE user_id = $3 AND id = $4",
    )
    .bind(now)
    .bind(error)
    .bind(user_id)
    .bind(id)
    .execute(store.pool())
    .await?;
    Ok(())
}
