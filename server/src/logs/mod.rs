//! Request logs, as PocketBase keeps them: an entry per request (`level`, `message`, `data`
//! with method, url, status, execTime, IPs, auth) stored in `_logs` of a separate `aux.db`,
//! listed by `GET /api/logs`, counted per hour by `/api/logs/stats`, trimmed after
//! `settings.logs.maxDays` by the `__pbLogsCleanup__` cron job.
//!
//! Nothing is written on the request's path: [`Logs::push`] hands the entry to a bounded queue
//! (dropping it, and counting the drop, when the queue is full rather than slowing requests)
//! and one background thread writes the queue in batches — up to [`BATCH`] entries, or what
//! arrived within [`FLUSH_EVERY`] of the first one, per transaction. PocketBase batches 200
//! entries or 3 s of quiet; the shorter wait here makes a request show up in the console
//! within a second.

mod search;
mod store;

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Map, Value};

pub use search::LogSearch;
pub use store::{LogRow, StatsItem};

use crate::error::ApiError;

/// slog's levels, which PocketBase stores: info for a handled request, error for a failed one.
pub const LEVEL_INFO: i64 = 0;
pub const LEVEL_ERROR: i64 = 8;

/// Entries waiting for the writer before new ones are dropped.
const QUEUE: usize = 20_000;
/// Most entries per write transaction.
const BATCH: usize = 500;
/// Longest an entry waits for its batch.
const FLUSH_EVERY: Duration = Duration::from_millis(250);

/// One log entry to store.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: String,
    /// PocketBase's datetime text (`2024-01-02 03:04:05.678Z`).
    pub created: String,
    pub level: i64,
    pub message: String,
    pub data: Map<String, Value>,
}

enum Msg {
    Entry(Entry),
    /// Replies once everything queued before it is written.
    Flush(flume::Sender<()>),
    /// Deletes entries created at or before the datetime; replies with the count.
    DeleteUntil(String, flume::Sender<usize>),
}

/// The log queue and the searches over `aux.db`.
pub struct Logs {
    tx: flume::Sender<Msg>,
    reader: Arc<Mutex<rusqlite::Connection>>,
    dropped: AtomicU64,
}

impl Logs {
    /// Opens (creating) `path` and starts the writer thread.
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        let writer = store::open_writer(path)?;
        let reader = store::open_reader(path)?;
        let (tx, rx) = flume::bounded(QUEUE);
        std::thread::Builder::new()
            .name("cairn-logs".into())
            .spawn(move || write_loop(writer, rx))?;
        Ok(Self {
            tx,
            reader: Arc::new(Mutex::new(reader)),
            dropped: AtomicU64::new(0),
        })
    }

    /// Queues an entry; never blocks (a full queue drops it).
    pub fn push(&self, entry: Entry) {
        if self.tx.try_send(Msg::Entry(entry)).is_err() {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Entries dropped because the queue was full.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Waits until every entry queued so far is written (shutdown, tests).
    pub async fn flush(&self) {
        let (done, wait) = flume::bounded(1);
        if self.tx.send_async(Msg::Flush(done)).await.is_ok() {
            let _ = wait.recv_async().await;
        }
    }

    /// [`Logs::flush`] for non-async callers.
    pub fn flush_blocking(&self) {
        let (done, wait) = flume::bounded(1);
        if self.tx.send(Msg::Flush(done)).is_ok() {
            let _ = wait.recv_timeout(Duration::from_secs(10));
        }
    }

    /// Deletes the entries older than `days` days; returns how many.
    pub async fn delete_older_than(&self, days: i64) -> usize {
        let cutoff =
            crate::schema::ids::format_datetime(chrono::Utc::now() - chrono::Duration::days(days));
        let (done, wait) = flume::bounded(1);
        if self
            .tx
            .send_async(Msg::DeleteUntil(cutoff, done))
            .await
            .is_err()
        {
            return 0;
        }
        wait.recv_async().await.unwrap_or(0)
    }

    /// One page of entries (and the total unless skipped).
    pub async fn list(
        &self,
        search: LogSearch,
        limit: u64,
        offset: u64,
        count: bool,
    ) -> Result<(Vec<LogRow>, Option<i64>), ApiError> {
        self.read(move |c| store::list(c, &search, limit, offset, count))
            .await
    }

    pub async fn view(&self, id: String) -> Result<Option<LogRow>, ApiError> {
        self.read(move |c| store::view(c, &id)).await
    }

    pub async fn stats(&self, search: LogSearch) -> Result<Vec<StatsItem>, ApiError> {
        self.read(move |c| store::stats(c, &search)).await
    }

    async fn read<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&rusqlite::Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        let reader = self.reader.clone();
        tokio::task::spawn_blocking(move || {
            let conn = reader
                .lock()
                .map_err(|_| ApiError::internal("the log reader lock is poisoned"))?;
            // A filter can still fail when SQLite runs it (a malformed JSON path, say): the
            // client's input, so a 400 as for records.
            f(&conn).map_err(|e| {
                tracing::debug!(error = %e, "log search failed");
                ApiError::bad_request(crate::error::msg::BAD_REQUEST)
            })
        })
        .await
        .map_err(ApiError::internal)?
    }
}

/// The writer thread: batches entries into transactions until every sender is gone.
fn write_loop(mut conn: rusqlite::Connection, rx: flume::Receiver<Msg>) {
    let mut batch: Vec<Entry> = Vec::with_capacity(BATCH);
    let write = |batch: &mut Vec<Entry>, conn: &mut rusqlite::Connection| {
        if !batch.is_empty() {
            if let Err(e) = store::insert(conn, batch) {
                tracing::warn!(error = %e, lost = batch.len(), "writing request logs failed");
            }
            batch.clear();
        }
    };
    while let Ok(first) = rx.recv() {
        let deadline = Instant::now() + FLUSH_EVERY;
        let mut next = Some(first);
        while let Some(msg) = next.take() {
            match msg {
                Msg::Entry(e) => batch.push(e),
                Msg::Flush(done) => {
                    write(&mut batch, &mut conn);
                    let _ = done.send(());
                }
                Msg::DeleteUntil(cutoff, done) => {
                    write(&mut batch, &mut conn);
                    let n = store::delete_until(&conn, &cutoff).unwrap_or_else(|e| {
                        tracing::warn!(error = %e, "deleting old request logs failed");
                        0
                    });
                    let _ = done.send(n);
                }
            }
            if batch.len() >= BATCH {
                break;
            }
            next = rx.recv_deadline(deadline).ok();
        }
        write(&mut batch, &mut conn);
    }
}
