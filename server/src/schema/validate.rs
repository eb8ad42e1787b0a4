//! Collection validation: names, fields, relations, indexes and the auth/view specifics, checked
//! against the current schema snapshot before any DDL runs.

use std::collections::HashSet;

use serde_json::json;

use super::collection::{Collection, CollectionType};
use super::field::{Field, FieldKind};
use super::ids::is_valid_identifier;
use super::indexes::IndexDef;
use crate::error::{FieldError, FieldErrors};

/// Field names that would clash with keys every record JSON carries.
const RESERVED_FIELD_NAMES: &[&str] = &["expand", "collectionId", "collectionName"];

/// Table names Cairn (or SQLite) owns.
fn is_reserved_collection_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with("sqlite_")
        || matches!(
            lower.as_str(),
            "_collections" | "_params" | "_migrations" | "_logs"
        )
        || lower.starts_with("_cairn_")
}

fn invalid_format() -> FieldError {
    FieldError::new("validation_match_invalid", "Must be in a valid format.")
}

/// Validates `new` (a create when `old` is `None`) against the other collections in `all`.
pub fn validate_collection(
    new: &Collection,
    old: Option<&Collection>,
    all: &[std::sync::Arc<Collection>],
) -> FieldErrors {
    let mut errors = FieldErrors::new();
    if new.name.is_empty() {
        errors.add("name", FieldError::required());
    } else if new.name.len() > 255 || !is_valid_identifier(&new.name) {
        errors.add("name", invalid_format());
    } else if is_reserved_collection_name(&new.name) && old.is_none_or(|o| o.name != new.name) {
        errors.add(
            "name",
            FieldError::new(
                "validation_collection_name_invalid",
                "The name is reserved.",
            ),
        );
    } else if all
        .iter()
        .any(|c| c.id != new.id && c.name.eq_ignore_ascii_case(&new.name))
    {
        errors.add(
            "name",
            FieldError::new(
                "validation_collection_name_exists",
                "Collection name must be unique (case insensitive).",
            ),
        );
    }
    if let Some(old) = old {
        if old.kind != new.kind {
            errors.add(
                "type",
                FieldError::new(
                    "validation_collection_type_change",
                    "Collection type cannot be changed.",
                ),
            );
        }
        // As PocketBase: a system field can be neither removed nor renamed (one error on
        // `fields`, whichever field it is).
        let system_field_changed = old
            .fields
            .iter()
            .filter(|f| f.system)
            .any(|of| new.field_by_id(&of.id).is_none_or(|nf| nf.name != of.name));
        if system_field_changed {
            errors.add(
                "fields",
                FieldError::new(
                    "validation_system_field_change",
                    "System fields cannot be deleted or renamed.",
                ),
            );
        }
        if old.system && old.name != new.name {
            errors.add(
                "name",
                FieldError::new(
                    "validation_collection_system_name_change",
                    "System collection name cannot be changed.",
                ),
            );
        }
    }
    if new.kind == CollectionType::View {
        if new.view_query.trim().is_empty() {
            errors.add("viewQuery", FieldError::required());
        }
        if !new.indexes.is_empty() {
            errors.add(
                "indexes",
                FieldError::new(
                    "validation_indexes_not_allowed",
                    "View collections don't support indexes.",
                ),
            );
        }
        return errors;
    }
    validate_fields(new, old, all, &mut errors);
    validate_indexes(new, &mut errors);
    errors
}

