//! `password` field: the plain value is validated (min/max/pattern), then stored as a bcrypt
//! hash (PocketBase-compatible). The hash is never serialized.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::error::FieldError;

/// bcrypt only uses the first 72 bytes; PocketBase caps passwords at 71.
pub const MAX_BYTES: usize = 71;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PasswordOptions {
    pub min: usize,
    pub max: usize,
    pub pattern: String,
    pub cost: u32,
}

impl Default for PasswordOptions {
    fn default() -> Self {
        Self {
            min: 8,
            max: 0,
            pattern: String::new(),
            cost: 0,
        }
    }
}

impl PasswordOptions {
    /// Validates a plain (not yet hashed) password.
    pub fn validate_plain(&self, required: bool, plain: &str) -> Result<(), FieldError> {
        if plain.is_empty() {
            return if required {
                Err(FieldError::required())
            } else {
                Ok(())
            };
        }
        let len = plain.chars().count();
        let min = self.min.max(1);
        if len < min {
            return Err(FieldError::new(
                "validation_min_text_constraint",
                format!("Must be at least {min} character(s)."),
            )
            .with_params(json!({"min": min})));
        }
        let max = if self.max == 0 {
            MAX_BYTES
        } else {
            self.max.min(MAX_BYTES)
        };
        if plain.len() > max {
            return Err(FieldError::new(
                "validation_max_text_constraint",
                format!("Must be less than {max} character(s)."),
            )
            .with_params(json!({"max": max})));
        }
        if !self.pattern.is_empty() && !super::matches_pattern(&self.pattern, plain) {
            return Err(FieldError::new(
                "validation_invalid_format",
                "Invalid value format.",
            ));
        }
        Ok(())
    }

    pub fn bcrypt_cost(&self) -> u32 {
        if self.cost == 0 {
            10
        } else {
            self.cost.clamp(4, 31)
        }
    }

    pub fn validate_stored(&self, required: bool, value: &Value) -> Result<(), FieldError> {
        if required && value.as_str().is_none_or(str::is_empty) {
            return Err(FieldError::required());
        }
        Ok(())
    }
}
