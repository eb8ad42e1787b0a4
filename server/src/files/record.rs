//! A record's files in the write pipeline: the uploads a body brought ([`Pending`]), storing the
//! ones the final record keeps, and scheduling the removal of files a write made obsolete.

use std::collections::HashMap;
use std::sync::Arc;

use super::names;
use super::store::FileStore;
use super::txn::FileTxn;
use super::upload::Upload;
use crate::core::Core;
use crate::error::ApiError;
use crate::records::Record;
use crate::schema::FieldKind;
use crate::schema::fields::list_items;

/// Uploads of one record write and the file names the record had before it.
#[derive(Debug, Default)]
pub struct Pending {
    /// `(field, upload)`.
    pub uploads: Vec<(String, Upload)>,
    /// File field → names stored before this write (empty on create).
    pub old: HashMap<String, Vec<String>>,
}

impl Pending {
    /// This write's uploads for `field`.
    pub fn for_field(&self, field: &str) -> Vec<&Upload> {
        self.uploads
            .iter()
            .filter(|(f, _)| f == field)
            .map(|(_, u)| u)
            .collect()
    }

    pub fn old_names(&self, field: &str) -> &[String] {
        self.old.get(field).map_or(&[], Vec::as_slice)
    }
}

/// The names in every file field of `record`.
pub fn file_names(record: &Record) -> HashMap<String, Vec<String>> {
    record
        .collection
        .fields
        .iter()
        .filter(|f| matches!(f.kind, FieldKind::File(_)))
        .map(|f| {
            let names = record.get(&f.name).map(list_items).unwrap_or_default();
            (f.name.clone(), names)
        })
        .collect()
}

fn bad_key() -> ApiError {
    ApiError::bad_request("Invalid record id or file name.")
}

fn store_of(core: &Core) -> Result<Arc<dyn FileStore>, ApiError> {
    Ok(core.files.store(&core.settings)?)
}

/// Stores the uploads that `record` (as it is about to be written) still names. Nothing is
/// stored when there is no upload; errors leave what was stored in `txn` for its rollback.
pub async fn store_uploads(
    core: &Core,
    txn: &FileTxn,
    record: &Record,
    pending: &Pending,
) -> Result<(), ApiError> {
    if pending.uploads.is_empty() {
        return Ok(());
    }
    let store = store_of(core)?;
    let kept = file_names(record);
    for (field, upload) in &pending.uploads {
        if !kept.get(field).is_some_and(|n| n.contains(&upload.name)) {
            continue;
        }
        let key = names::file_key(&record.collection.id, record.id(), &upload.name)
            .ok_or_else(bad_key)?;
        txn.put(&store, key, upload).await.map_err(ApiError::from)?;
    }
    Ok(())
}

/// Schedules the removal (after commit) of the files `original` had and `record` no longer has.
pub fn remove_replaced(
    core: &Core,
    txn: &FileTxn,
    original: &Record,
    record: &Record,
) -> Result<(), ApiError> {
    let before = file_names(original);
    let after = file_names(record);
    let gone: Vec<&String> = before
        .iter()
        .flat_map(|(field, names)| {
            let kept = after.get(field);
            names
                .iter()
                .filter(move |n| !kept.is_some_and(|a| a.contains(n)))
        })
        .collect();
    if gone.is_empty() {
        return Ok(());
    }
    let store = store_of(core)?;
    let (cid, rid) = (&original.collection.id, original.id());
    for name in gone {
        // A name that cannot be a key was never stored under it: nothing to remove.
        if let (Some(key), Some(thumbs)) = (
            names::file_key(cid, rid, name),
            names::thumbs_prefix(cid, rid, name),
        ) {
            txn.remove_after_commit(&store, key, thumbs);
        }
    }
    Ok(())
}

/// Schedules the removal (after commit) of everything stored for deleted records.
pub fn remove_records<'a>(
    core: &Core,
    txn: &FileTxn,
    records: impl IntoIterator<Item = &'a Record>,
) -> Result<(), ApiError> {
    let mut store = None;
    for r in records {
        let has_files = r
            .collection
            .fields
            .iter()
            .any(|f| matches!(f.kind, FieldKind::File(_)));
        if !has_files {
            continue;
        }
        if store.is_none() {
            store = Some(store_of(core)?);
        }
        if let (Some(s), Some(prefix)) = (&store, names::record_prefix(&r.collection.id, r.id())) {
            txn.remove_prefix_after_commit(s, prefix);
        }
    }
    Ok(())
}

/// Schedules the removal (after commit) of every file of a collection (truncate).
pub fn remove_collection(core: &Core, txn: &FileTxn, collection_id: &str) -> Result<(), ApiError> {
    if names::safe_component(collection_id) {
        txn.remove_prefix_after_commit(&store_of(core)?, format!("{collection_id}/"));
    }
    Ok(())
}

/// Removes every file of a deleted collection now (for the collection delete flow, once the
/// deletion committed); failures are logged.
pub async fn delete_collection_files(core: &Core, collection_id: &str) {
    let txn = FileTxn::default();
    match remove_collection(core, &txn, collection_id) {
        Ok(()) => txn.commit().await,
        Err(e) => tracing::warn!(error = %e, collection_id, "cannot remove a collection's files"),
    }
}
