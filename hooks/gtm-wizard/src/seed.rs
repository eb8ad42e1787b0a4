//! Seed data compiled into the binary (`schema/gtm-wizard/seed/`): benchmarks (keyed by
//! channel + metric) and coaching templates (keyed by slug). Applied at every start, without
//! ever undoing an operator's work:
//! - a missing row is inserted, unless it was seeded before (then the operator deleted it);
//! - a row still as last seeded takes the shipped figures when a new release changes them;
//! - a row an operator edited is left alone, and so are rows an operator added.
//!
//! What was last seeded is kept per row in `_gtm_seed_applied` (collection, key, the shipped
//! fields as JSON), the only way to tell "untouched since seeding" from "edited".

use std::collections::HashMap;
use std::sync::Arc;

use cairn::core::Core;
use cairn::records::{Record, persist, prepare, read};
use cairn::storage::{ConnectionTrait, DatabaseTransaction, DbBackend, Statement};
use serde_json::{Map, Value};

const BENCHMARKS: &str = include_str!("../../../schema/gtm-wizard/seed/benchmarks.json");
const TEMPLATES: &str = include_str!("../../../schema/gtm-wizard/seed/coaching_templates.json");

/// What to do with one shipped row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Action {
    Insert,
    Update,
    Keep,
}

/// Decides from the row as it is (`current`, its seeded fields only), the row as last seeded
/// (`applied`) and the row as shipped now. The second value says whether `shipped` becomes
/// the new "last seeded" state.
fn decide(current: Option<&Value>, applied: Option<&Value>, shipped: &Value) -> (Action, bool) {
    match (current, applied) {
        (None, None) => (Action::Insert, true),
        // Seeded once and gone since: the operator deleted it on purpose.
        (None, Some(_)) => (Action::Keep, false),
        (Some(c), _) if c == shipped => (Action::Keep, true),
        (Some(c), Some(a)) if c == a => (Action::Update, true),
        // Edited by an operator (or seeded by a release before this table existed, which
        // cannot be told apart): theirs wins. Recording `shipped` keeps later comparisons
        // meaningful — the row stays "edited" until it equals a shipped version again.
        (Some(_), _) => (Action::Keep, true),
    }
}

/// The seeded fields of an existing record, shaped like the shipped row.
fn seeded_view(record: &Record, shipped: &Value) -> Value {
    let mut view = Map::new();
    if let Value::Object(fields) = shipped {
        for k in fields.keys() {
            view.insert(k.clone(), record.get(k).cloned().unwrap_or(Value::Null));
        }
    }
    Value::Object(view)
}

fn key_of(row: &Value, keys: &[String]) -> String {
    let parts: Vec<&Value> = keys
        .iter()
        .map(|k| row.get(k.as_str()).unwrap_or(&Value::Null))
        .collect();
    serde_json::to_string(&parts).unwrap_or_default()
}

fn load_applied(
    txn: &DatabaseTransaction,
    collection: &str,
) -> anyhow::Result<HashMap<String, Value>> {
    txn.execute_raw(Statement::from_string(
        DbBackend::Sqlite,
        "CREATE TABLE IF NOT EXISTS _gtm_seed_applied (collection TEXT NOT NULL, \
         seed_key TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (collection, seed_key))",
    ))?;
    let rows = txn.query_all_raw(Statement::from_sql_and_values(
        DbBackend::Sqlite,
        "SELECT seed_key, data FROM _gtm_seed_applied WHERE collection = ?",
        [collection.into()],
    ))?;
    let mut applied = HashMap::new();
    for row in rows {
        let key: String = row.try_get("", "seed_key")?;
        let data: String = row.try_get("", "data")?;
        applied.insert(key, serde_json::from_str(&data)?);
    }
    Ok(applied)
}

