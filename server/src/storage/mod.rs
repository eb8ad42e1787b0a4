//! Database access: thread-confined SQLite connections (one writer thread, N read-only reader
//! threads). Async handlers send a closure and await a oneshot reply; a write transaction runs
//! entirely inside one job, never across an `.await`. Record writes queued together share one
//! transaction (group commit, [`writer`]).
//!
//! Everything above this module sees [`Storage`], [`Db`] (a connection or transaction) and
//! [`StorageError`]; SQL dialect details live in [`dialect`].

mod checkpoint;
pub mod conn;
pub mod dialect;
pub mod entities;
pub mod migrations;
pub mod session;
pub mod sqlite;
pub mod version;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::thread::JoinHandle;

pub use conn::AnyConn;
pub use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, Statement,
    TransactionTrait,
};
pub use session::Session;
pub use version::DataVersion;
use writer::WriterJob;

use crate::error::ApiError;

pub(crate) type Job = Box<dyn FnOnce(&DatabaseConnection) + Send>;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("database error: {0}")]
    Db(#[from] DbErr),
    #[error("storage is shut down")]
    Closed,
}

impl From<StorageError> for ApiError {
    fn from(e: StorageError) -> Self {
        ApiError::internal(e)
    }
}

/// Starts a write transaction with `BEGIN IMMEDIATE`: the write lock is taken (and waited
/// for) up front, instead of upgrading a read snapshot at the first write, which SQLite may
/// refuse with "database is locked" without waiting.
pub fn begin_write(conn: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    conn.begin_with_options(sea_orm::TransactionOptions {
        sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
        ..Default::default()
    })
}

/// Copies every page of the database `src` into the database `dst` (a new file, or a live
/// WAL-mode one) in one step of SQLite's backup API: one read transaction on `src`, one write
/// transaction on `dst`. A lock held for a moment by another connection is waited out.
pub fn copy_into(src: &Path, dst: &Path) -> rusqlite::Result<()> {
    let from = rusqlite::Connection::open_with_flags(
        src,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    let mut to = rusqlite::Connection::open(dst)?;
    to.busy_timeout(std::time::Duration::from_secs(10))?;
    let backup = rusqlite::backup::Backup::new(&from, &mut to)?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        match backup.step(-1)? {
            rusqlite::backup::StepResult::Done => return Ok(()),
            // Another connection holds the lock for a moment: try again, for a while.
            _ if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            _ => {
                return Err(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                    Some("the database stayed locked".into()),
                ));
            }
        }
    }
}

/// Handle to the database threads. Cheap to share behind an `Arc`.
pub struct Storage {
    /// Moves whenever the writer commits (see [`version`]).
    pub version: DataVersion,
    /// The database file.
    path: PathBuf,
    /// Writes per group commit (observed by the writer thread, exported by `/metrics`).
    pub group_sizes: prometheus_client::metrics::histogram::Histogram,
    pub(crate) writer: Mutex<Option<flume::Sender<WriterJob>>>,
    readers: Mutex<Option<flume::Sender<Job>>>,
    threads: Mutex<Vec<JoinHandle<()>>>,
    /// Dropped to stop the checkpoint thread.
    stop_checkpoints: Mutex<Option<std::sync::mpsc::Sender<()>>>,
}

/// Starts a thread that opens its own connection (connections are not `Send`) and hands it to
/// `serve`, which runs jobs until its channel closes. Returns once the connection is open (or
/// failed to open).
fn spawn_worker<O, S>(name: String, open: O, serve: S) -> anyhow::Result<JoinHandle<()>>
where
    O: FnOnce() -> anyhow::Result<DatabaseConnection> + Send + 'static,
    S: FnOnce(&DatabaseConnection) + Send + 'static,
{
    let (ready_tx, ready_rx) = std::sync::mpsc::channel::<Result<(), String>>();
    let handle = std::thread::Builder::new().name(name).spawn(move || {
        let conn = match open() {
            Ok(c) => {
                let _ = ready_tx.send(Ok(()));
                c
            }
            Err(e) => {
                let _ = ready_tx.send(Err(format!("{e:#}")));
                return;
            }
        };
        serve(&conn);
        if let Err(e) = conn.close_by_ref() {
            tracing::warn!(error = %e, "closing database connection");
        }
    })?;
    match ready_rx.recv() {
        Ok(Ok(())) => Ok(handle),
        Ok(Err(e)) => Err(anyhow::anyhow!(e)),
        Err(_) => Err(anyhow::anyhow!("database thread exited during start-up")),
    }
}

