//! `date` field: a UTC datetime string in `YYYY-MM-DD HH:MM:SS.sssZ`, optional min/max.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::error::FieldError;
use crate::schema::ids::normalize_datetime;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct DateOptions {
    pub min: String,
    pub max: String,
}

/// Marker stored for unparseable input so validation can report it.
const INVALID: &str = "\u{0}invalid";

impl DateOptions {
    pub fn normalize(&self, value: &Value) -> Value {
        let raw = super::to_string_loose(value);
        Value::String(normalize_datetime(&raw).unwrap_or_else(|| INVALID.to_string()))
    }

    pub fn validate(&self, required: bool, value: &Value) -> Result<(), FieldError> {
        let s = value.as_str().unwrap_or_default();
        if s == INVALID {
            return Err(FieldError::new(
                "validation_invalid_date",
                "Must be a valid date.",
            ));
        }
        if s.is_empty() {
            return if required {
                Err(FieldError::required())
            } else {
                Ok(())
            };
        }
        // Canonical strings compare chronologically.
        if let Some(min) = normalize_datetime(&self.min).filter(|m| !m.is_empty())
            && s < min.as_str()
        {
            return Err(FieldError::new(
                "validation_min_date_constraint",
                format!("Must be no less than {min}."),
            )
            .with_params(json!({"min": min})));
        }
        if let Some(max) = normalize_datetime(&self.max).filter(|m| !m.is_empty())
            && s > max.as_str()
        {
            return Err(FieldError::new(
                "validation_max_date_constraint",
                format!("Must be no more than {max}."),
            )
            .with_params(json!({"max": max})));
        }
        Ok(())
    }
}
