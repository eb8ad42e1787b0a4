//! The system collections whose records point at an auth record through `collectionRef` +
//! `recordRef` (`_authOrigins`, `_externalAuths`, `_mfas`, `_otps`): listing them, and the
//! engine's own hooks that clean them up as PocketBase does — all of them go with the auth
//! record, and its `_authOrigins` go when its password changes (a new password is the remedy
//! the login alert recommends). The hooks run after the write committed; failures are logged.

use std::sync::{Arc, Weak};

use super::system;
use crate::core::Core;
use crate::error::ApiError;
use crate::query::Sql;
use crate::query::sql::quote;
use crate::records::{Record, read};

/// Every collection of records that reference an auth record.
pub const REF_COLLECTIONS: &[&str] = &["_authOrigins", "_externalAuths", "_mfas", "_otps"];

/// The records of system collection `name` that point at `record`, newest (`created`) first.
pub async fn list(core: &Core, name: &str, record: &Record) -> Result<Vec<Record>, ApiError> {
    let refs = system::collection(core, name)?;
    let table = quote(&refs.name);
    let values = [record.collection.id.clone(), record.id().to_string()];
    core.storage
        .read(move |conn| {
            let mut plan = read::QueryPlan::default();
            for (col, v) in ["collectionRef", "recordRef"].iter().zip(values) {
                plan = plan.with_condition(Sql {
                    text: format!("{table}.{} = ?", quote(col)),
                    values: vec![v.into()],
                });
            }
            plan.order.push(Sql::raw(format!(
                "{table}.\"created\" DESC, {table}.rowid DESC"
            )));
            read::select(conn, &refs, &plan, u64::from(u32::MAX), 0)
        })
        .await?
        .map_err(ApiError::internal)
}

/// Deletes the records of system collection `name` that point at `record`.
pub async fn delete_all(core: &Arc<Core>, name: &str, record: &Record) -> Result<(), ApiError> {
    let refs = system::collection(core, name)?;
    for r in list(core, name, record).await? {
        system::delete(core, refs.clone(), r.id()).await?;
    }
    Ok(())
}

/// Registers the clean-up handlers on `core`'s hooks (held weakly: the hooks live in `core`).
pub fn register_hooks(core: &Arc<Core>) {
    let weak: Weak<Core> = Arc::downgrade(core);
    let on_update = weak.clone();
    core.hooks
        .on_record_after_update_success
        .add(i32::MAX, move |e, next| {
            let core = on_update.upgrade();
            async move {
                let password_changed = e.collection.is_auth()
                    && e.original
                        .as_ref()
                        .is_some_and(|o| o.get("password") != e.record.get("password"));
                if let (true, Some(core)) = (password_changed, core) {
                    log_failure(delete_all(&core, super::origins::COLLECTION, &e.record).await);
                }
                next.run(e).await
            }
        });
    core.hooks
        .on_record_after_delete_success
        .add(i32::MAX, move |e, next| {
            let core = weak.upgrade();
            async move {
                if let (true, Some(core)) = (e.collection.is_auth(), core) {
                    for name in REF_COLLECTIONS {
                        log_failure(delete_all(&core, name, &e.record).await);
                    }
                }
                next.run(e).await
            }
        });
}

fn log_failure(r: Result<(), ApiError>) {
    if let Err(e) = r {
        tracing::warn!(error = %e, "deleting records that referenced an auth record failed");
    }
}
