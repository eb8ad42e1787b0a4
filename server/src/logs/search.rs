//! Searching `_logs` for `GET /api/logs` and `/api/logs/stats`: PocketBase's `filter` and
//! `sort` over the log columns (`id`, `created`, `level`, `message`, `data`) and JSON paths
//! into the entry's data (`data.status`, `data.auth`, …), compiled by the filter language
//! (`crate::query`) into bound SQL.
//!
//! PocketBase 0.40 (`apis/logs.go`) resolves exactly these names with a plain-column resolver
//! (`^data\.[\w\.\:]*\w+$` becomes `JSON_EXTRACT(data, '$.…')`): no modifiers, no
//! `@request`/`@collection`; anything else is a 400. Without a sort the rows come in insertion
//! order, as PocketBase's unsorted query reads them.

use crate::query::sql::quote;
use crate::query::{CompileError, FieldResolver, Resolved, Sql};

pub(super) const TABLE: &str = "_logs";

/// The plain columns a client may filter and sort by.
const COLUMNS: [&str; 5] = ["id", "created", "level", "message", "data"];

/// Resolves log columns and `data.a.b` paths.
#[derive(Debug, Default)]
struct LogResolver;

impl FieldResolver for LogResolver {
    fn resolve(&mut self, identifier: &str) -> Result<Resolved, CompileError> {
        if COLUMNS.contains(&identifier) {
            return Ok(Resolved::new(Sql::raw(format!(
                "{}.{}",
                quote(TABLE),
                quote(identifier)
            ))));
        }
        match identifier.strip_prefix("data.") {
            // The path is spliced into a SQL string literal, so only word characters and dots
            // (no quotes, no brackets) may pass; PocketBase's `:` is not a JSON path character.
            Some(path)
                if !path.is_empty()
                    && !path.starts_with('.')
                    && !path.ends_with('.')
                    && !path.contains("..")
                    && path
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') =>
            {
                Ok(Resolved::new(Sql::raw(format!(
                    "JSON_EXTRACT({}.\"data\", '$.{path}')",
                    quote(TABLE)
                ))))
            }
            _ => Err(CompileError::Resolve(identifier.to_string())),
        }
    }
}

/// A compiled log search: the WHERE condition (if any) and the ORDER BY items.
#[derive(Debug, Clone, Default)]
pub struct LogSearch {
    pub(super) condition: Option<Sql>,
    pub(super) order: Vec<Sql>,
}

impl LogSearch {
    /// Compiles a client `filter` and `sort`; blank means none.
    pub fn compile(filter: Option<&str>, sort: Option<&str>) -> Result<Self, CompileError> {
        let mut out = Self::default();
        if let Some(f) = filter.map(str::trim).filter(|f| !f.is_empty()) {
            let parsed = crate::query::parse_cached(f)?;
            out.condition = Some(crate::query::compile(&parsed, &mut LogResolver)?);
        }
        if let Some(s) = sort.filter(|s| !s.is_empty()) {
            out.order = crate::query::sort::terms(s, TABLE, &mut LogResolver)?;
        }
        Ok(out)
    }

    /// ` FROM "_logs" [WHERE …]`.
    pub(super) fn table_and_condition(&self) -> Sql {
        let mut sql = Sql::raw(format!(" FROM {}", quote(TABLE)));
        if let Some(c) = &self.condition {
            sql.push(" WHERE ");
            sql.append(c);
        }
        sql
    }

    /// ` ORDER BY …` (insertion order when the client gave none).
    pub(super) fn order_by(&self) -> Sql {
        if self.order.is_empty() {
            return Sql::raw(format!(" ORDER BY {}.\"_rowid_\"", quote(TABLE)));
        }
        let mut sql = Sql::raw("");
        for (i, o) in self.order.iter().enumerate() {
            sql.push(if i == 0 { " ORDER BY " } else { ", " });
            sql.append(o);
        }
        sql
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_paths_become_json_extracts() {
        let s = LogSearch::compile(Some("data.status >= 400 && level = 8"), Some("-created"))
            .expect("compiles");
        let cond = s.condition.expect("a condition");
        assert_eq!(
            cond.text,
            "(JSON_EXTRACT(\"_logs\".\"data\", '$.status') >= ? AND \"_logs\".\"level\" = ?)"
        );
        assert_eq!(s.order[0].text, "\"_logs\".\"created\" DESC");
    }

    #[test]
    fn only_log_fields_and_safe_paths_resolve() {
        for bad in [
            "name = 'x'",
            "data.",
            "data..a = 1",
            "data.a' = 1",
            "data.a:lower = 'x'",
            "@request.auth.id = ''",
            "@collection.users.id = ''",
        ] {
            assert!(LogSearch::compile(Some(bad), None).is_err(), "{bad}");
        }
        for bad in ["name", "level,", "-", "data.x'"] {
            assert!(LogSearch::compile(None, Some(bad)).is_err(), "{bad:?}");
        }
        assert!(LogSearch::compile(Some("data.url ~ 'api' || message != ''"), None).is_ok());
    }
}
