//! The writer thread's loop, with group commit.
//!
//! Jobs on the writer queue are either *solo* (they manage their own transaction: schema
//! changes, batch sessions, the CLI) or *grouped* record writes. When a grouped write reaches
//! the front of the queue, the writer opens one transaction and keeps running grouped writes
//! that are already queued behind it, each inside its own savepoint (the first needs none),
//! then commits once and only then answers them all. Every write still sees the writes before it and a failed one rolls
//! back only its savepoint, so the outcome is the one serial execution would give; what is
//! saved is the per-transaction work (`BEGIN`/`COMMIT`, the WAL append of every page the
//! writes share, the file locks). Under no concurrency a group is one write, so nothing waits
//! for company.

use std::panic::AssertUnwindSafe;

use prometheus_client::metrics::histogram::Histogram;
use sea_orm::{DatabaseConnection, DatabaseTransaction, DbErr, TransactionTrait};

use super::{DataVersion, Job};

/// Most writes committed together (bounds how long the first one waits for its answer).
const MAX_GROUP: usize = 64;

/// Told the group's outcome: `Ok` once its transaction has committed.
pub(crate) type Finish = Box<dyn FnOnce(Result<(), DbErr>) + Send>;

/// A grouped write: runs inside its savepoint (or is told the group could not start) and says
/// whether its changes are to be kept, plus what to do once the group's outcome is known.
pub(crate) type GroupedWrite =
    Box<dyn FnOnce(Result<&DatabaseTransaction, DbErr>) -> (bool, Finish) + Send>;

pub(crate) enum WriterJob {
    Solo(Job),
    Grouped(GroupedWrite),
}

/// Runs writer jobs until the queue closes; the data version settles after each job or group.
pub(crate) fn serve(
    conn: &DatabaseConnection,
    rx: &flume::Receiver<WriterJob>,
    version: &DataVersion,
    group_sizes: &Histogram,
) {
    let mut next = None;
    loop {
        let job = match next.take() {
            Some(job) => job,
            None => match rx.recv() {
                Ok(job) => job,
                Err(_) => return,
            },
        };
        match job {
            WriterJob::Solo(job) => super::run_job(job, conn),
            WriterJob::Grouped(first) => next = run_group(conn, rx, first, group_sizes),
        }
        version.settle();
    }
}

/// Runs `first` and the grouped writes queued behind it in one transaction; returns the solo
/// job that ended the group, if one did.
fn run_group(
    conn: &DatabaseConnection,
    rx: &flume::Receiver<WriterJob>,
    first: GroupedWrite,
    group_sizes: &Histogram,
) -> Option<WriterJob> {
    let txn = match super::begin_write(conn) {
        Ok(txn) => txn,
        Err(e) => {
            let (_, finish) = first(Err(e.clone()));
            finish(Err(e));
            return None;
        }
    };
    // The first write needs no savepoint: nothing else is in the transaction yet, so if it
    // fails the transaction goes with it (and the group ends before it began).
    let (keep, finish) = run_guarded(first, &txn);
    if !keep {
        if let Err(rb) = txn.rollback() {
            tracing::error!(error = %rb, "rollback failed");
        }
        // A write that asked not to be kept answers with its own error whatever the outcome.
        finish(Ok(()));
        return None;
    }
    let mut finishes = vec![finish];
    let mut broken = None;
    let mut next = None;
    while finishes.len() < MAX_GROUP {
        let job = match rx.try_recv() {
            Ok(WriterJob::Grouped(queued)) => queued,
            Ok(solo) => {
                next = Some(solo);
                break;
            }
            Err(_) => break,
        };
        match in_savepoint(&txn, job) {
            Ok(finish) => finishes.push(finish),
            Err((finish, e)) => {
                finishes.push(finish);
                broken = Some(e);
                break;
            }
        }
    }
    group_sizes.observe(finishes.len() as f64);
    let outcome = match broken {
        None => txn.commit(),
        Some(e) => {
            if let Err(rb) = txn.rollback() {
                tracing::error!(error = %rb, "group rollback failed");
            }
            Err(e)
        }
    };
    for finish in finishes {
        finish(outcome.clone());
    }
    next
}

