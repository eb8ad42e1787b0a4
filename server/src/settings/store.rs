//! A small in-memory store of expiring counters and flags (PocketBase's `app.Store()`): rate
//! limit windows, failed-login counters, "mail recently sent" markers. Per process, lost on
//! restart, bounded by pruning expired entries.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Entries above this count trigger a prune of the expired ones.
const PRUNE_ABOVE: usize = 10_000;

#[derive(Debug, Default)]
pub struct Store {
    entries: Mutex<HashMap<String, (u64, Instant)>>,
}

impl Store {
    /// Counts a hit in the fixed window `key` (opened by its first hit, lasting `window`).
    /// Returns the hit count including this one.
    pub fn hit(&self, key: &str, window: Duration) -> u64 {
        let now = Instant::now();
        let Ok(mut map) = self.entries.lock() else {
            return 0;
        };
        if map.len() > PRUNE_ABOVE {
            map.retain(|_, (_, until)| *until > now);
        }
        let entry = map.entry(key.to_string()).or_insert((0, now + window));
        if entry.1 <= now {
            *entry = (0, now + window);
        }
        entry.0 += 1;
        entry.0
    }

    /// The current count of an unexpired window (0 when none).
    pub fn count(&self, key: &str) -> u64 {
        let now = Instant::now();
        self.entries
            .lock()
            .ok()
            .and_then(|map| map.get(key).copied())
            .filter(|(_, until)| *until > now)
            .map_or(0, |(n, _)| n)
    }

    /// Sets `key` for `ttl`; returns `false` when it was already set (and unexpired).
    pub fn set_once(&self, key: &str, ttl: Duration) -> bool {
        if self.count(key) > 0 {
            return false;
        }
        self.hit(key, ttl);
        true
    }

    pub fn remove(&self, key: &str) {
        if let Ok(mut map) = self.entries.lock() {
            map.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_count_and_expire() {
        let s = Store::default();
        assert_eq!(s.hit("a", Duration::from_millis(30)), 1);
        assert_eq!(s.hit("a", Duration::from_millis(30)), 2);
        assert_eq!(s.count("a"), 2);
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(s.count("a"), 0);
        assert_eq!(s.hit("a", Duration::from_millis(30)), 1);
        assert!(s.set_once("b", Duration::from_secs(5)));
        assert!(!s.set_once("b", Duration::from_secs(5)));
        s.remove("b");
        assert!(s.set_once("b", Duration::from_secs(5)));
    }
}
