//! `json` field: any JSON value, bounded by `maxSize` bytes of its serialized form.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::error::FieldError;

/// Default max size when `maxSize` is 0 (1 MiB).
pub const DEFAULT_MAX_SIZE: usize = 1 << 20;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct JsonOptions {
    pub max_size: usize,
}

impl JsonOptions {
    /// `from_form` marks values from multipart text parts, which hold serialized JSON.
    pub fn normalize(&self, value: &Value, from_form: bool) -> Value {
        match value {
            Value::String(s) if from_form => {
                serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.clone()))
            }
            other => other.clone(),
        }
    }

    pub fn validate(&self, required: bool, value: &Value) -> Result<(), FieldError> {
        let empty = match value {
            Value::Null => true,
            Value::String(s) => s.is_empty(),
            Value::Array(a) => a.is_empty(),
            Value::Object(o) => o.is_empty(),
            _ => false,
        };
        if empty && required {
            return Err(FieldError::required());
        }
        let max = if self.max_size == 0 {
            DEFAULT_MAX_SIZE
        } else {
            self.max_size
        };
        let size = serde_json::to_string(value).map(|s| s.len()).unwrap_or(0);
        if size > max {
            return Err(FieldError::new(
                "validation_json_size_limit",
                format!("The maximum allowed JSON size is {max} bytes."),
            )
            .with_params(json!({"maxSize": max})));
        }
        Ok(())
    }
}
