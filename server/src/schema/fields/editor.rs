//! `editor` field: rich text (HTML) stored as a string, bounded by `maxSize` bytes.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::error::FieldError;

/// Default max size when `maxSize` is 0 (5 MiB).
pub const DEFAULT_MAX_SIZE: usize = 5 << 20;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct EditorOptions {
    pub max_size: usize,
    #[serde(rename = "convertURLs")]
    pub convert_urls: bool,
}

impl EditorOptions {
    pub fn normalize(&self, value: &Value) -> Value {
        Value::String(super::to_string_loose(value))
    }

    pub fn validate(&self, required: bool, value: &Value) -> Result<(), FieldError> {
        let s = value.as_str().unwrap_or_default();
        if s.is_empty() {
            return if required {
                Err(FieldError::required())
            } else {
                Ok(())
            };
        }
        let max = if self.max_size == 0 {
            DEFAULT_MAX_SIZE
        } else {
            self.max_size
        };
        if s.len() > max {
            return Err(FieldError::new(
                "validation_content_size_limit",
                format!("The maximum allowed content size is {max} bytes."),
            )
            .with_params(json!({"maxSize": max})));
        }
        Ok(())
    }
}
