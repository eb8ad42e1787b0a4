//! `POST /api/collections/{c}/records` (and batch creates). Uploaded files are stored right
//! before the row is written and removed again when the write does not commit.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::{CREATE_FAILED, find, hash_passwords, run_validation, unsupported_view};
use crate::core::Core;
use crate::error::{ApiError, msg};
use crate::files::record as files;
use crate::files::{FileTxn, Uploads};
use crate::hooks::tx::TxAction;
use crate::hooks::{RecordEvent, RecordRequestEvent};
use crate::realtime::Action;
use crate::records::exec::Exec;
use crate::records::persist::PersistError;
use crate::records::resolver::RequestInfo;
use crate::records::rules::{Gate, gate};
use crate::records::{Record, persist, prepare, sealed};
use crate::schema::Collection;

/// A write's uploaded files and the [`FileTxn`] they join: a fresh one per direct write, one
/// shared by every write of a batch (which commits or rolls it back with the batch).
#[derive(Debug, Default)]
pub struct WriteFiles {
    pub uploads: Uploads,
    pub txn: Arc<FileTxn>,
}

/// Creates a record: create rule, request hook, validation, persist hook, after-success hook.
pub async fn create(
    core: &Arc<Core>,
    exec: &Exec,
    c: Arc<Collection>,
    info: RequestInfo,
    body: Map<String, Value>,
    from_form: bool,
) -> Result<Record, ApiError> {
    create_with_files(core, exec, c, info, body, from_form, WriteFiles::default()).await
}

/// [`create`] with uploaded files.
pub async fn create_with_files(
    core: &Arc<Core>,
    exec: &Exec,
    c: Arc<Collection>,
    mut info: RequestInfo,
    body: Map<String, Value>,
    from_form: bool,
    files: WriteFiles,
) -> Result<Record, ApiError> {
    unsupported_view(&c)?;
    let g = gate(c.create_rule.as_deref(), &info.auth);
    if g == Gate::Locked {
        return Err(ApiError::forbidden(msg::SUPERUSERS_ONLY));
    }
    info.body = body.clone();
    let auth = info.auth.clone();
    let mut record = Record::new(c.clone());
    let mut applied = prepare::apply_body(&mut record, &body, from_form, true);
    prepare::apply_uploads(&mut record, &mut applied, None, &body, files.uploads);
    prepare::fill_generated(&mut record, true);
    let txn = files.txn;
    let event = RecordRequestEvent {
        collection: c.clone(),
        record,
        original: None,
        auth,
        body,
    };
    let (core2, exec2) = (core.clone(), exec.clone());
    let ev = core
        .hooks
        .on_record_create_request
        .trigger(event, move |mut e| async move {
            let (core, exec) = (core2, exec2);
            if let Gate::Expression(rule) = &g
                && !find::check_create_rule(&core, &exec, &e.record, &info, rule).await?
            {
                return Err(ApiError::bad_request(CREATE_FAILED));
            }
            let protected =
                super::auth_fields::protected_field_errors(&core, &exec, &e.record, None, &info)
                    .await?;
            let mut record =
                run_validation(&core, e.record, None, &applied, protected, CREATE_FAILED).await?;
            hash_passwords(&mut record, applied.passwords).await?;
            let pending = applied.files;
            let event = RecordEvent {
                collection: record.collection.clone(),
                record,
                original: None,
            };
            let (core3, exec3) = (core.clone(), exec.clone());
            let ev = core
                .hooks
                .on_record_create
                .trigger(event, move |mut ev| async move {
                    sealed::seal_for_write(&core3.settings.sealer, &mut ev.record, CREATE_FAILED)?;
                    let record = ev.record.clone();
                    let tx_hooks = core3.hooks.on_record_tx.handlers();
                    let write = async {
                        files::store_uploads(&core3, &txn, &record, &pending).await?;
                        exec3
                            .write(&core3, CREATE_FAILED, move |conn, snapshot| {
                                persist::check_relations(conn, snapshot, &record)?;
                                persist::insert(conn, &record)?;
                                tx_hooks
                                    .run(conn, TxAction::Create, &record, None)
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
            exec.publish(&core, Action::Create, ev.record.clone());
            exec.after(
                &core,
                |c| &c.hooks.on_record_after_create_success,
                ev.clone(),
            );
            e.record = ev.record;
            Ok(e)
        })
        .await?;
    Ok(ev.record)
}

/// Ties the files of a write to its outcome: when it failed, the files stored for it are
/// removed; when a direct write committed, they stay and the files it made obsolete are
/// removed. A batch settles its shared [`FileTxn`] itself, after it commits or rolls back.
pub(super) async fn settle_files<T>(
    exec: &Exec,
    txn: &FileTxn,
    result: Result<T, ApiError>,
) -> Result<T, ApiError> {
    match &result {
        Err(_) => txn.rollback().await,
        Ok(_) if matches!(exec, Exec::Direct) => txn.commit().await,
        Ok(_) => {}
    }
    result
}
