//! Loading records for a write or a view, with the requester's rule applied.

use std::sync::Arc;

use serde_json::Value;

use super::CREATE_FAILED;
use crate::core::Core;
use crate::error::{ApiError, msg};
use crate::query::Sql;
use crate::query::sql::quote;
use crate::records::exec::Exec;
use crate::records::resolver::RequestInfo;
use crate::records::rules::{Gate, PlanBuilder};
use crate::records::{Record, codec, read};
use crate::schema::Collection;

/// Loads a record by id.
pub async fn find(
    core: &Core,
    exec: &Exec,
    c: &Arc<Collection>,
    id: &str,
) -> Result<Option<Record>, ApiError> {
    let c = c.clone();
    let id = id.to_string();
    exec.read(core, move |conn| read::find_by_id(conn, &c, &id))
        .await?
        .map_err(ApiError::internal)
}

/// Loads a record by id if it satisfies the rule behind `gate` for this request.
pub async fn find_with_rule(
    core: &Core,
    exec: &Exec,
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
    let found = match exec {
        Exec::Direct => crate::records::cached_read::find(core, c, id, plan).await?,
        Exec::Batch(_) => {
            let (c, id) = (c.clone(), id.to_string());
            exec.read(core, move |conn| read::find_with_plan(conn, &c, &id, plan))
                .await?
        }
    };
    found.map_err(|e| {
        tracing::debug!(error = %e, "rule query failed");
        ApiError::bad_request(msg::BAD_REQUEST)
    })
}

/// Evaluates a create rule against the record about to be created.
pub(super) async fn check_create_rule(
    core: &Core,
    exec: &Exec,
    record: &Record,
    info: &RequestInfo,
    rule: &str,
) -> Result<bool, ApiError> {
    record_satisfies(core, exec, record, info, Some(rule), None, true)
        .await
        .map_err(|e| {
            if e.status == 400 {
                ApiError::bad_request(CREATE_FAILED)
            } else {
                e
            }
        })
}

/// Whether `record`, as given (not as stored), satisfies `rule` and a client `filter` for this
/// request. The record is exposed to SQL as a one-row CTE under a throwaway name, so rules can
/// still join relations; used for create rules and for realtime (where deleted records must be
/// checked as they were). `unverified` forces `verified = false` (a client-set `verified` must
/// never satisfy a create rule).
pub async fn record_satisfies(
    core: &Core,
    exec: &Exec,
    record: &Record,
    info: &RequestInfo,
    rule: Option<&str>,
    filter: Option<&str>,
    unverified: bool,
) -> Result<bool, ApiError> {
    let snapshot = core.schema.load();
    let suffix = crate::schema::ids::random_from(b"abcdefghijklmnopqrstuvwxyz0123456789", 6);
    let mut dummy = record.collection.as_ref().clone();
    dummy.name = format!("{}__pb_create__{suffix}", dummy.name);
    dummy.id = format!("{}__pb_create__{suffix}", dummy.id);
    let dummy = Arc::new(dummy);
    let mut cte = Sql::raw(format!("WITH {} AS (SELECT ", quote(&dummy.name)));
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
        if unverified && dummy.is_auth() && f.name == "verified" {
            value = Value::Bool(false);
        }
        cte.values.push(codec::encode(f, &value));
        cte.push(&format!("? AS {}", quote(&f.name)));
    }
    cte.push(") ");
    let plan = {
        let mut b = PlanBuilder::new(&snapshot, dummy.clone(), info);
        if let Some(rule) = rule.filter(|r| !r.trim().is_empty()) {
            b.rule(rule)?;
        }
        if filter.is_some() {
            b.client(filter, None, info.auth.is_superuser())?;
        }
        b.finish()
    };
    exec.read(core, move |conn| {
        read::exists_with_prefix(conn, &dummy, cte, &plan)
    })
    .await?
    .map_err(|e| {
        tracing::debug!(error = %e, "record rule query failed");
        ApiError::bad_request(msg::BAD_REQUEST)
    })
}