fn validate_fields(
    new: &Collection,
    old: Option<&Collection>,
    all: &[std::sync::Arc<Collection>],
    errors: &mut FieldErrors,
) {
    let mut field_errors = FieldErrors::new();
    let mut seen_names: HashSet<String> = HashSet::new();
    let mut seen_ids: HashSet<&str> = HashSet::new();
    for (i, f) in new.fields.iter().enumerate() {
        let mut fe = FieldErrors::new();
        let lower = f.name.to_ascii_lowercase();
        if f.name.is_empty() {
            fe.add("name", FieldError::required());
        } else if !is_valid_identifier(&f.name)
            || f.name.len() > 255
            || RESERVED_FIELD_NAMES.contains(&f.name.as_str())
            || !seen_names.insert(lower)
        {
            fe.add(
                "name",
                FieldError::new(
                    "validation_duplicated_field_name",
                    format!("Duplicated or invalid field name {}.", f.name),
                )
                .with_params(json!({"fieldName": f.name})),
            );
        }
        if !seen_ids.insert(f.id.as_str()) {
            fe.add(
                "id",
                FieldError::new(
                    "validation_duplicated_field_id",
                    format!("Duplicated or invalid field id {}.", f.id),
                ),
            );
        }
        if let Some(prev) = old.and_then(|o| o.field_by_id(&f.id))
            && prev.type_name() != f.type_name()
        {
            // PocketBase reports this one on the field itself, not on `type`.
            field_errors.add(
                i.to_string(),
                FieldError::new(
                    "validation_field_type_change",
                    "Field type cannot be changed.",
                ),
            );
            continue;
        }
        match &f.kind {
            FieldKind::Select(o) if o.values.is_empty() => fe.add("values", FieldError::required()),
            FieldKind::Relation(o) => {
                let target_ok = o.collection_id == new.id
                    || all.iter().any(|c| c.id == o.collection_id && !c.is_view());
                if o.collection_id.is_empty() {
                    fe.add("collectionId", FieldError::required());
                } else if !target_ok {
                    fe.add(
                        "collectionId",
                        FieldError::new(
                            "validation_field_relation_missing_collection",
                            "The relation collection doesn't exist.",
                        ),
                    );
                }
                if o.max_select > 0 && o.min_select > o.max_select {
                    fe.add(
                        "minSelect",
                        FieldError::new(
                            "validation_min_greater_than_max",
                            "Must be less or equal to maxSelect.",
                        ),
                    );
                }
            }
            FieldKind::Text(o)
                if o.sealed && (o.primary_key || !o.autogenerate_pattern.is_empty()) =>
            {
                fe.add(
                    "sealed",
                    FieldError::new(
                        "validation_sealed_not_allowed",
                        "A primary key or autogenerated field cannot be sealed.",
                    ),
                );
            }
            FieldKind::Text(o) if o.max > 0 && o.min > o.max => {
                fe.add(
                    "min",
                    FieldError::new(
                        "validation_min_greater_than_max",
                        "Must be less or equal to max.",
                    ),
                );
            }
            FieldKind::Text(o)
                if !o.pattern.is_empty() && regex::Regex::new(&o.pattern).is_err() =>
            {
                fe.add(
                    "pattern",
                    FieldError::new("validation_invalid_regex", "Invalid regular expression."),
                );
            }
            _ => {}
        }
        field_errors.add_nested(i.to_string(), fe);
    }
    match new.fields.first() {
        Some(Field {
            name,
            kind: FieldKind::Text(o),
            ..
        }) if name == "id" && o.primary_key => {}
        _ => field_errors.add(
            "id",
            FieldError::new(
                "validation_missing_primary_key",
                "The collection must have an id primary key field.",
            ),
        ),
    }
    errors.add_nested("fields", field_errors);
}

fn validate_indexes(new: &Collection, errors: &mut FieldErrors) {
    let mut index_errors = FieldErrors::new();
    let mut names = HashSet::new();
    for (i, sql) in new.indexes.iter().enumerate() {
        let invalid = || {
            FieldError::new(
                "validation_invalid_index_expression",
                "Invalid CREATE INDEX expression.",
            )
        };
        match IndexDef::parse(sql) {
            None => index_errors.add(i.to_string(), invalid()),
            Some(def) => {
                let columns_ok = def.columns.iter().all(|(c, _)| new.field(c).is_some());
                if !columns_ok || !is_valid_identifier(&def.name) {
                    index_errors.add(i.to_string(), invalid());
                } else if !names.insert(def.name.to_ascii_lowercase()) {
                    index_errors.add(
                        i.to_string(),
                        FieldError::new(
                            "validation_duplicated_index_name",
                            "The index name must be unique.",
                        ),
                    );
                }
            }
        }
    }
    errors.add_nested("indexes", index_errors);
}
