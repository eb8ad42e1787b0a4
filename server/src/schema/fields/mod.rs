//! One file per field type: its options (as PocketBase names them), how a submitted value is
//! coerced into the stored form, how it is validated, and its zero value. `Field` (in
//! `schema::field`) dispatches to these.

pub mod autodate;
pub mod bool;
pub mod date;
pub mod editor;
pub mod email;
pub mod file;
pub mod geopoint;
pub mod json;
pub mod number;
pub mod password;
pub mod relation;
pub mod select;
pub mod text;
pub mod url;

use std::sync::LazyLock;

use serde_json::Value;

/// Whether `value` matches a field's `pattern` option (`false` when the pattern does not
/// compile). Compiled patterns are kept: compiling one costs far more than a record write, and
/// the `id` field of every collection has one.
pub fn matches_pattern(pattern: &str, value: &str) -> bool {
    static COMPILED: LazyLock<quick_cache::sync::Cache<String, Option<regex::Regex>>> =
        LazyLock::new(|| quick_cache::sync::Cache::new(512));
    COMPILED
        .get_or_insert_with(pattern, || {
            Ok::<_, std::convert::Infallible>(regex::Regex::new(pattern).ok())
        })
        .ok()
        .flatten()
        .is_some_and(|re| re.is_match(value))
}

/// Loose string conversion used by several types (PocketBase's `cast.ToString`).
pub fn to_string_loose(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

/// Normalizes a single-or-multi value into a list of unique non-empty strings, keeping order
/// (select, relation, file names). A JSON string holding an array is accepted too, because
/// multipart forms send arrays that way.
pub fn to_string_list(value: &Value) -> Vec<String> {
    let items: Vec<String> = match value {
        Value::Null => Vec::new(),
        Value::Array(items) => items.iter().map(to_string_loose).collect(),
        Value::String(s) if s.trim_start().starts_with('[') => {
            match serde_json::from_str::<Vec<Value>>(s) {
                Ok(items) => items.iter().map(to_string_loose).collect(),
                Err(_) => vec![s.clone()],
            }
        }
        other => vec![to_string_loose(other)],
    };
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        if !item.is_empty() && !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// The stored value of a single-or-multi field: a string when `max_select <= 1`, else an array.
pub fn list_value(items: Vec<String>, multiple: bool) -> Value {
    if multiple {
        Value::Array(items.into_iter().map(Value::String).collect())
    } else {
        Value::String(items.into_iter().last().unwrap_or_default())
    }
}

/// Items of a stored single-or-multi value.
pub fn list_items(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().map(to_string_loose).collect(),
        Value::String(s) if !s.is_empty() => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// Domain allow/deny lists shared by email and url.
pub fn domain_allowed(domain: &str, only: &[String], except: &[String]) -> bool {
    let domain = domain.to_ascii_lowercase();
    if !only.is_empty() && !only.iter().any(|d| d.eq_ignore_ascii_case(&domain)) {
        return false;
    }
    !except.iter().any(|d| d.eq_ignore_ascii_case(&domain))
}
