//! GTM Wizard on Cairn: the go-to-market coach as a schema (`schema/gtm-wizard`) plus this hook
//! module. [`GtmWizard`] registers everything; [`app`] is the whole app (`cairn` + schema +
//! module + seed data), which the `gtm-wizard` binary runs with Cairn's CLI.
//!
//! - [`record_hooks`]: workspace owner membership, provider-key hints and defaults, the coach
//!   job queued with each user message.
//! - [`coach`] and [`context`]: the job that streams the provider's answer into the reply.
//! - [`routes`]: `/api/gtm/…` (analyze a campaign, test a key, retry a reply).
//! - [`invites`]: invite by email (route, mail), pending invites becoming memberships once the
//!   address is verified, and the last owner kept.
//! - [`digest`]: the weekly digest mail (cron).
//! - Pure parts: [`providers`] (OpenAI, Anthropic, Ollama streaming clients), [`pricing`],
//!   [`analyze`], [`prompt`], [`key_hint`]; [`seed`] data.

pub mod analyze;
pub mod coach;
pub mod context;
pub mod digest;
pub mod invites;
pub mod key_hint;
pub mod pricing;
pub mod prompt;
pub mod providers;
pub mod record_hooks;
pub mod routes;
pub mod seed;

use std::sync::Arc;
use std::time::Duration;

use cairn::jobs::JobOptions;

/// The schema this module expects, compiled in.
pub const COLLECTIONS_JSON: &str = include_str!("../../../schema/gtm-wizard/collections.json");

/// How long a claimed coach job is reserved (`GTM_JOB_LEASE_SECS`, default 20): after a crash
/// the reply restarts once this has passed.
fn coach_lease() -> Duration {
    let secs = std::env::var("GTM_JOB_LEASE_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    Duration::from_secs(secs)
}

pub struct GtmWizard;

impl cairn::Module for GtmWizard {
    fn name(&self) -> &'static str {
        "gtm-wizard"
    }

    fn register(&self, ext: &cairn::Extensions) -> anyhow::Result<()> {
        record_hooks::register(&ext.hooks, ext.core.clone());
        routes::register(&ext.routes);
        invites::register_hooks(&ext.hooks, ext.core.clone());
        invites::register_routes(&ext.routes);
        ext.jobs.handle(
            coach::JOB,
            JobOptions {
                lease: coach_lease(),
                backoff: Duration::from_secs(1),
                max_backoff: Duration::from_secs(60),
            },
            coach::run,
        );
        ext.crons
            .add(digest::CRON, digest::SCHEDULE, |core| async move {
                match digest::send_all(&core).await {
                    Ok(n) => tracing::info!(mails = n, "weekly digest sent"),
                    Err(e) => tracing::warn!(error = %e, "weekly digest failed"),
                }
            })?;
        Ok(())
    }

    fn on_open(&self, core: &Arc<cairn::core::Core>) -> anyhow::Result<()> {
        seed::apply(core)
    }
}

/// Cairn with GTM Wizard's schema, seed data and module.
pub fn app() -> cairn::AppBuilder {
    cairn::AppBuilder::new()
        .schema("schema/gtm-wizard/collections.json", COLLECTIONS_JSON)
        .module(GtmWizard)
}
