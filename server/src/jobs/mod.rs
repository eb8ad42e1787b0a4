//! Durable jobs and cron; knows no transport.
//!
//! **Jobs** live in the `_jobs` table ([`store`]): queued from a hook, a route or any server
//! code with [`store::enqueue`] — inside the transaction of the write that caused them when
//! called there — and run by named handlers registered on [`Jobs`]. Delivery is at least once:
//! a handler may run again after a crash, so it should be idempotent. A running job holds a
//! lease that its runner renews; when the process dies (kill -9) the lease runs out and the job
//! is claimed again after restart. Failed attempts are retried with exponential backoff (or
//! after the time the handler asks for, e.g. a provider's `Retry-After`) up to `max_attempts`.
//! Superusers see and steer jobs at `/api/jobs`; every change is published on realtime topic
//! `_jobs/*`.
//!
//! **Cron** ([`cron`]): handlers on PocketBase-syntax schedules ([`schedule`]), listed at
//! `/api/crons` and runnable on demand; PocketBase's own jobs (log, MFA and OTP clean-up, DB
//! optimize) are registered by [`builtin`].
//!
//! ```
//! # use cairn::jobs::{Jobs, JobOptions};
//! let jobs = Jobs::default();
//! jobs.handle("email.welcome", JobOptions::default(), |ctx| async move {
//!     let to = ctx.payload["to"].as_str().unwrap_or_default().to_string();
//!     // … send the mail …
//!     Ok(serde_json::json!({ "sent": to }))
//! });
//! ```

pub mod builtin;
pub mod cron;
pub mod listing;
mod runner;
pub mod schedule;
pub mod store;

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::Notify;

pub use cron::Crons;
pub use store::{Enqueue, Job, Status};

use crate::core::Core;
use crate::hooks::BoxFuture;

/// How a handler's attempt failed.
#[derive(Debug, Clone, PartialEq)]
pub enum JobError {
    /// Try again (after `after`, or the handler's backoff) while attempts remain.
    Retry {
        message: String,
        after: Option<Duration>,
    },
    /// Do not try again: the job ends `failed` with this message.
    Fatal(String),
}

impl JobError {
    pub fn retry(message: impl Into<String>) -> Self {
        Self::Retry {
            message: message.into(),
            after: None,
        }
    }

    pub fn retry_after(message: impl Into<String>, after: Duration) -> Self {
        Self::Retry {
            message: message.into(),
            after: Some(after),
        }
    }

    pub fn fatal(message: impl Into<String>) -> Self {
        Self::Fatal(message.into())
    }

    pub fn message(&self) -> &str {
        match self {
            Self::Retry { message, .. } | Self::Fatal(message) => message,
        }
    }
}

/// Per-handler settings.
#[derive(Debug, Clone)]
pub struct JobOptions {
    /// How long a claimed job is reserved for its runner; renewed every third of it while the
    /// handler runs. After a crash the job runs again once this has passed.
    pub lease: Duration,
    /// The first retry's delay; each later one doubles it (capped at `max_backoff`).
    pub backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for JobOptions {
    fn default() -> Self {
        Self {
            lease: Duration::from_secs(30),
            backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(600),
        }
    }
}

impl JobOptions {
    /// The delay before retry number `attempt` (1 = after the first failure).
    pub fn backoff_for(&self, attempt: u32) -> Duration {
        let factor = 1u32
            .checked_shl(attempt.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.backoff.saturating_mul(factor).min(self.max_backoff)
    }
}

/// What a handler gets: the job, the engine, progress reporting and cancellation.
#[derive(Clone)]
pub struct JobContext {
    pub id: String,
    pub name: String,
    pub payload: Value,
    /// 1 for the first attempt.
    pub attempt: u32,
    pub core: Arc<Core>,
    cancelled: Arc<CancelFlag>,
}

impl JobContext {
    /// Stores and publishes the job's progress (any JSON, e.g. `{"done": 3, "of": 10}`).
    pub async fn progress(&self, progress: Value) {
        let id = self.id.clone();
        match self
            .core
            .storage
            .write(move |conn| store::set_progress(conn, &id, &progress))
            .await
        {
            Ok(Ok(Some(job))) => runner::publish(&self.core, "update", &job),
            Ok(Ok(None)) => {}
            Ok(Err(e)) => tracing::warn!(job = %self.id, error = %e, "storing job progress"),
            Err(e) => tracing::warn!(job = %self.id, error = %e, "storing job progress"),
        }
    }

