//! A record: its collection and one stored value per field (JSON, in the field's stored form;
//! the password field holds the bcrypt hash).

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::schema::Collection;

#[derive(Debug, Clone)]
pub struct Record {
    pub collection: Arc<Collection>,
    pub data: Map<String, Value>,
}

impl Record {
    /// A new record with every field at its zero value.
    pub fn new(collection: Arc<Collection>) -> Self {
        let data = collection
            .fields
            .iter()
            .map(|f| (f.name.clone(), f.zero_value()))
            .collect();
        Self { collection, data }
    }

    pub fn id(&self) -> &str {
        self.data
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    pub fn get(&self, field: &str) -> Option<&Value> {
        self.data.get(field)
    }

    pub fn get_str(&self, field: &str) -> &str {
        self.data
            .get(field)
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    pub fn get_bool(&self, field: &str) -> bool {
        self.data
            .get(field)
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }

    /// Sets a field's value; the value is normalized to the field's stored form. Unknown fields
    /// are ignored, as PocketBase ignores unknown body keys.
    pub fn set(&mut self, field: &str, value: Value) {
        if let Some(f) = self.collection.field(field) {
            let v = f.normalize(&value, false);
            self.data.insert(field.to_string(), v);
        }
    }

    /// Sets a value as-is (already in stored form).
    pub fn set_raw(&mut self, field: &str, value: Value) {
        self.data.insert(field.to_string(), value);
    }
}
