//! `bool` field: loose boolean conversion; `required` means it must be `true`.

use serde_json::Value;

use crate::error::FieldError;

/// PocketBase's `cast.ToBool`: `true`, `"true"`, `"1"`, non-zero numbers are true.
pub fn to_bool(value: &Value) -> bool {
    match value {
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => matches!(s.trim().to_ascii_lowercase().as_str(), "true" | "1" | "t"),
        _ => false,
    }
}

pub fn normalize(value: &Value) -> Value {
    Value::Bool(to_bool(value))
}

pub fn validate(required: bool, value: &Value) -> Result<(), FieldError> {
    if required && value != &Value::Bool(true) {
        return Err(FieldError::required());
    }
    Ok(())
}
