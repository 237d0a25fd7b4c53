//! The per-user event log and its live fan-out. Every event is written first, then
//! broadcast, so a stream that misses the broadcast finds the row by id.
//!
//! Companions sharing one PostgreSQL database also tell each other about new rows with
//! NOTIFY, so a stream served by one companion sees events written by another.

use std::sync::Arc;
use std::time::Duration;

use shared::api::AgentEvent;
use sqlx::postgres::PgListener;
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
        if self.store.backend() == Backend::Postgres {
            let (channel, prefix) = self.notice();
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(channel)
                .bind(format!("{prefix}{user_id}:{}", event.id))
                .execute(self.store.pool())
                .await?;
        }
        self.publish_written(&[(user_id, event.clone())]);
        Ok(event)
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
