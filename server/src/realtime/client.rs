//! A realtime client: its id, auth snapshot, subscriptions and bounded outgoing queue.

use std::sync::RwLock;

use serde_json::{Map, Value};
use tokio::sync::mpsc;

use super::index::TopicChanges;
use crate::auth::AuthInfo;
use crate::error::{ApiError, FieldError, FieldErrors};

/// Max topics per client and max topic length (PocketBase's limits).
pub const MAX_TOPICS: usize = 1000;
pub const MAX_TOPIC_LEN: usize = 2500;

/// One message for a client: the event name (the exact subscription string) and JSON data.
#[derive(Debug, Clone)]
pub struct Message {
    pub event: String,
    /// Shared between every subscriber that gets the same payload.
    pub data: std::sync::Arc<str>,
}

/// A parsed subscription topic: `COLLECTION/*`, `COLLECTION/ID` or the bare (deprecated)
/// `COLLECTION`, optionally with `?options={"query":{…},"headers":{…}}`.
#[derive(Debug, Clone, PartialEq)]
pub struct Subscription {
    /// Exactly as subscribed: it is the event name of every message for it.
    pub raw: String,
    pub collection: String,
    /// `None` for `*`.
    pub record_id: Option<String>,
    pub query: Map<String, Value>,
    pub headers: Map<String, Value>,
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(
                std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"),
                16,
            )
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Subscription {
    pub fn parse(raw: &str) -> Option<Self> {
        let (path, options) = match raw.split_once("?options=") {
            Some((p, o)) => (p, Some(percent_decode(o))),
            None => (raw, None),
        };
        if path.is_empty() || path.starts_with('@') {
            return None;
        }
        let (collection, record_id) = match path.split_once('/') {
            Some((c, "*")) => (c, None),
            Some((c, id)) if !id.is_empty() => (c, Some(id.to_string())),
            Some(_) => return None,
            None => (path, None),
        };
        let opts: Value = options
            .and_then(|o| serde_json::from_str(&o).ok())
            .unwrap_or(Value::Null);
        let obj = |k: &str| {
            opts.get(k)
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default()
        };
        Some(Self {
            raw: raw.to_string(),
            collection: collection.to_string(),
            record_id,
            query: obj("query"),
            headers: obj("headers"),
        })
    }

    pub fn query_str(&self, key: &str) -> Option<&str> {
        self.query
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    }
}

pub struct Client {
    pub id: String,
    auth: RwLock<AuthInfo>,
    subscriptions: RwLock<Vec<Subscription>>,
    /// Topics other than record topics (e.g. `@oauth2`), kept verbatim.
    special: RwLock<Vec<String>>,
    tx: mpsc::Sender<Message>,
    /// Told about every change of topics (the broker's topic index).
    changes: TopicChanges,
}

impl Client {
    pub fn new(id: String, tx: mpsc::Sender<Message>, changes: TopicChanges) -> Self {
        Self {
            id,
            auth: RwLock::default(),
            subscriptions: RwLock::default(),
            special: RwLock::default(),
            tx,
            changes,
        }
    }

    pub fn auth(&self) -> AuthInfo {
        self.auth.read().map(|a| a.clone()).unwrap_or_default()
    }

    pub fn set_auth(&self, auth: AuthInfo) {
        if let Ok(mut a) = self.auth.write() {
            *a = auth;
        }
    }

    pub fn subscriptions(&self) -> Vec<Subscription> {
        self.subscriptions
            .read()
            .map(|s| s.clone())
            .unwrap_or_default()
    }

    /// The subscriptions `keep` accepts, cloned (only those: the publisher asks every client
    /// on every write, and most clients listen to other collections).
    pub fn subscriptions_where(&self, keep: impl Fn(&Subscription) -> bool) -> Vec<Subscription> {
        self.subscriptions
            .read()
            .map(|s| s.iter().filter(|s| keep(s)).cloned().collect())
            .unwrap_or_default()
    }

