//! Conversion between stored JSON values and SQL values/rows, by column shape.

use sea_orm::QueryResult;
use sea_query::Value as SqlValue;
use serde_json::{Value, json};

use crate::schema::Field;
use crate::schema::ddl::shape;
use crate::schema::fields::number::number_value;
use crate::storage::dialect::ColumnShape;

/// The SQL value bound for a field's stored JSON value.
pub fn encode(field: &Field, value: &Value) -> SqlValue {
    match shape(field) {
        ColumnShape::PrimaryText | ColumnShape::Text => SqlValue::String(Some(
            value
                .as_str()
                .map(String::from)
                .unwrap_or_else(|| crate::schema::fields::to_string_loose(value)),
        )),
        ColumnShape::Number => {
            let n = value.as_f64().unwrap_or(0.0);
            if n.fract() == 0.0 && n.abs() < 9.0e15 {
                #[expect(
                    clippy::cast_possible_truncation,
                    reason = "checked to be integral and in range"
                )]
                let i = n as i64;
                SqlValue::BigInt(Some(i))
            } else {
                SqlValue::Double(Some(n))
            }
        }
        ColumnShape::Bool => SqlValue::Bool(Some(value.as_bool().unwrap_or(false))),
        ColumnShape::Json => match value {
            Value::Null => SqlValue::String(None),
            v => SqlValue::String(Some(v.to_string())),
        },
        ColumnShape::JsonArray | ColumnShape::GeoPoint => SqlValue::String(Some(value.to_string())),
    }
}

/// Any SQLite value as JSON (used when the declared type says little, e.g. view columns).
fn loose(row: &QueryResult, idx: usize) -> Value {
    if let Ok(Some(i)) = row.try_get_by_index::<Option<i64>>(idx) {
        return json!(i);
    }
    if let Ok(Some(f)) = row.try_get_by_index::<Option<f64>>(idx) {
        return number_value(f);
    }
    if let Ok(Some(s)) = row.try_get_by_index::<Option<String>>(idx) {
        return Value::String(s);
    }
    Value::Null
}

fn text(row: &QueryResult, idx: usize) -> Value {
    match row.try_get_by_index::<Option<String>>(idx) {
        Ok(s) => Value::String(s.unwrap_or_default()),
        Err(_) => match loose(row, idx) {
            Value::Null => Value::String(String::new()),
            Value::String(s) => Value::String(s),
            other => Value::String(other.to_string()),
        },
    }
}

fn json_text(row: &QueryResult, idx: usize, zero: Value) -> Value {
    match row.try_get_by_index::<Option<String>>(idx) {
        Ok(Some(s)) => serde_json::from_str(&s).unwrap_or(Value::String(s)),
        Ok(None) => zero,
        Err(_) => loose(row, idx),
    }
}

/// Decodes column `idx` of `row` into the field's stored JSON value.
pub fn decode(field: &Field, row: &QueryResult, idx: usize) -> Value {
    match shape(field) {
        ColumnShape::PrimaryText | ColumnShape::Text => text(row, idx),
        ColumnShape::Number => match row.try_get_by_index::<Option<f64>>(idx) {
            Ok(n) => number_value(n.unwrap_or(0.0)),
            Err(_) => match loose(row, idx) {
                Value::String(s) => number_value(s.parse().unwrap_or(0.0)),
                Value::Null => json!(0),
                other => other,
            },
        },
        ColumnShape::Bool => match row.try_get_by_index::<Option<bool>>(idx) {
            Ok(b) => Value::Bool(b.unwrap_or(false)),
            Err(_) => Value::Bool(crate::schema::fields::bool::to_bool(&loose(row, idx))),
        },
        ColumnShape::Json => json_text(row, idx, Value::Null),
        ColumnShape::JsonArray => match json_text(row, idx, json!([])) {
            Value::Array(a) => Value::Array(a),
            Value::Null => json!([]),
            Value::String(s) if s.is_empty() => json!([]),
            other => json!([other]),
        },
        ColumnShape::GeoPoint => match json_text(row, idx, json!({"lon":0,"lat":0})) {
            Value::Object(o) => Value::Object(o),
            _ => json!({"lon":0,"lat":0}),
        },
    }
}
