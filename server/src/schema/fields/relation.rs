//! `relation` field: ids of records in another collection; single (string) or multiple (array).
//! Existence of the referenced records is checked by the record pipeline, which has the database.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::error::FieldError;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RelationOptions {
    pub collection_id: String,
    pub cascade_delete: bool,
    pub min_select: usize,
    pub max_select: usize,
}

impl RelationOptions {
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
        if items.len() < self.min_select {
            return Err(FieldError::new(
                "validation_not_enough_values",
                format!("Select at least {}.", self.min_select),
            )
            .with_params(json!({"minSelect": self.min_select})));
        }
        Ok(())
    }
}
