//! The collection model (`base`, `auth`, `view`) and its PocketBase JSON shape.
//!
//! Auth options (`passwordAuth`, `authToken`, templates, …) are kept as the JSON PocketBase uses;
//! token secrets live inside them (`authToken.secret`) and are stripped from every response.

use serde_json::{Map, Value, json};

use super::field::{Field, FieldKind};
use crate::error::{FieldError, FieldErrors};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CollectionType {
    Base,
    Auth,
    View,
}

impl CollectionType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Base => "base",
            Self::Auth => "auth",
            Self::View => "view",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "base" => Some(Self::Base),
            "auth" => Some(Self::Auth),
            "view" => Some(Self::View),
            _ => None,
        }
    }
}

/// Keys of auth options that carry a token secret.
pub const TOKEN_KINDS: &[&str] = &[
    "authToken",
    "passwordResetToken",
    "emailChangeToken",
    "verificationToken",
    "fileToken",
];

/// Auth collection option keys in PocketBase's output order (after `authRule`/`manageRule`).
pub const AUTH_OPTION_KEYS: &[&str] = &[
    "authAlert",
    "oauth2",
    "passwordAuth",
    "mfa",
    "otp",
    "authToken",
    "passwordResetToken",
    "emailChangeToken",
    "verificationToken",
    "fileToken",
    "verificationTemplate",
    "resetPasswordTemplate",
    "confirmEmailChangeTemplate",
];

#[derive(Debug, Clone, PartialEq)]
pub struct AuthSettings {
    pub auth_rule: Option<String>,
    pub manage_rule: Option<String>,
    /// `authAlert`, `oauth2`, `passwordAuth`, …: PocketBase's JSON, secrets included.
    pub options: Map<String, Value>,
}

impl AuthSettings {
    /// The signing secret of a token kind (`authToken`, `fileToken`, …).
    pub fn token_secret(&self, kind: &str) -> &str {
        self.options
            .get(kind)
            .and_then(|t| t.get("secret"))
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// Lifetime in seconds of a token kind.
    pub fn token_duration(&self, kind: &str) -> i64 {
        self.options
            .get(kind)
            .and_then(|t| t.get("duration"))
            .and_then(Value::as_i64)
            .unwrap_or(0)
    }

    pub fn identity_fields(&self) -> Vec<String> {
        self.options
            .get("passwordAuth")
            .and_then(|p| p.get("identityFields"))
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_else(|| vec!["email".to_string()])
    }

    pub fn password_auth_enabled(&self) -> bool {
        self.options
            .get("passwordAuth")
            .and_then(|p| p.get("enabled"))
            .and_then(Value::as_bool)
            .unwrap_or(true)
    }

    /// Fills empty token secrets with fresh random ones.
    pub fn ensure_secrets(&mut self) {
        for kind in TOKEN_KINDS {
            let entry = self
                .options
                .entry((*kind).to_string())
                .or_insert_with(|| json!({"duration": 1800}));
            if let Value::Object(obj) = entry {
                let missing = obj
                    .get("secret")
                    .and_then(Value::as_str)
                    .is_none_or(str::is_empty);
                if missing {
                    obj.insert("secret".into(), json!(super::ids::random_alnum(50)));
                }
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Collection {
    pub id: String,
    pub name: String,
    pub kind: CollectionType,
    pub system: bool,
    pub list_rule: Option<String>,
    pub view_rule: Option<String>,
    pub create_rule: Option<String>,
    pub update_rule: Option<String>,
    pub delete_rule: Option<String>,
    pub fields: Vec<Field>,
    pub indexes: Vec<String>,
    pub created: String,
    pub updated: String,
    pub view_query: String,
    pub auth: Option<AuthSettings>,
}

fn rule(obj: &Map<String, Value>, key: &str, errors: &mut FieldErrors) -> Option<String> {
    match obj.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            errors.add(
                key,
                FieldError::new("validation_invalid_rule", "Invalid rule."),
            );
            None
        }
    }
}

impl Collection {
    pub fn is_auth(&self) -> bool {
        self.kind == CollectionType::Auth
    }

    pub fn is_view(&self) -> bool {
        self.kind == CollectionType::View
    }

    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    pub fn field_by_id(&self, id: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.id == id)
    }

    /// Parses collection JSON (already merged over a scaffold or the existing collection).
    /// Structural problems are returned as field errors keyed like PocketBase's.
    pub fn from_json(value: &Value) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let empty = Map::new();
        let obj = value.as_object().unwrap_or(&empty);
        let s = |k: &str| {
            obj.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let kind = CollectionType::parse(&s("type"));
        if kind.is_none() {
            errors.add(
                "type",
                FieldError::new("validation_in_invalid", "Must be a valid value."),
            );
        }
        let mut fields = Vec::new();
        match obj.get("fields") {
            None | Some(Value::Null) => {}
            Some(Value::Array(items)) => {
                let mut field_errors = FieldErrors::new();
                for (i, item) in items.iter().enumerate() {
                    match Field::from_json(item) {
                        Ok(f) => fields.push(f),
                        Err(e) => field_errors.add_nested(i.to_string(), e),
                    }
                }
                errors.add_nested("fields", field_errors);
            }
            Some(_) => errors.add("fields", FieldError::invalid_value()),
        }
        let indexes = match obj.get("indexes") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) if items.iter().all(Value::is_string) => items
                .iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect(),
            Some(_) => {
                errors.add("indexes", FieldError::invalid_value());
                Vec::new()
            }
        };
        let mut collection = Self {
            id: s("id"),
            name: s("name"),
            kind: kind.unwrap_or(CollectionType::Base),
            system: obj.get("system").and_then(Value::as_bool).unwrap_or(false),
            list_rule: rule(obj, "listRule", &mut errors),
            view_rule: rule(obj, "viewRule", &mut errors),
            create_rule: rule(obj, "createRule", &mut errors),
            update_rule: rule(obj, "updateRule", &mut errors),
            delete_rule: rule(obj, "deleteRule", &mut errors),
            fields,
            indexes,
            created: s("created"),
            updated: s("updated"),
            view_query: s("viewQuery"),
            auth: None,
        };
        if collection.kind == CollectionType::Auth {
            let mut options = Map::new();
            for key in AUTH_OPTION_KEYS {
                if let Some(v) = obj.get(*key) {
                    options.insert((*key).to_string(), v.clone());
                }
            }
            collection.auth = Some(AuthSettings {
                auth_rule: rule(obj, "authRule", &mut errors),
                manage_rule: rule(obj, "manageRule", &mut errors),
                options,
            });
        }
        if errors.is_empty() {
            Ok(collection)
        } else {
            Err(errors)
        }
    }