/// Runs one job. A panicking job must not take the connection's thread down with it; its
/// caller sees the dropped reply channel as an error.
fn run_job(job: Job, conn: &DatabaseConnection) {
    if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(conn))).is_err() {
        tracing::error!("database job panicked");
    }
}

/// A reader thread's loop: one job after another until the channel closes.
fn serve_reads(conn: &DatabaseConnection, rx: &flume::Receiver<Job>) {
    while let Ok(job) = rx.recv() {
        run_job(job, conn);
    }
}

impl Storage {
    /// Opens (creating if needed) the database file and starts the writer and `readers` reader
    /// threads. System migrations run on the writer before this returns.
    pub fn open(path: &Path, readers: usize) -> anyhow::Result<Self> {
        let (wtx, wrx) = flume::unbounded::<WriterJob>();
        let (rtx, rrx) = flume::unbounded::<Job>();
        let p = path.to_path_buf();
        let version = DataVersion::default();
        let hook_version = version.clone();
        let group_sizes = prometheus_client::metrics::histogram::Histogram::new(
            prometheus_client::metrics::histogram::exponential_buckets(1.0, 2.0, 7),
        );
        let writer_group_sizes = group_sizes.clone();
        let writer = spawn_worker(
            "cairn-db-writer".into(),
            move || {
                let conn = sqlite::open(&p, Some(hook_version))?;
                migrations::run(&conn)?;
                Ok(conn)
            },
            {
                let version = version.clone();
                move |conn| writer::serve(conn, &wrx, &version, &writer_group_sizes)
            },
        )?;
        let mut threads = vec![writer];
        for i in 0..readers.max(1) {
            let p = path.to_path_buf();
            threads.push(spawn_worker(
                format!("cairn-db-reader-{i}"),
                move || sqlite::open(&p, None),
                {
                    let rx = rrx.clone();
                    move |conn| serve_reads(conn, &rx)
                },
            )?);
        }
        let (stop_checkpoints, stop) = std::sync::mpsc::channel();
        threads.push(checkpoint::spawn(path, version.clone(), stop)?);
        Ok(Self {
            version,
            path: path.to_path_buf(),
            group_sizes,
            writer: Mutex::new(Some(wtx)),
            readers: Mutex::new(Some(rtx)),
            threads: Mutex::new(threads),
            stop_checkpoints: Mutex::new(Some(stop_checkpoints)),
        })
    }

    /// Queues `job` on the channel in `slot` (gone once storage is closed).
    pub(crate) fn send<J>(
        slot: &Mutex<Option<flume::Sender<J>>>,
        job: J,
    ) -> Result<(), StorageError> {
        let tx = slot
            .lock()
            .map_err(|_| StorageError::Closed)?
            .clone()
            .ok_or(StorageError::Closed)?;
        tx.send(job).map_err(|_| StorageError::Closed)
    }

    /// Wraps `f` as a job whose result goes to `reply` (the receiver may have gone away when a
    /// client disconnected; the work is done anyway).
    fn job<T, F>(f: F, reply: impl FnOnce(T) + Send + 'static) -> Job
    where
        T: Send + 'static,
        F: FnOnce(&DatabaseConnection) -> T + Send + 'static,
    {
        Box::new(move |conn| reply(f(conn)))
    }

    /// Runs `f` on a read-only connection.
    pub async fn read<T, F>(&self, f: F) -> Result<T, StorageError>
    where
        T: Send + 'static,
        F: FnOnce(&DatabaseConnection) -> T + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        Self::send(&self.readers, Self::job(f, move |v| drop(tx.send(v))))?;
        rx.await.map_err(|_| StorageError::Closed)
    }

