//! GTM Wizard's record hooks:
//! - a new workspace gets its creator as `owner` member, in the same transaction (so the
//!   creator can read it the moment the create answers);
//! - `provider_keys`: `key_hint` from the submitted key (which the engine then seals, as
//!   `api_key` is a sealed field), the provider's default `base_url`, required for
//!   `openai_compatible`;
//! - a new `user` message queues the coach job in its own transaction.

use cairn::CoreHandle;
use cairn::error::{ApiError, FieldError, FieldErrors};
use cairn::hooks::tx::{TxAction, TxEvent};
use cairn::hooks::{Hooks, RecordRequestEvent};
use cairn::jobs::Enqueue;
use cairn::records::{Record, persist, prepare};
use serde_json::json;

use crate::coach;
use crate::key_hint::key_hint;
use crate::providers::ProviderKind;

pub fn register(hooks: &Hooks, core: CoreHandle) {
    hooks
        .on_record_tx
        .add(0, move |e| match e.record.collection.name.as_str() {
            "workspaces" if e.action == TxAction::Create => add_owner(&core, e),
            "messages" if e.action == TxAction::Create && e.record.get_str("role") == "user" => {
                e.enqueue(
                    coach::JOB,
                    &json!({"message": e.record.id()}),
                    &Enqueue {
                        max_attempts: coach::MAX_ATTEMPTS,
                        ..Enqueue::default()
                    },
                )?;
                Ok(())
            }
            _ => Ok(()),
        });
    hooks.on_record_create_request.add(0, |e, next| async move {
        next.run(prepare_key(e, true)?).await
    });
    hooks.on_record_update_request.add(0, |e, next| async move {
        next.run(prepare_key(e, false)?).await
    });
}

/// Inserts the `owner` membership of a new workspace inside its transaction.
fn add_owner(core: &CoreHandle, e: &TxEvent<'_>) -> Result<(), ApiError> {
    let owner = e.record.get_str("owner");
    if owner.is_empty() {
        return Ok(());
    }
    let members = core
        .get()
        .and_then(|core| core.schema.load().find("workspace_members"));
    let Some(members) = members else {
        return Err(ApiError::internal(
            "the workspace_members collection is missing",
        ));
    };
    let mut member = Record::new(members);
    member.set("workspace", json!(e.record.id()));
    member.set("user", json!(owner));
    member.set("role", json!("owner"));
    prepare::fill_generated(&mut member, true);
    persist::insert(e.conn(), &member).map_err(|err| err.into_api("Failed to create record."))
}

/// `key_hint` and `base_url` of a provider key about to be written.
fn prepare_key(mut e: RecordRequestEvent, create: bool) -> Result<RecordRequestEvent, ApiError> {
    if e.collection.name != "provider_keys" {
        return Ok(e);
    }
    let message = if create {
        "Failed to create record."
    } else {
        "Failed to update record."
    };
    if let Some(plain) = e.body.get("api_key").and_then(|v| v.as_str()) {
        // The record still holds the plaintext here; the engine seals it before the write.
        let hint = key_hint(plain);
        e.record.set("key_hint", json!(hint));
    }
    let kind = ProviderKind::parse(e.record.get_str("provider"));
    if e.record.get_str("base_url").trim().is_empty() {
        match kind.and_then(ProviderKind::default_base_url) {
            Some(url) => e.record.set("base_url", json!(url)),
            None if kind == Some(ProviderKind::OpenAiCompatible) => {
                let mut errors = FieldErrors::new();
                errors.add(
                    "base_url",
                    FieldError::new(
                        "validation_required",
                        "An OpenAI-compatible provider needs a base URL.",
                    ),
                );
                return Err(ApiError::validation(message, errors));
            }
            None => {}
        }
    }
    Ok(e)
}
