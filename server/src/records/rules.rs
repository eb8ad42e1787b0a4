//! API rules: the gate (`null` = superusers only, `""` = everyone) and compiling rule
//! expressions and client filters/sorts into a [`QueryPlan`] with one shared resolver, so a
//! rule and a filter that walk the same relation share its join.

use std::sync::Arc;

use super::read::QueryPlan;
use super::resolver::{RecordResolver, RequestInfo};
use crate::auth::AuthInfo;
use crate::error::{ApiError, msg};
use crate::query::Sql;
use crate::schema::{Collection, Snapshot};

/// How a rule applies to the requester.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gate {
    /// Superuser, or an empty (public) rule.
    Open,
    /// `null` rule and not a superuser: 403.
    Locked,
    /// An expression to evaluate against the record.
    Expression(String),
}

pub fn gate(rule: Option<&str>, auth: &AuthInfo) -> Gate {
    if auth.is_superuser() {
        return Gate::Open;
    }
    match rule {
        None => Gate::Locked,
        Some(r) if r.trim().is_empty() => Gate::Open,
        Some(r) => Gate::Expression(r.to_string()),
    }
}

/// Builds query plans for one collection and request.
pub struct PlanBuilder<'a> {
    resolver: RecordResolver<'a>,
    conditions: Vec<Sql>,
    order: Vec<Sql>,
}

impl<'a> PlanBuilder<'a> {
    pub fn new(snapshot: &'a Snapshot, c: Arc<Collection>, info: &'a RequestInfo) -> Self {
        Self {
            resolver: RecordResolver::new(snapshot, c, Some(info), true),
            conditions: Vec::new(),
            order: Vec::new(),
        }
    }

    /// Adds a rule expression (hidden fields allowed, as rules are written by superusers).
    pub fn rule(&mut self, expr: &str) -> Result<&mut Self, ApiError> {
        let parsed = crate::query::parse_cached(expr).map_err(|e| {
            tracing::warn!(error = %e, rule = expr, "invalid API rule");
            ApiError::bad_request(msg::BAD_REQUEST)
        })?;
        self.resolver.set_allow_hidden(true);
        let sql = crate::query::compile(&parsed, &mut self.resolver)?;
        self.conditions.push(sql);
        Ok(self)
    }

    /// Adds the rule behind `gate` (nothing for an open gate; a locked gate is the caller's 403).
    pub fn gate(&mut self, gate: &Gate) -> Result<&mut Self, ApiError> {
        if let Gate::Expression(e) = gate {
            self.rule(e)?;
        }
        Ok(self)
    }

    /// Adds a client `filter` and `sort`. Non-superusers may not use `@request`/`@collection`
    /// (403), hidden fields (400), or walk into collections they cannot list (400).
    pub fn client(
        &mut self,
        filter: Option<&str>,
        sort: Option<&str>,
        superuser: bool,
    ) -> Result<&mut Self, ApiError> {
        let filter = filter.map(str::trim).filter(|f| !f.is_empty());
        // An empty `sort=` means no sort; whitespace or empty terms are errors.
        let sort = sort.filter(|s| !s.is_empty());
        if !superuser {
            let combined = format!("{}{}", filter.unwrap_or_default(), sort.unwrap_or_default());
            for forbidden in ["@collection.", "@request."] {
                if combined.contains(forbidden) {
                    return Err(ApiError::forbidden(format!(
                        "Only superusers can filter by {forbidden}"
                    )));
                }
            }
        }
        self.resolver.set_allow_hidden(superuser);
        self.resolver.touched.clear();
        if let Some(f) = filter {
            let parsed = crate::query::parse_cached(f)?;
            let sql = crate::query::compile(&parsed, &mut self.resolver)?;
            self.conditions.push(sql);
        }
        if let Some(s) = sort {
            self.sort(s)?;
        }
        if !superuser && self.resolver.touched.iter().any(|c| c.list_rule.is_none()) {
            return Err(ApiError::bad_request(msg::BAD_REQUEST));
        }
        Ok(self)
    }

    fn sort(&mut self, raw: &str) -> Result<(), ApiError> {
        let terms: Vec<&str> = raw.split(',').map(str::trim).collect();
        let invalid = terms.len() > 8
            || terms
                .iter()
                .any(|t| t.is_empty() || t.contains("@request.") || t.contains("@collection."));
        if invalid {
            return Err(ApiError::bad_request(msg::BAD_REQUEST));
        }
        let base = self.resolver.base().clone();
        for part in terms {
            let (dir, name) = match part.as_bytes()[0] {
                b'-' => ("DESC", &part[1..]),
                b'+' => ("ASC", &part[1..]),
                _ => ("ASC", part),
            };
            let expr = match name {
                "@random" => Sql::raw("RANDOM()"),
                "@rowid" => Sql::raw(format!(
                    "{}.\"_rowid_\"",
                    crate::query::sql::quote(&base.name)
                )),
                _ => {
                    use crate::query::FieldResolver;
                    let r = self.resolver.resolve(name)?;
                    r.sql
                }
            };
            let mut item = expr;
            item.push(&format!(" {dir}"));
            self.order.push(item);
        }
        Ok(())
    }

    pub fn finish(self) -> QueryPlan {
        QueryPlan {
            joins: self.resolver.into_joins(),
            conditions: self.conditions,
            order: self.order,
        }
    }
}