    /// Full JSON including token secrets (what is persisted).
    pub fn to_storage_json(&self) -> Value {
        self.to_json_inner(true)
    }

    /// PocketBase's collection JSON (secrets stripped).
    pub fn to_json(&self) -> Value {
        self.to_json_inner(false)
    }

    fn to_json_inner(&self, with_secrets: bool) -> Value {
        let mut m = Map::new();
        m.insert("id".into(), json!(self.id));
        m.insert("listRule".into(), json!(self.list_rule));
        m.insert("viewRule".into(), json!(self.view_rule));
        m.insert("createRule".into(), json!(self.create_rule));
        m.insert("updateRule".into(), json!(self.update_rule));
        m.insert("deleteRule".into(), json!(self.delete_rule));
        m.insert("name".into(), json!(self.name));
        m.insert("type".into(), json!(self.kind.as_str()));
        m.insert(
            "fields".into(),
            Value::Array(self.fields.iter().map(Field::to_json).collect()),
        );
        m.insert("indexes".into(), json!(self.indexes));
        m.insert("created".into(), json!(self.created));
        m.insert("updated".into(), json!(self.updated));
        m.insert("system".into(), json!(self.system));
        if let Some(auth) = &self.auth {
            m.insert("authRule".into(), json!(auth.auth_rule));
            m.insert("manageRule".into(), json!(auth.manage_rule));
            for key in AUTH_OPTION_KEYS {
                let mut v = auth.options.get(*key).cloned().unwrap_or_else(|| json!({}));
                if !with_secrets
                    && TOKEN_KINDS.contains(key)
                    && let Value::Object(o) = &mut v
                {
                    o.remove("secret");
                }
                // OAuth2 client secrets are write-only too.
                if !with_secrets
                    && *key == "oauth2"
                    && let Some(Value::Array(providers)) = v.get_mut("providers")
                {
                    for p in providers.iter_mut().filter_map(Value::as_object_mut) {
                        p.remove("clientSecret");
                    }
                }
                m.insert((*key).to_string(), v);
            }
        }
        if self.is_view() {
            m.insert("viewQuery".into(), json!(self.view_query));
        }
        Value::Object(m)
    }

    /// Names of the relation fields (of any collection in `all`) that point at this collection.
    pub fn referencing_fields<'a>(
        &self,
        all: &'a [std::sync::Arc<Collection>],
    ) -> Vec<(&'a Collection, &'a Field)> {
        let mut out = Vec::new();
        for c in all {
            for f in &c.fields {
                if let FieldKind::Relation(o) = &f.kind
                    && o.collection_id == self.id
                {
                    out.push((c.as_ref(), f));
                }
            }
        }
        out
    }
}

/// Deep-merges `patch` into `base`: objects merge key by key, everything else is replaced
/// (so a `fields` array in an update replaces the old array, as in PocketBase).
pub fn merge_json(base: &mut Value, patch: &Value) {
    match (base, patch) {
        (Value::Object(b), Value::Object(p)) => {
            for (k, v) in p {
                match b.get_mut(k) {
                    Some(existing) if existing.is_object() && v.is_object() => {
                        merge_json(existing, v)
                    }
                    _ => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (b, p) => *b = p.clone(),
    }
}
