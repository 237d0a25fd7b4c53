//! The per-user event log and its live fan-out. Every event is written first, then
//! broadcast, so a stream that misses the broadcast finds the row by id.

use std::sync::Arc;

use shared::api::AgentEvent;
use tokio::sync::broadcast;

use crate::error::Result;
use crate::store::{self, Store};

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
}

impl EventBus {
    pub fn new(store: Store) -> Self {
        let (sender, _) = broadcast::channel(1024);
        EventBus { store, sender }
    }

    pub async fn emit(
        &self,
        user_id: i64,
        kind: &str,
        payload: serde_json::Value,
    ) -> Result<AgentEvent> {
        let event = store::events::insert(&self.store, user_id, kind, &payload).await?;
        metrics::counter!("companion_events_emitted_total").increment(1);
        // No receiver is fine: nobody is connected.
        let _ = self.sender.send(Arc::new(UserEvent {
            user_id,
            event: event.clone(),
        }));
        Ok(event)
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<UserEvent>> {
        self.sender.subscribe()
    }
}
