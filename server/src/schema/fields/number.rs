//! `number` field: a float64 with optional min/max and `onlyInt`.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::error::FieldError;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NumberOptions {
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub only_int: bool,
}

/// Loose number conversion (PocketBase's `cast.ToFloat64`): numeric strings parse, booleans are
/// 0/1, anything else is 0.
pub fn to_f64(value: &Value) -> f64 {
    match value {
        Value::Number(n) => n.as_f64().unwrap_or(0.0),
        Value::String(s) => s.trim().parse::<f64>().unwrap_or(0.0),
        Value::Bool(b) => f64::from(u8::from(*b)),
        _ => 0.0,
    }
}

/// JSON number for an f64, integral values without a fraction (`5`, not `5.0`).
pub fn number_value(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        #[expect(
            clippy::cast_possible_truncation,
            reason = "checked to be integral and in range"
        )]
        let i = n as i64;
        json!(i)
    } else {
        serde_json::Number::from_f64(n).map_or(json!(0), Value::Number)
    }
}

impl NumberOptions {
    pub fn normalize(&self, value: &Value) -> Value {
        number_value(to_f64(value))
    }

    pub fn validate(&self, required: bool, value: &Value) -> Result<(), FieldError> {
        let n = value.as_f64().unwrap_or(0.0);
        if !n.is_finite() {
            return Err(FieldError::new(
                "validation_not_a_number",
                "The value must be a valid number.",
            ));
        }
        if n == 0.0 {
            if required {
                return Err(FieldError::required());
            }
            return Ok(());
        }
        if self.only_int && n.fract() != 0.0 {
            return Err(FieldError::new(
                "validation_only_int_constraint",
                "Decimal numbers are not allowed.",
            ));
        }
        if let Some(min) = self.min
            && n < min
        {
            return Err(FieldError::new(
                "validation_min_number_constraint",
                format!("Must be larger than {min}."),
            )
            .with_params(json!({"min": min})));
        }
        if let Some(max) = self.max
            && n > max
        {
            return Err(FieldError::new(
                "validation_max_number_constraint",
                format!("Must be less than {max}."),
            )
            .with_params(json!({"max": max})));
        }
        Ok(())
    }
}
