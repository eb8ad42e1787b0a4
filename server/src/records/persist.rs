//! Writing records inside a transaction: insert, update, and delete with PocketBase's relation
//! semantics (cascade delete, unsetting optional references, refusing required ones).

use std::sync::Arc;

use sea_orm::{ConnectionTrait, DbErr};
use sea_query::{Alias, Expr, ExprTrait, Query};
use serde_json::{Value, json};

use super::{Record, codec, read};
use crate::error::{ApiError, FieldError, FieldErrors};
use crate::schema::fields::list_items;
use crate::schema::{Collection, FieldKind, Snapshot};
use crate::storage::dialect::{quote, unique_violation_columns};

/// Max cascade depth, a guard against relation cycles.
const MAX_CASCADE_DEPTH: usize = 32;

#[derive(Debug, thiserror::Error)]
pub enum PersistError {
    #[error("validation failed")]
    Validation(FieldErrors),
    #[error("record is part of a required relation reference")]
    RequiredReference,
    #[error("the collection changed while the request was prepared")]
    SchemaChanged,
    #[error("refused: {0}")]
    Refused(String),
    /// An in-transaction hook refused the write (its error goes to the client as is).
    #[error("refused by a hook: {}", .0.message)]
    Hook(ApiError),
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl PersistError {
    /// Maps to the wire error with the flow's message ("Failed to create record.", …).
    pub fn into_api(self, message: &str) -> ApiError {
        match self {
            Self::Validation(errors) => ApiError::validation(message, errors),
            Self::RequiredReference => ApiError::bad_request(
                "Failed to delete record. Make sure that the record is not part of a required relation reference.",
            ),
            Self::Refused(message) => ApiError::bad_request(message),
            Self::SchemaChanged => ApiError::bad_request(
                "The collection schema changed while the request was processed; please retry.",
            ),
            Self::Hook(e) => e,
            Self::Db(e) => ApiError::internal(e),
        }
    }
}

/// Unique violations become `validation_not_unique` on the offending fields.
fn map_db_error(e: DbErr) -> PersistError {
    let text = e.to_string();
    if let Some(cols) = unique_violation_columns(&text) {
        let mut errors = FieldErrors::new();
        for c in cols {
            errors.add(c, FieldError::not_unique());
        }
        return PersistError::Validation(errors);
    }
    PersistError::Db(e)
}

/// Refuses a write prepared against an older version of the collection (a schema change
/// committed in between), instead of writing to columns that may no longer exist.
pub fn ensure_current(snapshot: &Snapshot, record: &Record) -> Result<(), PersistError> {
    match snapshot.by_id(&record.collection.id) {
        Some(current) if Arc::ptr_eq(&current, &record.collection) => Ok(()),
        _ => Err(PersistError::SchemaChanged),
    }
}

/// Checks that every relation value points at an existing record.
pub fn check_relations(
    conn: &impl ConnectionTrait,
    snapshot: &Snapshot,
    record: &Record,
) -> Result<(), PersistError> {
    ensure_current(snapshot, record)?;
    let mut errors = FieldErrors::new();
    for f in &record.collection.fields {
        let FieldKind::Relation(o) = &f.kind else {
            continue;
        };
        let ids = list_items(record.get(&f.name).unwrap_or(&Value::Null));
        if ids.is_empty() {
            continue;
        }
        let target = if o.collection_id == record.collection.id {
            Some(record.collection.clone())
        } else {
            snapshot.by_id(&o.collection_id)
        };
        let found = match &target {
            Some(t) => read::existing_ids(conn, t, &ids)?,
            None => Vec::new(),
        };
        // A self-reference to the record being created is fine.
        let self_target = target
            .as_ref()
            .is_some_and(|t| t.id == record.collection.id);
        let missing = ids
            .iter()
            .any(|id| !(found.contains(id) || (self_target && id == record.id())));
        if missing {
            errors.add(
                f.name.clone(),
                FieldError::new(
                    "validation_missing_rel_records",
                    "Failed to find all relation records with the provided ids.",
                ),
            );
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(PersistError::Validation(errors))
    }
}

pub fn insert(conn: &impl ConnectionTrait, record: &Record) -> Result<(), PersistError> {
    let c = &record.collection;
    let mut q = Query::insert();
    q.into_table(Alias::new(c.name.as_str()));
    q.columns(c.fields.iter().map(|f| Alias::new(f.name.as_str())));
    let values: Vec<sea_query::SimpleExpr> = c
        .fields
        .iter()
        .map(|f| {
            Expr::val(codec::encode(
                f,
                record.get(&f.name).unwrap_or(&f.zero_value()),
            ))
        })
        .collect();
    q.values(values)
        .map_err(|e| PersistError::Db(DbErr::Custom(e.to_string())))?;
    conn.execute(&q).map_err(map_db_error)?;
    Ok(())
}

pub fn update(conn: &impl ConnectionTrait, record: &Record) -> Result<(), PersistError> {
    let c = &record.collection;
    // A collection with no field but `id` has nothing to set (and `SET` with no column is a
    // syntax error); the id itself never changes in an update.
    if c.fields.iter().all(|f| f.name == "id") {
        return Ok(());
    }
    let mut q = Query::update();
    q.table(Alias::new(c.name.as_str()));
    for f in c.fields.iter().filter(|f| f.name != "id") {
        q.value(
            Alias::new(f.name.as_str()),
            codec::encode(f, record.get(&f.name).unwrap_or(&f.zero_value())),
        );
    }
    q.and_where(Expr::col(Alias::new("id")).eq(record.id()));
    conn.execute(&q).map_err(map_db_error)?;
    Ok(())
}

/// What a delete did to other records: deleted by `cascadeDelete`, or updated (a reference
/// removed). Realtime publishes these too.
#[derive(Debug, Default)]
pub struct Cascade {
    pub deleted: Vec<Record>,
    pub updated: Vec<Record>,
}

/// Deletes `record` and applies relation semantics to records that reference it. Returns every
/// record deleted or updated by cascade (not including `record`).
pub fn delete(
    conn: &impl ConnectionTrait,
    snapshot: &Snapshot,
    record: &Record,
) -> Result<Cascade, PersistError> {
    ensure_current(snapshot, record)?;
    if record.collection.name == crate::auth::SUPERUSERS {
        let mut q = Query::select();
        q.expr(sea_query::Func::count(Expr::cust("*")))
            .from(Alias::new(crate::auth::SUPERUSERS));
        let total: i64 = conn
            .query_one(&q)?
            .map(|r| r.try_get_by_index::<i64>(0))
            .transpose()?
            .unwrap_or(0);
        if total <= 1 {
            return Err(PersistError::Refused(
                "You can't delete the only existing superuser.".into(),
            ));
        }
    }

    let mut cascaded = Cascade::default();
    delete_inner(conn, snapshot, record, 0, &mut cascaded)?;
    Ok(cascaded)
}

fn delete_inner(
    conn: &impl ConnectionTrait,
    snapshot: &Snapshot,
    record: &Record,
    depth: usize,
    cascaded: &mut Cascade,
) -> Result<(), PersistError> {
    if depth > MAX_CASCADE_DEPTH {
        return Err(PersistError::Db(DbErr::Custom(
            "relation cascade too deep".into(),
        )));
    }
    let c = &record.collection;
    let mut q = Query::delete();
    q.from_table(Alias::new(c.name.as_str()))
        .and_where(Expr::col(Alias::new("id")).eq(record.id()));
    conn.execute(&q)?;
    for (owner, field) in c.referencing_fields(&snapshot.collections) {
        let Some(owner) = snapshot.by_id(&owner.id) else {
            continue;
        };
        let FieldKind::Relation(opts) = &field.kind else {
            continue;
        };
        for mut referencing in
            referencing_records(conn, &owner, &field.name, field.is_multiple(), record.id())?
        {
            if referencing.id() == record.id() && owner.id == c.id {
                continue;
            }
            let remaining: Vec<String> =
                list_items(referencing.get(&field.name).unwrap_or(&Value::Null))
                    .into_iter()
                    .filter(|id| id != record.id())
                    .collect();
            if opts.cascade_delete && remaining.is_empty() {
                delete_inner(conn, snapshot, &referencing, depth + 1, cascaded)?;
                cascaded.deleted.push(referencing);
            } else if remaining.is_empty() && field.required {
                return Err(PersistError::RequiredReference);
            } else {
                let value = if field.is_multiple() {
                    json!(remaining)
                } else {
                    json!(remaining.last().cloned().unwrap_or_default())
                };
                referencing.set_raw(&field.name, value);
                update(conn, &referencing)?;
                cascaded.updated.push(referencing);
            }
        }
    }
    Ok(())
}

fn referencing_records(
    conn: &impl ConnectionTrait,
    owner: &Arc<Collection>,
    field: &str,
    multiple: bool,
    id: &str,
) -> Result<Vec<Record>, DbErr> {
    let column = format!("{}.{}", quote(&owner.name), quote(field));
    let cond = if multiple {
        crate::query::Sql {
            text: format!("EXISTS (SELECT 1 FROM json_each({column}) WHERE json_each.value = ?)"),
            values: vec![id.into()],
        }
    } else {
        crate::query::Sql {
            text: format!("{column} = ?"),
            values: vec![id.into()],
        }
    };
    let plan = read::QueryPlan::default().with_condition(cond);
    // Everything at once: the caller modifies these records afterwards.
    read::select(conn, owner, &plan, u64::MAX >> 1, 0)
}
