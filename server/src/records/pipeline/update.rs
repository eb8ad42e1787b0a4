//! `PATCH /api/collections/{c}/records/{id}` (and batch updates). New files are stored before
//! the row is written; files the update replaced or removed are deleted after it commits.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::create::{WriteFiles, settle_files};
use super::{UPDATE_FAILED, find_with_rule, hash_passwords, run_validation, unsupported_view};
use crate::core::Core;
use crate::error::{ApiError, msg};
use crate::files::record as files;
use crate::hooks::tx::TxAction;
use crate::hooks::{RecordEvent, RecordRequestEvent};
use crate::realtime::Action;
use crate::records::exec::Exec;
use crate::records::persist::PersistError;
use crate::records::resolver::RequestInfo;
use crate::records::rules::{Gate, gate};
use crate::records::{Record, persist, prepare, sealed};
use crate::schema::Collection;

/// Updates a record: the update rule is checked on the stored record (with the submitted body
/// visible as `@request.body`); unmet → 404.
pub async fn update(
    core: &Arc<Core>,
    exec: &Exec,
    c: Arc<Collection>,
    id: &str,
    info: RequestInfo,
    body: Map<String, Value>,
    from_form: bool,
) -> Result<Record, ApiError> {
    update_with_files(
        core,
        exec,
        c,
        id,
        info,
        body,
        from_form,
        WriteFiles::default(),
    )
    .await
}

/// [`update`] with uploaded files.
#[expect(
    clippy::too_many_arguments,
    reason = "the update inputs plus its files"
)]
pub async fn update_with_files(
    core: &Arc<Core>,
    exec: &Exec,
    c: Arc<Collection>,
    id: &str,
    mut info: RequestInfo,
    body: Map<String, Value>,
    from_form: bool,
    files: WriteFiles,
) -> Result<Record, ApiError> {
    unsupported_view(&c)?;
    let g = gate(c.update_rule.as_deref(), &info.auth);
    if g == Gate::Locked {
        return Err(ApiError::forbidden(msg::SUPERUSERS_ONLY));
    }
    info.body = body.clone();
    let auth = info.auth.clone();
    let original = find_with_rule(core, exec, &c, id, &info, &g)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let mut record = original.clone();
    let mut applied = prepare::apply_body(&mut record, &body, from_form, false);
    prepare::apply_uploads(
        &mut record,
        &mut applied,
        Some(&original),
        &body,
        files.uploads,
    );
    prepare::fill_generated(&mut record, false);
    let txn = files.txn;
    let event = RecordRequestEvent {
        collection: c.clone(),
        record,
        original: Some(original),
        auth,
        body,
    };
    let (core2, exec2) = (core.clone(), exec.clone());
    let ev = core
        .hooks
        .on_record_update_request
        .trigger(event, move |mut e| async move {
            let (core, exec) = (core2, exec2);
            let protected = super::auth_fields::protected_field_errors(
                &core,
                &exec,
                &e.record,
                e.original.as_ref(),
                &info,
            )
            .await?;
            let mut record = run_validation(
                &core,
                e.record,
                e.original.clone(),
                &applied,
                protected,
                UPDATE_FAILED,
            )
            .await?;
            hash_passwords(&mut record, applied.passwords).await?;
            let pending = applied.files;
            // A new email revokes every token issued before it, as a new password does.
            let email_changed = e
                .original
                .as_ref()
                .is_some_and(|o| o.get_str("email") != record.get_str("email"));
            if record.collection.is_auth() && email_changed {
                record.set_raw(
                    "tokenKey",
                    serde_json::Value::String(crate::schema::ids::random_alnum(50)),
                );
            }
            let event = RecordEvent {
                collection: record.collection.clone(),
                record,
                original: e.original.clone(),
            };
            let (core3, exec3) = (core.clone(), exec.clone());
            let ev = core
                .hooks
                .on_record_update
                .trigger(event, move |mut ev| async move {
                    sealed::seal_for_write(&core3.settings.sealer, &mut ev.record, UPDATE_FAILED)?;
                    let record = ev.record.clone();
                    let original_row = ev.original.clone();
                    let tx_hooks = core3.hooks.on_record_tx.handlers();
                    let write = async {
                        if let Some(original) = &ev.original {
                            files::remove_replaced(&core3, &txn, original, &record)?;
                        }
                        files::store_uploads(&core3, &txn, &record, &pending).await?;
                        exec3
                            .write(&core3, UPDATE_FAILED, move |conn, snapshot| {
                                persist::check_relations(conn, snapshot, &record)?;
                                persist::update(conn, &record)?;
                                tx_hooks
                                    .run(conn, TxAction::Update, &record, original_row.as_ref())
                                    .map_err(PersistError::Hook)
                            })
                            .await
                    };
                    if settle_files(&exec3, &txn, write.await).await? {
                        exec3.wake_jobs(&core3);
                    }
                    Ok(ev)
                })
                .await?;
            exec.publish(&core, Action::Update, ev.record.clone());
            exec.after(
                &core,
                |c| &c.hooks.on_record_after_update_success,
                ev.clone(),
            );
            e.record = ev.record;
            Ok(e)
        })
        .await?;
    Ok(ev.record)
}
