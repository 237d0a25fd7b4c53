use shared::api::AgentEvent;

use sqlx::AssertSqlSafe;

use super::{Store, now_ms};
use crate::error::Result;

#[derive(sqlx::FromRow)]
struct EventRow {
    id: i64,
    #[sqlx(rename = "type")]
    kind: String,
    payload: String,
    created_at: i64,
}

impl From<EventRow> for AgentEvent {
    fn from(row: EventRow) -> Self {
        AgentEvent {
            id: row.id,
            kind: row.kind,
            payload: serde_json::from_str(&row.payload).unwrap_or(serde_json::Value::Null),
            created_at: row.created_at,
        }
    }
}

pub async fn insert(
    store: &Store,
    user_id: i64,
    kind: &str,
    payload: &serde_json::Value,
) -> Result<AgentEvent> {
    let row: EventRow = sqlx::query_as(
        "INSERT INTO agent_events (user_id, type, payload, created_at) VALUES ($1, $2, $3, $4)
         RETURNING id, type, payload, created_at",
    )
    .bind(user_id)
    .bind(kind)
    .bind(payload.to_string())
    .bind(now_ms())
    .fetch_one(store.pool())
    .await?;
    Ok(row.into())
}

/// Writes an event on `conn` unless the user has one under `dedupe_key` already (None
/// then): the event of an effect that a crashed job's next run does again. Events without
/// a key never collide.
pub async fn insert_on(
    conn: &mut sqlx::AnyConnection,
    user_id: i64,
    kind: &str,
    dedupe_key: Option<&str>,
    payload: &serde_json::Value,
) -> Result<Option<AgentEvent>> {
    let row: Option<EventRow> = sqlx::query_as(
        "INSERT INTO agent_events (user_id, type, payload, created_at, dedupe_key)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (user_id, dedupe_key) DO NOTHING
         RETURNING id, type, payload, created_at",
    )
    .bind(user_id)
    .bind(kind)
    .bind(payload.to_string())
    .bind(now_ms())
    .bind(dedupe_key)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(Into::into))
}

/// One event to write, for [`insert_many`].
pub struct NewEvent<'a> {
    pub user_id: i64,
    pub kind: &'a str,
    pub payload: serde_json::Value,
}

/// Writes many events in one statement per thousand on `conn` (a transaction, when they
/// record what it changed); returns them with their owners.
pub async fn insert_many(
    conn: &mut sqlx::AnyConnection,
    events: &[NewEvent<'_>],
) -> Result<Vec<(i64, AgentEvent)>> {
    let mut written = Vec::with_capacity(events.len());
    let now = now_ms();
    for chunk in events.chunks(1_000) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| format!("(${}, ${}, ${}, $1)", 3 * i + 2, 3 * i + 3, 3 * i + 4))
            .collect();
        let sql = format!(
            "INSERT INTO agent_events (user_id, type, payload, created_at) VALUES {}
             RETURNING user_id, id, type, payload, created_at",
            rows.join(", ")
        );
        let mut query = sqlx::query_as::<_, OwnedEventRow>(AssertSqlSafe(sql)).bind(now);
        for event in chunk {
            query = query
                .bind(event.user_id)
                .bind(event.kind)
                .bind(event.payload.to_string());
        }
        written.extend(OwnedEventRow::sorted(query.fetch_all(&mut *conn).await?));
    }
    Ok(written)
}

/// An event row with its owner, as `RETURNING user_id, id, type, payload, created_at`.
#[derive(sqlx::FromRow)]
pub(super) struct OwnedEventRow {
    user_id: i64,
    #[sqlx(flatten)]
    event: EventRow,
}

impl OwnedEventRow {
    /// The events with their owners, oldest first (RETURNING promises no order).
    pub(super) fn sorted(mut rows: Vec<OwnedEventRow>) -> Vec<(i64, AgentEvent)> {
        rows.sort_by_key(|row| row.event.id);
        rows.into_iter()
            .map(|row| (row.user_id, row.event.into()))
            .collect()
    }
}

/// The user's events after `after_id`, oldest first.
pub async fn after(
    store: &Store,
    user_id: i64,
    after_id: i64,
    limit: i64,
) -> Result<Vec<AgentEvent>> {
    let rows: Vec<EventRow> = sqlx::query_as(
        "SELECT id, type, payload, created_at FROM agent_events
         WHERE user_id = $1 AND id > $2 ORDER BY id LIMIT $3",
    )
    .bind(user_id)
    .bind(after_id)
    .bind(limit)
    .fetch_all(store.pool())
    .await?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// The user's last `limit` events, oldest first.
pub async fn recent(store: &Store, user_id: i64, limit: i64) -> Result<Vec<AgentEvent>> {
    let rows: Vec<EventRow> = sqlx::query_as(
        "SELECT id, type, payload, created_at FROM agent_events
         WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(user_id)
    .bind(limit)
    .fetch_all(store.pool())
    .await?;
    Ok(rows.into_iter().rev().map(Into::into).collect())
}

/// The highest event id of any user: ids are global, so a cursor above it is bogus.
pub async fn max_id(store: &Store) -> Result<i64> {
    let (max,): (i64,) = sqlx::query_as("SELECT COALESCE(MAX(id), 0) FROM agent_events")
        .fetch_one(store.pool())
        .await?;
    Ok(max)
}
