//! Per-collection record schemas: `<Name>Record` (what the API returns), `<Name>Create` and
//! `<Name>Update` (what it accepts), typed field by field from [`FieldKind`].
//!
//! The response side mirrors `records::serialize`: hidden fields, `password` fields and the auth
//! `tokenKey` never appear; the auth `email` is only sent to its owner, superusers, or when
//! `emailVisibility` is on, so it is not listed as required.

use serde_json::json;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};

use super::common::{array_of, datetime, schema_ref, string, typed};
use crate::schema::{Collection, Field, FieldKind, Snapshot};

/// Whether a field is a request or a response value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Response,
    Request,
}

/// Wraps `one` in an array when the field holds several values.
fn maybe_many(field: &Field, one: ObjectBuilder, max: usize) -> RefOr<Schema> {
    if field.is_multiple() {
        array_of(one).max_items(Some(max)).into()
    } else {
        one.into()
    }
}

/// The schema of one field's value.
fn field_schema(field: &Field, side: Side, snapshot: &Snapshot) -> RefOr<Schema> {
    let request = side == Side::Request;
    let described = |b: ObjectBuilder| {
        if field.help.is_empty() {
            b
        } else {
            b.description(Some(field.help.clone()))
        }
    };
    match &field.kind {
        FieldKind::Text(o) => {
            let mut b = string();
            if request {
                b = b
                    .min_length((o.min > 0).then_some(o.min))
                    .max_length((o.max > 0).then_some(o.max))
                    .pattern((!o.pattern.is_empty()).then(|| o.pattern.clone()));
            }
            described(b).into()
        }
        FieldKind::Email(_) => described(string().description(Some("An email address."))).into(),
        FieldKind::Url(_) => described(string().description(Some("A URL."))).into(),
        FieldKind::Editor(_) => described(string().description(Some("Rich text (HTML)."))).into(),
        FieldKind::Date(_) => described(datetime()).into(),
        FieldKind::Autodate(_) => described(datetime().read_only(Some(true))).into(),
        FieldKind::Number(o) => {
            let mut b = typed(if o.only_int {
                Type::Integer
            } else {
                Type::Number
            });
            if request {
                b = b.minimum(o.min).maximum(o.max);
            }
            described(b).into()
        }
        FieldKind::Bool => described(typed(Type::Boolean)).into(),
        FieldKind::Json(_) => described(
            ObjectBuilder::new()
                .schema_type(SchemaType::AnyValue)
                .description(Some("Any JSON value (`null` when unset).")),
        )
        .into(),
        FieldKind::GeoPoint => described(
            typed(Type::Object)
                .property("lon", typed(Type::Number))
                .property("lat", typed(Type::Number))
                .required("lon")
                .required("lat"),
        )
        .into(),
        FieldKind::Password(_) => described(
            string()
                .format(Some(utoipa::openapi::SchemaFormat::Custom(
                    "password".into(),
                )))
                .write_only(Some(true)),
        )
        .into(),
        FieldKind::Select(o) => {
            let mut values: Vec<String> = o.values.clone();
            if !field.is_multiple() && !field.required && !request {
                values.push(String::new());
            }
            maybe_many(
                field,
                described(string().enum_values(Some(values))),
                o.max_select,
            )
        }
        FieldKind::Relation(o) => {
            let target = snapshot
                .by_id(&o.collection_id)
                .map_or_else(|| o.collection_id.clone(), |c| c.name.clone());
            let text = if field.is_multiple() {
                format!("Ids of `{target}` records.")
            } else {
                format!("Id of a `{target}` record.")
            };
            maybe_many(
                field,
                described(string().description(Some(text))),
                o.max_select,
            )
        }
        FieldKind::File(o) => {
            let one = if request {
                string()
                    .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                        utoipa::openapi::KnownFormat::Binary,
                    )))
                    .description(Some("A file upload (multipart/form-data)."))
            } else {
                string().description(Some(
                    "A stored file name; download it from `/api/files/{collectionId}/{recordId}/{name}`.",
                ))
            };
            maybe_many(field, described(one), o.max_select)
        }
    }
}

/// Whether the API ever returns this field (to someone other than a superuser).
fn is_returned(c: &Collection, f: &Field) -> bool {
    let secret = matches!(f.kind, FieldKind::Password(_))
        || f.is_sealed()
        || (c.is_auth() && f.name == "tokenKey");
    !(f.hidden || secret)
}

/// `<Name>Record`.
pub fn record(c: &Collection, snapshot: &Snapshot, record_name: impl Fn(&str) -> String) -> Schema {
    let mut b = ObjectBuilder::new()
        .description(Some(format!(
            "A record of the `{}` collection ({}).",
            c.name,
            c.kind.as_str()
        )))
        .property("collectionId", string().examples([json!(c.id)]))
        .property("collectionName", string().examples([json!(c.name)]))
        .required("collectionId")
        .required("collectionName");
    let mut expand = ObjectBuilder::new().description(Some(
        "Expanded relations (only with `?expand=`), keyed by relation field.",
    ));
    let mut has_expand = false;
    for f in c.fields.iter().filter(|f| is_returned(c, f)) {
        b = b.property(&f.name, field_schema(f, Side::Response, snapshot));
        if !(c.is_auth() && f.name == "email") {
            b = b.required(&f.name);
        }
        if let FieldKind::Relation(o) = &f.kind
            && let Some(target) = snapshot.by_id(&o.collection_id)
        {
            let item = schema_ref(&record_name(&target.id));
            expand = expand.property(
                &f.name,
                if f.is_multiple() {
                    array_of(item).into()
                } else {
                    item
                },
            );
            has_expand = true;
        }
    }
    if has_expand {
        b = b.property("expand", expand);
    }
    b.into()
}

/// `<Name>Create` (`update == false`) or `<Name>Update` (`update == true`).
pub fn request(c: &Collection, snapshot: &Snapshot, update: bool) -> Schema {
    let verb = if update { "Update" } else { "Create" };
    let mut b = ObjectBuilder::new().description(Some(format!(
        "{verb} a `{}` record. As JSON, or as multipart/form-data to upload files.{}",
        c.name,
        if update {
            " Only the submitted fields change."
        } else {
            ""
        }
    )));
    for f in &c.fields {
        if matches!(f.kind, FieldKind::Autodate(_)) || (c.is_auth() && f.name == "tokenKey") {
            continue;
        }
        b = b.property(&f.name, field_schema(f, Side::Request, snapshot));
        let generated = matches!(&f.kind, FieldKind::Text(o) if !o.autogenerate_pattern.is_empty());
        if !update && f.required && !generated {
            b = b.required(&f.name);
        }
        if c.is_auth() && matches!(f.kind, FieldKind::Password(_)) {
            let confirm = format!("{}Confirm", f.name);
            b = b.property(&confirm, field_schema(f, Side::Request, snapshot));
            if update {
                b = b.property(
                    "oldPassword",
                    string()
                        .write_only(Some(true))
                        .description(Some("The current password (required unless superuser).")),
                );
            } else {
                b = b.required(&confirm);
            }
        }
    }
    b.into()
}
