//! Create, update and delete as hook chains around their default actions. The write itself is
//! one job on the writer thread: relation checks and the statement share one transaction.

use std::sync::Arc;

use sea_orm::TransactionTrait;
use serde_json::{Map, Value};

use super::persist::{self, PersistError};
use super::resolver::RequestInfo;
use super::rules::{Gate, PlanBuilder, gate};
use super::{Record, prepare, read};
use crate::core::Core;
use crate::error::{ApiError, msg};
use crate::hooks::{RecordEvent, RecordRequestEvent};
use crate::schema::{Collection, FieldKind};

const CREATE_FAILED: &str = "Failed to create record.";
const UPDATE_FAILED: &str = "Failed to update record.";
const DELETE_FAILED: &str = "Failed to delete record.";

fn unsupported_view(c: &Collection) -> Result<(), ApiError> {
    if c.is_view() {
        Err(ApiError::bad_request("Unsupported collection type."))
    } else {
        Ok(())
    }
}

/// Loads a record by id on a reader.
pub async fn find(core: &Core, c: &Arc<Collection>, id: &str) -> Result<Option<Record>, ApiError> {
    let c = c.clone();
    let id = id.to_string();
    core.storage
        .read(move |conn| read::find_by_id(conn, &c, &id))
        .await?
        .map_err(ApiError::internal)
}

/// Loads a record by id if it satisfies the rule behind `gate` for this request.
pub async fn find_with_rule(
    core: &Core,
    c: &Arc<Collection>,
    id: &str,
    info: &RequestInfo,
    gate: &Gate,
) -> Result<Option<Record>, ApiError> {
    let snapshot = core.schema.load();
    let plan = {
        let mut b = PlanBuilder::new(&snapshot, c.clone(), info);
        b.gate(gate)?;
        b.finish()
    };
    let c = c.clone();
    let id = id.to_string();
    core.storage
        .read(move |conn| read::find_with_plan(conn, &c, &id, plan))
        .await?
        .map_err(|e| {
            tracing::debug!(error = %e, "rule query failed");
            ApiError::bad_request(msg::BAD_REQUEST)
        })
}

