//! The read cache: rows and list totals read by a statement (its SQL text and bound values) are
//! kept with the data version they were read at and reused while the version is unchanged —
//! any commit on the writer invalidates everything at once (see [`crate::storage::version`]).
//!
//! A hit skips the reader thread and SQLite entirely, which is what makes repeated views and
//! list totals (`COUNT(*)` over every match, PocketBase's main cost on filtered lists) cheap on
//! read-mostly data. Only reads outside a batch use it (a batch's reads see its own uncommitted
//! writes). The budget is in bytes, estimated from the values held; 0 turns the cache off.

use std::sync::Arc;

use quick_cache::Weighter;
use quick_cache::sync::Cache;
use serde_json::Value;

use super::Record;
use crate::query::Sql;
use crate::storage::DataVersion;

#[derive(Clone)]
struct Entry<T> {
    version: u64,
    value: T,
}

#[derive(Clone)]
struct RowsWeight;

impl Weighter<String, Entry<Arc<[Record]>>> for RowsWeight {
    fn weight(&self, key: &String, entry: &Entry<Arc<[Record]>>) -> u64 {
        let rows: usize = entry
            .value
            .iter()
            .map(|r| {
                r.data
                    .iter()
                    .map(|(k, v)| k.len() + value_bytes(v))
                    .sum::<usize>()
            })
            .sum();
        u64::try_from(key.len() + rows + 64).unwrap_or(u64::MAX)
    }
}

/// Rough heap size of a JSON value (strings and containers; scalars count as a fixed cost).
fn value_bytes(v: &Value) -> usize {
    match v {
        Value::String(s) => 24 + s.len(),
        Value::Array(a) => 24 + a.iter().map(value_bytes).sum::<usize>(),
        Value::Object(o) => {
            48 + o
                .iter()
                .map(|(k, v)| k.len() + value_bytes(v))
                .sum::<usize>()
        }
        _ => 16,
    }
}

/// Estimated bytes per cached total (key excluded).
const COUNT_ENTRY: u64 = 64;

#[derive(Clone)]
struct CountWeight;

impl Weighter<String, Entry<i64>> for CountWeight {
    fn weight(&self, key: &String, _: &Entry<i64>) -> u64 {
        u64::try_from(key.len()).unwrap_or(u64::MAX) + COUNT_ENTRY
    }
}

/// Cache key of a statement: its text and its bound values (their debug form is unambiguous:
/// strings are quoted and escaped). `None` when the result is not a function of the data alone:
/// `@random` sorts, and SQLite's `'now'` time value (e.g. `strftime('%Y', 'now')` in a filter).
pub fn key(sql: &Sql) -> Option<String> {
    let volatile = sql.text.contains("RANDOM()")
        || sql.values.iter().any(|v| {
            matches!(v, sea_query::Value::String(Some(s)) if s.trim().eq_ignore_ascii_case("now"))
        });
    (!volatile).then(|| format!("{}\u{0}{:?}", sql.text, sql.values))
}

type RowsCache = Cache<String, Entry<Arc<[Record]>>, RowsWeight>;

/// Hit and miss counters (for `/metrics`).
#[derive(Default)]
struct Stats {
    hits: std::sync::atomic::AtomicU64,
    misses: std::sync::atomic::AtomicU64,
}

