//! Searching `_collections` for `GET /api/collections`: PocketBase's `filter` and `sort` over
//! the collection columns, compiled by the filter language (`crate::query`) through
//! [`CollectionResolver`] into bound SQL, then run on a reader.
//!
//! PocketBase 0.40 (`apis/collection.go`) resolves exactly six fields here — `id`, `created`,
//! `updated`, `name`, `system`, `type` — with a plain-column resolver: no JSON paths, no
//! modifiers, no `@request`/`@collection`. Anything else is a 400, in the filter and in the
//! sort alike; `@random` and `@rowid` sort as they do for records. Without a sort the rows come
//! in `@rowid` (insertion) order: PocketBase adds no `ORDER BY` and reads whole rows, so SQLite
//! scans the table in rowid order; reading only ids would walk the id index instead, so the
//! order is written out.

use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};

use crate::query::sql::quote;
use crate::query::{CompileError, FieldResolver, Resolved, Sql};

/// The table searched.
const TABLE: &str = "_collections";

/// The columns a client may filter and sort by (PocketBase's list, in its order).
pub const SEARCHABLE: [&str; 6] = ["id", "created", "updated", "name", "system", "type"];

/// Resolves the [`SEARCHABLE`] names to quoted columns of `_collections`.
#[derive(Debug, Default)]
pub struct CollectionResolver;

impl FieldResolver for CollectionResolver {
    fn resolve(&mut self, identifier: &str) -> Result<Resolved, CompileError> {
        if SEARCHABLE.contains(&identifier) {
            Ok(Resolved::new(Sql::raw(format!(
                "{}.{}",
                quote(TABLE),
                quote(identifier)
            ))))
        } else {
            Err(CompileError::Resolve(identifier.to_string()))
        }
    }
}

/// A compiled search: the WHERE condition (if any) and the ORDER BY items.
#[derive(Debug, Clone, Default)]
pub struct CollectionSearch {
    condition: Option<Sql>,
    order: Vec<Sql>,
}

/// One page of matching collection ids (in result order) and, unless skipped, the total.
#[derive(Debug, Clone)]
pub struct SearchPage {
    pub ids: Vec<String>,
    pub total: Option<i64>,
}

impl CollectionSearch {
    /// Compiles a client `filter` and `sort`. An empty or blank filter and an empty sort mean
    /// none; a blank sort term (`name,`) is an error, as in PocketBase.
    pub fn compile(filter: Option<&str>, sort: Option<&str>) -> Result<Self, CompileError> {
        let mut out = Self::default();
        if let Some(f) = filter.map(str::trim).filter(|f| !f.is_empty()) {
            let parsed = crate::query::parse_cached(f)?;
            out.condition = Some(crate::query::compile(&parsed, &mut CollectionResolver)?);
        }
        if let Some(s) = sort.filter(|s| !s.is_empty()) {
            out.order = crate::query::sort::terms(s, TABLE, &mut CollectionResolver)?;
        }
        Ok(out)
    }

    fn tail(&self) -> Sql {
        let mut sql = Sql::raw(format!(" FROM {}", quote(TABLE)));
        if let Some(c) = &self.condition {
            sql.push(" WHERE ");
            sql.append(c);
        }
        sql
    }

    /// The SELECT of one page of ids.
    fn select_sql(&self, limit: u64, offset: u64) -> Sql {
        let mut sql = Sql::raw(format!("SELECT {}.\"id\"", quote(TABLE)));
        sql.append(&self.tail());
        if self.order.is_empty() {
            sql.push(&format!(" ORDER BY {}.\"_rowid_\"", quote(TABLE)));
        }
        for (i, o) in self.order.iter().enumerate() {
            sql.push(if i == 0 { " ORDER BY " } else { ", " });
            sql.append(o);
        }
        sql.push_page(limit, offset);
        sql
    }

    fn count_sql(&self) -> Sql {
        let mut sql = Sql::raw("SELECT COUNT(*)");
        sql.append(&self.tail());
        sql
    }

    /// Runs the search: at most `limit` ids after `offset`, and the total when `count`.
    pub fn run(
        &self,
        conn: &impl ConnectionTrait,
        limit: u64,
        offset: u64,
        count: bool,
    ) -> Result<SearchPage, DbErr> {
        let rows = conn.query_all_raw(statement(self.select_sql(limit, offset)))?;
        let ids = rows
            .iter()
            .map(|r| r.try_get_by_index::<String>(0))
            .collect::<Result<Vec<_>, _>>()?;
        let total = if count {
            let row = conn.query_one_raw(statement(self.count_sql()))?;
            Some(
                row.map(|r| r.try_get_by_index::<i64>(0))
                    .transpose()?
                    .unwrap_or(0),
            )
        } else {
            None
        };
        Ok(SearchPage { ids, total })
    }
}

fn statement(sql: Sql) -> Statement {
    Statement::from_sql_and_values(DbBackend::Sqlite, sql.text, sql.values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_compile_to_bound_columns() {
        let s = CollectionSearch::compile(Some("name ~ 'po' && system = false"), None)
            .expect("compiles");
        let cond = s.condition.expect("a condition");
        assert_eq!(
            cond.text,
            "(\"_collections\".\"name\" LIKE ? ESCAPE '\\' AND \"_collections\".\"system\" = 0)"
        );
        assert_eq!(cond.values, vec![sea_query::Value::from("%po%")]);
    }

    #[test]
    fn only_pocketbase_fields_resolve() {
        for bad in [
            "listRule = ''",
            "fields ~ 'x'",
            "name.x = 1",
            "name:lower = 'a'",
            "@request.auth.id = ''",
            "@collection.users.id = ''",
        ] {
            assert!(CollectionSearch::compile(Some(bad), None).is_err(), "{bad}");
        }
        for bad in ["listRule", "name,", " ", "-", "name:lower"] {
            assert!(
                CollectionSearch::compile(None, Some(bad)).is_err(),
                "{bad:?}"
            );
        }
        let nine = ["name"; 9].join(",");
        assert!(CollectionSearch::compile(None, Some(&nine)).is_err());
    }

    #[test]
    fn sorts_keep_direction_and_specials() {
        let s = CollectionSearch::compile(None, Some("-type,+name,@random,@rowid")).expect("ok");
        let texts: Vec<&str> = s.order.iter().map(|o| o.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "\"_collections\".\"type\" DESC",
                "\"_collections\".\"name\" ASC",
                "RANDOM()",
                "\"_collections\".\"_rowid_\" ASC"
            ]
        );
        assert!(CollectionSearch::compile(Some("  "), Some("")).is_ok());
    }
}
