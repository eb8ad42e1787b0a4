//! Realtime: a transport-agnostic broker. It keeps clients (auth snapshot, topics, a bounded
//! queue each) and, after a write commits, fans the change out to every subscriber allowed to
//! see it (list rule for `c/*`, view rule for `c/ID`, evaluated as that subscriber); only the
//! clients subscribed to the written collection are asked ([`index`]). SSE and WebSocket
//! transports live in `http`.

pub mod client;
mod index;
pub mod publish;

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

pub use client::{Client, Message, Subscription};
pub use publish::{Action, publish};
use tokio::sync::mpsc;

/// Per-client queue length; a client that falls this far behind is dropped.
pub const QUEUE_SIZE: usize = 512;

type Change = (Action, crate::records::Record);

#[derive(Default)]
pub struct Broker {
    clients: RwLock<HashMap<String, Arc<Client>>>,
    /// Which clients listen to which collection.
    index: index::TopicIndex,
    /// One publisher task delivers changes in the order they were queued.
    publisher: std::sync::OnceLock<mpsc::UnboundedSender<Change>>,
}

impl Broker {
    /// Queues a committed change for delivery. Changes are fanned out one at a time, in order,
    /// so a client sees a record's create/update/delete in the order they happened.
    pub fn enqueue(
        &self,
        core: &Arc<crate::core::Core>,
        action: Action,
        record: crate::records::Record,
    ) {
        if self.is_empty() {
            return;
        }
        let tx = self.publisher.get_or_init(|| {
            let (tx, mut rx) = mpsc::unbounded_channel::<Change>();
            // A weak handle: the task must not keep the engine alive after it is dropped.
            let weak = Arc::downgrade(core);
            tokio::spawn(async move {
                while let Some((action, record)) = rx.recv().await {
                    let Some(core) = weak.upgrade() else { break };
                    publish(core, action, record).await;
                }
            });
            tx
        });
        if tx.send((action, record)).is_err() {
            tracing::warn!("realtime publisher is gone; event dropped");
        }
    }

    /// Registers a new client with a fresh 40-character id.
    pub fn register(&self) -> (Arc<Client>, mpsc::Receiver<Message>) {
        let (tx, rx) = mpsc::channel(QUEUE_SIZE);
        let id = crate::schema::ids::random_alnum(40);
        let client = Arc::new(Client::new(id.clone(), tx, self.index.changes()));
        if let Ok(mut clients) = self.clients.write() {
            clients.insert(id, client.clone());
        }
        self.index.changes().bump();
        (client, rx)
    }

    pub fn unregister(&self, id: &str) {
        if let Ok(mut clients) = self.clients.write() {
            clients.remove(id);
        }
        self.index.changes().bump();
    }

    pub fn get(&self, id: &str) -> Option<Arc<Client>> {
        self.clients.read().ok()?.get(id).cloned()
    }

    /// A snapshot of the connected clients.
    pub fn clients(&self) -> Vec<Arc<Client>> {
        self.clients
            .read()
            .map(|c| c.values().cloned().collect())
            .unwrap_or_default()
    }

    /// The connected clients with a subscription to collection `c` (by id or name).
    pub fn listeners(&self, c: &crate::schema::Collection) -> Vec<Arc<Client>> {
        self.index.listeners(c, || self.clients())
    }

    pub fn len(&self) -> usize {
        self.clients.read().map(|c| c.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Sends a raw message to every client subscribed to a special topic (e.g. `@oauth2`).
    pub fn send_to_topic(&self, client_id: &str, topic: &str, data: String) -> bool {
        match self.get(client_id) {
            Some(c) if c.has_topic(topic) => c.send(Message {
                event: topic.to_string(),
                data: data.into(),
            }),
            _ => false,
        }
    }

    /// Sends a system event (e.g. a job change on `_jobs/*`) to the superusers subscribed to
    /// `topic/*` or `topic/ID`; system topics carry no rules, so nobody else gets them.
    pub fn publish_system(&self, topic: &str, id: &str, data: &str) {
        let data: std::sync::Arc<str> = data.into();
        let mut dropped = Vec::new();
        for client in self.clients() {
            if !client.auth().is_superuser() {
                continue;
            }
            let subs = client.subscriptions_where(|s| {
                s.collection == topic && s.record_id.as_deref().is_none_or(|r| r == id)
            });
            for sub in subs {
                if !client.send(Message {
                    event: sub.raw,
                    data: data.clone(),
                }) {
                    dropped.push(client.id.clone());
                    break;
                }
            }
        }
        for id in dropped {
            self.drop_client(&id);
        }
    }

    /// Disconnects every client (server shutdown): their streams end, so a graceful shutdown
    /// does not wait for long-lived realtime connections.
    pub fn close_all(&self) {
        if let Ok(mut clients) = self.clients.write() {
            clients.clear();
        }
        self.index.changes().bump();
    }

    /// Drops clients whose queue overflowed or whose connection is gone.
    pub fn drop_client(&self, id: &str) {
        self.unregister(id);
    }
}