    /// Runs `f` on the writer connection (callers open their own transaction).
    pub async fn write<T, F>(&self, f: F) -> Result<T, StorageError>
    where
        T: Send + 'static,
        F: FnOnce(&DatabaseConnection) -> T + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job = Self::job(f, move |v| drop(tx.send(v)));
        Self::send(&self.writer, WriterJob::Solo(job))?;
        rx.await.map_err(|_| StorageError::Closed)
    }

    /// Runs `f` in a transaction on the writer that it may share with other queued
    /// `write_grouped` calls (see [`writer`]): `Ok` keeps its changes, `Err` rolls back only
    /// them. The answer comes once the shared transaction has committed; if that commit fails,
    /// the answer is its error even though `f` succeeded.
    pub async fn write_grouped<T, E, F>(&self, f: F) -> Result<Result<T, E>, StorageError>
    where
        T: Send + 'static,
        E: From<DbErr> + Send + 'static,
        F: FnOnce(&DatabaseTransaction) -> Result<T, E> + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel::<Result<T, E>>();
        let job: writer::GroupedWrite =
            Box::new(move |txn| match txn.map_err(E::from).and_then(f) {
                Ok(v) => (
                    true,
                    Box::new(move |outcome: Result<(), DbErr>| {
                        let _ = tx.send(outcome.map(|()| v).map_err(E::from));
                    }),
                ),
                Err(e) => (
                    false,
                    Box::new(move |_| {
                        let _ = tx.send(Err(e));
                    }),
                ),
            });
        Self::send(&self.writer, WriterJob::Grouped(job))?;
        rx.await.map_err(|_| StorageError::Closed)
    }

    /// Blocking variant of [`Storage::write`] for the CLI and start-up.
    pub fn write_blocking<T, F>(&self, f: F) -> Result<T, StorageError>
    where
        T: Send + 'static,
        F: FnOnce(&DatabaseConnection) -> T + Send + 'static,
    {
        let (tx, rx) = std::sync::mpsc::channel();
        let job = Self::job(f, move |v| drop(tx.send(v)));
        Self::send(&self.writer, WriterJob::Solo(job))?;
        rx.recv().map_err(|_| StorageError::Closed)
    }

    /// Writes waiting on the writer queue.
    pub fn writer_queue_depth(&self) -> usize {
        self.writer
            .lock()
            .ok()
            .and_then(|w| w.as_ref().map(flume::Sender::len))
            .unwrap_or(0)
    }

    /// Replaces the whole database with the one in the file `src` (a restore), then runs
    /// `after` on the writer connection, all as one writer job: no Cairn write runs between
    /// the copy and `after`, writes queued meanwhile run on the new data once it returns, and
    /// readers see either the old database or the new one (SQLite's backup API copies every
    /// page in one write transaction of the live file). The data version moves, so nothing
    /// read before is reused.
    pub async fn replace_with<T, F>(&self, src: PathBuf, after: F) -> Result<T, StorageError>
    where
        T: Send + 'static,
        F: FnOnce(&DatabaseConnection) -> T + Send + 'static,
    {
        let dst = self.path.clone();
        let version = self.version.clone();
        self.write(move |conn| {
            // The copy is made by another connection, so the writer's commit hook does not
            // see it: mark the version as moving by hand (it settles after this job).
            version.commit_starting();
            copy_into(&src, &dst).map_err(|e| DbErr::Custom(format!("restoring: {e}")))?;
            Ok::<T, DbErr>(after(conn))
        })
        .await?
        .map_err(StorageError::Db)
    }

    /// Stops accepting jobs, lets queued jobs finish, and closes every connection.
    pub fn close(&self) {
        if let Ok(mut stop) = self.stop_checkpoints.lock() {
            stop.take();
        }
        if let Ok(mut w) = self.writer.lock() {
            w.take();
        }
        if let Ok(mut r) = self.readers.lock() {
            r.take();
        }
        let threads = self
            .threads
            .lock()
            .map(|mut t| std::mem::take(&mut *t))
            .unwrap_or_default();
        for t in threads {
            if t.join().is_err() {
                tracing::warn!("database thread panicked");
            }
        }
    }
}

impl Drop for Storage {
    fn drop(&mut self) {
        self.close();
    }
}
