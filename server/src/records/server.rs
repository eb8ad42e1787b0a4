//! Records for server code (hook modules, jobs, crons): by collection name, acting as a
//! superuser (API rules do not apply), writes through the whole pipeline (hooks, validation,
//! sealing, realtime), reads of committed data. `filter` binds values into a filter expression
//! the way the SDKs' `pb.filter(expr, params)` does, so module code never splices strings.
//!
//! ```no_run
//! # async fn demo(core: std::sync::Arc<cairn::core::Core>) -> Result<(), cairn::error::ApiError> {
//! use cairn::records::server;
//! use serde_json::json;
//! let expr = server::filter("conversation = {:c} && role = 'user'", &[("c", json!("abc"))]);
//! let recent = server::list(&core, "messages", &expr, "-created", 20).await?;
//! let first = server::create(&core, "messages", json!({"role": "assistant"})).await?;
//! # Ok(()) }
//! ```

use std::sync::Arc;

use serde_json::{Map, Value};

use super::read::ListQuery;
use super::rules::PlanBuilder;
use super::{Record, cached_read};
use crate::auth::system;
use crate::core::Core;
use crate::error::ApiError;
use crate::schema::Collection;

fn collection(core: &Core, name: &str) -> Result<Arc<Collection>, ApiError> {
    core.schema
        .load()
        .find(name)
        .ok_or_else(ApiError::not_found)
}

fn body(value: Value) -> Result<Map<String, Value>, ApiError> {
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(ApiError::bad_request(
            "A record body must be a JSON object.",
        )),
    }
}

/// `expr` with every `{:name}` replaced by `params`' value as a filter literal (strings quoted
/// and escaped, numbers and booleans as they are, null as `null`, anything else as JSON text).
pub fn filter(expr: &str, params: &[(&str, Value)]) -> String {
    let mut out = expr.to_string();
    for (name, value) in params {
        let literal = match value {
            Value::String(s) => quote(s),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Null => "null".into(),
            other => quote(&other.to_string()),
        };
        out = out.replace(&format!("{{:{name}}}"), &literal);
    }
    out
}

fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// The record `id` of `collection_name`, if it exists.
pub async fn find(
    core: &Arc<Core>,
    collection_name: &str,
    id: &str,
) -> Result<Option<Record>, ApiError> {
    let c = collection(core, collection_name)?;
    super::pipeline::find(core, &Default::default(), &c, id).await
}

/// Up to `limit` records matching `filter` (may be empty), ordered by `sort` (PocketBase's sort
/// syntax; may be empty).
pub async fn list(
    core: &Arc<Core>,
    collection_name: &str,
    filter: &str,
    sort: &str,
    limit: u64,
) -> Result<Vec<Record>, ApiError> {
    let c = collection(core, collection_name)?;
    let plan = {
        let snapshot = core.schema.load();
        let info = system::superuser_info(core);
        let mut b = PlanBuilder::new(&snapshot, c.clone(), &info);
        b.client(Some(filter), Some(sort), true)?;
        b.finish()
    };
    let mut lq = ListQuery::all(limit.max(1));
    lq.plan = plan;
    let result = cached_read::list(core, &c, &lq)
        .await?
        .map_err(ApiError::internal)?;
    Ok(result.items)
}

/// Creates a record from a JSON object body.
pub async fn create(
    core: &Arc<Core>,
    collection_name: &str,
    value: Value,
) -> Result<Record, ApiError> {
    let c = collection(core, collection_name)?;
    system::create(core, c, body(value)?).await
}

/// Applies a JSON object body to record `id` (modifiers such as `field+` work as in the API).
pub async fn update(
    core: &Arc<Core>,
    collection_name: &str,
    id: &str,
    value: Value,
) -> Result<Record, ApiError> {
    let record = find(core, collection_name, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    system::update(core, &record, body(value)?).await
}

/// Deletes record `id` (one already gone is not an error).
pub async fn delete(core: &Arc<Core>, collection_name: &str, id: &str) -> Result<(), ApiError> {
    let c = collection(core, collection_name)?;
    system::delete(core, c, id).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn filter_binds_values_as_literals() {
        let expr = filter(
            "a = {:a} && b = {:b} && c = {:c} && d = {:a}",
            &[
                ("a", json!("it's \\ here")),
                ("b", json!(3)),
                ("c", json!(true)),
            ],
        );
        assert_eq!(
            expr,
            r"a = 'it\'s \\ here' && b = 3 && c = true && d = 'it\'s \\ here'"
        );
    }
}
