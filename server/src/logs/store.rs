//! `aux.db`, the request logs' own SQLite file (so log writes never queue behind, or bloat, the
//! data's WAL): the `_logs` table as PocketBase has it (`id`, `level`, `message`, `data` JSON,
//! `created`), batch inserts, the searches behind `/api/logs`, and retention.

use std::path::Path;

use rusqlite::{Connection, OpenFlags, params};
use sea_query_rusqlite::{RusqliteValue, RusqliteValues};
use serde::Serialize;
use serde_json::{Map, Value};

use super::Entry;
use super::search::{LogSearch, TABLE};
use crate::query::Sql;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS _logs (
    id      TEXT PRIMARY KEY NOT NULL,
    level   INTEGER NOT NULL DEFAULT 0,
    message TEXT NOT NULL DEFAULT '',
    data    JSON NOT NULL DEFAULT '{}',
    created TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS idx_logs_level ON _logs (level);
CREATE INDEX IF NOT EXISTS idx_logs_message ON _logs (message);
CREATE INDEX IF NOT EXISTS idx_logs_created_hour ON _logs (strftime('%Y-%m-%d %H:00:00', created));
CREATE INDEX IF NOT EXISTS idx_logs_created ON _logs (created);
";

/// One stored entry, in PocketBase's JSON shape.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogRow {
    pub id: String,
    pub created: String,
    pub data: Value,
    pub message: String,
    pub level: i64,
}

/// One hour of `GET /api/logs/stats`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatsItem {
    pub date: String,
    pub total: i64,
}

/// Opens (creating) `aux.db` for writing: WAL, so the readers of `/api/logs` never block it.
pub(super) fn open_writer(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 10000;",
    )?;
    conn.execute_batch(SCHEMA)?;
    Ok(conn)
}

/// A read-only connection for the log searches (after [`open_writer`] made the file).
pub(super) fn open_reader(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.execute_batch("PRAGMA busy_timeout = 10000;")?;
    Ok(conn)
}

/// Writes a batch in one transaction.
pub(super) fn insert(conn: &mut Connection, entries: &[Entry]) -> rusqlite::Result<()> {
    let tx = conn.transaction()?;
    {
        let mut stmt = tx.prepare_cached(
            "INSERT INTO _logs (id, level, message, data, created) VALUES (?, ?, ?, ?, ?)",
        )?;
        for e in entries {
            let data = Value::Object(e.data.clone()).to_string();
            stmt.execute(params![e.id, e.level, e.message, data, e.created])?;
        }
    }
    tx.commit()
}

/// Deletes the entries created at or before `cutoff` (a PocketBase datetime); returns how many.
pub(super) fn delete_until(conn: &Connection, cutoff: &str) -> rusqlite::Result<usize> {
    conn.execute("DELETE FROM _logs WHERE created <= ?", [cutoff])
}

fn bound(sql: &Sql) -> RusqliteValues {
    RusqliteValues(sql.values.iter().cloned().map(RusqliteValue).collect())
}

fn row_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<LogRow> {
    let data: String = r.get(3)?;
    Ok(LogRow {
        id: r.get(0)?,
        level: r.get(1)?,
        message: r.get(2)?,
        data: serde_json::from_str(&data).unwrap_or_else(|_| Value::Object(Map::new())),
        created: r.get(4)?,
    })
}

/// One page of entries and, when `count`, the number of matches.
pub(super) fn list(
    conn: &Connection,
    search: &LogSearch,
    limit: u64,
    offset: u64,
    count: bool,
) -> rusqlite::Result<(Vec<LogRow>, Option<i64>)> {
    let mut sql = Sql::raw(format!(
        "SELECT \"{TABLE}\".id, \"{TABLE}\".level, \"{TABLE}\".message, \"{TABLE}\".data, \"{TABLE}\".created"
    ));
    sql.append(&search.table_and_condition());
    sql.append(&search.order_by());
    sql.push_page(limit, offset);
    let values = bound(&sql);
    let mut stmt = conn.prepare_cached(&sql.text)?;
    let rows = stmt
        .query_map(&*values.as_params(), row_of)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let total = if count {
        let mut sql = Sql::raw("SELECT COUNT(*)");
        sql.append(&search.table_and_condition());
        let values = bound(&sql);
        Some(conn.query_row(&sql.text, &*values.as_params(), |r| r.get(0))?)
    } else {
        None
    };
    Ok((rows, total))
}

/// The entry `id`, if stored.
pub(super) fn view(conn: &Connection, id: &str) -> rusqlite::Result<Option<LogRow>> {
    let mut stmt =
        conn.prepare_cached("SELECT id, level, message, data, created FROM _logs WHERE id = ?")?;
    let mut rows = stmt.query_map([id], row_of)?;
    rows.next().transpose()
}

/// Matching entries per hour (`YYYY-MM-DD HH:00:00.000Z`), oldest first.
pub(super) fn stats(conn: &Connection, search: &LogSearch) -> rusqlite::Result<Vec<StatsItem>> {
    let mut sql = Sql::raw(format!(
        "SELECT strftime('%Y-%m-%d %H:00:00', \"{TABLE}\".created) AS date, COUNT(\"{TABLE}\".id)"
    ));
    sql.append(&search.table_and_condition());
    sql.push(" GROUP BY date ORDER BY date");
    let values = bound(&sql);
    let mut stmt = conn.prepare_cached(&sql.text)?;
    let rows = stmt.query_map(&*values.as_params(), |r| {
        let date: Option<String> = r.get(0)?;
        Ok(StatsItem {
            // PocketBase's DateTime renders the hour with milliseconds and a `Z`.
            date: date.map(|d| format!("{d}.000Z")).unwrap_or_default(),
            total: r.get(1)?,
        })
    })?;
    rows.collect()
}
