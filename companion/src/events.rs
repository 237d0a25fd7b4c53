//! The per-user event log and its live fan-out. Every event is written first, then
//! broadcast, so a stream that misses the broadcast finds the row by id.
//!
//! Companions sharing one PostgreSQL database also tell each other about new rows with
//! NOTIFY, so a stream served by one companion sees events written by another.

use std::sync::Arc;
use std::time::Duration;

use futures_util::Stream;
use shared::api::AgentEvent;
use shared::events::DEVICE_REVOKED;
use sqlx::postgres::PgListener;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, watch};

use crate::auth::tokens;
use crate::error::Result;
use crate::store::{self, Backend, Store};

const CHANNEL: &str = "agent_events";

/// An event with the user it belongs to; only the owner's streams forward it.
#[derive(Debug, Clone)]
pub struct UserEvent {
    pub user_id: i64,
    pub event: AgentEvent,
}

#[derive(Clone)]
pub struct EventBus {
    store: Store,
    sender: broadcast::Sender<Arc<UserEvent>>,
    /// Names this process in notifications, so it skips its own.
    origin: Arc<str>,
}

impl EventBus {
    pub fn new(store: Store) -> Result<Self> {
        let (sender, _) = broadcast::channel(1024);
        let origin = tokens::generate_secret()?.into();
        Ok(EventBus {
            store,
            sender,
            origin,
        })
    }

    pub async fn emit(
        &self,
        user_id: i64,
        kind: &str,
        payload: serde_json::Value,
    ) -> Result<AgentEvent> {
        let event = store::events::insert(&self.store, user_id, kind, &payload).await?;
        self.notify(self.store.pool(), user_id, event.id).await?;
        self.publish_written(&[(user_id, event.clone())]);
        Ok(event)
    }

    /// Writes an event on `conn` (the transaction that makes the change it reports), unless
    /// the user has one under `dedupe_key` already (None then); on PostgreSQL the
    /// notification goes out when the transaction commits. Hand what it returns to
    /// [`Self::publish_written`] after the commit.
    pub async fn emit_on(
        &self,
        conn: &mut sqlx::AnyConnection,
        user_id: i64,
        kind: &str,
        dedupe_key: Option<&str>,
        payload: &serde_json::Value,
    ) -> Result<Option<(i64, AgentEvent)>> {
        let Some(event) =
            store::events::insert_on(&mut *conn, user_id, kind, dedupe_key, payload).await?
        else {
            return Ok(None);
        };
        self.notify(&mut *conn, user_id, event.id).await?;
        Ok(Some((user_id, event)))
    }

    /// Tells the other companions on a PostgreSQL database about a written event.
    async fn notify<'e>(
        &self,
        db: impl sqlx::Executor<'e, Database = sqlx::Any>,
        user_id: i64,
        event_id: i64,
    ) -> Result<()> {
        if self.store.backend() == Backend::Postgres {
            let (channel, prefix) = self.notice();
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(channel)
                .bind(format!("{prefix}{user_id}:{event_id}"))
                .execute(db)
                .await?;
        }
        Ok(())
    }

    /// The channel and payload prefix of this process's notifications, for a statement
    /// that sends them itself: the payload is the prefix, then `{user_id}:{event_id}` for
    /// each event, separated by spaces.
    pub fn notice(&self) -> (&'static str, String) {
        (CHANNEL, format!("{} ", self.origin))
    }

    /// Hands written (and already notified) events to this process's streams.
    pub fn publish_written(&self, written: &[(i64, AgentEvent)]) {
        metrics::counter!("companion_events_emitted_total").increment(written.len() as u64);
        for (user_id, event) in written {
            self.publish(*user_id, event.clone());
        }
    }

    fn publish(&self, user_id: i64, event: AgentEvent) {
        // No receiver is fine: nobody is connected.
        let _ = self.sender.send(Arc::new(UserEvent { user_id, event }));
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<UserEvent>> {
        self.sender.subscribe()
    }

    /// Listens for other companions' events; connected before the server starts so that
    /// nothing written after start-up is missed.
    pub async fn listen(&self, database_url: &str) -> Result<Option<PgListener>> {
        if self.store.backend() != Backend::Postgres {
            return Ok(None);
        }
        let mut listener = PgListener::connect(database_url).await?;
        listener.listen(CHANNEL).await?;
        Ok(Some(listener))
    }

    /// Forwards other companions' events to this process's streams until shutdown.
    pub async fn relay(self, mut listener: PgListener, mut shutdown: watch::Receiver<bool>) {
        loop {
            let received = tokio::select! {
                _ = shutdown.changed() => return,
                received = listener.try_recv() => received,
            };
            match received {
                Ok(Some(notification)) => self.relay_one(notification.payload()).await,
                // The connection dropped and was re-established; rows written meanwhile are
                // in the log and reach clients when they reconnect with Last-Event-ID.
                Ok(None) => tracing::warn!("event notifications reconnected"),
                Err(error) => {
                    tracing::warn!(%error, "event notifications failed; retrying");
                    tokio::select! {
                        _ = shutdown.changed() => return,
                        () = tokio::time::sleep(Duration::from_secs(1)) => {}
                    }
                }
            }
        }
    }

    async fn relay_one(&self, payload: &str) {
        let mut parts = payload.split(' ');
        if parts.next().is_none_or(|origin| origin == &*self.origin) {
            return;
        }
        for event in parts {
            let Some((user_id, id)) = event.split_once(':') else {
                continue;
            };
            let (Ok(user_id), Ok(id)) = (user_id.parse::<i64>(), id.parse::<i64>()) else {
                continue;
            };
            match store::events::after(&self.store, user_id, id - 1, 1).await {
                Ok(rows) => {
                    if let Some(event) = rows.into_iter().find(|e| e.id == id) {
                        self.publish(user_id, event);
                    }
                }
                Err(error) => tracing::warn!(%error, "could not load a notified event"),
            }
        }
    }
}

