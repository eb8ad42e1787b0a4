//! Which clients listen to which collection, so that a write is offered only to the clients
//! subscribed to its collection instead of to every connected client.
//!
//! The index is rebuilt from the clients, lazily, by the first publish after any client
//! connected, left or changed its topics (a shared counter says when). Connections and
//! subscriptions change far less often than records do, and a rebuild costs what one publish
//! used to cost.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::client::Client;
use crate::schema::Collection;

/// Shared counter that moves whenever any client's topics change (cheap to clone).
#[derive(Clone, Default)]
pub struct TopicChanges(Arc<AtomicU64>);

impl TopicChanges {
    /// Called *after* the change is in place, so that an index built from the state before it
    /// is tagged with an older count and thrown away.
    pub fn bump(&self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }

    fn current(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// Lower-cased subscription collection (a name or an id) → the clients subscribed to it.
type Listeners = HashMap<String, Vec<Arc<Client>>>;

#[derive(Default)]
pub struct TopicIndex {
    changes: TopicChanges,
    built: Mutex<Option<(u64, Arc<Listeners>)>>,
}

impl TopicIndex {
    pub fn changes(&self) -> TopicChanges {
        self.changes.clone()
    }

    /// The clients with a subscription naming `c` (by id or by name, ignoring case: the
    /// caller still matches each subscription exactly). `clients` lists every connected client
    /// and is only called when the index has to be rebuilt.
    pub fn listeners(
        &self,
        c: &Collection,
        clients: impl FnOnce() -> Vec<Arc<Client>>,
    ) -> Vec<Arc<Client>> {
        let index = self.current(clients);
        let by_id = index.get(&c.id.to_lowercase());
        let by_name = index.get(&c.name.to_lowercase());
        let mut out: Vec<Arc<Client>> = by_id.cloned().unwrap_or_default();
        if let Some(named) = by_name.filter(|_| !c.id.eq_ignore_ascii_case(&c.name)) {
            for client in named {
                if !out.iter().any(|o| Arc::ptr_eq(o, client)) {
                    out.push(client.clone());
                }
            }
        }
        out
    }

    fn current(&self, clients: impl FnOnce() -> Vec<Arc<Client>>) -> Arc<Listeners> {
        let at = self.changes.current();
        if let Ok(built) = self.built.lock()
            && let Some((version, index)) = built.as_ref()
            && *version == at
        {
            return index.clone();
        }
        let mut index = Listeners::new();
        for client in clients() {
            let mut keys: Vec<String> = client
                .subscriptions()
                .into_iter()
                .map(|s| s.collection.to_lowercase())
                .collect();
            keys.sort_unstable();
            keys.dedup();
            for key in keys {
                index.entry(key).or_default().push(client.clone());
            }
        }
        let index = Arc::new(index);
        if let Ok(mut built) = self.built.lock() {
            *built = Some((at, index.clone()));
        }
        index
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::Broker;
    use super::*;

    fn ids(clients: &[Arc<Client>]) -> Vec<String> {
        let mut ids: Vec<String> = clients.iter().map(|c| c.id.clone()).collect();
        ids.sort();
        ids
    }

    fn topics(list: &[&str]) -> Vec<String> {
        list.iter().map(|t| (*t).to_string()).collect()
    }

    #[test]
    fn listeners_follow_subscriptions_connections_and_both_ways_of_naming_a_collection() {
        let posts =
            Collection::from_json(&json!({"id": "pbc_posts1", "name": "posts", "type": "base"}))
                .expect("collection");
        let broker = Broker::default();
        let (by_name, _rx1) = broker.register();
        let (by_id_and_name, _rx2) = broker.register();
        let (other, _rx3) = broker.register();
        by_name.set_topics(&topics(&["POSTS/*"])).expect("topics");
        by_id_and_name
            .set_topics(&topics(&["pbc_posts1/abc", "posts/*"]))
            .expect("topics");
        other
            .set_topics(&topics(&["comments/*", "@oauth2"]))
            .expect("topics");
        let mut want = ids(&[by_name.clone(), by_id_and_name.clone()]);
        assert_eq!(ids(&broker.listeners(&posts)), want, "each listener once");

        other.set_topics(&topics(&["posts/xyz"])).expect("topics");
        want = ids(&[by_name.clone(), by_id_and_name.clone(), other.clone()]);
        assert_eq!(ids(&broker.listeners(&posts)), want, "new topics are seen");

        by_name.remove_topics(&topics(&["POSTS/*"]));
        broker.unregister(&other.id);
        assert_eq!(ids(&broker.listeners(&posts)), ids(&[by_id_and_name]));
    }
}
