//! A collection field: the common attributes plus a typed [`FieldKind`], with PocketBase's JSON
//! shape (keys sorted alphabetically, as the real server emits them).

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use super::fields::{
    autodate::AutodateOptions, bool as boolean, date::DateOptions, editor::EditorOptions,
    email::EmailOptions, file::FileOptions, geopoint, json::JsonOptions, number::NumberOptions,
    password::PasswordOptions, relation::RelationOptions, select::SelectOptions, text::TextOptions,
    url::UrlOptions,
};
use crate::error::{FieldError, FieldErrors};

#[derive(Debug, Clone, PartialEq)]
pub enum FieldKind {
    Text(TextOptions),
    Number(NumberOptions),
    Bool,
    Email(EmailOptions),
    Url(UrlOptions),
    Editor(EditorOptions),
    Date(DateOptions),
    Autodate(AutodateOptions),
    Select(SelectOptions),
    Json(JsonOptions),
    Relation(RelationOptions),
    File(FileOptions),
    Password(PasswordOptions),
    GeoPoint,
}

/// Every type name, as used in JSON and in field ids.
pub const FIELD_TYPES: &[&str] = &[
    "text", "number", "bool", "email", "url", "editor", "date", "autodate", "select", "json",
    "relation", "file", "password", "geoPoint",
];

#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub id: String,
    pub name: String,
    pub system: bool,
    pub hidden: bool,
    pub presentable: bool,
    pub required: bool,
    pub help: String,
    pub kind: FieldKind,
}

fn options<T: DeserializeOwned + Default>(obj: &Map<String, Value>, errors: &mut FieldErrors) -> T {
    match serde_json::from_value::<T>(Value::Object(obj.clone())) {
        Ok(v) => v,
        Err(e) => {
            errors.add(
                "options",
                FieldError::new(
                    "validation_invalid_value",
                    format!("Invalid field options: {e}."),
                ),
            );
            T::default()
        }
    }
}

impl FieldKind {
    pub fn type_name(&self) -> &'static str {
        match self {
            Self::Text(_) => "text",
            Self::Number(_) => "number",
            Self::Bool => "bool",
            Self::Email(_) => "email",
            Self::Url(_) => "url",
            Self::Editor(_) => "editor",
            Self::Date(_) => "date",
            Self::Autodate(_) => "autodate",
            Self::Select(_) => "select",
            Self::Json(_) => "json",
            Self::Relation(_) => "relation",
            Self::File(_) => "file",
            Self::Password(_) => "password",
            Self::GeoPoint => "geoPoint",
        }
    }

    fn parse(kind: &str, obj: &Map<String, Value>, errors: &mut FieldErrors) -> Option<Self> {
        Some(match kind {
            "text" => Self::Text(options(obj, errors)),
            "number" => Self::Number(options(obj, errors)),
            "bool" => Self::Bool,
            "email" => Self::Email(options(obj, errors)),
            "url" => Self::Url(options(obj, errors)),
            "editor" => Self::Editor(options(obj, errors)),
            "date" => Self::Date(options(obj, errors)),
            "autodate" => Self::Autodate(options(obj, errors)),
            "select" => Self::Select(options(obj, errors)),
            "json" => Self::Json(options(obj, errors)),
            "relation" => Self::Relation(options(obj, errors)),
            "file" => Self::File(options(obj, errors)),
            "password" => Self::Password(options(obj, errors)),
            "geoPoint" => Self::GeoPoint,
            _ => return None,
        })
    }

    fn options_json(&self) -> Value {
        let v = match self {
            Self::Text(o) => serde_json::to_value(o),
            Self::Number(o) => serde_json::to_value(o),
            Self::Email(o) => serde_json::to_value(o),
            Self::Url(o) => serde_json::to_value(o),
            Self::Editor(o) => serde_json::to_value(o),
            Self::Date(o) => serde_json::to_value(o),
            Self::Autodate(o) => serde_json::to_value(o),
            Self::Select(o) => serde_json::to_value(o),
            Self::Json(o) => serde_json::to_value(o),
            Self::Relation(o) => serde_json::to_value(o),
            Self::File(o) => serde_json::to_value(o),
            Self::Password(o) => serde_json::to_value(o),
            Self::Bool | Self::GeoPoint => Ok(json!({})),
        };
        v.unwrap_or_else(|_| json!({}))
    }
}

impl Field {
    pub fn new(name: &str, kind: FieldKind) -> Self {
        Self {
            id: super::ids::field_id(kind.type_name(), name),
            name: name.to_string(),
            system: false,
            hidden: false,
            presentable: false,
            required: false,
            help: String::new(),
            kind,
        }
    }

    pub fn system(mut self) -> Self {
        self.system = true;
        self
    }

    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    pub fn hidden(mut self) -> Self {
        self.hidden = true;
        self
    }

