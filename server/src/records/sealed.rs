//! Sealed fields (`"sealed": true` on a text field): the value is sealed with AES-256-GCM under
//! `CAIRN_ENCRYPTION_KEY` right before a write reaches the database, so neither the table, the
//! WAL, the read cache nor any later export holds the plaintext. Serialization never renders
//! the field (not even for superusers) and the filter language refuses it; server code reads the
//! plaintext with [`open`].

use serde_json::Value;

use super::Record;
use crate::error::{ApiError, FieldError, FieldErrors};
use crate::settings::seal::{SealError, Sealer};

fn seal_error(e: &SealError) -> FieldError {
    match e {
        SealError::NoKey => FieldError::new(
            "validation_no_encryption_key",
            "This field is sealed and the server has no encryption key: set CAIRN_ENCRYPTION_KEY.",
        ),
        _ => FieldError::new(
            "validation_invalid_sealed_value",
            "The submitted sealed value cannot be opened with this server's key.",
        ),
    }
}

/// Seals every sealed field of `record` that holds a plain value (submitted, or set by a hook).
/// Empty values stay empty (a cleared secret); values sealed under this key stay as they are.
pub fn seal_fields(sealer: &Sealer, record: &mut Record) -> Result<(), FieldErrors> {
    let collection = record.collection.clone();
    let mut errors = FieldErrors::new();
    for f in collection.fields.iter().filter(|f| f.is_sealed()) {
        let value = record.get_str(&f.name);
        if value.is_empty() {
            continue;
        }
        match sealer.seal_submitted(value) {
            Ok(sealed) => record.set_raw(&f.name, Value::String(sealed)),
            Err(e) => errors.add(f.name.clone(), seal_error(&e)),
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// [`seal_fields`] as a wire error with the flow's message ("Failed to create record.", …).
pub fn seal_for_write(sealer: &Sealer, record: &mut Record, message: &str) -> Result<(), ApiError> {
    seal_fields(sealer, record).map_err(|errors| ApiError::validation(message, errors))
}

/// The plaintext of sealed field `field` (`None` when the field is empty or not sealed). For
/// server code only: never put the result in a response, a job payload or a log line.
pub fn open(sealer: &Sealer, record: &Record, field: &str) -> Result<Option<String>, ApiError> {
    let sealed = record
        .collection
        .field(field)
        .is_some_and(|f| f.is_sealed());
    let value = record.get_str(field);
    if !sealed || value.is_empty() {
        return Ok(None);
    }
    sealer
        .open(value)
        .map(Some)
        .map_err(|e| ApiError::internal(format!("sealed field {field:?}: {e}")))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde_json::json;

    use super::*;
    use crate::schema::Collection;

    fn collection() -> Arc<Collection> {
        let c = Collection::from_json(&json!({
            "name": "keys", "type": "base",
            "fields": [
                {"name": "id", "type": "text", "primaryKey": true, "required": true,
                 "min": 15, "max": 15, "pattern": "^[a-z0-9]+$", "autogeneratePattern": "[a-z0-9]{15}"},
                {"name": "secret", "type": "text", "sealed": true},
                {"name": "label", "type": "text"}
            ]
        }))
        .expect("collection");
        Arc::new(c)
    }

    #[test]
    fn seals_plain_values_and_opens_them() {
        let sealer = Sealer::new(Some("0123456789abcdef0123456789abcdef")).expect("key");
        let mut r = Record::new(collection());
        r.set("secret", json!("sk-live-1234"));
        r.set("label", json!("main"));
        seal_fields(&sealer, &mut r).expect("sealed");
        let stored = r.get_str("secret").to_string();
        assert!(stored.starts_with("sealed:v1:") && !stored.contains("1234"));
        assert_eq!(r.get_str("label"), "main", "other fields untouched");
        seal_fields(&sealer, &mut r).expect("idempotent");
        assert_eq!(r.get_str("secret"), stored, "sealed once");
        assert_eq!(
            open(&sealer, &r, "secret").expect("opens").as_deref(),
            Some("sk-live-1234")
        );
        assert_eq!(open(&sealer, &r, "label").expect("not sealed"), None);
    }

    #[test]
    fn refuses_without_a_key_and_foreign_seals() {
        let mut r = Record::new(collection());
        r.set("secret", json!("sk-live-1234"));
        let errors = seal_fields(&Sealer::default(), &mut r).expect_err("no key");
        assert!(format!("{errors:?}").contains("validation_no_encryption_key"));
        assert_eq!(r.get_str("secret"), "sk-live-1234", "unchanged on error");

        let other = Sealer::new(Some(&"x".repeat(32))).expect("key");
        r.set("secret", json!(other.seal("abc").expect("seal")));
        let sealer = Sealer::new(Some("0123456789abcdef0123456789abcdef")).expect("key");
        let errors = seal_fields(&sealer, &mut r).expect_err("foreign");
        assert!(format!("{errors:?}").contains("validation_invalid_sealed_value"));
    }
}
