//! Where record work runs: directly (reads on a reader thread; each write in its own savepoint
//! of a writer transaction that writes queued together share, see `storage::writer`) or inside
//! a batch [`Session`] (everything in one transaction, after-success hooks deferred until it
//! commits).

use std::sync::{Arc, Mutex};

use crate::core::Core;
use crate::error::ApiError;
use crate::hooks::{Hook, RecordEvent};
use crate::schema::Snapshot;
use crate::storage::{AnyConn, Session};

use sea_orm::DbErr;
use serde_json::Value;

use super::Record;
use super::expand::ExpandTree;
use super::persist::PersistError;
use super::resolver::RequestInfo;

/// Work deferred until the batch commits (after-success hooks, realtime events).
type AfterJob = Box<dyn FnOnce(&Arc<Core>) + Send>;

/// A batch's open transaction plus the after-success events to fire once it commits.
pub struct BatchSession {
    session: Session,
    after: Mutex<Vec<AfterJob>>,
}

impl BatchSession {
    pub fn new(session: Session) -> Self {
        Self {
            session,
            after: Mutex::new(Vec::new()),
        }
    }

    /// Commits and fires the deferred after-success hooks.
    pub async fn commit(self, core: &Arc<Core>) -> Result<(), ApiError> {
        self.session.commit().await?;
        let jobs = self.after.into_inner().unwrap_or_default();
        for job in jobs {
            job(core);
        }
        Ok(())
    }

    pub async fn rollback(self) -> Result<(), ApiError> {
        Ok(self.session.rollback().await?)
    }
}

#[derive(Clone, Default)]
pub enum Exec {
    #[default]
    Direct,
    Batch(Arc<BatchSession>),
}

fn spawn_after(core: &Arc<Core>, hook: fn(&Core) -> &Hook<RecordEvent>, event: RecordEvent) {
    let core = core.clone();
    tokio::spawn(async move {
        if let Err(e) = hook(&core).trigger(event, |e| async move { Ok(e) }).await {
            tracing::warn!(error = %e, "after-success hook failed");
        }
    });
}

impl Exec {
    /// Runs a read (inside the batch transaction when batching, so earlier writes are seen).
    pub async fn read<T, F>(&self, core: &Core, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&AnyConn<'_>) -> T + Send + 'static,
    {
        match self {
            Self::Direct => Ok(core.storage.read(move |c| f(&AnyConn::Conn(c))).await?),
            Self::Batch(b) => Ok(b.session.run(f).await?),
        }
    }

    /// `records` rendered for the requester with `tree` expanded: through the read cache, or
    /// inside the batch (so expansions see its writes).
    pub async fn expand(
        &self,
        core: &Arc<Core>,
        info: RequestInfo,
        records: Vec<Record>,
        tree: ExpandTree,
    ) -> Result<Result<Vec<Value>, DbErr>, ApiError> {
        let snapshot = core.schema.load();
        match self {
            Self::Direct => {
                Ok(super::cached_read::expand(core, snapshot, info, records, tree).await?)
            }
            Self::Batch(_) => {
                self.read(core, move |conn| {
                    let src = super::expand::Direct(conn);
                    super::expand::render(&src, &snapshot, &info, &records, Some(&tree))
                })
                .await
            }
        }
    }

    /// Runs a write with the current schema snapshot: in its own transaction, or in the batch's.
    pub async fn write<T, F>(&self, core: &Core, message: &'static str, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&AnyConn<'_>, &Snapshot) -> Result<T, PersistError> + Send + 'static,
    {
        let cache = core.schema.clone();
        match self {
            Self::Direct => core
                .storage
                .write_grouped(move |txn| f(&AnyConn::Txn(txn), &cache.load()))
                .await?
                .map_err(|e| e.into_api(message)),
            Self::Batch(b) => {
                b.session
                    .run(move |conn| f(conn, &cache.load()).map_err(|e| e.into_api(message)))
                    .await?
            }
        }
    }

    /// Runs `job` now (the write has committed), or once the batch commits.
    fn defer(&self, core: &Arc<Core>, job: AfterJob) {
        match self {
            Self::Direct => job(core),
            Self::Batch(b) => {
                if let Ok(mut jobs) = b.after.lock() {
                    jobs.push(job);
                }
            }
        }
    }

    /// Wakes the job runner once the write committed (a transaction hook queued a job).
    pub fn wake_jobs(&self, core: &Arc<Core>) {
        self.defer(core, Box::new(|core| core.jobs.wake()));
    }

    /// Fires an after-success hook now, or after the batch commits.
    pub fn after(
        &self,
        core: &Arc<Core>,
        hook: fn(&Core) -> &Hook<RecordEvent>,
        event: RecordEvent,
    ) {
        self.defer(core, Box::new(move |core| spawn_after(core, hook, event)));
    }

    /// Publishes a committed change to realtime subscribers (after the batch commits).
    pub fn publish(
        &self,
        core: &Arc<Core>,
        action: crate::realtime::Action,
        record: super::Record,
    ) {
        self.defer(
            core,
            Box::new(move |core| core.realtime.enqueue(core, action, record)),
        );
    }
}
