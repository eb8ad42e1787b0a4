//! `geoPoint` field: `{"lon": f64, "lat": f64}`; zero value `{"lon":0,"lat":0}`.

use serde_json::{Value, json};

use crate::error::FieldError;

pub fn zero() -> Value {
    json!({"lon": 0, "lat": 0})
}

/// Accepts an object (or a JSON string holding one); anything else becomes the zero point and a
/// marker so validation can reject it.
pub fn normalize(value: &Value) -> Value {
    let parsed;
    let obj = match value {
        Value::Object(o) => o,
        Value::String(s) => {
            parsed = serde_json::from_str::<Value>(s).unwrap_or(Value::Null);
            match &parsed {
                Value::Object(o) => o,
                _ if s.is_empty() => return zero(),
                _ => return json!({"lon": 0, "lat": 0, "_invalid": true}),
            }
        }
        Value::Null => return zero(),
        _ => return json!({"lon": 0, "lat": 0, "_invalid": true}),
    };
    let lon = obj.get("lon").map_or(0.0, super::number::to_f64);
    let lat = obj.get("lat").map_or(0.0, super::number::to_f64);
    json!({"lon": super::number::number_value(lon), "lat": super::number::number_value(lat)})
}

pub fn validate(required: bool, value: &Value) -> Result<(), FieldError> {
    if value.get("_invalid").is_some() {
        return Err(FieldError::new(
            "validation_invalid_geo_point",
            "Invalid geographic point.",
        ));
    }
    let lon = value.get("lon").and_then(Value::as_f64).unwrap_or(0.0);
    let lat = value.get("lat").and_then(Value::as_f64).unwrap_or(0.0);
    if lon == 0.0 && lat == 0.0 {
        return if required {
            Err(FieldError::required())
        } else {
            Ok(())
        };
    }
    if !(-180.0..=180.0).contains(&lon) {
        return Err(FieldError::new(
            "validation_invalid_longitude",
            "Longitude must be between -180 and 180 degrees.",
        ));
    }
    if !(-90.0..=90.0).contains(&lat) {
        return Err(FieldError::new(
            "validation_invalid_latitude",
            "Latitude must be between -90 and 90 degrees.",
        ));
    }
    Ok(())
}
