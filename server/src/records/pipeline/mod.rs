//! Create, update and delete as hook chains around their default actions. Reads and the write
//! itself go through an [`Exec`]: directly (one transaction per write) or inside a batch.

mod auth_fields;
mod create;
mod delete;
mod find;
mod update;

pub use create::create;
pub use create::{WriteFiles, create_with_files};
pub use delete::delete_with_files;
pub use delete::{delete, truncate};
pub use find::{find, find_with_rule, record_satisfies};
pub use update::update;
pub use update::update_with_files;

use std::sync::Arc;

use serde_json::Value;

use super::{Record, prepare};
use crate::core::Core;
use crate::error::ApiError;
use crate::hooks::RecordEvent;
use crate::schema::{Collection, FieldKind};

pub(crate) const CREATE_FAILED: &str = "Failed to create record.";
pub(crate) const UPDATE_FAILED: &str = "Failed to update record.";
pub(crate) const DELETE_FAILED: &str = "Failed to delete record.";

fn unsupported_view(c: &Collection) -> Result<(), ApiError> {
    if c.is_view() {
        Err(ApiError::bad_request("Unsupported collection type."))
    } else {
        Ok(())
    }
}

/// Hashes submitted passwords off the async runtime (bcrypt is deliberately slow).
async fn hash_passwords(
    record: &mut Record,
    passwords: Vec<(String, String)>,
) -> Result<(), ApiError> {
    for (field, plain) in passwords {
        if plain.is_empty() {
            continue;
        }
        let cost = match record.collection.field(&field).map(|f| &f.kind) {
            Some(FieldKind::Password(o)) => o.bcrypt_cost(),
            _ => continue,
        };
        let hash = tokio::task::spawn_blocking(move || crate::auth::password::hash(&plain, cost))
            .await
            .map_err(ApiError::internal)?
            .map_err(ApiError::internal)?;
        record.set_raw(&field, Value::String(hash));
        if record.collection.is_auth() && field == "password" {
            // A new password revokes every token issued before it.
            record.set_raw(
                "tokenKey",
                Value::String(crate::schema::ids::random_alnum(50)),
            );
        }
    }
    Ok(())
}

/// Validation hook chain with field validation as its default action.
async fn run_validation(
    core: &Arc<Core>,
    record: Record,
    original: Option<Record>,
    applied: &prepare::Applied,
    extra: crate::error::FieldErrors,
    message: &'static str,
) -> Result<Record, ApiError> {
    let is_create = original.is_none();
    let mut errors = prepare::validate(&record, applied, is_create);
    errors.merge(extra);
    let event = RecordEvent {
        collection: record.collection.clone(),
        record,
        original,
    };
    let ev = core
        .hooks
        .on_record_validate
        .trigger(event, move |e| async move {
            errors.into_result(message)?;
            Ok(e)
        })
        .await?;
    Ok(ev.record)
}
