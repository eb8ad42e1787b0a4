//! Seed data compiled into the binary (`schema/gtm-wizard/seed/`): benchmarks (keyed by
//! channel + metric) and coaching templates (keyed by slug). Applied at every start: missing
//! rows are inserted and changed ones updated to the shipped figures; rows an operator added
//! are kept.

use std::sync::Arc;

use cairn::core::Core;
use cairn::records::{Record, persist, prepare, read};
use serde_json::Value;

const BENCHMARKS: &str = include_str!("../../../schema/gtm-wizard/seed/benchmarks.json");
const TEMPLATES: &str = include_str!("../../../schema/gtm-wizard/seed/coaching_templates.json");

/// Inserts or updates the seed rows of `collection`, matching on `keys`.
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
    core.storage
        .write_blocking(move |db| -> anyhow::Result<()> {
            let txn = cairn::storage::begin_write(db)?;
            let existing = read::list(&txn, &c, &read::ListQuery::all(100_000))?.items;
            for row in rows {
                let found = existing
                    .iter()
                    .find(|r| keys.iter().all(|k| r.get(k) == row.get(k.as_str())));
                let mut record = match found {
                    Some(r) => r.clone(),
                    None => Record::new(c.clone()),
                };
                let before = record.data.clone();
                if let Value::Object(fields) = &row {
                    for (k, v) in fields {
                        record.set(k, v.clone());
                    }
                }
                match found {
                    None => {
                        prepare::fill_generated(&mut record, true);
                        persist::insert(&txn, &record).map_err(|e| anyhow::anyhow!("{e}"))?;
                    }
                    Some(_) if record.data != before => {
                        prepare::fill_generated(&mut record, false);
                        persist::update(&txn, &record).map_err(|e| anyhow::anyhow!("{e}"))?;
                    }
                    Some(_) => {}
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