    pub fn has_topic(&self, topic: &str) -> bool {
        self.special
            .read()
            .is_ok_and(|s| s.iter().any(|t| t == topic))
    }

    /// Replaces the whole subscription set (PocketBase's POST semantics).
    pub fn set_topics(&self, topics: &[String]) -> Result<(), ApiError> {
        let (subs, special) = parse_topics(topics)?;
        if let (Ok(mut s), Ok(mut sp)) = (self.subscriptions.write(), self.special.write()) {
            *s = subs;
            *sp = special;
        }
        self.changes.bump();
        Ok(())
    }

    /// Adds topics (WebSocket `subscribe`).
    pub fn add_topics(&self, topics: &[String]) -> Result<(), ApiError> {
        let mut all: Vec<String> = self.subscriptions().into_iter().map(|s| s.raw).collect();
        all.extend(self.special.read().map(|s| s.clone()).unwrap_or_default());
        for t in topics {
            if !all.contains(t) {
                all.push(t.clone());
            }
        }
        self.set_topics(&all)
    }

    /// Removes topics (WebSocket `unsubscribe`); an empty list removes all.
    pub fn remove_topics(&self, topics: &[String]) {
        if let (Ok(mut s), Ok(mut sp)) = (self.subscriptions.write(), self.special.write()) {
            if topics.is_empty() {
                s.clear();
                sp.clear();
            } else {
                s.retain(|x| !topics.contains(&x.raw));
                sp.retain(|x| !topics.contains(x));
            }
        }
        self.changes.bump();
    }

    /// Queues a message; `false` when the queue is full or the client is gone (the caller
    /// then drops the client: a slow consumer never blocks writers).
    pub fn send(&self, msg: Message) -> bool {
        self.tx.try_send(msg).is_ok()
    }

    /// Messages waiting to be sent to this client.
    pub fn queued(&self) -> usize {
        self.tx.max_capacity() - self.tx.capacity()
    }

    pub fn is_closed(&self) -> bool {
        self.tx.is_closed()
    }
}

fn parse_topics(topics: &[String]) -> Result<(Vec<Subscription>, Vec<String>), ApiError> {
    let mut errors = FieldErrors::new();
    if topics.len() > MAX_TOPICS {
        errors.add(
            "subscriptions",
            FieldError::new(
                "validation_length_too_long",
                format!("The length must be no more than {MAX_TOPICS}."),
            ),
        );
    }
    let mut subs = Vec::new();
    let mut special = Vec::new();
    for (i, t) in topics.iter().enumerate() {
        if t.len() > MAX_TOPIC_LEN {
            let mut nested = FieldErrors::new();
            nested.add(
                i.to_string(),
                FieldError::new(
                    "validation_length_too_long",
                    format!("The length must be no more than {MAX_TOPIC_LEN}."),
                ),
            );
            errors.add_nested("subscriptions", nested);
            continue;
        }
        if t.starts_with('@') {
            special.push(t.clone());
        } else if let Some(s) = Subscription::parse(t) {
            subs.push(s);
        }
    }
    errors.into_result("Something went wrong while processing your request.")?;
    Ok((subs, special))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_topics_with_options() {
        let s = Subscription::parse(
            "posts/*?options=%7B%22query%22%3A%7B%22filter%22%3A%22a%3D1%22%7D%7D",
        )
        .expect("parses");
        assert_eq!(s.collection, "posts");
        assert_eq!(s.record_id, None);
        assert_eq!(s.query_str("filter"), Some("a=1"));
        let s = Subscription::parse("posts/abc").expect("parses");
        assert_eq!(s.record_id.as_deref(), Some("abc"));
        assert_eq!(
            Subscription::parse("posts").map(|s| s.record_id),
            Some(None)
        );
        assert!(Subscription::parse("posts/").is_none());
    }
}
