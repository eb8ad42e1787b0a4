//! A dry run of a view collection's query (Cairn-only, for the console's view editor): the
//! fields the server would infer and the first rows, without saving anything. The view is
//! created inside a transaction that is always rolled back, so the preview sees exactly what
//! `POST /api/collections` would, and no statement of the query can leave a trace.

use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};
use serde_json::{Value, json};

use super::cache::SchemaCache;
use super::{ddl, normalize, service};
use crate::error::{ApiError, FieldError, FieldErrors};
use crate::storage::DatabaseConnection;
use crate::storage::dialect;

const MESSAGE: &str = "Failed to preview the view query.";
/// The rows shown when the request names no limit, and the most it may ask for.
pub const DEFAULT_LIMIT: u64 = 10;
pub const MAX_LIMIT: u64 = 100;
/// A name no collection can take (collection names cannot start with `_cairn_`… nor be this).
const PREVIEW_VIEW: &str = "_cairn_view_preview";
/// `json_object` takes at most 127 arguments in a default SQLite build: 60 columns per call.
const COLUMNS_PER_OBJECT: usize = 60;

fn query_error(code: &'static str, message: String) -> ApiError {
    let mut errors = FieldErrors::new();
    errors.add("viewQuery", FieldError::new(code, message));
    ApiError::validation(MESSAGE, errors)
}

fn sql_error(e: &sea_orm::DbErr) -> ApiError {
    let text = e.to_string();
    let detail = text.rsplit(": ").next().unwrap_or("invalid query").trim();
    tracing::info!(error = %text, "view preview: rejected query");
    query_error(
        "validation_invalid_view_query",
        format!("Invalid query - {detail}."),
    )
}

/// `SELECT json_patch(json_object('a', "a", …), json_object(…)) FROM view LIMIT n`: every row
/// as one JSON text whatever its columns, in their order.
fn rows_sql(columns: &[String], limit: u64) -> String {
    let objects: Vec<String> = columns
        .chunks(COLUMNS_PER_OBJECT)
        .map(|chunk| {
            let pairs: Vec<String> = chunk
                .iter()
                .map(|c| format!("'{}', {}", c.replace('\'', "''"), dialect::quote(c)))
                .collect();
            format!("json_object({})", pairs.join(", "))
        })
        .collect();
    let row = objects
        .into_iter()
        .reduce(|acc, o| format!("json_patch({acc}, {o})"))
        .unwrap_or_else(|| "json_object()".into());
    format!(
        "SELECT {row} FROM {} LIMIT {limit}",
        dialect::quote(PREVIEW_VIEW)
    )
}

/// Runs on the writer: `{ "fields": [...], "items": [...] }` or a PocketBase-format 400 whose
/// `data.viewQuery` carries the SQL error.
pub fn preview(
    conn: &DatabaseConnection,
    cache: &SchemaCache,
    query: &str,
    limit: u64,
) -> Result<Value, ApiError> {
    let query = query.trim();
    if query.is_empty() {
        let mut errors = FieldErrors::new();
        errors.add("viewQuery", FieldError::required());
        return Err(ApiError::validation(MESSAGE, errors));
    }
    service::check_view_query(query, MESSAGE)?;
    let query = query.trim_end_matches(';');
    let snapshot = cache.load();
    let txn = conn.begin().map_err(ApiError::internal)?;
    let result = (|| {
        txn.execute_unprepared(&dialect::create_view(PREVIEW_VIEW, query))
            .map_err(|e| sql_error(&e))?;
        let columns = ddl::table_columns(&txn, PREVIEW_VIEW).map_err(|e| sql_error(&e))?;
        if !columns.iter().any(|(n, _)| n == "id") {
            return Err(query_error(
                "validation_missing_view_id",
                "The view query must return an id column.".into(),
            ));
        }
        let fields: Vec<Value> = columns
            .iter()
            .map(|(name, decl)| {
                normalize::infer_view_field(name, decl, query, &snapshot.collections).to_json()
            })
            .collect();
        let names: Vec<String> = columns.into_iter().map(|(n, _)| n).collect();
        let rows = txn
            .query_all_raw(Statement::from_string(
                DbBackend::Sqlite,
                rows_sql(&names, limit.clamp(1, MAX_LIMIT)),
            ))
            .map_err(|e| sql_error(&e))?;
        let items = rows
            .iter()
            .map(|r| {
                let text = r.try_get_by_index::<String>(0).map_err(|e| sql_error(&e))?;
                serde_json::from_str::<Value>(&text).map_err(ApiError::internal)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(json!({ "fields": fields, "items": items }))
    })();
    // Always rolled back: a preview changes nothing.
    if let Err(e) = txn.rollback() {
        tracing::error!(error = %e, "view preview: rollback failed");
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_sql_chunks_wide_views_and_quotes_names() {
        let sql = rows_sql(&["id".into(), "it's".into()], 5);
        assert_eq!(
            sql,
            "SELECT json_object('id', \"id\", 'it''s', \"it's\") FROM \"_cairn_view_preview\" LIMIT 5"
        );
        let wide: Vec<String> = (0..130).map(|i| format!("c{i}")).collect();
        let sql = rows_sql(&wide, 1);
        assert_eq!(sql.matches("json_object(").count(), 3);
        assert_eq!(sql.matches("json_patch(").count(), 2);
    }
}
