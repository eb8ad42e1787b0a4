//! `select` field: one (`maxSelect <= 1`, stored as a string) or several (a JSON array) values
//! from a fixed list.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::error::FieldError;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SelectOptions {
    pub values: Vec<String>,
    pub max_select: usize,
}

impl SelectOptions {
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
        if let Some(bad) = items.iter().find(|i| !self.values.contains(i)) {
            return Err(FieldError::new(
                "validation_invalid_value",
                format!("Invalid value {bad}."),
            )
            .with_params(json!({"value": bad})));
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