/// Events replayed to a client that brings no Last-Event-ID, so its list is not empty.
const RECENT: i64 = 20;
const BATCH: i64 = 500;
/// How often a stream looks at the log for rows that came without a broadcast.
const SWEEP: Duration = Duration::from_secs(5);

/// Whether the event revokes the device this stream serves (the stream then ends with it).
fn revokes(event: &AgentEvent, device_id: Option<&str>) -> bool {
    event.kind == DEVICE_REVOKED
        && device_id
            .is_some_and(|id| event.payload.get("deviceId").and_then(|v| v.as_str()) == Some(id))
}

impl EventBus {
    /// A user's events for one client: after `last_id` (or the last 20 without it), then
    /// live ones, each once and in id order. It ends on shutdown, or after the event that
    /// revokes `device_id`.
    pub async fn user_stream(
        &self,
        user_id: i64,
        last_id: Option<i64>,
        device_id: Option<String>,
        mut shutdown: watch::Receiver<bool>,
    ) -> Result<impl Stream<Item = AgentEvent> + use<>> {
        let store = self.store.clone();
        // Subscribe before reading the backlog so nothing falls between the two.
        let mut live = self.subscribe();
        let first = match last_id {
            Some(id) => store::events::after(&store, user_id, id, BATCH).await?,
            None => store::events::recent(&store, user_id, RECENT).await?,
        };
        // A Last-Event-ID beyond the log (another server's, or made up) must not hide the
        // events still to come.
        let start = match last_id {
            Some(id) => id.min(store::events::max_id(&store).await?),
            None => 0,
        };
        let connections = metrics::gauge!("companion_sse_connections");
        Ok(async_stream::stream! {
            connections.increment(1.0);
            // Rows written by another process on the same SQLite file (the CLI) have no
            // broadcast; a periodic look at the log picks them up.
            let mut sweep = tokio::time::interval(SWEEP);
            sweep.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            sweep.tick().await;
            let mut cursor = start;
            let mut pending = first;
            // The backlog first, batch by batch while they come back full; then live events.
            let mut replaying = true;
            loop {
                replaying &= pending.len() as i64 == BATCH;
                for event in pending.drain(..) {
                    // Ids only grow, so anything at or below the cursor was sent already (by
                    // the replay, the sweep or the broadcast).
                    if event.id <= cursor {
                        continue;
                    }
                    cursor = event.id;
                    let revoked = revokes(&event, device_id.as_deref());
                    yield event;
                    if revoked {
                        connections.decrement(1.0);
                        return;
                    }
                }
                pending = if replaying {
                    store::events::after(&store, user_id, cursor, BATCH)
                        .await
                        .unwrap_or_default()
                } else {
                    tokio::select! {
                        _ = shutdown.changed() => break,
                        _ = sweep.tick() => store::events::after(&store, user_id, cursor, BATCH).await.unwrap_or_default(),
                        received = live.recv() => match received {
                            Ok(message) if message.user_id == user_id => {
                                vec![message.event.clone()]
                            }
                            Ok(_) => Vec::new(),
                            // Fell behind the broadcast: the log has everything.
                            Err(RecvError::Lagged(_)) => store::events::after(&store, user_id, cursor, BATCH)
                                .await
                                .unwrap_or_default(),
                            Err(RecvError::Closed) => break,
                        },
                    }
                };
            }
            connections.decrement(1.0);
        })
    }
}
