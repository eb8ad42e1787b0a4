//! The first-superuser installer, as PocketBase's (`apis/installer.go`): when `cairn serve`
//! starts and no superuser exists, a temporary superuser `__pbinstaller@example.com` with a
//! random password is created and a one-time console link carrying a 30-minute,
//! non-refreshable auth token for it is printed (`/_/#/pbinstall/TOKEN`). The console's
//! installer screen creates the real superuser with that token; creating any other superuser
//! deletes the temporary one. The temporary superuser can never sign in with a password.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Weak};

use serde_json::{Map, Value, json};

use crate::auth::SUPERUSERS;
use crate::core::Core;
use crate::error::ApiError;
use crate::records::exec::Exec;
use crate::records::{Record, pipeline, read};

/// PocketBase's `core.DefaultInstallerEmail`.
pub const INSTALLER_EMAIL: &str = "__pbinstaller@example.com";

/// How long the printed link works (PocketBase: 30 minutes).
const TOKEN_SECONDS: i64 = 30 * 60;

/// Set once this process handed out an installer link: only then can a new superuser have a
/// temporary one to replace (so a `cairn superuser upsert` run does not look for it).
static LINK_ISSUED: AtomicBool = AtomicBool::new(false);

/// Whether `identity` is the temporary installer superuser of `collection` (its password
/// sign-in, password reset and OTP are refused).
pub fn is_installer(collection: &str, identity: &str) -> bool {
    collection == SUPERUSERS && identity.eq_ignore_ascii_case(INSTALLER_EMAIL)
}

async fn superusers(core: &Arc<Core>, limit: u64) -> Result<Vec<Record>, ApiError> {
    let c = core
        .schema
        .load()
        .find(SUPERUSERS)
        .ok_or_else(|| ApiError::internal("missing _superusers"))?;
    core.storage
        .read(move |conn| read::select(conn, &c, &read::QueryPlan::default(), limit, 0))
        .await?
        .map_err(ApiError::internal)
}

/// The console link for a fresh install, or `None` when a real superuser exists. Creates the
/// temporary superuser when it does not exist yet; `base` is e.g. `http://127.0.0.1:8090`.
pub async fn link(core: &Arc<Core>, base: &str) -> Result<Option<String>, ApiError> {
    let existing = superusers(core, 2).await?;
    if existing
        .iter()
        .any(|r| !is_installer(SUPERUSERS, r.get_str("email")))
    {
        // A superuser was made another way (e.g. the CLI) while the temporary one was left.
        delete_installer(core).await?;
        return Ok(None);
    }
    LINK_ISSUED.store(true, Ordering::Relaxed);
    let record = match existing.into_iter().next() {
        Some(r) => r,
        None => create_installer(core).await?,
    };
    let token = crate::auth::resolve::issue_auth_token(&record, false, Some(TOKEN_SECONDS))?;
    Ok(Some(format!(
        "{}/_/#/pbinstall/{token}",
        base.trim_end_matches('/')
    )))
}

async fn create_installer(core: &Arc<Core>) -> Result<Record, ApiError> {
    let (info, c) = super::superusers::system_auth(core)?;
    // Never used: nobody knows it, and password sign-in is refused for this identity anyway.
    let password = crate::schema::ids::random_alnum(40);
    let mut body = Map::new();
    body.insert("email".into(), json!(INSTALLER_EMAIL));
    body.insert("password".into(), Value::String(password.clone()));
    body.insert("passwordConfirm".into(), Value::String(password));
    pipeline::create(core, &Exec::Direct, c, info, body, false).await
}

/// Deletes the temporary superuser once another superuser was created (any way: the installer
/// screen, the API, a hook).
pub fn register_hooks(core: &Arc<Core>) {
    let weak: Weak<Core> = Arc::downgrade(core);
    core.hooks
        .on_record_after_create_success
        .add(i32::MAX, move |e, next| {
            let core = weak.upgrade();
            async move {
                let real = LINK_ISSUED.load(Ordering::Relaxed)
                    && e.collection.name == SUPERUSERS
                    && !is_installer(SUPERUSERS, e.record.get_str("email"));
                if let (true, Some(core)) = (real, core)
                    && let Err(err) = delete_installer(&core).await
                {
                    tracing::warn!(error = %err, "deleting the installer superuser failed");
                }
                next.run(e).await
            }
        });
}

async fn delete_installer(core: &Arc<Core>) -> Result<(), ApiError> {
    let found = superusers(core, 1000).await?;
    let Some(r) = found
        .iter()
        .find(|r| is_installer(SUPERUSERS, r.get_str("email")))
    else {
        return Ok(());
    };
    let (info, c) = super::superusers::system_auth(core)?;
    pipeline::delete(core, &Exec::Direct, c, r.id(), info).await
}
