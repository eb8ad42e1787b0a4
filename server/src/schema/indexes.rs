//! Collection indexes: PocketBase stores them as `CREATE [UNIQUE] INDEX name ON table (cols)
//! [WHERE …]` strings. We parse them, check every column against the collection's fields, and
//! regenerate the SQL with quoted identifiers and the current table name.

use std::sync::LazyLock;

use regex::Regex;

use crate::storage::dialect::quote;

#[derive(Debug, Clone, PartialEq)]
pub struct IndexDef {
    pub name: String,
    pub unique: bool,
    /// `(column, suffix)` where suffix is e.g. `COLLATE NOCASE DESC`.
    pub columns: Vec<(String, String)>,
    pub where_clause: String,
}

#[expect(clippy::unwrap_used, reason = "constant pattern")]
static INDEX_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?is)^\s*CREATE\s+(UNIQUE\s+)?INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?[`"\[]?(\w+)[`"\]]?\s+ON\s+[`"\[]?(\w*)[`"\]]?\s*\((.+?)\)\s*(?:WHERE\s+(.+?))?\s*;?\s*$"#).unwrap()
});

#[expect(clippy::unwrap_used, reason = "constant pattern")]
static COLUMN_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)^\s*[`"\[]?(\w+)[`"\]]?\s*((?:COLLATE\s+\w+)?\s*(?:ASC|DESC)?)\s*$"#).unwrap()
});

impl IndexDef {
    /// Parses an index definition; `None` when it is not of the supported form.
    pub fn parse(sql: &str) -> Option<Self> {
        let caps = INDEX_RE.captures(sql)?;
        let columns: Option<Vec<(String, String)>> = caps[4]
            .split(',')
            .map(|part| {
                COLUMN_RE.captures(part).map(|c| {
                    (
                        c[1].to_string(),
                        c[2].split_whitespace().collect::<Vec<_>>().join(" "),
                    )
                })
            })
            .collect();
        let where_clause = caps
            .get(5)
            .map(|m| m.as_str().trim().to_string())
            .unwrap_or_default();
        // The WHERE clause is superuser-provided SQL; statement separators are never allowed.
        if where_clause.contains(';') || where_clause.contains("--") {
            return None;
        }
        Some(Self {
            name: caps[2].to_string(),
            unique: caps.get(1).is_some(),
            columns: columns.filter(|c| !c.is_empty())?,
            where_clause,
        })
    }

    /// The SQL that creates this index on `table`.
    pub fn to_sql(&self, table: &str) -> String {
        let cols: Vec<String> = self
            .columns
            .iter()
            .map(|(c, suffix)| {
                if suffix.is_empty() {
                    quote(c)
                } else {
                    format!("{} {suffix}", quote(c))
                }
            })
            .collect();
        let mut sql = format!(
            "CREATE {}INDEX {} ON {} ({})",
            if self.unique { "UNIQUE " } else { "" },
            quote(&self.name),
            quote(table),
            cols.join(", ")
        );
        if !self.where_clause.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&self.where_clause);
        }
        sql
    }

    /// The stored (PocketBase-style, backtick-quoted) form.
    pub fn to_pb_string(&self, table: &str) -> String {
        let cols: Vec<String> = self
            .columns
            .iter()
            .map(|(c, suffix)| {
                if suffix.is_empty() {
                    format!("`{c}`")
                } else {
                    format!("`{c}` {suffix}")
                }
            })
            .collect();
        let mut sql = format!(
            "CREATE {}INDEX `{}` ON `{table}` ({})",
            if self.unique { "UNIQUE " } else { "" },
            self.name,
            cols.join(", ")
        );
        if !self.where_clause.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&self.where_clause);
        }
        sql
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_pocketbase_indexes() {
        let idx = IndexDef::parse(
            "CREATE UNIQUE INDEX `idx_email_x` ON `users` (`email`) WHERE `email` != ''",
        )
        .expect("parses");
        assert!(idx.unique);
        assert_eq!(idx.columns, vec![("email".to_string(), String::new())]);
        assert_eq!(idx.where_clause, "`email` != ''");
        let idx = IndexDef::parse("CREATE INDEX idx_a ON posts (title COLLATE NOCASE DESC, views)")
            .expect("parses");
        assert_eq!(idx.columns[0].1, "COLLATE NOCASE DESC");
        assert!(IndexDef::parse("CREATE INDEX x ON t (a); DROP TABLE t").is_none());
        assert!(IndexDef::parse("DROP TABLE t").is_none());
    }
}
