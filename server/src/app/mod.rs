//! Application assembly: configuration, opening the data directory, bootstrap (system
//! migrations, default collections, schema cache), and superuser management used by the CLI.

pub mod builder;
pub mod config;
pub mod installer;
pub mod superusers;

use std::sync::Arc;

pub use config::Config;

use crate::core::Core;
use crate::hooks::Hooks;
use crate::schema::{SchemaCache, service};
use crate::storage::Storage;

/// An opened application: configuration plus the engine core.
pub struct App {
    pub config: Config,
    pub core: Arc<Core>,
}

impl App {
    /// Opens (creating if needed) the data directory and bootstraps the database.
    pub fn open(config: Config, hooks: Hooks) -> anyhow::Result<Self> {
        Self::open_with(
            config,
            builder::Extensions {
                hooks,
                ..Default::default()
            },
        )
    }

    /// Opens with a module's extensions (hooks, routes, job handlers, cron jobs).
    pub fn open_with(config: Config, ext: builder::Extensions) -> anyhow::Result<Self> {
        let builder::Extensions {
            hooks,
            routes,
            jobs,
            crons,
            core: _,
        } = ext;
        std::fs::create_dir_all(&config.dir)?;
        let storage = Storage::open(&config.db_path(), config.db_readers)?;
        let cache = Arc::new(SchemaCache::default());
        let c2 = cache.clone();
        let stored_settings =
            storage.write_blocking(move |conn| crate::core::prepare_database(conn, &c2))??;
        let sealer = crate::settings::seal::Sealer::new(config.encryption_key.as_deref())?;
        let settings = crate::settings::Settings::new(sealer);
        settings
            .check_sealed(&stored_settings)
            .map_err(|e| anyhow::anyhow!("opening the settings secrets: {e}"))?;
        settings.set(stored_settings);
        let (c3, sealer) = (cache.clone(), settings.sealer.clone());
        storage
            .write_blocking(move |conn| service::seal_stored_secrets(conn, &c3, &sealer))?
            .map_err(|e| anyhow::anyhow!("opening the OAuth2 client secrets: {e}"))?;
        let read_cache = crate::records::cache::ReadCache::new(
            storage.version.clone(),
            config.read_cache_mb.saturating_mul(1 << 20),
        );
        crate::jobs::builtin::register(&crons)
            .map_err(|e| anyhow::anyhow!("built-in cron jobs: {e}"))?;
        let logs = crate::logs::Logs::open(&config.aux_db_path())
            .map_err(|e| anyhow::anyhow!("opening the request logs (aux.db): {e}"))?;
        let core = Arc::new(Core {
            read_cache,
            storage,
            schema: cache,
            hooks,
            settings,
            realtime: crate::realtime::Broker::default(),
            files: crate::files::Files::new(config.dir.join("storage")),
            routes,
            jobs,
            crons,
            logs,
            backups: Arc::new(crate::backups::Backups::new(&config.dir)),
            metrics: crate::metrics::Metrics::default(),
            metrics_token: config.metrics_token.clone().filter(|t| !t.is_empty()),
        });
        crate::auth::refs::register_hooks(&core);
        installer::register_hooks(&core);
        Ok(Self { config, core })
    }

    /// Closes the database cleanly (after the HTTP server stopped).
    pub fn close(&self) {
        self.core.logs.flush_blocking();
        self.core.storage.close();
    }
}
