//! Write sessions: one transaction on the writer thread that stays open while an async caller
//! sends it several jobs (the batch API). The writer is held for the whole session, so the
//! transaction still never spans another writer's work; a deadline bounds it, and a session
//! dropped without `commit` rolls back.

use std::time::{Duration, Instant};

use sea_orm::{DatabaseTransaction, DbErr};

use super::conn::AnyConn;
use super::{Storage, StorageError};

type SessionJob = Box<dyn FnOnce(&AnyConn<'_>) + Send>;

enum Msg {
    Job(SessionJob),
    Finish {
        commit: bool,
        reply: tokio::sync::oneshot::Sender<Result<(), DbErr>>,
    },
}

/// An open write transaction.
pub struct Session {
    tx: flume::Sender<Msg>,
}

fn finish(txn: DatabaseTransaction, commit: bool) -> Result<(), DbErr> {
    if commit { txn.commit() } else { txn.rollback() }
}

impl Storage {
    /// Opens a session; it rolls back by itself after `timeout`.
    pub async fn session(&self, timeout: Duration) -> Result<Session, StorageError> {
        let (tx, rx) = flume::unbounded::<Msg>();
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel::<Result<(), DbErr>>();
        // The writer job returns when the session ends; nobody awaits it.
        let job: super::Job = Box::new(move |conn| {
            let deadline = Instant::now() + timeout;
            let txn = match super::begin_write(conn) {
                Ok(t) => t,
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                    return;
                }
            };
            let _ = ready_tx.send(Ok(()));
            loop {
                let left = deadline.saturating_duration_since(Instant::now());
                match rx.recv_timeout(left) {
                    Ok(Msg::Job(job)) => job(&AnyConn::Txn(&txn)),
                    Ok(Msg::Finish { commit, reply }) => {
                        let _ = reply.send(finish(txn, commit));
                        return;
                    }
                    Err(_) => {
                        tracing::warn!("write session timed out or was dropped; rolling back");
                        if let Err(e) = txn.rollback() {
                            tracing::error!(error = %e, "session rollback failed");
                        }
                        return;
                    }
                }
            }
        });
        Self::send(&self.writer, super::WriterJob::Solo(job))?;
        ready_rx.await.map_err(|_| StorageError::Closed)??;
        Ok(Session { tx })
    }
}

impl Session {
    /// Runs `f` inside the session's transaction.
    pub async fn run<T, F>(&self, f: F) -> Result<T, StorageError>
    where
        T: Send + 'static,
        F: FnOnce(&AnyConn<'_>) -> T + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: SessionJob = Box::new(move |conn| {
            let _ = tx.send(f(conn));
        });
        self.tx
            .send(Msg::Job(job))
            .map_err(|_| StorageError::Closed)?;
        rx.await.map_err(|_| StorageError::Closed)
    }

    async fn end(self, commit: bool) -> Result<(), StorageError> {
        let (reply, rx) = tokio::sync::oneshot::channel();
        self.tx
            .send(Msg::Finish { commit, reply })
            .map_err(|_| StorageError::Closed)?;
        Ok(rx.await.map_err(|_| StorageError::Closed)??)
    }

    pub async fn commit(self) -> Result<(), StorageError> {
        self.end(true).await
    }

    pub async fn rollback(self) -> Result<(), StorageError> {
        self.end(false).await
    }
}
