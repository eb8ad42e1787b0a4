//! Record → JSON as PocketBase renders it: `collectionId`, `collectionName`, the visible fields,
//! alphabetical keys; hidden fields only for superusers; auth `email` only when visible to the
//! requester; never `password`, `tokenKey` or a sealed field. Plus the `?fields=` picker.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Record;
use crate::auth::AuthInfo;
use crate::schema::FieldKind;

/// Renders a record for `viewer`.
pub fn to_json(record: &Record, viewer: &AuthInfo) -> Value {
    let c = &record.collection;
    let superuser = viewer.is_superuser();
    let is_owner = viewer.id() == Some(record.id())
        && viewer.collection.as_ref().is_some_and(|vc| vc.id == c.id);
    let mut out: BTreeMap<String, Value> = BTreeMap::new();
    out.insert("collectionId".into(), Value::String(c.id.clone()));
    out.insert("collectionName".into(), Value::String(c.name.clone()));
    for f in &c.fields {
        if matches!(f.kind, FieldKind::Password(_))
            || f.is_sealed()
            || (c.is_auth() && f.name == "tokenKey")
        {
            continue;
        }
        if f.hidden && !superuser {
            continue;
        }
        if c.is_auth()
            && f.name == "email"
            && !superuser
            && !is_owner
            && !record.get_bool("emailVisibility")
        {
            continue;
        }
        out.insert(
            f.name.clone(),
            record
                .get(&f.name)
                .cloned()
                .unwrap_or_else(|| f.zero_value()),
        );
    }
    Value::Object(out.into_iter().collect())
}

/// Renders a record for its own auth response (email always included).
pub fn to_json_for_owner(record: &Record) -> Value {
    let owner = AuthInfo {
        record: Some(record.clone()),
        collection: Some(record.collection.clone()),
    };
    to_json(record, &owner)
}

pub use super::fields_picker::FieldsPicker;