    pub fn type_name(&self) -> &'static str {
        self.kind.type_name()
    }

    /// Parses one field from collection JSON; errors are keyed like PocketBase's (`name`, `type`).
    pub fn from_json(value: &Value) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let Some(obj) = value.as_object() else {
            errors.add("type", FieldError::invalid_value());
            return Err(errors);
        };
        let s = |k: &str| {
            obj.get(k)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let b = |k: &str| obj.get(k).and_then(Value::as_bool).unwrap_or(false);
        let name = s("name");
        let type_name = s("type");
        let kind = FieldKind::parse(&type_name, obj, &mut errors);
        if kind.is_none() {
            errors.add(
                "type",
                FieldError::new("validation_invalid_value", "Invalid field type."),
            );
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let Some(kind) = kind else { return Err(errors) };
        let id = match s("id") {
            id if id.is_empty() => super::ids::field_id(&type_name, &name),
            id => id,
        };
        Ok(Self {
            id,
            name,
            system: b("system"),
            hidden: b("hidden"),
            presentable: b("presentable"),
            required: b("required"),
            help: s("help"),
            kind,
        })
    }

    /// PocketBase's field JSON (alphabetical keys; autodate has no `required`/`help`).
    pub fn to_json(&self) -> Value {
        let mut map: BTreeMap<String, Value> = BTreeMap::new();
        if let Value::Object(o) = self.kind.options_json() {
            map.extend(o);
        }
        map.insert("id".into(), json!(self.id));
        map.insert("name".into(), json!(self.name));
        map.insert("type".into(), json!(self.type_name()));
        map.insert("system".into(), json!(self.system));
        map.insert("hidden".into(), json!(self.hidden));
        map.insert("presentable".into(), json!(self.presentable));
        if !matches!(self.kind, FieldKind::Autodate(_)) {
            map.insert("required".into(), json!(self.required));
            map.insert("help".into(), json!(self.help));
        }
        Value::Object(map.into_iter().collect())
    }

    /// Whether this is a sealed (write-only, encrypted) text field.
    pub fn is_sealed(&self) -> bool {
        matches!(&self.kind, FieldKind::Text(o) if o.sealed)
    }

    /// Whether this field holds a JSON array (multi select/relation/file).
    pub fn is_multiple(&self) -> bool {
        match &self.kind {
            FieldKind::Select(o) => o.is_multiple(),
            FieldKind::Relation(o) => o.is_multiple(),
            FieldKind::File(o) => o.is_multiple(),
            _ => false,
        }
    }

    /// The value of an unset field (reference §3.2).
    pub fn zero_value(&self) -> Value {
        match &self.kind {
            FieldKind::Number(_) => json!(0),
            FieldKind::Bool => json!(false),
            FieldKind::Json(_) => Value::Null,
            FieldKind::GeoPoint => geopoint::zero(),
            _ if self.is_multiple() => json!([]),
            _ => json!(""),
        }
    }

    /// Coerces a submitted value into the stored form. Password and autodate are handled by the
    /// record pipeline (hashing, timestamps) and pass through here unchanged.
    pub fn normalize(&self, value: &Value, from_form: bool) -> Value {
        match &self.kind {
            FieldKind::Text(o) => o.normalize(value),
            FieldKind::Number(o) => o.normalize(value),
            FieldKind::Bool => boolean::normalize(value),
            FieldKind::Email(o) => o.normalize(value),
            FieldKind::Url(o) => o.normalize(value),
            FieldKind::Editor(o) => o.normalize(value),
            FieldKind::Date(o) => o.normalize(value),
            FieldKind::Select(o) => o.normalize(value),
            FieldKind::Json(o) => o.normalize(value, from_form),
            FieldKind::Relation(o) => o.normalize(value),
            FieldKind::File(o) => o.normalize(value),
            FieldKind::GeoPoint => geopoint::normalize(value),
            FieldKind::Password(_) | FieldKind::Autodate(_) => value.clone(),
        }
    }

    /// Validates a normalized value.
    pub fn validate(&self, value: &Value) -> Result<(), FieldError> {
        let r = self.required;
        match &self.kind {
            FieldKind::Text(o) => o.validate(r, value),
            FieldKind::Number(o) => o.validate(r, value),
            FieldKind::Bool => boolean::validate(r, value),
            FieldKind::Email(o) => o.validate(r, value),
            FieldKind::Url(o) => o.validate(r, value),
            FieldKind::Editor(o) => o.validate(r, value),
            FieldKind::Date(o) => o.validate(r, value),
            FieldKind::Select(o) => o.validate(r, value),
            FieldKind::Json(o) => o.validate(r, value),
            FieldKind::Relation(o) => o.validate(r, value),
            FieldKind::File(o) => o.validate(r, value),
            FieldKind::GeoPoint => geopoint::validate(r, value),
            FieldKind::Password(o) => o.validate_stored(r, value),
            FieldKind::Autodate(_) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_json_round_trips() {
        let v = json!({"name":"title","type":"text","required":true,"max":200});
        let f = Field::from_json(&v).expect("parses");
        assert_eq!(f.id, "text724990059");
        let out = f.to_json();
        assert_eq!(out["max"], json!(200));
        assert_eq!(out["autogeneratePattern"], json!(""));
        let keys: Vec<&String> = out
            .as_object()
            .map(|o| o.keys().collect())
            .unwrap_or_default();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted);
        assert_eq!(Field::from_json(&out).expect("parses again"), f);
    }

    #[test]
    fn unknown_type_is_rejected() {
        assert!(Field::from_json(&json!({"name":"x","type":"nope"})).is_err());
    }
}
