//! Cron: named handlers on [`Schedule`]s, ticked at the start of every UTC minute while the
//! server runs (as PocketBase's `app.Cron()`); `GET /api/crons` lists them and
//! `POST /api/crons/{id}` runs one now.
//!
//! ```
//! # use cairn::jobs::Crons;
//! let crons = Crons::default();
//! crons.add("digest", "0 8 * * 1", |_core| async move {
//!     // … send the weekly digest …
//! }).expect("a valid expression");
//! assert_eq!(crons.list()[0].expression, "0 8 * * 1");
//! ```

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use chrono::{DurationRound, Utc};
use serde::Serialize;

use super::schedule::{Schedule, ScheduleError};
use crate::core::Core;
use crate::hooks::BoxFuture;

type CronHandler = Arc<dyn Fn(Arc<Core>) -> BoxFuture<()> + Send + Sync>;

struct CronJob {
    expression: String,
    schedule: Schedule,
    handler: CronHandler,
}

/// One entry of `GET /api/crons` (PocketBase's shape).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CronInfo {
    pub id: String,
    pub expression: String,
}

/// The registered cron jobs, by id.
#[derive(Default)]
pub struct Crons {
    jobs: RwLock<BTreeMap<String, CronJob>>,
    started: AtomicBool,
}

impl Crons {
    /// Registers (or replaces) the job `id`; a bad expression is refused.
    pub fn add<F, Fut>(&self, id: &str, expression: &str, handler: F) -> Result<(), ScheduleError>
    where
        F: Fn(Arc<Core>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        if id.trim().is_empty() {
            return Err(ScheduleError("a cron job needs an id".into()));
        }
        let schedule = Schedule::parse(expression)?;
        let handler: CronHandler = Arc::new(move |core| Box::pin(handler(core)));
        if let Ok(mut jobs) = self.jobs.write() {
            jobs.insert(
                id.to_string(),
                CronJob {
                    expression: expression.trim().to_string(),
                    schedule,
                    handler,
                },
            );
        }
        Ok(())
    }

    pub fn remove(&self, id: &str) -> bool {
        self.jobs
            .write()
            .map(|mut j| j.remove(id).is_some())
            .unwrap_or(false)
    }

    /// Every job in PocketBase's order: the app's own sorted by id, then the built-in `__pb…`
    /// ones in the order PocketBase registers them.
    pub fn list(&self) -> Vec<CronInfo> {
        let mut list: Vec<CronInfo> = self
            .jobs
            .read()
            .map(|jobs| {
                jobs.iter()
                    .map(|(id, j)| CronInfo {
                        id: id.clone(),
                        expression: j.expression.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let rank = |id: &str| -> usize {
            if !id.starts_with("__pb") {
                return 0;
            }
            1 + super::builtin::ORDER
                .iter()
                .position(|b| *b == id)
                .unwrap_or(super::builtin::ORDER.len())
        };
        // Stable: ids stay sorted within a rank (the map is sorted).
        list.sort_by_key(|c| rank(&c.id));
        list
    }

    fn handler(&self, id: &str) -> Option<CronHandler> {
        self.jobs.read().ok()?.get(id).map(|j| j.handler.clone())
    }

    /// Runs job `id` now in the background; `false` when there is no such job.
    pub fn run_now(core: &Arc<Core>, id: &str) -> bool {
        let Some(handler) = core.crons.handler(id) else {
            return false;
        };
        spawn_run(core.clone(), id.to_string(), handler);
        true
    }

    /// Starts the minute ticker (once; `serve` and tests call it).
    pub fn start(core: &Arc<Core>) {
        if core.crons.started.swap(true, Ordering::AcqRel) {
            return;
        }
        let weak = Arc::downgrade(core);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(to_next_minute()).await;
                let Some(core) = weak.upgrade() else { return };
                // The minute that just began (the sleep may overshoot by a little).
                let now = Utc::now();
                let due: Vec<(String, CronHandler)> = core
                    .crons
                    .jobs
                    .read()
                    .map(|jobs| {
                        jobs.iter()
                            .filter(|(_, j)| j.schedule.is_due(now))
                            .map(|(id, j)| (id.clone(), j.handler.clone()))
                            .collect()
                    })
                    .unwrap_or_default();
                for (id, handler) in due {
                    spawn_run(core.clone(), id, handler);
                }
            }
        });
    }
}

fn spawn_run(core: Arc<Core>, id: String, handler: CronHandler) {
    tokio::spawn(async move {
        tracing::debug!(cron = %id, "cron job started");
        // A panicking handler must not take the ticker down; its task ends, the next tick runs.
        if futures_util::FutureExt::catch_unwind(std::panic::AssertUnwindSafe(handler(core)))
            .await
            .is_err()
        {
            tracing::error!(cron = %id, "cron job panicked");
        }
    });
}

/// Time until the next full minute (plus a few ms, so the tick lands inside it).
fn to_next_minute() -> std::time::Duration {
    let now = Utc::now();
    let floor = now
        .duration_trunc(chrono::Duration::minutes(1))
        .unwrap_or(now);
    let next = floor + chrono::Duration::minutes(1) + chrono::Duration::milliseconds(5);
    (next - now)
        .to_std()
        .unwrap_or(std::time::Duration::from_secs(60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_are_listed_by_id_and_bad_expressions_refused() {
        let crons = Crons::default();
        crons.add("b", "@hourly", |_| async {}).expect("valid");
        crons.add("a", "*/5 * * * *", |_| async {}).expect("valid");
        assert!(crons.add("c", "every day", |_| async {}).is_err());
        assert!(crons.add(" ", "@daily", |_| async {}).is_err());
        let ids: Vec<String> = crons.list().into_iter().map(|c| c.id).collect();
        assert_eq!(ids, vec!["a", "b"]);
        assert!(crons.remove("a"));
        assert!(!crons.remove("a"));
    }

    #[test]
    fn the_next_tick_is_within_a_minute() {
        let d = to_next_minute();
        assert!(d > std::time::Duration::ZERO);
        assert!(d <= std::time::Duration::from_millis(60_005));
    }
}
