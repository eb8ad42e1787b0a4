//! The per-collection part of the document, generated from the current schema snapshot: a tag,
//! a typed path set and `<Name>Record` / `<Name>Create` / `<Name>Update` / `<Name>List` (and for
//! auth collections `<Name>AuthResponse`) schemas per collection.
//!
//! Collections are visited in name order and every map in the document is sorted, so the same
//! schema always gives the same document.

use std::collections::{BTreeMap, BTreeSet};

use utoipa::openapi::schema::Schema;
use utoipa::openapi::tag::TagBuilder;
use utoipa::openapi::{ComponentsBuilder, OpenApi, RefOr};

use super::common::{self, schema_ref};
use super::records;
use crate::schema::{Collection, Snapshot};

pub use crate::schema::ids::type_name as pascal_case;

const SUFFIXES: &[&str] = &["Record", "Create", "Update", "List", "AuthResponse"];

/// Assigns each collection (by id) a schema base name whose derived names collide neither with
/// the fixed schemas nor with another collection's (`Posts`, then `Posts2`, `Posts3`, …).
fn assign_names(sorted: &[&Collection], reserved: Vec<String>) -> BTreeMap<String, String> {
    let mut used: BTreeSet<String> = reserved.into_iter().collect();
    let mut names = BTreeMap::new();
    for c in sorted {
        let base = pascal_case(&c.name);
        let mut n = 1;
        let chosen = loop {
            let candidate = if n == 1 {
                base.clone()
            } else {
                format!("{base}{n}")
            };
            if SUFFIXES
                .iter()
                .all(|s| !used.contains(&format!("{candidate}{s}")))
            {
                break candidate;
            }
            n += 1;
        };
        used.extend(SUFFIXES.iter().map(|s| format!("{chosen}{s}")));
        names.insert(c.id.clone(), chosen);
    }
    names
}

/// Every schema name outside the per-collection ones: the fixed part's and those the JSON
/// passes add (auth flows, settings, jobs, …).
fn reserved_names(doc: &OpenApi) -> Vec<String> {
    let mut names = super::fixed::schema_names(doc);
    let json = super::auth_paths::schemas()
        .into_iter()
        .chain(super::system_paths::schemas());
    names.extend(json.map(|(name, _)| name.to_string()));
    names
}

/// The schema base name of each collection (by id): `bar_posts` → `BarPosts`, `BarPosts2` on a
/// clash. The generated TypeScript SDK uses the same names, so both speak of `BarPostsRecord`.
pub fn type_names(collections: &[&Collection]) -> BTreeMap<String, String> {
    let mut sorted = collections.to_vec();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    assign_names(&sorted, reserved_names(&super::fixed::document()))
}

/// Adds one collection's paths and schemas.
fn add_collection(
    doc: &mut OpenApi,
    c: &Collection,
    snapshot: &Snapshot,
    names: &BTreeMap<String, String>,
) {
    let Some(base) = names.get(&c.id) else { return };
    let record_name = |id: &str| {
        names
            .get(id)
            .map_or_else(|| "Record".to_string(), |n| format!("{n}Record"))
    };
    let (record, list) = (format!("{base}Record"), format!("{base}List"));
    super::record_paths::add(doc, c, base);
    let mut schemas: Vec<(String, RefOr<Schema>)> = vec![
        (
            record.clone(),
            records::record(c, snapshot, record_name).into(),
        ),
        (
            list,
            common::list_envelope(
                schema_ref(&record),
                &format!("A page of `{}` records.", c.name),
            )
            .into(),
        ),
    ];
    if !c.is_view() {
        schemas.push((
            format!("{base}Create"),
            records::request(c, snapshot, false).into(),
        ));
        schemas.push((
            format!("{base}Update"),
            records::request(c, snapshot, true).into(),
        ));
    }
    if c.is_auth() {
        schemas.push((
            format!("{base}AuthResponse"),
            common::auth_response(
                schema_ref(&record),
                &format!("A token and its `{}` auth record.", c.name),
            )
            .into(),
        ));
    }
    let components = doc
        .components
        .get_or_insert_with(|| ComponentsBuilder::new().build());
    components.schemas.extend(schemas);
}

/// Adds every collection of `snapshot` to `doc`; returns each collection's schema base name
/// (by collection id).
pub fn extend(doc: &mut OpenApi, snapshot: &Snapshot) -> BTreeMap<String, String> {
    let mut sorted: Vec<&Collection> = snapshot.collections.iter().map(AsRef::as_ref).collect();
    sorted.sort_by(|a, b| a.name.cmp(&b.name));
    let names = assign_names(&sorted, reserved_names(doc));
    let mut tags = doc.tags.take().unwrap_or_default();
    for c in sorted {
        add_collection(doc, c, snapshot, &names);
        tags.push(
            TagBuilder::new()
                .name(c.name.clone())
                .description(Some(format!(
                    "Records of the `{}` {} collection{}.",
                    c.name,
                    c.kind.as_str(),
                    if c.system { " (system)" } else { "" }
                )))
                .build(),
        );
    }
    doc.tags = Some(tags);
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pascal_names() {
        assert_eq!(pascal_case("_superusers"), "Superusers");
        assert_eq!(pascal_case("_externalAuths"), "ExternalAuths");
        assert_eq!(pascal_case("blog_posts"), "BlogPosts");
        assert_eq!(pascal_case("posts"), "Posts");
        assert_eq!(pascal_case("_"), "Collection");
    }
}
