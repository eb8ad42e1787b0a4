//! Hook modules and the app builder: an app binary is `cairn` + its modules + its schema.
//!
//! A [`Module`] registers hooks, custom routes, job handlers and cron jobs on [`Extensions`]
//! before the database opens, and may prepare data once it is open ([`Module::on_open`]).
//! Handlers that need the engine outside a request (a hook that writes another record, say)
//! keep a [`CoreHandle`] and ask it at run time.
//!
//! ```no_run
//! struct Hello;
//! impl cairn::Module for Hello {
//!     fn name(&self) -> &'static str { "hello" }
//!     fn register(&self, ext: &cairn::Extensions) -> anyhow::Result<()> {
//!         ext.routes.get("/api/hello", |_req| async {
//!             Ok(cairn::hooks::routes::RouteResponse::ok(serde_json::json!({"hi": true})))
//!         });
//!         Ok(())
//!     }
//! }
//! fn main() -> std::process::ExitCode {
//!     cairn::AppBuilder::new().module(Hello).run_cli()
//! }
//! ```

use std::path::PathBuf;
use std::sync::{Arc, OnceLock, Weak};

use crate::core::Core;
use crate::hooks::Hooks;
use crate::hooks::routes::Routes;
use crate::jobs::{Crons, Jobs};

/// The engine, once it is open: clone it into handlers registered before it exists.
#[derive(Clone, Default)]
pub struct CoreHandle(Arc<OnceLock<Weak<Core>>>);

impl CoreHandle {
    /// The running engine (`None` before it opened or after it closed).
    pub fn get(&self) -> Option<Arc<Core>> {
        self.0.get()?.upgrade()
    }

    pub(crate) fn set(&self, core: &Arc<Core>) {
        let _ = self.0.set(Arc::downgrade(core));
    }
}

/// Everything a module can register.
#[derive(Default)]
pub struct Extensions {
    pub hooks: Hooks,
    pub routes: Routes,
    pub jobs: Jobs,
    pub crons: Crons,
    pub core: CoreHandle,
}

/// A hook module.
pub trait Module: Send + Sync + 'static {
    fn name(&self) -> &'static str;

    /// Registers hooks, routes, job handlers and cron jobs.
    fn register(&self, ext: &Extensions) -> anyhow::Result<()>;

    /// Runs once the database is open and the schema directories are applied (on the CLI's
    /// thread, before the server accepts requests): seed data, checks.
    fn on_open(&self, _core: &Arc<Core>) -> anyhow::Result<()> {
        Ok(())
    }
}

/// Builds an app: modules plus schema directories (each holding a `collections.json` in
/// the shape `PUT /api/collections/import` takes, applied at start without deleting anything).
#[derive(Default)]
pub struct AppBuilder {
    pub(crate) modules: Vec<Box<dyn Module>>,
    pub(crate) schema_dirs: Vec<PathBuf>,
    /// `(name, collections.json text)` compiled into the binary.
    pub(crate) schemas: Vec<(String, String)>,
}

impl AppBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn module(mut self, m: impl Module) -> Self {
        self.modules.push(Box::new(m));
        self
    }

    pub fn schema_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.schema_dirs.push(dir.into());
        self
    }

    /// A schema compiled into the binary (`include_str!` of a `collections.json`), so the app
    /// runs from any directory; `name` appears in errors.
    pub fn schema(mut self, name: &str, collections_json: &str) -> Self {
        self.schemas
            .push((name.to_string(), collections_json.to_string()));
        self
    }

    /// Registers every module's extensions.
    pub fn extensions(&self) -> anyhow::Result<Extensions> {
        let ext = Extensions::default();
        for m in &self.modules {
            m.register(&ext)
                .map_err(|e| anyhow::anyhow!("module {}: {e:#}", m.name()))?;
        }
        Ok(ext)
    }

    /// Opens the app on `config` with these modules and schemas.
    pub fn open(&self, config: crate::Config) -> anyhow::Result<crate::App> {
        let ext = self.extensions()?;
        let handle = ext.core.clone();
        let app = crate::App::open_with(config, ext)?;
        handle.set(&app.core);
        for dir in &self.schema_dirs {
            apply_schema_dir(&app.core, dir)?;
        }
        for (name, text) in &self.schemas {
            apply_schema(&app.core, name, text)?;
        }
        for m in &self.modules {
            m.on_open(&app.core)
                .map_err(|e| anyhow::anyhow!("module {}: {e:#}", m.name()))?;
        }
        Ok(app)
    }

    /// Runs the `cairn` command line with this app.
    pub fn run_cli(self) -> std::process::ExitCode {
        crate::cli::run_with(self)
    }
}

/// Imports `dir/collections.json` (idempotent: collections are created or updated to match;
/// collections not named there are kept).
fn apply_schema_dir(core: &Arc<Core>, dir: &std::path::Path) -> anyhow::Result<()> {
    let path = dir.join("collections.json");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| anyhow::anyhow!("reading {}: {e}", path.display()))?;
    apply_schema(core, &path.display().to_string(), &text)
}

/// Imports one `collections.json` text (an array of collections), as [`apply_schema_dir`].
fn apply_schema(core: &Arc<Core>, name: &str, text: &str) -> anyhow::Result<()> {
    let collections: Vec<serde_json::Value> =
        serde_json::from_str(text).map_err(|e| anyhow::anyhow!("parsing {name}: {e}"))?;
    let (cache, sealer) = (core.schema.clone(), core.settings.sealer.clone());
    core.storage
        .write_blocking(move |conn| {
            crate::schema::service::import(conn, &cache, &sealer, &collections, false)
        })?
        .map_err(|e| {
            let data = serde_json::Value::Object(e.data.clone());
            anyhow::anyhow!("applying {name}: {} {data}", e.message)
        })?;
    Ok(())
}
