//! `text` field: plain string with min/max length (characters), pattern and autogenerate pattern.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::error::FieldError;

/// Default max length when `max` is 0.
pub const DEFAULT_MAX: usize = 5000;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TextOptions {
    pub min: usize,
    pub max: usize,
    pub pattern: String,
    pub autogenerate_pattern: String,
    pub primary_key: bool,
    /// Cairn's sealed secret: stored sealed with AES-256-GCM under `CAIRN_ENCRYPTION_KEY`,
    /// never returned by the API (not even to superusers), not filterable; only server code
    /// reads the plaintext (`records::sealed::open`). Omitted from the JSON when off, so a
    /// collection without sealed fields looks exactly as PocketBase writes it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub sealed: bool,
}

impl TextOptions {
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
        // A stored sealed value was validated in plain form when it was written.
        if self.sealed && crate::settings::seal::is_sealed(s) {
            return Ok(());
        }
        let len = s.chars().count();
        if self.min > 0 && len < self.min {
            return Err(FieldError::new(
                "validation_min_text_constraint",
                format!("Must be at least {} character(s).", self.min),
            )
            .with_params(json!({"min": self.min})));
        }
        let max = if self.max == 0 { DEFAULT_MAX } else { self.max };
        if len > max {
            return Err(FieldError::new(
                "validation_max_text_constraint",
                format!("Must be no more than {max} character(s)."),
            )
            .with_params(json!({"max": max})));
        }
        if !self.pattern.is_empty() && !super::matches_pattern(&self.pattern, s) {
            return Err(
                FieldError::new("validation_invalid_format", "Invalid value format.")
                    .with_params(json!({"pattern": self.pattern})),
            );
        }
        Ok(())
    }

    /// A value from the autogenerate pattern, if one is set and supported.
    pub fn autogenerate(&self) -> Option<String> {
        if self.autogenerate_pattern.is_empty() {
            None
        } else {
            crate::schema::ids::generate_from_pattern(&self.autogenerate_pattern)
        }
    }
}
