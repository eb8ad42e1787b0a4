//! The in-transaction record hook: synchronous handlers that run inside the transaction of a
//! record write, right after the row is written and before it commits. Whatever they write
//! through [`TxEvent::conn`] (or a job they queue with [`TxEvent::enqueue`]) commits or rolls
//! back with the record; an error refuses the whole write.
//!
//! They run on the single writer thread, so they must be short: no network, no sleeping. Use
//! them to keep data consistent (a membership row beside a new workspace) and to queue durable
//! jobs for the slow part (an LLM call).
//!
//! ```
//! # use cairn::hooks::Hooks;
//! # use cairn::hooks::tx::TxAction;
//! # use serde_json::json;
//! let hooks = Hooks::default();
//! hooks.on_record_tx.add(0, |e| {
//!     if e.action == TxAction::Create && e.record.collection.name == "messages" {
//!         e.enqueue("reply", &json!({"message": e.record.id()}), &Default::default())?;
//!     }
//!     Ok(())
//! });
//! ```

use std::cell::Cell;
use std::sync::{Arc, RwLock};

use serde_json::Value;

use crate::error::ApiError;
use crate::jobs::{Enqueue, Job};
use crate::records::Record;
use crate::storage::AnyConn;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxAction {
    Create,
    Update,
    Delete,
}

/// One record write, seen from inside its transaction.
pub struct TxEvent<'a> {
    pub action: TxAction,
    /// The record as written (sealed fields already sealed); for a delete, the deleted record.
    pub record: &'a Record,
    /// The stored record before an update.
    pub original: Option<&'a Record>,
    conn: &'a AnyConn<'a>,
    enqueued: Cell<bool>,
}

impl<'a> TxEvent<'a> {
    pub(crate) fn new(
        action: TxAction,
        record: &'a Record,
        original: Option<&'a Record>,
        conn: &'a AnyConn<'a>,
    ) -> Self {
        Self {
            action,
            record,
            original,
            conn,
            enqueued: Cell::new(false),
        }
    }

    /// The write's open transaction.
    pub fn conn(&self) -> &AnyConn<'a> {
        self.conn
    }

    /// Queues a durable job in this transaction: it exists exactly when the write commits, and
    /// the job runner is woken once it has.
    pub fn enqueue(&self, name: &str, payload: &Value, opts: &Enqueue) -> Result<Job, ApiError> {
        let job = crate::jobs::store::enqueue(self.conn, name, payload, opts)
            .map_err(ApiError::internal)?;
        self.enqueued.set(true);
        Ok(job)
    }

    pub(crate) fn enqueued(&self) -> bool {
        self.enqueued.get()
    }
}

type TxHandler = Arc<dyn Fn(&TxEvent<'_>) -> Result<(), ApiError> + Send + Sync>;

/// Handlers of [`TxEvent`], by ascending priority then registration order.
#[derive(Default)]
pub struct TxHook {
    handlers: RwLock<Vec<(i32, TxHandler)>>,
}

/// The handlers registered when a write started (taken before it is queued to the writer).
#[derive(Clone, Default)]
pub struct TxHandlers(Vec<TxHandler>);

impl TxHook {
    /// Registers a handler; lower `priority` runs first.
    pub fn add<F>(&self, priority: i32, handler: F)
    where
        F: Fn(&TxEvent<'_>) -> Result<(), ApiError> + Send + Sync + 'static,
    {
        if let Ok(mut handlers) = self.handlers.write() {
            super::insert_by_priority(&mut handlers, priority, Arc::new(handler) as TxHandler);
        }
    }

    pub fn handlers(&self) -> TxHandlers {
        TxHandlers(
            self.handlers
                .read()
                .map(|h| h.iter().map(|(_, f)| f.clone()).collect())
                .unwrap_or_default(),
        )
    }
}

impl TxHandlers {
    /// Runs every handler; returns whether any of them queued a job.
    pub fn run(
        &self,
        conn: &AnyConn<'_>,
        action: TxAction,
        record: &Record,
        original: Option<&Record>,
    ) -> Result<bool, ApiError> {
        if self.0.is_empty() {
            return Ok(false);
        }
        let event = TxEvent::new(action, record, original, conn);
        for handler in &self.0 {
            handler(&event)?;
        }
        Ok(event.enqueued())
    }
}
