//! `/api/jobs` list queries: the filter language over the `_jobs` columns (compiled with bound
//! values, as record filters are) and `sort` over the same columns.

use crate::error::ApiError;
use crate::query::{self, CompileError, FieldResolver, Resolved, Sql};

use super::store::COLUMNS;

struct JobColumns;

impl FieldResolver for JobColumns {
    fn resolve(&mut self, identifier: &str) -> Result<Resolved, CompileError> {
        if COLUMNS.contains(&identifier) {
            Ok(Resolved::new(Sql::raw(query::sql::quote(identifier))))
        } else {
            Err(CompileError::Resolve(identifier.to_string()))
        }
    }
}

fn invalid(what: &str) -> ApiError {
    ApiError::bad_request(format!("Invalid {what} parameter."))
}

/// The WHERE fragment for `filter` (`1` for none).
pub fn filter_sql(filter: Option<&str>) -> Result<Sql, ApiError> {
    match filter.map(str::trim).filter(|f| !f.is_empty()) {
        None => Ok(Sql::raw("1")),
        Some(f) => {
            let expr = query::parse(f).map_err(|_| invalid("filter"))?;
            query::compile(&expr, &mut JobColumns).map_err(|_| invalid("filter"))
        }
    }
}

/// The ORDER BY list for `sort` (`-created` by default: newest first).
pub fn order_by(sort: Option<&str>) -> Result<String, ApiError> {
    let sort = sort
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or("-created");
    let mut terms = Vec::new();
    for term in sort.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        let (desc, key) = match term.strip_prefix('-') {
            Some(k) => (true, k),
            None => (false, term.trim_start_matches('+')),
        };
        if !COLUMNS.contains(&key) {
            return Err(invalid("sort"));
        }
        terms.push(format!(
            "{} {}",
            query::sql::quote(key),
            if desc { "DESC" } else { "ASC" }
        ));
    }
    // A stable order for equal keys.
    terms.push("\"rowid\" DESC".into());
    Ok(terms.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_bind_values_and_refuse_unknown_columns() {
        let sql = filter_sql(Some("status = 'failed' && attempts > 2")).expect("compiles");
        assert!(sql.text.contains("\"status\""), "{}", sql.text);
        assert_eq!(sql.values.len(), 2);
        assert!(filter_sql(Some("secret = 1")).is_err());
        assert!(filter_sql(Some("status = ")).is_err());
        assert_eq!(filter_sql(None).expect("none").text, "1");
    }

    #[test]
    fn sort_terms_map_to_columns() {
        assert_eq!(
            order_by(Some("-runAt,name")).expect("valid"),
            "\"runAt\" DESC, \"name\" ASC, \"rowid\" DESC"
        );
        assert!(order_by(Some("nope")).is_err());
    }
}
