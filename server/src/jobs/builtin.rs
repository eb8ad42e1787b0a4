//! PocketBase's built-in cron jobs, under its ids and schedules (0.40.6's `GET /api/crons`):
//! `__pbLogsCleanup__` (every 6 hours: request logs older than `settings.logs.maxDays`),
//! `__pbMFACleanup__` and `__pbOTPCleanup__` (hourly: MFA sessions and one-time passwords past
//! their collection's `mfa.duration` / `otp.duration`, also for collections that have the
//! feature off, so nothing lingers), `__pbDBOptimize__` (daily: WAL checkpoint and
//! `PRAGMA optimize`).

use std::sync::Arc;

use sea_orm::{ConnectionTrait, DbBackend, Statement};

use super::Crons;
use crate::core::Core;

/// The built-in ids in PocketBase's registration order (the order `GET /api/crons` lists them).
pub const ORDER: [&str; 4] = [
    "__pbDBOptimize__",
    "__pbMFACleanup__",
    "__pbOTPCleanup__",
    "__pbLogsCleanup__",
];

/// Registers the built-in jobs a hook module did not already register under the same id.
pub fn register(crons: &Crons) -> Result<(), super::schedule::ScheduleError> {
    let taken: Vec<String> = crons.list().into_iter().map(|c| c.id).collect();
    let crons = Unless { crons, taken };
    crons.add(
        "__pbLogsCleanup__",
        "0 */6 * * *",
        |core: Arc<Core>| async move {
            let days = core.settings.get()["logs"]["maxDays"].as_i64().unwrap_or(0);
            let deleted = core.logs.delete_older_than(days.max(0)).await;
            tracing::debug!(deleted, "old request logs deleted");
        },
    )?;
    crons.add(
        "__pbMFACleanup__",
        "0 * * * *",
        |core: Arc<Core>| async move {
            delete_expired(&core, "_mfas", "mfa", 600).await;
        },
    )?;
    crons.add(
        "__pbOTPCleanup__",
        "0 * * * *",
        |core: Arc<Core>| async move {
            delete_expired(&core, "_otps", "otp", 180).await;
        },
    )?;
    crons.add(
        "__pbDBOptimize__",
        "0 0 * * *",
        |core: Arc<Core>| async move {
            let done = core
                .storage
                .write(|conn| {
                    conn.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")?;
                    conn.execute_unprepared("PRAGMA optimize")
                })
                .await;
            if !matches!(done, Ok(Ok(_))) {
                tracing::warn!("periodic PRAGMA optimize failed");
            }
        },
    )?;
    Ok(())
}

/// [`Crons::add`] unless the id is taken.
struct Unless<'a> {
    crons: &'a Crons,
    taken: Vec<String>,
}

impl Unless<'_> {
    fn add<F, Fut>(
        &self,
        id: &str,
        expression: &str,
        handler: F,
    ) -> Result<(), super::schedule::ScheduleError>
    where
        F: Fn(Arc<Core>) -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        if self.taken.iter().any(|t| t == id) {
            return Ok(());
        }
        self.crons.add(id, expression, handler)
    }
}

/// Deletes the rows of `table` (`_mfas` / `_otps`) older than each auth collection's
/// `<option>.duration` seconds (`default` when unset).
async fn delete_expired(core: &Core, table: &'static str, option: &'static str, default: i64) {
    let cutoffs: Vec<(String, String)> = core
        .schema
        .load()
        .collections
        .iter()
        .filter_map(|c| {
            let secs = c.auth.as_ref()?.options.get(option)?["duration"]
                .as_i64()
                .unwrap_or(default);
            let cutoff = chrono::Utc::now() - chrono::Duration::seconds(secs);
            Some((c.id.clone(), crate::schema::ids::format_datetime(cutoff)))
        })
        .collect();
    let done = core
        .storage
        .write(move |conn| {
            for (collection, cutoff) in cutoffs {
                conn.execute_raw(Statement::from_sql_and_values(
                    DbBackend::Sqlite,
                    format!(
                        "DELETE FROM \"{table}\" WHERE \"collectionRef\" = ? AND \"created\" < ?"
                    ),
                    [collection.into(), cutoff.into()],
                ))?;
            }
            Ok::<_, sea_orm::DbErr>(())
        })
        .await;
    if !matches!(done, Ok(Ok(()))) {
        tracing::warn!(table, "deleting expired rows failed");
    }
}
