//! A SQL fragment with `?` placeholders and its bound values, plus the joins and multi-match
//! subqueries a resolved identifier needs. Identifiers in fragments are always quoted by the
//! resolver; values are always bound.

use sea_query::Value;

/// Quotes an identifier with double quotes (valid in SQLite and PostgreSQL); embedded quotes
/// are doubled, so no identifier can break out.
pub fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sql {
    pub text: String,
    pub values: Vec<Value>,
}

impl Sql {
    pub fn raw(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            values: Vec::new(),
        }
    }

    /// A single bound value.
    pub fn value(v: impl Into<Value>) -> Self {
        Self {
            text: "?".into(),
            values: vec![v.into()],
        }
    }

    /// Appends raw text.
    pub fn push(&mut self, text: &str) -> &mut Self {
        self.text.push_str(text);
        self
    }

    /// Appends another fragment (text and values, in order).
    pub fn append(&mut self, other: &Sql) -> &mut Self {
        self.text.push_str(&other.text);
        self.values.extend(other.values.iter().cloned());
        self
    }

    /// Builds a fragment from pieces: strings are raw text, fragments are appended.
    pub fn concat(parts: &[Part<'_>]) -> Self {
        let mut out = Self::default();
        for p in parts {
            match p {
                Part::Raw(t) => {
                    out.push(t);
                }
                Part::Sql(s) => {
                    out.append(s);
                }
            }
        }
        out
    }

    /// Appends ` LIMIT ? OFFSET ?` with both bound.
    pub fn push_page(&mut self, limit: u64, offset: u64) -> &mut Self {
        self.push(" LIMIT ? OFFSET ?");
        self.values
            .push(i64::try_from(limit).unwrap_or(i64::MAX).into());
        self.values
            .push(i64::try_from(offset).unwrap_or(i64::MAX).into());
        self
    }

    /// The bound values, if this fragment is exactly one placeholder.
    pub fn single_value(&self) -> Option<&Value> {
        if self.text == "?" && self.values.len() == 1 {
            self.values.first()
        } else {
            None
        }
    }
}

pub enum Part<'a> {
    Raw(&'a str),
    Sql(&'a Sql),
}

/// A LEFT JOIN the main query needs (`table_sql` is a quoted table name or a table-valued
/// function such as `json_each(...)`).
#[derive(Debug, Clone, PartialEq)]
pub struct Join {
    pub table_sql: Sql,
    pub alias: String,
    pub on: Option<Sql>,
}

impl Join {
    /// `LEFT JOIN <table> <alias> [ON …]`.
    pub fn to_sql(&self) -> Sql {
        let mut s = Sql::raw("LEFT JOIN ");
        s.append(&self.table_sql);
        s.push(" ");
        s.push(&quote(&self.alias));
        if let Some(on) = &self.on {
            s.push(" ON ");
            s.append(on);
        }
        s
    }
}

/// How `=`/`!=` treat NULL vs empty string for an operand (PocketBase's `NullFallback`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NullFallback {
    /// Empty string and NULL are equal (columns, most values).
    #[default]
    Auto,
    /// Compare with `IS` / `IS NOT` (JSON values, function results).
    Disabled,
    /// Always treat as possibly empty (never "known non-empty").
    Enforced,
}

/// The subquery listing every value of a multi-valued operand for one main row
/// (`SELECT value AS multiMatchValue FROM … WHERE mm.id = main.id`).
#[derive(Debug, Clone, PartialEq)]
pub struct MultiMatch {
    pub subquery: Sql,
}

/// A resolved operand.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Resolved {
    pub sql: Sql,
    pub null_fallback: NullFallback,
    pub multi: Option<MultiMatch>,
    /// Extra condition AND-ed to any comparison using this operand (e.g. email visibility).
    pub guard: Option<Sql>,
}

impl Resolved {
    pub fn new(sql: Sql) -> Self {
        Self {
            sql,
            ..Self::default()
        }
    }

    pub fn null() -> Self {
        Self::new(Sql::raw("NULL"))
    }
}
