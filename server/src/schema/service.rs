//! Collection changes as one unit: parse → normalize (OAuth2 client secrets sealed with the
//! given [`Sealer`]) → validate → one transaction (row + DDL) → swap the schema cache. Every
//! function here runs on the writer thread.

use std::sync::Arc;

use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, TransactionTrait};

/// A connection or an open transaction (nested calls become savepoints).
pub trait Conn: ConnectionTrait + TransactionTrait<Transaction = DatabaseTransaction> {}
impl<T: ConnectionTrait + TransactionTrait<Transaction = DatabaseTransaction>> Conn for T {}
use serde_json::Value;

use super::cache::{SchemaCache, Snapshot};
use super::collection::{Collection, merge_json};
use super::{ddl, defaults, normalize, store, validate};
use crate::error::{ApiError, FieldError, FieldErrors};
use crate::settings::seal::Sealer;

/// Maps a DDL failure the validator could not foresee (index name clash, bad view query, …) to
/// a validation error on the part of the collection that caused it.
fn db_error_for(c: &Collection, context: &str, e: &DbErr) -> ApiError {
    let text = e.to_string();
    let schema_problem = [
        "already exists",
        "UNIQUE constraint failed",
        "no such",
        "syntax error",
        "error in",
        "ambiguous",
        "not authorized",
    ]
    .iter()
    .any(|needle| text.contains(needle));
    if !schema_problem {
        return ApiError::internal(format!("{context}: {text}"));
    }
    tracing::info!(error = %text, "{context}: rejected schema change");
    let mut errors = FieldErrors::new();
    if c.is_view() {
        let detail = text.rsplit(": ").next().unwrap_or("invalid query").trim();
        errors.add(
            "viewQuery",
            FieldError::new(
                "validation_invalid_view_query",
                format!("Invalid query - {detail}."),
            ),
        );
    } else {
        errors.add(
            "indexes",
            FieldError::new(
                "validation_invalid_index_expression",
                "Invalid CREATE INDEX expression.",
            ),
        );
    }
    ApiError::validation(context, errors)
}

fn reload(conn: &impl ConnectionTrait, cache: &SchemaCache) -> Result<(), ApiError> {
    let all = store::load_all(conn).map_err(ApiError::internal)?;
    cache.store(Snapshot::new(all));
    Ok(())
}

/// Loads every collection into the cache (start-up).
pub fn load(conn: &DatabaseConnection, cache: &SchemaCache) -> Result<(), ApiError> {
    reload(conn, cache)
}

/// Start-up: every stored OAuth2 client secret must open with `sealer`; plain ones are sealed
/// in place (one transaction). A missing or wrong key is an error naming the collection.
pub fn seal_stored_secrets(
    conn: &DatabaseConnection,
    cache: &SchemaCache,
    sealer: &Sealer,
) -> anyhow::Result<()> {
    let mut changed = Vec::new();
    for c in &cache.load().collections {
        let mut c = c.as_ref().clone();
        if normalize::check_stored_provider_secrets(&mut c, sealer).map_err(anyhow::Error::msg)? {
            changed.push(c);
        }
    }
    if changed.is_empty() {
        return Ok(());
    }
    // The sealed value is longer than the plain one, so SQLite moves the row; secure_delete
    // zeroes the space the plain text leaves behind instead of keeping it as slack.
    conn.execute_unprepared("PRAGMA secure_delete = ON")?;
    let result = (|| {
        let txn = conn.begin()?;
        for c in &changed {
            store::update(&txn, c)?;
        }
        txn.commit()
    })();
    conn.execute_unprepared("PRAGMA secure_delete = OFF")?;
    result?;
    // Until a checkpoint the database file still holds the old page; copy the new one in now.
    conn.query_one_raw(sea_orm::Statement::from_string(
        sea_orm::DbBackend::Sqlite,
        "PRAGMA wal_checkpoint(TRUNCATE)",
    ))?;
    tracing::info!(
        collections = changed.len(),
        "sealed stored OAuth2 client secrets"
    );
    reload(conn, cache).map_err(|e| anyhow::anyhow!("reloading collections: {e}"))
}

/// Creates the default collections on a fresh database (a recorded migration).
pub fn bootstrap(conn: &DatabaseConnection) -> anyhow::Result<()> {
    crate::storage::migrations::apply_once(conn, "1700000001_default_collections", |txn| {
        for c in defaults::default_collections()? {
            store::insert(txn, &c)?;
            ddl::create(txn, &c)?;
        }
        Ok(())
    })?;
    Ok(())
}

/// Fills view fields from the view's real columns (the view must exist in `txn`).
fn infer_view_fields(
    txn: &DatabaseTransaction,
    c: &mut Collection,
    all: &[Arc<Collection>],
) -> Result<(), ApiError> {
    let cols = ddl::table_columns(txn, &c.name)
        .map_err(|e| db_error_for(c, "Failed to create collection.", &e))?;
    if !cols.iter().any(|(n, _)| n == "id") {
        let mut errors = FieldErrors::new();
        errors.add(
            "viewQuery",
            FieldError::new(
                "validation_missing_view_id",
                "The view query must return an id column.",
            ),
        );
        return Err(ApiError::validation("Failed to create collection.", errors));
    }
    c.fields = cols
        .iter()
        .map(|(name, decl)| normalize::infer_view_field(name, decl, &c.view_query, all))
        .collect();
    Ok(())
}

