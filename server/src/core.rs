//! The engine's shared state: storage threads, the schema cache and the hook registry. Every
//! layer below `http` works on a `Core`; `app` builds one and `http` holds it.

use std::sync::Arc;

use crate::hooks::Hooks;
use crate::schema::SchemaCache;
use crate::storage::Storage;

pub struct Core {
    pub storage: Storage,
    pub schema: Arc<SchemaCache>,
    pub hooks: Hooks,
    pub settings: crate::settings::Settings,
    pub realtime: crate::realtime::Broker,
    /// Uploaded files: the local or S3 store (per settings), thumbnails.
    pub files: crate::files::Files,
    /// Rows and list totals reused until the next commit.
    pub read_cache: crate::records::cache::ReadCache,
    /// Custom routes registered by hook modules (mounted by `http`).
    pub routes: crate::hooks::routes::Routes,
    /// Durable job handlers and the runner's state.
    pub jobs: crate::jobs::Jobs,
    /// Cron jobs.
    pub crons: crate::jobs::Crons,
    /// Request logs (`aux.db`).
    pub logs: crate::logs::Logs,
    /// Backup zips of the data dir.
    pub backups: Arc<crate::backups::Backups>,
    /// Counters for `GET /metrics`.
    pub metrics: crate::metrics::Metrics,
    /// A bearer secret that may read `/metrics` besides superusers (`--metrics-token`).
    pub metrics_token: Option<String>,
}

/// Brings a freshly opened (or just restored) database up to date and loads it: system
/// migrations, the default collections, the jobs table, then the schema into `cache`.
/// Returns the stored settings.
pub fn prepare_database(
    conn: &crate::storage::DatabaseConnection,
    cache: &SchemaCache,
) -> anyhow::Result<serde_json::Value> {
    crate::storage::migrations::run(conn)?;
    crate::schema::service::bootstrap(conn)?;
    crate::storage::migrations::apply_once(conn, crate::jobs::store::MIGRATION, |txn| {
        use crate::storage::ConnectionTrait;
        txn.execute_unprepared(crate::jobs::store::CREATE_TABLE)?;
        Ok(())
    })?;
    crate::schema::service::load(conn, cache)
        .map_err(|e| anyhow::anyhow!("loading schema: {e}"))?;
    crate::settings::load(conn).map_err(|e| anyhow::anyhow!("loading settings: {e}"))
}

impl Core {
    /// Runs a closure on the writer with the schema cache at hand (collection changes).
    pub async fn write_schema<T, F>(&self, f: F) -> Result<T, crate::error::ApiError>
    where
        T: Send + 'static,
        F: FnOnce(
                &crate::storage::DatabaseConnection,
                &SchemaCache,
            ) -> Result<T, crate::error::ApiError>
            + Send
            + 'static,
    {
        let cache = self.schema.clone();
        self.storage.write(move |conn| f(conn, &cache)).await?
    }
}
