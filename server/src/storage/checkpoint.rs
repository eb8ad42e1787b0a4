//! WAL checkpoints on their own thread.
//!
//! SQLite's automatic checkpoint runs inside the commit that pushes the WAL past its limit (1,000
//! pages), on the writer: copying the WAL back into the database file and syncing both holds
//! the single writer while it runs. Here a separate connection runs a `PASSIVE` checkpoint
//! every 50 ms when something was committed; a passive checkpoint never blocks the writer or
//! the readers. Under a steady stream of writes a passive checkpoint rarely finds the WAL fully
//! copied, so the WAL cannot start over from its beginning; the writer's own automatic
//! checkpoint, at twice the usual limit, still does that, with little left to copy by then.
//! Measured on 2 cores (create, 16 connections, 10 s runs, medians of six): 10.7k req/s with
//! p99 29 ms before; 11.5k / 14 ms with a 1,000-page limit and 100 ms; 14.5k / 18 ms with
//! 4,000 pages and 50 ms; 15.5k / 16 ms with 2,000 pages and 50 ms (chosen). A 16,384-page
//! limit was worse (p99 45-90 ms: the writer's own checkpoints were rare but long). Single
//! runs still show an occasional p99 of a few hundred ms in every setting, cause not found.

use std::path::Path;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::DataVersion;

/// How often the WAL is copied back when there were commits.
const INTERVAL: Duration = Duration::from_millis(50);

/// The writer's own automatic checkpoint limit, in pages (8 MiB of WAL at 4 KiB pages).
pub const WRITER_AUTOCHECKPOINT_PAGES: u32 = 2_000;

/// Starts the checkpoint thread; it stops when the sender of `stop` is dropped.
pub fn spawn(
    path: &Path,
    version: DataVersion,
    stop: Receiver<()>,
) -> anyhow::Result<JoinHandle<()>> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::from_secs(5))?;
    let handle = std::thread::Builder::new()
        .name("cairn-db-checkpoint".into())
        .spawn(move || {
            let mut last = version.stable();
            loop {
                match stop.recv_timeout(INTERVAL) {
                    Err(RecvTimeoutError::Timeout) => {}
                    Ok(()) | Err(RecvTimeoutError::Disconnected) => return,
                }
                let now = version.stable();
                if now.is_none() || now == last {
                    continue;
                }
                if let Err(e) = checkpoint(&conn) {
                    tracing::warn!(error = %e, "WAL checkpoint failed");
                }
                last = now;
            }
        })?;
    Ok(handle)
}

fn checkpoint(conn: &Connection) -> rusqlite::Result<()> {
    conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))
}

#[cfg(test)]
mod tests {
    use sea_orm::ConnectionTrait;

    use super::super::Storage;

    #[test]
    fn committed_pages_reach_the_database_file_without_the_writer_checkpointing() {
        let dir = tempfile::tempdir().expect("test setup");
        let path = dir.path().join("data.db");
        let storage = Storage::open(&path, 1).expect("open");
        let before = std::fs::metadata(&path).expect("db file").len();
        // About 250 pages: far below the writer's own limit, so only this thread copies them.
        storage
            .write_blocking(|c| {
                c.execute_unprepared(
                    "CREATE TABLE t (b BLOB);
                     WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
                     INSERT INTO t SELECT randomblob(1000) FROM n;",
                )
                .map(drop)
            })
            .expect("storage")
            .expect("insert");
        let grown = (0..100).any(|_| {
            std::thread::sleep(std::time::Duration::from_millis(20));
            std::fs::metadata(&path).map_or(0, |m| m.len()) > before + 900_000
        });
        assert!(
            grown,
            "the database file never received the committed pages"
        );
        storage.close();
    }
}
