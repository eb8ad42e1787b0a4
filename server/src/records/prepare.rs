//! Applying a submitted body to a record: plain assignments, then the `field+` / `+field` /
//! `field-` modifiers, with type coercion, then uploaded files; and validating the result per
//! field.

use serde_json::{Map, Value};

use super::Record;
use crate::error::{FieldError, FieldErrors};
use crate::files::Uploads;
use crate::files::record::{Pending, file_names};
use crate::schema::fields::number::{number_value, to_f64};
use crate::schema::fields::{list_items, to_string_list};
use crate::schema::{Field, FieldKind};

/// A body after applying: the record plus what needs work outside the record (password hashing).
#[derive(Debug, Default)]
pub struct Applied {
    /// `(field, plain password)` to validate and hash.
    pub passwords: Vec<(String, String)>,
    /// The submitted `passwordConfirm`, if any.
    pub password_confirm: Option<String>,
    /// Uploaded files and the names stored before this write.
    pub files: Pending,
}

enum Modifier {
    Append,
    Prepend,
    Remove,
}

fn split_modifier(key: &str) -> (&str, Option<Modifier>) {
    if let Some(name) = key.strip_suffix('+') {
        (name, Some(Modifier::Append))
    } else if let Some(name) = key.strip_prefix('+') {
        (name, Some(Modifier::Prepend))
    } else if let Some(name) = key.strip_suffix('-') {
        (name, Some(Modifier::Remove))
    } else {
        (key, None)
    }
}

fn apply_modifier(field: &Field, current: &Value, modifier: &Modifier, value: &Value) -> Value {
    if let FieldKind::Number(_) = field.kind {
        let cur = current.as_f64().unwrap_or(0.0);
        let delta = to_f64(value);
        return match modifier {
            Modifier::Remove => number_value(cur - delta),
            _ => number_value(cur + delta),
        };
    }
    let mut items = list_items(current);
    let given = to_string_list(value);
    match modifier {
        Modifier::Append => items.extend(given),
        Modifier::Prepend => items.splice(0..0, given).for_each(drop),
        Modifier::Remove => items.retain(|i| !given.contains(i)),
    }
    let mut unique = Vec::with_capacity(items.len());
    for i in items {
        if !unique.contains(&i) {
            unique.push(i);
        }
    }
    field.normalize(
        &Value::Array(unique.into_iter().map(Value::String).collect()),
        false,
    )
}

/// Applies `body` to `record`. `is_create` allows a custom `id`.
pub fn apply_body(
    record: &mut Record,
    body: &Map<String, Value>,
    from_form: bool,
    is_create: bool,
) -> Applied {
    let collection = record.collection.clone();
    let mut applied = Applied::default();
    let mut modifiers = Vec::new();
    for (key, value) in body {
        let (name, modifier) = split_modifier(key);
        if let Some(m) = modifier {
            modifiers.push((name, m, value));
            continue;
        }
        if collection.is_auth() && key == "passwordConfirm" {
            applied.password_confirm = Some(crate::schema::fields::to_string_loose(value));
            continue;
        }
        let Some(field) = collection.field(name) else {
            continue;
        };
        match &field.kind {
            FieldKind::Autodate(_) => {}
            FieldKind::Password(_) => {
                applied.passwords.push((
                    field.name.clone(),
                    crate::schema::fields::to_string_loose(value),
                ));
            }
            // The record id can only be chosen on create; tokenKey is server-managed.
            _ if field.name == "id" && !is_create => {}
            _ if field.name == "tokenKey" && collection.is_auth() => {}
            _ => {
                record
                    .data
                    .insert(field.name.clone(), field.normalize(value, from_form));
            }
        }
    }
    for (name, modifier, value) in modifiers {
        let Some(field) = collection.field(name) else {
            continue;
        };
        let modifiable = matches!(field.kind, FieldKind::Number(_))
            || field.is_multiple()
            || matches!(
                field.kind,
                FieldKind::Select(_) | FieldKind::Relation(_) | FieldKind::File(_)
            );
        if !modifiable {
            continue;
        }
        let current = record
            .get(&field.name)
            .cloned()
            .unwrap_or_else(|| field.zero_value());
        let v = apply_modifier(field, &current, &modifier, value);
        record.data.insert(field.name.clone(), v);
    }
    applied
}

