use shared::api::UserInfo;

use super::{Store, now_ms};
use crate::error::{Error, Result};

#[derive(sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub password_hash: String,
}

impl UserRow {
    pub fn info(&self) -> UserInfo {
        UserInfo {
            id: self.id,
            name: self.name.clone(),
        }
    }
}

pub async fn create(store: &Store, name: &str, password_hash: &str) -> Result<UserInfo> {
    let inserted: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO users (name, password_hash, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (name) DO NOTHING RETURNING id",
    )
    .bind(name)
    .bind(password_hash)
    .bind(now_ms())
    .fetch_optional(store.pool())
    .await?;
    match inserted {
        Some((id,)) => Ok(UserInfo {
            id,
            name: name.to_owned(),
        }),
        None => Err(Error::Conflict(format!(
            "a user named {name:?} already exists"
        ))),
    }
}

pub async fn find_by_name(store: &Store, name: &str) -> Result<Option<UserRow>> {
    Ok(
        sqlx::query_as("SELECT id, name, password_hash FROM users WHERE name = $1")
            .bind(name)
            .fetch_optional(store.pool())
            .await?,
    )
}

pub async fn find_by_id(store: &Store, id: i64) -> Result<Option<UserRow>> {
    Ok(
        sqlx::query_as("SELECT id, name, password_hash FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(store.pool())
            .await?,
    )
}

pub async fn get(store: &Store, id: i64) -> Result<Option<UserInfo>> {
    let row: Option<(i64, String)> = sqlx::query_as("SELECT id, name FROM users WHERE id = $1")
        .bind(id)
        .fetch_optional(store.pool())
        .await?;
    Ok(row.map(|(id, name)| UserInfo { id, name }))
}

pub async fn count(store: &Store) -> Result<i64> {
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
        .fetch_one(store.pool())
        .await?;
    Ok(count)
}