fn store_applied(
    txn: &DatabaseTransaction,
    collection: &str,
    key: &str,
    shipped: &Value,
) -> anyhow::Result<()> {
    txn.execute_raw(Statement::from_sql_and_values(
        DbBackend::Sqlite,
        "INSERT INTO _gtm_seed_applied (collection, seed_key, data) VALUES (?, ?, ?) \
         ON CONFLICT (collection, seed_key) DO UPDATE SET data = excluded.data",
        [
            collection.into(),
            key.into(),
            serde_json::to_string(shipped)?.into(),
        ],
    ))?;
    Ok(())
}

/// Applies the shipped `rows` of `collection`, matching existing records on `keys`.
fn upsert(
    core: &Arc<Core>,
    collection: &str,
    keys: &[&str],
    rows: Vec<Value>,
) -> anyhow::Result<()> {
    let c = core
        .schema
        .load()
        .find(collection)
        .ok_or_else(|| anyhow::anyhow!("missing collection {collection}"))?;
    let keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
    let name = collection.to_string();
    core.storage
        .write_blocking(move |db| -> anyhow::Result<()> {
            let txn = cairn::storage::begin_write(db)?;
            let applied = load_applied(&txn, &name)?;
            let existing = read::list(&txn, &c, &read::ListQuery::all(100_000))?.items;
            for shipped in rows {
                let found = existing
                    .iter()
                    .find(|r| keys.iter().all(|k| r.get(k) == shipped.get(k.as_str())));
                let key = key_of(&shipped, &keys);
                let current = found.map(|r| seeded_view(r, &shipped));
                let (action, record_shipped) =
                    decide(current.as_ref(), applied.get(&key), &shipped);
                let target = match (action, found) {
                    (Action::Insert, _) => Some(Record::new(c.clone())),
                    (Action::Update, Some(r)) => Some(r.clone()),
                    _ => None,
                };
                if let Some(mut record) = target {
                    let is_new = action == Action::Insert;
                    for (k, v) in shipped.as_object().cloned().unwrap_or_default() {
                        record.set(&k, v);
                    }
                    prepare::fill_generated(&mut record, is_new);
                    let written = if is_new {
                        persist::insert(&txn, &record)
                    } else {
                        persist::update(&txn, &record)
                    };
                    written.map_err(|e| anyhow::anyhow!("{e}"))?;
                }
                if record_shipped {
                    store_applied(&txn, &name, &key, &shipped)?;
                }
            }
            txn.commit()?;
            Ok(())
        })
        .map_err(|e| anyhow::anyhow!("{e}"))??;
    Ok(())
}

pub fn apply(core: &Arc<Core>) -> anyhow::Result<()> {
    upsert(
        core,
        "benchmarks",
        &["channel", "metric"],
        serde_json::from_str(BENCHMARKS)?,
    )?;
    upsert(
        core,
        "coaching_templates",
        &["slug"],
        serde_json::from_str(TEMPLATES)?,
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn new_rows_are_inserted_and_deleted_ones_stay_deleted() {
        let s = json!({"slug": "a", "title": "A"});
        assert_eq!(decide(None, None, &s), (Action::Insert, true));
        assert_eq!(decide(None, Some(&s), &s), (Action::Keep, false));
    }

    #[test]
    fn untouched_rows_follow_the_shipped_figures() {
        let old = json!({"slug": "a", "title": "A"});
        let new = json!({"slug": "a", "title": "A, revised"});
        assert_eq!(decide(Some(&old), Some(&old), &new), (Action::Update, true));
        assert_eq!(decide(Some(&new), Some(&old), &new), (Action::Keep, true));
    }

    #[test]
    fn edited_rows_are_the_operators() {
        let shipped = json!({"slug": "a", "title": "A"});
        let edited = json!({"slug": "a", "title": "Ours"});
        assert_eq!(
            decide(Some(&edited), Some(&shipped), &shipped),
            (Action::Keep, true)
        );
        assert_eq!(decide(Some(&edited), None, &shipped), (Action::Keep, true));
        let next = json!({"slug": "a", "title": "A2"});
        assert_eq!(
            decide(Some(&edited), Some(&shipped), &next),
            (Action::Keep, true)
        );
    }
}