    /// Whether a superuser cancelled the job (the runner also stops awaiting the handler).
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.flag.load(Ordering::Acquire)
    }
}

#[derive(Default)]
struct CancelFlag {
    flag: AtomicBool,
    notify: Notify,
}

impl CancelFlag {
    fn cancel(&self) {
        self.flag.store(true, Ordering::Release);
        self.notify.notify_waiters();
    }

    async fn cancelled(&self) {
        loop {
            let wait = self.notify.notified();
            if self.flag.load(Ordering::Acquire) {
                return;
            }
            wait.await;
        }
    }
}

type Handler = Arc<dyn Fn(JobContext) -> BoxFuture<Result<Value, JobError>> + Send + Sync>;

struct Registered {
    options: JobOptions,
    handler: Handler,
}

/// Job handlers by name, the running jobs, and the runner's wake-up signal.
pub struct Jobs {
    handlers: RwLock<HashMap<String, Arc<Registered>>>,
    running: Mutex<HashMap<String, Arc<CancelFlag>>>,
    wake: Notify,
    started: AtomicBool,
    /// Jobs run at once by this process.
    pub concurrency: usize,
}

impl Default for Jobs {
    fn default() -> Self {
        Self {
            handlers: RwLock::new(HashMap::new()),
            running: Mutex::new(HashMap::new()),
            wake: Notify::new(),
            started: AtomicBool::new(false),
            concurrency: 8,
        }
    }
}

impl Jobs {
    /// Registers (or replaces) the handler for jobs named `name`.
    pub fn handle<F, Fut>(&self, name: &str, options: JobOptions, handler: F)
    where
        F: Fn(JobContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Value, JobError>> + Send + 'static,
    {
        let handler: Handler = Arc::new(move |ctx| Box::pin(handler(ctx)));
        if let Ok(mut h) = self.handlers.write() {
            h.insert(name.to_string(), Arc::new(Registered { options, handler }));
        }
        self.wake.notify_one();
    }

    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .handlers
            .read()
            .map(|h| h.keys().cloned().collect())
            .unwrap_or_default();
        names.sort();
        names
    }

    fn get(&self, name: &str) -> Option<Arc<Registered>> {
        self.handlers.read().ok()?.get(name).cloned()
    }

    /// Tells the runner to look for due jobs now (call after a transaction that enqueued one
    /// has committed; enqueueing through [`Jobs::enqueue`] does it for you).
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Queues a job in its own transaction, publishes it and wakes the runner.
    pub async fn enqueue(
        core: &Arc<Core>,
        name: &str,
        payload: Value,
        opts: Enqueue,
    ) -> Result<Job, crate::error::ApiError> {
        let name = name.to_string();
        let job = core
            .storage
            .write(move |conn| store::enqueue(conn, &name, &payload, &opts))
            .await?
            .map_err(crate::error::ApiError::internal)?;
        runner::publish(core, "create", &job);
        core.jobs.wake();
        Ok(job)
    }

    /// Cancels a job: stored as `cancelled`, and a running handler is no longer awaited.
    pub async fn cancel(core: &Arc<Core>, id: &str) -> Result<Option<Job>, crate::error::ApiError> {
        let id2 = id.to_string();
        let job = core
            .storage
            .write(move |conn| store::cancel(conn, &id2))
            .await?
            .map_err(crate::error::ApiError::internal)?;
        if let Some(job) = &job {
            if let Some(flag) = core
                .jobs
                .running
                .lock()
                .ok()
                .and_then(|r| r.get(id).cloned())
            {
                flag.cancel();
            }
            runner::publish(core, "update", job);
        }
        Ok(job)
    }

    /// Queues an ended job again with a fresh attempt budget.
    pub async fn retry(core: &Arc<Core>, id: &str) -> Result<Option<Job>, crate::error::ApiError> {
        let id2 = id.to_string();
        let job = core
            .storage
            .write(move |conn| store::retry(conn, &id2))
            .await?
            .map_err(crate::error::ApiError::internal)?;
        if let Some(job) = &job {
            runner::publish(core, "update", job);
            core.jobs.wake();
        }
        Ok(job)
    }

    /// Starts the runner (once; `serve` and tests call it, CLI commands do not).
    pub fn start(core: &Arc<Core>) {
        if !core.jobs.started.swap(true, Ordering::AcqRel) {
            runner::spawn(core);
        }
    }
}
