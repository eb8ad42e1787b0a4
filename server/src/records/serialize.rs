//! Record → JSON as PocketBase renders it: `collectionId`, `collectionName`, the visible fields,
//! alphabetical keys; hidden fields only for superusers; auth `email` only when visible to the
//! requester; never `password` or `tokenKey`. Plus the `?fields=` picker.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

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
        if matches!(f.kind, FieldKind::Password(_)) || (c.is_auth() && f.name == "tokenKey") {
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

/// A parsed `?fields=` list: a tree of keys, `*` meaning "everything at this level".
#[derive(Debug, Default, Clone, PartialEq)]
pub struct FieldsPicker {
    children: BTreeMap<String, FieldsPicker>,
}

impl FieldsPicker {
    /// `None` for an empty parameter (no picking).
    pub fn parse(raw: &str) -> Option<Self> {
        let mut root = Self::default();
        let mut any = false;
        for path in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            // Modifiers such as `:excerpt(…)` belong to the last segment; they are stripped here.
            let path = path.split(':').next().unwrap_or(path);
            let mut node = &mut root;
            for seg in path.split('.').filter(|s| !s.is_empty()) {
                node = node.children.entry(seg.to_string()).or_default();
            }
            any = true;
        }
        any.then_some(root)
    }

    /// Keeps only the picked keys of `value` (arrays are picked element-wise).
    pub fn pick(&self, value: Value) -> Value {
        if self.children.is_empty() {
            return value;
        }
        match value {
            Value::Array(items) => Value::Array(items.into_iter().map(|v| self.pick(v)).collect()),
            Value::Object(obj) => {
                let star = self.children.get("*");
                let mut out = Map::new();
                for (k, v) in obj {
                    if let Some(child) = self.children.get(&k) {
                        out.insert(k, child.pick(v));
                    } else if let Some(star) = star {
                        out.insert(k, star.pick(v));
                    }
                }
                Value::Object(out)
            }
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn picks_nested_paths() {
        let p = FieldsPicker::parse("token,record.id, record.email").expect("non-empty");
        let v = json!({"token":"t","record":{"id":"1","email":"e","name":"n"},"meta":1});
        assert_eq!(
            p.pick(v),
            json!({"token":"t","record":{"id":"1","email":"e"}})
        );
        let p = FieldsPicker::parse("*,expand.author.name").expect("non-empty");
        let v = json!({"id":"1","expand":{"author":{"name":"a","x":1}}});
        assert_eq!(
            p.pick(v),
            json!({"id":"1","expand":{"author":{"name":"a"}}})
        );
        assert!(FieldsPicker::parse(" , ").is_none());
    }
}