/// Applies uploaded files (after [`apply_body`]): under a plain key they replace the value,
/// joined after any names submitted under the same key; under `field+` / `+field` they are
/// appended / prepended. `original` is the stored record (`None` on create). Uploads for
/// unknown or non-file fields are dropped.
pub fn apply_uploads(
    record: &mut Record,
    applied: &mut Applied,
    original: Option<&Record>,
    body: &Map<String, Value>,
    uploads: Uploads,
) {
    applied.files.old = original.map(file_names).unwrap_or_default();
    // Uploads grouped by key, in the order the keys first appeared.
    let mut groups: Vec<(String, Vec<crate::files::Upload>)> = Vec::new();
    for (key, upload) in uploads {
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push(upload),
            None => groups.push((key, vec![upload])),
        }
    }
    let collection = record.collection.clone();
    for (key, list) in groups {
        let (name, modifier) = split_modifier(&key);
        let Some(field) = collection.field(name) else {
            continue;
        };
        if !matches!(field.kind, FieldKind::File(_)) {
            continue;
        }
        let current = record.get(&field.name).map(list_items).unwrap_or_default();
        let added: Vec<String> = list.iter().map(|u| u.name.clone()).collect();
        let items = match modifier {
            // Names submitted under the same key are kept, the uploads join them.
            None => [
                body.get(&key).map(to_string_list).unwrap_or_default(),
                added,
            ]
            .concat(),
            Some(Modifier::Append) => [current, added].concat(),
            Some(Modifier::Prepend) => [added, current].concat(),
            Some(Modifier::Remove) => continue,
        };
        let value = Value::Array(items.into_iter().map(Value::String).collect());
        record
            .data
            .insert(field.name.clone(), field.normalize(&value, false));
        applied
            .files
            .uploads
            .extend(list.into_iter().map(|u| (field.name.clone(), u)));
    }
}

/// Fills server-managed values: the id and other autogenerated text, and autodates.
pub fn fill_generated(record: &mut Record, is_create: bool) {
    let now = crate::schema::ids::now_string();
    let collection = record.collection.clone();
    for f in &collection.fields {
        match &f.kind {
            FieldKind::Text(o) => {
                let empty = record
                    .get(&f.name)
                    .and_then(Value::as_str)
                    .is_none_or(str::is_empty);
                if empty && let Some(v) = o.autogenerate() {
                    record.data.insert(f.name.clone(), Value::String(v));
                }
            }
            FieldKind::Autodate(o) if (is_create && o.on_create) || o.on_update => {
                record
                    .data
                    .insert(f.name.clone(), Value::String(now.clone()));
            }
            _ => {}
        }
    }
}

/// Validates every field of `record` (passwords are validated in plain form by the caller).
pub fn validate(record: &Record, applied: &Applied, is_create: bool) -> FieldErrors {
    let mut errors = FieldErrors::new();
    for f in &record.collection.fields {
        if let FieldKind::Password(o) = &f.kind {
            match applied.passwords.iter().find(|(n, _)| n == &f.name) {
                Some((_, plain)) => {
                    if let Err(e) = o.validate_plain(f.required && is_create, plain) {
                        errors.add(f.name.clone(), e);
                    }
                }
                None if is_create && f.required => {
                    errors.add(f.name.clone(), FieldError::required())
                }
                None => {}
            }
            continue;
        }
        let value = record
            .get(&f.name)
            .cloned()
            .unwrap_or_else(|| f.zero_value());
        let result = match &f.kind {
            FieldKind::File(o) => crate::files::validate::field(
                o,
                f.required,
                &value,
                applied.files.old_names(&f.name),
                &applied.files.for_field(&f.name),
            ),
            _ => f.validate(&value),
        };
        if let Err(e) = result {
            errors.add(f.name.clone(), e);
        }
    }
    if record.collection.is_auth() {
        let plain = applied
            .passwords
            .iter()
            .find(|(n, _)| n == "password")
            .map(|(_, p)| p.as_str());
        if let Some(plain) = plain.filter(|p| !p.is_empty()) {
            match applied.password_confirm.as_deref() {
                None | Some("") => errors.add("passwordConfirm", FieldError::required()),
                Some(confirm) if confirm != plain => errors.add(
                    "passwordConfirm",
                    FieldError::new("validation_values_mismatch", "Values don't match."),
                ),
                Some(_) => {}
            }
        }
    }
    errors
}