/// A view query must be one `SELECT` (or `WITH … SELECT`) statement; `message` heads the error.
pub(super) fn check_view_query(query: &str, message: &str) -> Result<(), ApiError> {
    let q = query.trim().trim_end_matches(';');
    let lower = q.to_ascii_lowercase();
    let single_select =
        (lower.starts_with("select") || lower.starts_with("with")) && !q.contains(';');
    if single_select {
        return Ok(());
    }
    let mut errors = FieldErrors::new();
    errors.add(
        "viewQuery",
        FieldError::new(
            "validation_invalid_view_query",
            "Only a single SELECT statement is allowed.",
        ),
    );
    Err(ApiError::validation(message, errors))
}

/// Writes `new` (replacing `old` when given) in one transaction and refreshes the cache.
fn save(
    conn: &impl Conn,
    cache: &SchemaCache,
    sealer: &Sealer,
    old: Option<&Collection>,
    mut new: Collection,
    message: &str,
) -> Result<Collection, ApiError> {
    let snapshot = cache.load();
    normalize::normalize(&mut new, old);
    normalize::seal_provider_secrets(&mut new, sealer)
        .map_err(|e| ApiError::validation(message, e))?;
    validate::validate_collection(&new, old, &snapshot.collections).into_result(message)?;
    if new.is_view() {
        check_view_query(&new.view_query, "Failed to create collection.")?;
        new.view_query = new.view_query.trim().trim_end_matches(';').to_string();
    }
    let now = super::ids::now_string();
    if new.created.is_empty() || old.is_none() {
        new.created = old.map_or_else(|| now.clone(), |o| o.created.clone());
    }
    new.updated = now;
    let txn = conn.begin().map_err(ApiError::internal)?;
    let result = (|| {
        match old {
            None => ddl::create(&txn, &new).map_err(|e| db_error_for(&new, message, &e))?,
            Some(old) => {
                ddl::update(&txn, old, &new).map_err(|e| db_error_for(&new, message, &e))?
            }
        }
        if new.is_view() {
            infer_view_fields(&txn, &mut new, &snapshot.collections)?;
        }
        match old {
            None => store::insert(&txn, &new),
            Some(_) => store::update(&txn, &new),
        }
        .map_err(|e| db_error_for(&new, message, &e))?;
        Ok::<(), ApiError>(())
    })();
    match result {
        Ok(()) => {
            txn.commit().map_err(ApiError::internal)?;
            reload(conn, cache)?;
            Ok(new)
        }
        Err(e) => {
            if let Err(rb) = txn.rollback() {
                tracing::error!(error = %rb, "rollback failed");
            }
            Err(e)
        }
    }
}

/// `POST /api/collections`: `body` is merged over the scaffold of its type.
pub fn create(
    conn: &impl Conn,
    cache: &SchemaCache,
    sealer: &Sealer,
    body: &Value,
) -> Result<Collection, ApiError> {
    let message = "Failed to create collection.";
    let kind = body.get("type").and_then(Value::as_str).unwrap_or("base");
    let mut json = defaults::scaffold(if matches!(kind, "base" | "auth" | "view") {
        kind
    } else {
        "base"
    });
    if let Some(o) = json.as_object_mut() {
        // A new collection only gets the default auth indexes through `normalize`.
        o.insert("indexes".into(), Value::Array(Vec::new()));
        if kind == "auth" {
            o.insert("fields".into(), Value::Array(Vec::new()));
        }
    }
    merge_json(&mut json, body);
    if let Some(o) = json.as_object_mut() {
        o.insert("system".into(), Value::Bool(false));
        o.insert("created".into(), Value::String(String::new()));
    }
    let new = Collection::from_json(&json).map_err(|e| ApiError::validation(message, e))?;
    if !new.id.is_empty() && cache.load().by_id(&new.id).is_some() {
        let mut errors = FieldErrors::new();
        errors.add(
            "id",
            FieldError::new(
                "validation_collection_id_exists",
                "Collection id must be unique.",
            ),
        );
        return Err(ApiError::validation(message, errors));
    }
    let mut new = new;
    if new.id.is_empty() {
        // The default id is derived from type + name; when another collection already has it
        // (e.g. the same name), pick a fresh one so validation reports the real problem.
        let snapshot = cache.load();
        let mut id = super::ids::collection_id(new.kind.as_str(), &new.name);
        while snapshot.by_id(&id).is_some() {
            id = format!("pbc_{}", super::ids::random_from(b"0123456789", 10));
        }
        new.id = id;
    }
    save(conn, cache, sealer, None, new, message)
}

