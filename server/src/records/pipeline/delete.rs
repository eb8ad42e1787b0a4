//! `DELETE /api/collections/{c}/records/{id}` (and batch deletes), and truncate. The files of
//! deleted records (cascades included) are removed once the delete commits.

use std::sync::Arc;

use sea_orm::ConnectionTrait;
use serde_json::Map;

use super::create::settle_files;
use super::{DELETE_FAILED, find_with_rule, unsupported_view};
use crate::core::Core;
use crate::error::{ApiError, msg};
use crate::files::FileTxn;
use crate::files::record as files;
use crate::hooks::tx::TxAction;
use crate::hooks::{RecordEvent, RecordRequestEvent};
use crate::realtime::Action;
use crate::records::exec::Exec;
use crate::records::persist::{self, PersistError};
use crate::records::read;
use crate::records::resolver::RequestInfo;
use crate::records::rules::{Gate, gate};
use crate::schema::Collection;

/// Deletes a record (unmet delete rule → 404; relations cascade or refuse).
pub async fn delete(
    core: &Arc<Core>,
    exec: &Exec,
    c: Arc<Collection>,
    id: &str,
    info: RequestInfo,
) -> Result<(), ApiError> {
    delete_with_files(core, exec, c, id, info, FileTxn::new()).await
}

/// [`delete`] within a file transaction (a batch's; it removes the files when it commits).
pub async fn delete_with_files(
    core: &Arc<Core>,
    exec: &Exec,
    c: Arc<Collection>,
    id: &str,
    info: RequestInfo,
    txn: Arc<FileTxn>,
) -> Result<(), ApiError> {
    unsupported_view(&c)?;
    let g = gate(c.delete_rule.as_deref(), &info.auth);
    if g == Gate::Locked {
        return Err(ApiError::forbidden(msg::SUPERUSERS_ONLY));
    }
    let auth = info.auth.clone();
    let record = find_with_rule(core, exec, &c, id, &info, &g)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let event = RecordRequestEvent {
        collection: c.clone(),
        record,
        original: None,
        auth,
        body: Map::new(),
    };
    let (core2, exec2) = (core.clone(), exec.clone());
    core.hooks
        .on_record_delete_request
        .trigger(event, move |e| async move {
            let (core, exec) = (core2, exec2);
            let event = RecordEvent {
                collection: e.collection.clone(),
                record: e.record.clone(),
                original: None,
            };
            let (core3, exec3) = (core.clone(), exec.clone());
            let ev = core
                .hooks
                .on_record_delete
                .trigger(event, move |ev| async move {
                    let record = ev.record.clone();
                    let tx_hooks = core3.hooks.on_record_tx.handlers();
                    let write = exec3
                        .write(&core3, DELETE_FAILED, move |conn, snapshot| {
                            let cascade = persist::delete(conn, snapshot, &record)?;
                            let woke = tx_hooks
                                .run(conn, TxAction::Delete, &record, None)
                                .map_err(PersistError::Hook)?;
                            Ok((cascade, woke))
                        })
                        .await
                        .and_then(|(cascade, woke)| {
                            files::remove_records(
                                &core3,
                                &txn,
                                std::iter::once(&ev.record).chain(&cascade.deleted),
                            )?;
                            Ok((cascade, woke))
                        });
                    let (cascade, woke) = settle_files(&exec3, &txn, write).await?;
                    if woke {
                        exec3.wake_jobs(&core3);
                    }
                    for r in cascade.updated {
                        exec3.publish(&core3, Action::Update, r);
                    }
                    for r in cascade.deleted {
                        exec3.publish(&core3, Action::Delete, r);
                    }
                    Ok(ev)
                })
                .await?;
            exec.publish(&core, Action::Delete, ev.record.clone());
            exec.after(&core, |c| &c.hooks.on_record_after_delete_success, ev);
            Ok(e)
        })
        .await?;
    Ok(())
}

/// `DELETE /api/collections/{c}/truncate`: deletes every record in one transaction with the
/// same relation semantics as single deletes (cascades, required references refuse).
pub async fn truncate(core: &Arc<Core>, c: Arc<Collection>) -> Result<(), ApiError> {
    if c.is_view() {
        return Err(ApiError::bad_request(
            "The view collections don't support truncate.",
        ));
    }
    const FAILED: &str = "Failed to truncate collection (most likely due to required cascade delete record references).";
    // Realtime subscribers get a delete event per record, so then records are deleted one by
    // one; otherwise (and without references to honour) one DELETE does it.
    let publish = !core.realtime.is_empty();
    let collection_id = c.id.clone();
    let cascade = Exec::Direct
        .write(core, FAILED, move |conn, snapshot| {
            let mut all = persist::Cascade::default();
            if !publish && c.referencing_fields(&snapshot.collections).is_empty() {
                conn.execute_unprepared(&format!(
                    "DELETE FROM {}",
                    crate::query::sql::quote(&c.name)
                ))?;
                return Ok(all);
            }
            loop {
                let batch = read::list(conn, &c, &read::ListQuery::all(500))?;
                if batch.items.is_empty() {
                    return Ok(all);
                }
                for record in batch.items {
                    let cascade =
                        persist::delete(conn, snapshot, &record).map_err(|e| match e {
                            PersistError::Db(db) => PersistError::Db(db),
                            _ => PersistError::RequiredReference,
                        })?;
                    all.updated.extend(cascade.updated);
                    all.deleted.extend(cascade.deleted);
                    all.deleted.push(record);
                }
            }
        })
        .await
        .map_err(|e| {
            if e.status == 400 {
                ApiError::bad_request(FAILED)
            } else {
                e
            }
        })?;
    // Every file of the collection, and those of records deleted by cascade elsewhere.
    let txn = FileTxn::new();
    files::remove_collection(core, &txn, &collection_id)?;
    files::remove_records(
        core,
        &txn,
        cascade
            .deleted
            .iter()
            .filter(|r| r.collection.id != collection_id),
    )?;
    txn.commit().await;
    for r in cascade.updated {
        Exec::Direct.publish(core, Action::Update, r);
    }
    for r in cascade.deleted {
        Exec::Direct.publish(core, Action::Delete, r);
    }
    Ok(())
}
