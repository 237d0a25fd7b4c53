//! Everything a user owns, found from the schema itself: every table with a `user_id` column
//! (the migrations' rule for user-owned data, child tables included). Export reads those
//! tables generically and deletion relies on their `ON DELETE CASCADE`, so a table added
//! later is covered without touching this module.

use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Column, Row, ValueRef};

use super::{Backend, Store};
use crate::error::Result;

/// One value of an exported row: JSON, or bytes that go into the archive as a file.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Json(Value),
    Bytes(Vec<u8>),
}

pub type ExportRow = Vec<(String, Cell)>;

/// The tables holding rows owned by a user, by name.
pub async fn user_tables(store: &Store) -> Result<Vec<String>> {
    let sql = match store.backend() {
        Backend::Sqlite => {
            "SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) p
             WHERE m.type = 'table' AND p.name = 'user_id' ORDER BY m.name"
        }
        Backend::Postgres => {
            "SELECT table_name::text FROM information_schema.columns
             WHERE table_schema = current_schema() AND column_name = 'user_id'
             ORDER BY table_name"
        }
    };
    let rows: Vec<(String,)> = sqlx::query_as(sql).fetch_all(store.pool()).await?;
    Ok(rows.into_iter().map(|(name,)| name).collect())
}

/// The user's rows of `table`, a name from [`user_tables`] (or `users`).
pub async fn rows(store: &Store, table: &str, user_id: i64) -> Result<Vec<ExportRow>> {
    let owner = if table == "users" { "id" } else { "user_id" };
    let sql = format!("SELECT * FROM \"{table}\" WHERE {owner} = $1");
    let rows: Vec<AnyRow> = sqlx::query(AssertSqlSafe(sql))
        .bind(user_id)
        .fetch_all(store.pool())
        .await?;
    rows.iter().map(decode_row).collect()
}

fn decode_row(row: &AnyRow) -> Result<ExportRow> {
    use sqlx::any::AnyTypeInfoKind as Kind;
    let mut cells = Vec::with_capacity(row.columns().len());
    for (index, column) in row.columns().iter().enumerate() {
        let kind = row.try_get_raw(index)?.type_info().kind();
        let cell = match kind {
            Kind::Null => Cell::Json(Value::Null),
            Kind::Bool => Cell::Json(Value::Bool(row.try_get(index)?)),
            Kind::SmallInt | Kind::Integer | Kind::BigInt => {
                Cell::Json(Value::from(row.try_get::<i64, _>(index)?))
            }
            Kind::Real | Kind::Double => Cell::Json(Value::from(row.try_get::<f64, _>(index)?)),
            Kind::Text => Cell::Json(Value::String(row.try_get(index)?)),
            Kind::Blob => Cell::Bytes(row.try_get(index)?),
        };
        cells.push((column.name().to_owned(), cell));
    }
    Ok(cells)
}

/// Deletes the user; every table in [`user_tables`] follows by cascade. False when there
/// was no such user.
pub async fn delete_user(store: &Store, user_id: i64) -> Result<bool> {
    let done = sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(user_id)
        .execute(store.pool())
        .await?;
    Ok(done.rows_affected() > 0)
}

/// How many rows of `table` the user owns (tests and the CLI's summary).
pub async fn count_rows(store: &Store, table: &str, user_id: i64) -> Result<i64> {
    let sql = format!("SELECT COUNT(*) FROM \"{table}\" WHERE user_id = $1");
    let (count,): (i64,) = sqlx::query_as(AssertSqlSafe(sql))
        .bind(user_id)
        .fetch_one(store.pool())
        .await?;
    Ok(count)
}

/// The column names of `table`.
pub async fn columns(store: &Store, table: &str) -> Result<Vec<String>> {
    let sql = match store.backend() {
        Backend::Sqlite => "SELECT name FROM pragma_table_info($1)",
        Backend::Postgres => {
            "SELECT column_name::text FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = $1"
        }
    };
    let rows: Vec<(String,)> = sqlx::query_as(sql)
        .bind(table)
        .fetch_all(store.pool())
        .await?;
    Ok(rows.into_iter().map(|(name,)| name).collect())
}