impl Stats {
    fn count(&self, hit: bool) {
        let c = if hit { &self.hits } else { &self.misses };
        c.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
}

pub struct ReadCache {
    /// Requests missing on the same statement take turns to fill it.
    pub turns: super::fill_turns::FillTurns,
    stats: Stats,
    version: DataVersion,
    rows: Option<RowsCache>,
    counts: Option<Cache<String, Entry<i64>, CountWeight>>,
}

impl ReadCache {
    /// A cache holding about `budget` bytes (seven eighths for rows, the rest for totals).
    pub fn new(version: DataVersion, budget: u64) -> Self {
        if budget == 0 {
            return Self {
                turns: Default::default(),
                stats: Stats::default(),
                version,
                rows: None,
                counts: None,
            };
        }
        // quick_cache sizes its tables from an item estimate; rows of a few hundred bytes and
        // totals under a hundred are typical.
        let rows_budget = budget / 8 * 7;
        let counts_budget = budget / 8;
        let rows = Cache::with_weighter(
            usize::try_from(rows_budget / 512)
                .unwrap_or(1 << 16)
                .max(16),
            rows_budget,
            RowsWeight,
        );
        let counts = Cache::with_weighter(
            usize::try_from(counts_budget / 128)
                .unwrap_or(1 << 16)
                .max(16),
            counts_budget,
            CountWeight,
        );
        Self {
            turns: Default::default(),
            stats: Stats::default(),
            version,
            rows: Some(rows),
            counts: Some(counts),
        }
    }

    /// The version to tag a read with, or `None` when nothing read now may be kept (cache off,
    /// or a commit is landing).
    pub fn version_for_fill(&self) -> Option<u64> {
        self.rows.as_ref()?;
        self.version.stable()
    }

    pub fn rows(&self, key: &str) -> Option<Arc<[Record]>> {
        let rows = self.rows.as_ref()?;
        let hit = rows
            .get(key)
            .and_then(|e| self.version.unchanged_since(e.version).then_some(e.value));
        self.stats.count(hit.is_some());
        hit
    }

    pub fn count(&self, key: &str) -> Option<i64> {
        let counts = self.counts.as_ref()?;
        let hit = counts
            .get(key)
            .and_then(|e| self.version.unchanged_since(e.version).then_some(e.value));
        self.stats.count(hit.is_some());
        hit
    }

    /// Lookups answered from the cache and lookups that missed, since start.
    pub fn hits_and_misses(&self) -> (u64, u64) {
        (
            self.stats.hits.load(std::sync::atomic::Ordering::Relaxed),
            self.stats.misses.load(std::sync::atomic::Ordering::Relaxed),
        )
    }

    pub fn put_rows(&self, key: String, version: u64, value: Arc<[Record]>) {
        if let Some(c) = &self.rows {
            c.insert(key, Entry { version, value });
        }
    }

    pub fn put_count(&self, key: String, version: u64, value: i64) {
        if let Some(c) = &self.counts {
            c.insert(key, Entry { version, value });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::Collection;

    fn sql(text: &str, values: Vec<sea_query::Value>) -> Sql {
        Sql {
            text: text.into(),
            values,
        }
    }

    #[test]
    fn keys_tell_values_apart_and_volatile_statements_have_none() {
        let a = key(&sql("SELECT 1 WHERE x = ?", vec!["a".into()]));
        let b = key(&sql("SELECT 1 WHERE x = ?", vec!["a\", \"b".into()]));
        assert!(a.is_some() && b.is_some() && a != b);
        assert_eq!(key(&sql("SELECT 1 ORDER BY RANDOM()", vec![])), None);
        assert_eq!(
            key(&sql("SELECT strftime('%Y', ?)", vec![" NOW ".into()])),
            None
        );
    }

    #[test]
    fn entries_live_until_the_version_moves_and_a_zero_budget_keeps_nothing() {
        let version = DataVersion::default();
        let cache = ReadCache::new(version.clone(), 1 << 20);
        let c = Collection::from_json(&serde_json::json!({"name": "t", "type": "base"}))
            .expect("collection");
        let at = cache.version_for_fill().expect("stable");
        cache.put_rows("k".into(), at, Arc::from(vec![Record::new(Arc::new(c))]));
        cache.put_count("k".into(), at, 7);
        assert_eq!(cache.rows("k").map(|r| r.len()), Some(1));
        assert_eq!(cache.count("k"), Some(7));
        version.commit_starting();
        assert_eq!(cache.version_for_fill(), None);
        assert_eq!(cache.count("k"), None);
        version.settle();
        assert!(cache.rows("k").is_none());
        assert_eq!(cache.count("k"), None);

        let off = ReadCache::new(version, 0);
        assert_eq!(off.version_for_fill(), None);
    }
}
