//! Opening SQLite connections with the pragmas Cairn relies on (WAL, `synchronous=NORMAL`,
//! foreign keys, busy timeout).

use std::path::Path;

use sea_orm::{ConnectionTrait, Database, DatabaseConnection};

/// Opens one connection; `read_only` connections are used by the reader threads.
pub fn open(path: &Path, read_only: bool) -> anyhow::Result<DatabaseConnection> {
    let abs = std::path::absolute(path)?;
    let mode = if read_only { "ro" } else { "rwc" };
    let url = format!("sqlite://{}?mode={mode}", abs.display());
    let conn = Database::connect(url)?;
    let mut pragmas = vec![
        "PRAGMA busy_timeout = 10000",
        "PRAGMA foreign_keys = ON",
        "PRAGMA temp_store = MEMORY",
        "PRAGMA cache_size = -16000",
    ];
    if !read_only {
        pragmas.insert(0, "PRAGMA journal_mode = WAL");
        pragmas.push("PRAGMA synchronous = NORMAL");
        pragmas.push("PRAGMA journal_size_limit = 67108864");
    }
    for p in pragmas {
        conn.execute_unprepared(p)?;
    }
    Ok(conn)
}
