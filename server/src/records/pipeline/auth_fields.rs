//! Protected auth-record fields. Unless the requester is a superuser or satisfies the
//! collection's `manageRule`, `verified` cannot be set, `email` cannot be changed directly (the
//! email-change flow exists for that), and a new `password` needs the correct `oldPassword`.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::find;
use crate::core::Core;
use crate::error::{ApiError, FieldError, FieldErrors};
use crate::records::Record;
use crate::records::exec::Exec;
use crate::records::resolver::RequestInfo;
use crate::records::rules::Gate;

fn mismatch() -> FieldError {
    FieldError::new("validation_values_mismatch", "Values don't match.")
}

/// Whether the requester may manage `record` (superuser, or the manage rule holds for it).
pub(super) async fn is_manager(
    core: &Core,
    exec: &Exec,
    record: &Record,
    info: &RequestInfo,
    is_create: bool,
) -> Result<bool, ApiError> {
    if info.auth.is_superuser() {
        return Ok(true);
    }
    let Some(rule) = record
        .collection
        .auth
        .as_ref()
        .and_then(|a| a.manage_rule.clone())
    else {
        return Ok(false);
    };
    if rule.trim().is_empty() {
        return Ok(true);
    }
    if is_create {
        return find::check_create_rule(core, exec, record, info, &rule).await;
    }
    let found = find::find_with_rule(
        core,
        exec,
        &record.collection,
        record.id(),
        info,
        &Gate::Expression(rule),
    )
    .await?;
    Ok(found.is_some())
}

/// The errors for protected fields a non-manager tried to change.
pub(super) async fn check(
    record: &Record,
    original: Option<&Record>,
    body: &Map<String, Value>,
    manager: bool,
) -> Result<FieldErrors, ApiError> {
    let mut errors = FieldErrors::new();
    if manager || !record.collection.is_auth() {
        return Ok(errors);
    }
    let verified_before = original.is_some_and(|o| o.get_bool("verified"));
    if record.get_bool("verified") != verified_before {
        errors.add("verified", mismatch());
    }
    let Some(original) = original else {
        return Ok(errors);
    };
    if record.get_str("email") != original.get_str("email") {
        errors.add("email", mismatch());
    }
    let new_password = body
        .get("password")
        .and_then(Value::as_str)
        .is_some_and(|p| !p.is_empty());
    if new_password {
        match body
            .get("oldPassword")
            .and_then(Value::as_str)
            .filter(|p| !p.is_empty())
        {
            None => errors.add("oldPassword", FieldError::required()),
            Some(old) => {
                let (old, hash) = (old.to_string(), original.get_str("password").to_string());
                let ok =
                    tokio::task::spawn_blocking(move || crate::auth::password::verify(&old, &hash))
                        .await
                        .map_err(ApiError::internal)?;
                if !ok {
                    errors.add(
                        "oldPassword",
                        FieldError::new(
                            "validation_invalid_old_password",
                            "Missing or invalid old password.",
                        ),
                    );
                }
            }
        }
    }
    Ok(errors)
}

/// Convenience for the create/update flows.
pub(super) async fn protected_field_errors(
    core: &Arc<Core>,
    exec: &Exec,
    record: &Record,
    original: Option<&Record>,
    info: &RequestInfo,
) -> Result<FieldErrors, ApiError> {
    if !record.collection.is_auth() {
        return Ok(FieldErrors::new());
    }
    let manager = is_manager(
        core,
        exec,
        original.unwrap_or(record),
        info,
        original.is_none(),
    )
    .await?;
    check(record, original, &info.body, manager).await
}
