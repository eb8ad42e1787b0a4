//! The record field resolver: turns filter identifiers into SQL for one base collection —
//! own fields, relation paths (`author.name`), back-relations (`comments_via_post.text`), JSON
//! paths, modifiers (`:each`, `:length`, `:lower`, `:isset`, `:changed`), `@request.*` and
//! `@collection.*` — registering the LEFT JOINs the main query needs and, for multi-valued paths,
//! the subquery used for "match all" semantics.

mod paths;
mod request;

use std::sync::Arc;

use serde_json::Value;

pub use request::RequestInfo;

use crate::query::sql::quote;
use crate::query::{CompileError, FieldResolver, Join, Resolved, Sql};
use crate::schema::{Collection, Snapshot};

/// Max relation hops in one path (PocketBase's `maxNestedRels`).
pub const MAX_NESTED_RELS: usize = 6;

pub struct RecordResolver<'a> {
    snapshot: &'a Snapshot,
    base: Arc<Collection>,
    info: Option<&'a RequestInfo>,
    /// Hidden fields may be used (superusers, API rules).
    allow_hidden: bool,
    joins: Vec<Join>,
    /// Collections reached through the filter (checked against their list rules for clients).
    pub touched: Vec<Arc<Collection>>,
}

impl<'a> RecordResolver<'a> {
    pub fn new(
        snapshot: &'a Snapshot,
        base: Arc<Collection>,
        info: Option<&'a RequestInfo>,
        allow_hidden: bool,
    ) -> Self {
        Self {
            snapshot,
            base,
            info,
            allow_hidden,
            joins: Vec::new(),
            touched: Vec::new(),
        }
    }

    pub fn set_allow_hidden(&mut self, allow: bool) {
        self.allow_hidden = allow;
    }

    pub fn base(&self) -> &Arc<Collection> {
        &self.base
    }

    /// Marks a collection as reached by the current expression.
    fn touch(&mut self, c: &Arc<Collection>) {
        if !self.touched.iter().any(|t| t.id == c.id) {
            self.touched.push(c.clone());
        }
    }

    /// The joins registered while resolving, in order.
    pub fn joins(&self) -> &[Join] {
        &self.joins
    }

    pub fn into_joins(self) -> Vec<Join> {
        self.joins
    }

    fn load(&mut self, name_or_id: &str) -> Option<Arc<Collection>> {
        if name_or_id == self.base.name || name_or_id == self.base.id {
            Some(self.base.clone())
        } else {
            self.snapshot.find(name_or_id)
        }
    }

    /// Registers a LEFT JOIN, replacing one with the same alias (as PocketBase does).
    fn register_join(&mut self, table_sql: Sql, alias: &str, on: Option<Sql>) {
        let join = Join {
            table_sql,
            alias: alias.to_string(),
            on: Some(on.unwrap_or_else(|| Sql::raw("1=1"))),
        };
        match self.joins.iter_mut().find(|j| j.alias == join.alias) {
            Some(existing) => *existing = join,
            None => self.joins.push(join),
        }
    }
}

impl FieldResolver for RecordResolver<'_> {
    fn resolve(&mut self, identifier: &str) -> Result<Resolved, CompileError> {
        paths::run(self, identifier)
    }
}

/// `"alias"."column"`.
pub(crate) fn col(alias: &str, column: &str) -> String {
    format!("{}.{}", quote(alias), quote(column))
}

/// SQLite JSON helpers with PocketBase's normalisation of non-JSON values.
pub(crate) fn json_each(column: &str) -> String {
    format!(
        "json_each(CASE WHEN iif(json_valid({column}), json_type({column})='array', FALSE) THEN {column} ELSE json_array({column}) END)"
    )
}

pub(crate) fn json_array_length(column: &str) -> String {
    format!(
        "json_array_length(CASE WHEN iif(json_valid({column}), json_type({column})='array', FALSE) THEN {column} ELSE (CASE WHEN {column} = '' OR {column} IS NULL THEN json_array() ELSE json_array({column}) END) END)"
    )
}

/// `path` is already validated (word characters and `[n]` only).
pub(crate) fn json_extract(column: &str, path: &str) -> String {
    let path = if !path.is_empty() && !path.starts_with('[') {
        format!(".{path}")
    } else {
        path.to_string()
    };
    format!(
        "(CASE WHEN json_valid({column}) THEN JSON_EXTRACT({column}, '${path}') ELSE JSON_EXTRACT(json_object('pb', {column}), '$.pb{path}') END)"
    )
}

/// Converts a request value to a bound SQL value the way PocketBase does.
pub(crate) fn static_value(v: &Value, numeric_field: bool) -> sea_query::Value {
    match v {
        Value::Null => sea_query::Value::String(None),
        Value::Bool(b) => sea_query::Value::Bool(Some(*b)),
        Value::Number(n) => match n.as_i64() {
            Some(i) => sea_query::Value::BigInt(Some(i)),
            None => sea_query::Value::Double(n.as_f64()),
        },
        Value::String(s) if numeric_field => match s.trim().parse::<f64>() {
            Ok(f) => sea_query::Value::Double(Some(f)),
            Err(_) => sea_query::Value::from(s.clone()),
        },
        Value::String(s) => sea_query::Value::from(s.clone()),
        other => sea_query::Value::from(other.to_string()),
    }
}

impl From<crate::query::ParseError> for crate::error::ApiError {
    fn from(e: crate::query::ParseError) -> Self {
        tracing::debug!(error = %e, "bad filter");
        crate::error::ApiError::bad_request(crate::error::msg::BAD_REQUEST)
    }
}

impl From<CompileError> for crate::error::ApiError {
    fn from(e: CompileError) -> Self {
        tracing::debug!(error = %e, "bad filter");
        crate::error::ApiError::bad_request(crate::error::msg::BAD_REQUEST)
    }
}
