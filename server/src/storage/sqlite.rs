//! Opening SQLite connections with the pragmas Cairn relies on (WAL, `synchronous=NORMAL`,
//! foreign keys, busy timeout) and the connection settings that keep prepared statements
//! reusable.

use std::path::Path;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};
use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseConnectionType};

use super::DataVersion;

/// Prepared statements kept per connection (rusqlite's default is 16; one collection's CRUD
/// and list shapes alone use about that many).
const STATEMENT_CACHE: usize = 256;

/// The bundled SQLite is built with STAT4, which marks every bound parameter that could steer
/// the plan (a bound `LIMIT ?` included) so that binding a new value throws the prepared
/// statement away and parses the SQL again on its next step. Cairn binds every value, so
/// without the query-planner stability guarantee the statement cache would never hit (this
/// alone took view-by-id from 21k to 37k req/s).
fn keep_statements_prepared(raw: &Connection) -> rusqlite::Result<()> {
    raw.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    raw.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    Ok(())
}

/// Opens one connection: the writer when given the data version its commits move, else a
/// read-only connection for a reader thread.
pub fn open(path: &Path, writer: Option<DataVersion>) -> anyhow::Result<DatabaseConnection> {
    let read_only = writer.is_none();
    let flags = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
    };
    let raw = Connection::open_with_flags(path, flags)?;
    keep_statements_prepared(&raw)?;
    if let Some(version) = writer {
        raw.commit_hook(Some(move || {
            version.commit_starting();
            false // never veto the commit
        }))?;
    }
    let conn =
        DatabaseConnection::from(DatabaseConnectionType::RusqliteSharedConnection(raw.into()));
    let mut pragmas = vec![
        "PRAGMA busy_timeout = 10000",
        "PRAGMA foreign_keys = ON",
        "PRAGMA temp_store = MEMORY",
        "PRAGMA cache_size = -16000",
    ];
    let autocheckpoint = format!(
        "PRAGMA wal_autocheckpoint = {}",
        super::checkpoint::WRITER_AUTOCHECKPOINT_PAGES
    );
    if !read_only {
        pragmas.insert(0, "PRAGMA journal_mode = WAL");
        pragmas.push("PRAGMA synchronous = NORMAL");
        pragmas.push("PRAGMA journal_size_limit = 67108864");
        // Checkpoints normally run on their own thread (see `checkpoint`).
        pragmas.push(&autocheckpoint);
    }
    for p in pragmas {
        conn.execute_unprepared(p)?;
    }
    Ok(conn)
}

#[cfg(test)]
mod tests {
    use rusqlite::StatementStatus;

    use super::*;

    /// Runs one cached statement with new bindings each time and returns how often SQLite had
    /// to parse it again.
    fn reprepares(raw: &Connection) -> i32 {
        raw.execute_batch(
            "CREATE TABLE t (id TEXT PRIMARY KEY, score INTEGER); CREATE INDEX t_score ON t (score);
             INSERT INTO t VALUES ('a', 1), ('b', 2), ('c', 3);",
        )
        .expect("test setup");
        let sql = "SELECT id FROM t WHERE id = ? AND score > ? LIMIT ? OFFSET ?";
        for (i, id) in ["a", "b", "c", "a"].iter().enumerate() {
            let n = i64::try_from(i).expect("test setup");
            let mut stmt = raw.prepare_cached(sql).expect("test setup");
            let _: Vec<String> = stmt
                .query_map(rusqlite::params![id, n - 5, n + 1, 0], |r| r.get(0))
                .expect("test setup")
                .collect::<Result<_, _>>()
                .expect("test setup");
        }
        raw.prepare_cached(sql)
            .expect("test setup")
            .get_status(StatementStatus::RePrepare)
    }

    #[test]
    fn cached_statements_are_not_parsed_again_for_new_bindings() {
        let raw = Connection::open_in_memory().expect("test setup");
        assert!(
            reprepares(&raw) > 0,
            "the bundled SQLite no longer re-prepares on new bindings; the setting may be moot"
        );
        let raw = Connection::open_in_memory().expect("test setup");
        keep_statements_prepared(&raw).expect("test setup");
        assert_eq!(reprepares(&raw), 0);
    }
}