/// Evaluates a create rule against the record about to be created: the record is exposed as a
/// one-row CTE under a throwaway name, so the rule can join relations like any other query.
async fn check_create_rule(
    core: &Core,
    record: &Record,
    info: &RequestInfo,
    rule: &str,
) -> Result<bool, ApiError> {
    let snapshot = core.schema.load();
    let suffix = crate::schema::ids::random_from(b"abcdefghijklmnopqrstuvwxyz0123456789", 6);
    let mut dummy = record.collection.as_ref().clone();
    dummy.name = format!("{}__pb_create__{suffix}", dummy.name);
    dummy.id = format!("{}__pb_create__{suffix}", dummy.id);
    let dummy = Arc::new(dummy);
    let mut cte = crate::query::Sql::raw(format!(
        "WITH {} AS (SELECT ",
        crate::query::sql::quote(&dummy.name)
    ));
    for (i, f) in dummy.fields.iter().enumerate() {
        if i > 0 {
            cte.push(", ");
        }
        let mut value = record
            .get(&f.name)
            .cloned()
            .unwrap_or_else(|| f.zero_value());
        if f.name == "id" && value.as_str().is_none_or(str::is_empty) {
            value = Value::String(format!("__temp_id__{suffix}"));
        }
        if dummy.is_auth() && f.name == "verified" {
            // Never let a client-set `verified` satisfy a rule.
            value = Value::Bool(false);
        }
        cte.values.push(super::codec::encode(f, &value));
        cte.push(&format!("? AS {}", crate::query::sql::quote(&f.name)));
    }
    cte.push(") ");
    let plan = {
        let mut b = PlanBuilder::new(&snapshot, dummy.clone(), info);
        b.rule(rule)?;
        b.finish()
    };
    core.storage
        .read(move |conn| read::exists_with_prefix(conn, &dummy, cte, &plan))
        .await?
        .map_err(|e| {
            tracing::debug!(error = %e, "create rule query failed");
            ApiError::bad_request(CREATE_FAILED)
        })
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
    message: &'static str,
) -> Result<Record, ApiError> {
    let is_create = original.is_none();
    let errors = prepare::validate(&record, applied, is_create);
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

/// Runs `write` on the writer inside a transaction.
async fn write_txn<T, F>(core: &Arc<Core>, message: &'static str, write: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&sea_orm::DatabaseTransaction, &crate::schema::Snapshot) -> Result<T, PersistError>
        + Send
        + 'static,
{
    let cache = core.schema.clone();
    core.storage
        .write(move |conn| {
            let snapshot = cache.load();
            let txn = conn
                .begin()
                .map_err(|e| PersistError::Db(e).into_api(message))?;
            match write(&txn, &snapshot) {
                Ok(v) => {
                    txn.commit()
                        .map_err(|e| PersistError::Db(e).into_api(message))?;
                    Ok(v)
                }
                Err(e) => {
                    if let Err(rb) = txn.rollback() {
                        tracing::error!(error = %rb, "rollback failed");
                    }
                    Err(e.into_api(message))
                }
            }
        })
        .await?
}

fn spawn_after(
    core: &Arc<Core>,
    hook: fn(&Core) -> &crate::hooks::Hook<RecordEvent>,
    event: RecordEvent,
) {
    let core = core.clone();
    tokio::spawn(async move {
        if let Err(e) = hook(&core).trigger(event, |e| async move { Ok(e) }).await {
            tracing::warn!(error = %e, "after-success hook failed");
        }
    });
}

/// `POST /api/collections/{c}/records`.
pub async fn create(
    core: &Arc<Core>,
    c: Arc<Collection>,
    mut info: RequestInfo,
    body: Map<String, Value>,
    from_form: bool,
) -> Result<Record, ApiError> {
    unsupported_view(&c)?;
    let g = gate(c.create_rule.as_deref(), &info.auth);
    if g == Gate::Locked {
        return Err(ApiError::forbidden(msg::SUPERUSERS_ONLY));
    }
    info.body = body.clone();
    let auth = info.auth.clone();
    let mut record = Record::new(c.clone());
    let applied = prepare::apply_body(&mut record, &body, from_form, true);
    prepare::fill_generated(&mut record, true);
    let event = RecordRequestEvent {
        collection: c.clone(),
        record,
        original: None,
        auth,
        body,
    };
    let core2 = core.clone();
    let ev = core
        .hooks
        .on_record_create_request
        .trigger(event, move |mut e| async move {
            let core = core2;
            if let Gate::Expression(rule) = &g
                && !check_create_rule(&core, &e.record, &info, rule).await?
            {
                return Err(ApiError::bad_request(CREATE_FAILED));
            }
            let mut record = run_validation(&core, e.record, None, &applied, CREATE_FAILED).await?;
            hash_passwords(&mut record, applied.passwords).await?;
            let event = RecordEvent {
                collection: record.collection.clone(),
                record,
                original: None,
            };
            let core3 = core.clone();
            let ev = core
                .hooks
                .on_record_create
                .trigger(event, move |ev| async move {
                    let record = ev.record.clone();
                    write_txn(&core3, CREATE_FAILED, move |txn, snapshot| {
                        persist::check_relations(txn, snapshot, &record)?;
                        persist::insert(txn, &record)
                    })
                    .await?;
                    Ok(ev)
                })
                .await?;
            spawn_after(
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

/// `PATCH /api/collections/{c}/records/{id}`.
pub async fn update(
    core: &Arc<Core>,
    c: Arc<Collection>,
    id: &str,
    mut info: RequestInfo,
    body: Map<String, Value>,
    from_form: bool,
) -> Result<Record, ApiError> {
    unsupported_view(&c)?;
    let g = gate(c.update_rule.as_deref(), &info.auth);
    if g == Gate::Locked {
        return Err(ApiError::forbidden(msg::SUPERUSERS_ONLY));
    }
    info.body = body.clone();
    let auth = info.auth.clone();
    let original = find_with_rule(core, &c, id, &info, &g)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let mut record = original.clone();
    let applied = prepare::apply_body(&mut record, &body, from_form, false);
    prepare::fill_generated(&mut record, false);
    let event = RecordRequestEvent {
        collection: c.clone(),
        record,
        original: Some(original),
        auth,
        body,
    };
    let core2 = core.clone();
    let ev = core
        .hooks
        .on_record_update_request
        .trigger(event, move |mut e| async move {
            let core = core2;
            let mut record =
                run_validation(&core, e.record, e.original.clone(), &applied, UPDATE_FAILED)
                    .await?;
            hash_passwords(&mut record, applied.passwords).await?;
            let event = RecordEvent {
                collection: record.collection.clone(),
                record,
                original: e.original.clone(),
            };
            let core3 = core.clone();
            let ev = core
                .hooks
                .on_record_update
                .trigger(event, move |ev| async move {
                    let record = ev.record.clone();
                    write_txn(&core3, UPDATE_FAILED, move |txn, snapshot| {
                        persist::check_relations(txn, snapshot, &record)?;
                        persist::update(txn, &record)
                    })
                    .await?;
                    Ok(ev)
                })
                .await?;
            spawn_after(
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

/// `DELETE /api/collections/{c}/records/{id}`.
pub async fn delete(
    core: &Arc<Core>,
    c: Arc<Collection>,
    id: &str,
    info: RequestInfo,
) -> Result<(), ApiError> {
    unsupported_view(&c)?;
    let g = gate(c.delete_rule.as_deref(), &info.auth);
    if g == Gate::Locked {
        return Err(ApiError::forbidden(msg::SUPERUSERS_ONLY));
    }
    let auth = info.auth.clone();
    let record = find_with_rule(core, &c, id, &info, &g)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let event = RecordRequestEvent {
        collection: c.clone(),
        record,
        original: None,
        auth,
        body: Map::new(),
    };
    let core2 = core.clone();
    core.hooks
        .on_record_delete_request
        .trigger(event, move |e| async move {
            let core = core2;
            let event = RecordEvent {
                collection: e.collection.clone(),
                record: e.record.clone(),
                original: None,
            };
            let core3 = core.clone();
            let ev = core
                .hooks
                .on_record_delete
                .trigger(event, move |ev| async move {
                    let record = ev.record.clone();
                    write_txn(&core3, DELETE_FAILED, move |txn, snapshot| {
                        persist::delete(txn, snapshot, &record)
                    })
                    .await?;
                    Ok(ev)
                })
                .await?;
            spawn_after(&core, |c| &c.hooks.on_record_after_delete_success, ev);
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
    write_txn(core, FAILED, move |txn, snapshot| {
        let referenced = !c.referencing_fields(&snapshot.collections).is_empty();
        if !referenced {
            let mut q = sea_query::Query::delete();
            q.from_table(sea_query::Alias::new(c.name.as_str()));
            sea_orm::ConnectionTrait::execute(txn, &q)?;
            return Ok(());
        }
        loop {
            let batch = read::list(txn, &c, &read::ListQuery::all(500))?;
            if batch.items.is_empty() {
                return Ok(());
            }
            for record in &batch.items {
                persist::delete(txn, snapshot, record).map_err(|e| match e {
                    PersistError::Db(db) => PersistError::Db(db),
                    _ => PersistError::RequiredReference,
                })?;
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
    })
}