/// `PATCH /api/collections/{id}`: `patch` is merged over the current JSON; `fields` replaces.
pub fn update(
    conn: &impl Conn,
    cache: &SchemaCache,
    sealer: &Sealer,
    id_or_name: &str,
    patch: &Value,
) -> Result<Collection, ApiError> {
    let message = "Failed to update collection.";
    let old = cache
        .load()
        .find(id_or_name)
        .ok_or_else(ApiError::not_found)?;
    let mut json = old.to_storage_json();
    merge_json(&mut json, patch);
    if let Some(o) = json.as_object_mut() {
        // Immutable through the API.
        o.insert("id".into(), Value::String(old.id.clone()));
        o.insert("system".into(), Value::Bool(old.system));
        o.insert("created".into(), Value::String(old.created.clone()));
    }
    let new = Collection::from_json(&json).map_err(|e| ApiError::validation(message, e))?;
    save(conn, cache, sealer, Some(&old), new, message)
}

/// `DELETE /api/collections/{id}`: refused for system collections and for collections that
/// other collections' relation fields point at.
pub fn delete(conn: &impl Conn, cache: &SchemaCache, id_or_name: &str) -> Result<(), ApiError> {
    let snapshot = cache.load();
    let c = snapshot.find(id_or_name).ok_or_else(ApiError::not_found)?;
    if c.system {
        return Err(ApiError::bad_request("Failed to delete collection."));
    }
    let refs = c.referencing_fields(&snapshot.collections);
    if let Some((owner, _)) = refs.iter().find(|(owner, _)| owner.id != c.id) {
        return Err(ApiError::bad_request(format!(
            "Failed to delete collection probably due to existing reference in {}.",
            owner.name
        )));
    }
    let txn = conn.begin().map_err(ApiError::internal)?;
    ddl::drop(&txn, &c).map_err(|e| db_error_for(&c, "Failed to delete collection.", &e))?;
    store::delete(&txn, &c.id).map_err(ApiError::internal)?;
    txn.commit().map_err(ApiError::internal)?;
    reload(conn, cache)
}

/// `PUT /api/collections/import`: creates or updates every given collection (matched by id,
/// then name) and, with `delete_missing`, deletes non-system collections not in the list. All or
/// nothing: any failure restores the previous schema.
pub fn import(
    conn: &DatabaseConnection,
    cache: &SchemaCache,
    sealer: &Sealer,
    items: &[Value],
    delete_missing: bool,
) -> Result<(), ApiError> {
    let message = "Failed to import collections.";
    let before = cache.load();
    let txn = conn.begin().map_err(ApiError::internal)?;
    let conn = &txn;
    let result = (|| {
        let mut errors = FieldErrors::new();
        for (i, item) in items.iter().enumerate() {
            let snapshot = cache.load();
            let id = item.get("id").and_then(Value::as_str).unwrap_or_default();
            let name = item.get("name").and_then(Value::as_str).unwrap_or_default();
            let existing = snapshot.by_id(id).or_else(|| {
                if id.is_empty() {
                    snapshot.find(name)
                } else {
                    None
                }
            });
            let r = match existing {
                Some(old) => update(conn, cache, sealer, &old.id, item).map(|_| ()),
                None => create(conn, cache, sealer, item).map(|_| ()),
            };
            if let Err(e) = r {
                let mut nested = FieldErrors::new();
                for (k, v) in e.data {
                    nested.add(
                        k,
                        FieldError::new(
                            "validation_invalid_value",
                            v.get("message")
                                .and_then(Value::as_str)
                                .unwrap_or("Invalid value.")
                                .to_string(),
                        ),
                    );
                }
                errors.add_nested(i.to_string(), nested);
                let mut wrapped = FieldErrors::new();
                wrapped.add_nested("collections", errors);
                return Err(ApiError::validation(message, wrapped));
            }
        }
        if delete_missing {
            let keep: Vec<String> = items
                .iter()
                .flat_map(|v| [v.get("id"), v.get("name")])
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_ascii_lowercase)
                .collect();
            let snapshot = cache.load();
            // Delete dependents first: repeat until nothing more can go.
            let mut pending: Vec<Arc<Collection>> = snapshot
                .collections
                .iter()
                .filter(|c| {
                    !c.system
                        && !keep.contains(&c.id.to_ascii_lowercase())
                        && !keep.contains(&c.name.to_ascii_lowercase())
                })
                .cloned()
                .collect();
            while !pending.is_empty() {
                let before_len = pending.len();
                pending.retain(|c| delete(conn, cache, &c.id).is_err());
                if pending.len() == before_len {
                    return Err(ApiError::bad_request(message));
                }
            }
        }
        Ok(())
    })();
    match result {
        Ok(()) => {
            txn.commit().map_err(ApiError::internal)?;
            Ok(())
        }
        Err(e) => {
            if let Err(rb) = txn.rollback() {
                tracing::error!(error = %rb, "import rollback failed");
            }
            cache.store(Snapshot::new(
                before
                    .collections
                    .iter()
                    .map(|c| c.as_ref().clone())
                    .collect(),
            ));
            Err(e)
        }
    }
}
