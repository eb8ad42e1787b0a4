//! `file` field: stored file names, single (string) or multiple (array). Upload handling and
//! storage backends come with the files module; here the field is schema plus stored names.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::error::FieldError;

/// Default max size per file when `maxSize` is 0 (5 MiB).
pub const DEFAULT_MAX_SIZE: u64 = 5 << 20;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FileOptions {
    pub max_select: usize,
    pub max_size: u64,
    pub mime_types: Vec<String>,
    pub thumbs: Vec<String>,
    pub protected: bool,
}

impl FileOptions {
    pub fn is_multiple(&self) -> bool {
        self.max_select > 1
    }

    pub fn normalize(&self, value: &Value) -> Value {
        super::list_value(super::to_string_list(value), self.is_multiple())
    }

    pub fn validate(&self, required: bool, value: &Value) -> Result<(), FieldError> {
        let items = super::list_items(value);
        if items.is_empty() {
            return if required {
                Err(FieldError::required())
            } else {
                Ok(())
            };
        }
        let max = self.max_select.max(1);
        if items.len() > max {
            return Err(FieldError::new(
                "validation_too_many_values",
                format!("Select no more than {max}."),
            )
            .with_params(json!({"maxSelect": max})));
        }
        Ok(())
    }
}
