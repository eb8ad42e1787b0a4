//! SQLite DDL and quoting.

/// The storage shape of a column, decided by the field type (see `schema::field`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnShape {
    /// The record id.
    PrimaryText,
    Text,
    Number,
    Bool,
    /// Nullable JSON (`json` fields).
    Json,
    /// A JSON array (multi select/relation/file).
    JsonArray,
    /// A `{"lon","lat"}` object.
    GeoPoint,
}

/// Quotes an identifier. Callers only pass names that passed `is_valid_identifier`; embedded
/// quotes are doubled anyway so a mistake can never become an injection.
pub fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

/// Quotes a string literal.
pub fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

pub fn column_def(name: &str, shape: ColumnShape) -> String {
    let q = quote(name);
    match shape {
        ColumnShape::PrimaryText => format!("{q} TEXT PRIMARY KEY NOT NULL"),
        ColumnShape::Text => format!("{q} TEXT DEFAULT '' NOT NULL"),
        ColumnShape::Number => format!("{q} NUMERIC DEFAULT 0 NOT NULL"),
        ColumnShape::Bool => format!("{q} BOOLEAN DEFAULT FALSE NOT NULL"),
        ColumnShape::Json => format!("{q} JSON DEFAULT NULL"),
        ColumnShape::JsonArray => format!("{q} JSON DEFAULT '[]' NOT NULL"),
        ColumnShape::GeoPoint => format!("{q} JSON DEFAULT '{{\"lon\":0,\"lat\":0}}' NOT NULL"),
    }
}

pub fn create_table(table: &str, columns: &[String]) -> String {
    format!("CREATE TABLE {} ({})", quote(table), columns.join(", "))
}

pub fn drop_table(table: &str) -> String {
    format!("DROP TABLE IF EXISTS {}", quote(table))
}

pub fn rename_table(from: &str, to: &str) -> String {
    format!("ALTER TABLE {} RENAME TO {}", quote(from), quote(to))
}

pub fn create_view(name: &str, query: &str) -> String {
    format!("CREATE VIEW {} AS {query}", quote(name))
}

pub fn drop_view(name: &str) -> String {
    format!("DROP VIEW IF EXISTS {}", quote(name))
}

pub fn drop_index(name: &str) -> String {
    format!("DROP INDEX IF EXISTS {}", quote(name))
}

/// The SQL expression that converts a stored value of shape `from` (in column `col`) into
/// shape `to`, used when a table is rebuilt after a field changed between single and multiple.
pub fn convert_expr(col: &str, from: ColumnShape, to: ColumnShape) -> String {
    let q = quote(col);
    match (from, to) {
        (ColumnShape::Text, ColumnShape::JsonArray) => {
            format!("(CASE WHEN {q} IS NULL OR {q} = '' THEN '[]' ELSE json_array({q}) END)")
        }
        (ColumnShape::JsonArray, ColumnShape::Text) => format!(
            "(CASE WHEN json_valid({q}) AND json_type({q}) = 'array' THEN COALESCE(json_extract({q}, '$[#-1]'), '') ELSE COALESCE({q}, '') END)"
        ),
        _ => q,
    }
}

/// Index names are global in SQLite; every name Cairn manages is listed from `sqlite_master`.
pub const LIST_INDEXES: &str =
    "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL";

pub const TABLE_INFO: &str = "SELECT name, type FROM pragma_table_info(?)";

/// SQLite's error text for unique violations: `UNIQUE constraint failed: posts.title, posts.x`.
pub fn unique_violation_columns(message: &str) -> Option<Vec<String>> {
    let idx = message.find("UNIQUE constraint failed: ")?;
    let rest = &message[idx + "UNIQUE constraint failed: ".len()..];
    Some(
        rest.split(',')
            .filter_map(|part| part.trim().split('.').nth(1))
            .map(|c| {
                c.trim_matches(|ch: char| !ch.is_alphanumeric() && ch != '_')
                    .to_string()
            })
            .collect(),
    )
}