/// Runs one grouped write; a panic counts as a failed write (its reply channel went with the
/// panic, so its caller sees an error).
fn run_guarded(job: GroupedWrite, txn: &DatabaseTransaction) -> (bool, Finish) {
    match std::panic::catch_unwind(AssertUnwindSafe(|| job(Ok(txn)))) {
        Ok(ran) => ran,
        Err(_) => {
            tracing::error!("database job panicked");
            (false, Box::new(|_| {}))
        }
    }
}

/// Runs one grouped write in a savepoint and releases or rolls back the savepoint as the write
/// asks. An error ending the savepoint means the transaction itself is gone (SQLite rolls a
/// transaction back by itself after some I/O errors): the group must not go on.
fn in_savepoint(txn: &DatabaseTransaction, job: GroupedWrite) -> Result<Finish, (Finish, DbErr)> {
    let savepoint = match txn.begin() {
        Ok(sp) => sp,
        Err(e) => {
            let (_, finish) = job(Err(e.clone()));
            return Err((finish, e));
        }
    };
    let (keep, finish) = run_guarded(job, &savepoint);
    let ended = if keep {
        savepoint.commit()
    } else {
        savepoint.rollback()
    };
    match ended {
        Ok(()) => Ok(finish),
        Err(e) => Err((finish, e)),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use sea_orm::{ConnectionTrait, DbBackend, Statement};

    use super::super::Storage;
    use super::*;

    fn storage() -> (tempfile::TempDir, Arc<Storage>) {
        let dir = tempfile::tempdir().expect("test setup");
        let storage = Storage::open(&dir.path().join("data.db"), 1).expect("test setup");
        storage
            .write_blocking(|c| {
                c.execute_unprepared("CREATE TABLE t (id INTEGER PRIMARY KEY)")
                    .map(drop)
            })
            .expect("test setup")
            .expect("test setup");
        (dir, Arc::new(storage))
    }

    fn insert(conn: &impl ConnectionTrait, id: i64) -> Result<(), DbErr> {
        conn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Sqlite,
            "INSERT INTO t (id) VALUES (?)",
            [id.into()],
        ))
        .map(drop)
    }

    async fn ids(storage: &Storage) -> Vec<i64> {
        storage
            .read(|c| {
                c.query_all_raw(Statement::from_string(
                    DbBackend::Sqlite,
                    "SELECT id FROM t ORDER BY id",
                ))
                .expect("query")
                .iter()
                .map(|r| r.try_get_by_index::<i64>(0).expect("id"))
                .collect()
            })
            .await
            .expect("read")
    }

    /// Holds the writer with a solo job until the returned sender is used, so that what is
    /// queued meanwhile reaches it together (the held job is no longer in the queue, and the
    /// data version has settled from the jobs before it).
    fn hold_writer(storage: &Storage) -> std::sync::mpsc::Sender<()> {
        let (release, gate) = std::sync::mpsc::channel::<()>();
        let (started_tx, started) = std::sync::mpsc::channel::<()>();
        let job: Job = Box::new(move |_| {
            let _ = started_tx.send(());
            let _ = gate.recv();
        });
        Storage::send(&storage.writer, WriterJob::Solo(job)).expect("queue");
        started.recv().expect("the writer took the job");
        release
    }

    async fn wait_until_queued(storage: &Storage, n: usize) {
        for _ in 0..500 {
            let queued = storage
                .writer
                .lock()
                .expect("lock")
                .as_ref()
                .map_or(0, flume::Sender::len);
            if queued >= n {
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        panic!("{n} jobs were never queued");
    }

    /// The data version once the writer has settled (answers go out just before it does).
    async fn settled_version(storage: &Storage) -> u64 {
        for _ in 0..500 {
            if let Some(v) = storage.version.stable() {
                return v;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        panic!("the data version never settled");
    }

    #[tokio::test]
    async fn queued_writes_share_one_commit_and_failed_ones_roll_back_alone() {
        let (_dir, storage) = storage();
        let release = hold_writer(&storage);
        let before = storage.version.stable().expect("settled");
        let mut tasks = Vec::new();
        for id in 0..20_i64 {
            let storage = storage.clone();
            tasks.push(tokio::spawn(async move {
                storage
                    .write_grouped(move |txn| {
                        insert(txn, id)?;
                        // The first write (0) fails too: it runs without a savepoint.
                        if id % 2 == 0 {
                            return Err(DbErr::Custom(format!("refused {id}")));
                        }
                        Ok(id)
                    })
                    .await
            }));
        }
        wait_until_queued(&storage, 20).await;
        release.send(()).expect("release");
        for (id, task) in (0..20_i64).zip(tasks) {
            let answer = task.await.expect("task").expect("storage");
            if id % 2 == 0 {
                assert!(matches!(answer, Err(DbErr::Custom(m)) if m == format!("refused {id}")));
            } else {
                assert_eq!(answer.expect("kept"), id);
            }
        }
        assert_eq!(ids(&storage).await, (1..20).step_by(2).collect::<Vec<_>>());
        assert_eq!(
            settled_version(&storage).await,
            before + 2,
            "the failed first write rolled back alone, one commit for the other nineteen"
        );
    }

    #[tokio::test]
    async fn a_solo_job_ends_the_group_and_sees_what_came_before_it() {
        let (_dir, storage) = storage();
        let release = hold_writer(&storage);
        let before = storage.version.stable().expect("settled");
        let first = {
            let storage = storage.clone();
            tokio::spawn(async move { storage.write_grouped(|txn| insert(txn, 1)).await })
        };
        wait_until_queued(&storage, 1).await;
        let solo = {
            let storage = storage.clone();
            tokio::spawn(async move {
                storage
                    .write(|c| {
                        c.query_one_raw(Statement::from_string(
                            DbBackend::Sqlite,
                            "SELECT COUNT(*) FROM t",
                        ))
                        .expect("count")
                        .and_then(|r| r.try_get_by_index::<i64>(0).ok())
                    })
                    .await
            })
        };
        wait_until_queued(&storage, 2).await;
        let last = {
            let storage = storage.clone();
            tokio::spawn(async move { storage.write_grouped(|txn| insert(txn, 2)).await })
        };
        wait_until_queued(&storage, 3).await;
        release.send(()).expect("release");
        first.await.expect("task").expect("storage").expect("write");
        assert_eq!(solo.await.expect("task").expect("storage"), Some(1));
        last.await.expect("task").expect("storage").expect("write");
        assert_eq!(ids(&storage).await, vec![1, 2]);
        assert_eq!(settled_version(&storage).await, before + 4, "two commits");
    }

    #[tokio::test]
    async fn a_panicking_write_fails_alone() {
        let (_dir, storage) = storage();
        let release = hold_writer(&storage);
        let mut tasks = Vec::new();
        for id in 0..3_i64 {
            let storage = storage.clone();
            tasks.push(tokio::spawn(async move {
                storage
                    .write_grouped(move |txn| {
                        insert(txn, id)?;
                        assert_ne!(id, 1, "job 1 panics");
                        Ok::<_, DbErr>(())
                    })
                    .await
            }));
        }
        wait_until_queued(&storage, 3).await;
        release.send(()).expect("release");
        let answers: Vec<_> = futures_util::future::join_all(tasks).await;
        assert!(answers[0].as_ref().expect("task").is_ok());
        assert!(matches!(
            answers[1],
            Ok(Err(super::super::StorageError::Closed))
        ));
        assert!(answers[2].as_ref().expect("task").is_ok());
        assert_eq!(ids(&storage).await, vec![0, 2]);
    }
}
