//! The fixed routes (health, collections, generic records, auth), described with utoipa's
//! derive macros, plus the security scheme and the generic record schemas.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::openapi::{ComponentsBuilder, OpenApi as Document};
use utoipa::{Modify, OpenApi};

use super::common::{self, SECURITY_DESCRIPTION, SECURITY_SCHEME, schema_ref, string};
use super::schemas::{
    AuthWithPassword, Collection, CollectionField, CollectionImport, CollectionList,
    CollectionScaffolds, CollectionType, Error, FieldError, Health,
};

/// `info.description` of the document.
const DESCRIPTION: &str = "Cairn speaks PocketBase's wire API (0.40): the same routes, query \
parameters, JSON shapes and errors, so the official PocketBase SDKs work against it.\n\n\
Besides the fixed routes, every collection of the current schema gets its own typed path set \
(`/api/collections/{name}/records…`) and schemas (`<Name>Record`, `<Name>Create`, \
`<Name>Update`, `<Name>List`). The document is generated from the live schema, so it changes \
when collections do.\n\n\
Authenticate with `auth-with-password` and send the token in the `Authorization` header (raw or \
as `Bearer <token>`). Superusers (`_superusers`) bypass collection rules.";

#[derive(OpenApi)]
#[openapi(
    info(title = "Cairn API", description = DESCRIPTION),
    paths(
        ops::health,
        ops::collection_list,
        ops::collection_create,
        ops::collection_view,
        ops::collection_update,
        ops::collection_delete,
        ops::collection_truncate,
        ops::collection_import,
        ops::collection_scaffolds,
        ops::record_list,
        ops::record_create,
        ops::record_view,
        ops::record_update,
        ops::record_delete,
        ops::auth_with_password,
        ops::auth_refresh,
    ),
    components(schemas(
        AuthWithPassword,
        Collection,
        CollectionField,
        CollectionImport,
        CollectionList,
        CollectionScaffolds,
        CollectionType,
        Error,
        FieldError,
        Health,
    )),
    modifiers(&Generic),
    tags(
        (name = "Health", description = "Liveness."),
        (name = "Collections", description = "Schema management (superusers only)."),
        (name = "Records", description = "Records of any collection, by collection id or name; \
            see the per-collection tags for typed variants."),
        (name = "Auth", description = "Authentication against any auth collection."),
    ),
)]
struct FixedApi;

/// Adds the security scheme and the untyped `Record`, `RecordList` and `AuthResponse` schemas.
struct Generic;

impl Modify for Generic {
    fn modify(&self, doc: &mut Document) {
        let components = doc
            .components
            .get_or_insert_with(|| ComponentsBuilder::new().build());
        components.add_security_scheme(
            SECURITY_SCHEME,
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "Authorization",
                SECURITY_DESCRIPTION,
            ))),
        );
        let record = utoipa::openapi::ObjectBuilder::new()
            .description(Some(
                "A record of any collection: the system keys plus one key per visible field.",
            ))
            .property("id", string())
            .property("collectionId", string())
            .property("collectionName", string())
            .required("id")
            .required("collectionId")
            .required("collectionName")
            .additional_properties(Some(common::any_value()));
        components.schemas.insert("Record".into(), record.into());
        components.schemas.insert(
            "RecordList".into(),
            common::list_envelope(schema_ref("Record"), "A page of records.").into(),
        );
        components.schemas.insert(
            "AuthResponse".into(),
            common::auth_response(schema_ref("Record"), "A token and its auth record.").into(),
        );
    }
}

/// The fixed part of the document.
pub fn document() -> Document {
    let mut doc = FixedApi::openapi();
    doc.security = None;
    doc
}

/// Names of the schemas defined by the fixed part (per-collection names must avoid them).
pub fn schema_names(doc: &Document) -> Vec<String> {
    doc.components
        .as_ref()
        .map(|c| c.schemas.keys().cloned().collect())
        .unwrap_or_default()
}

#[expect(
    dead_code,
    reason = "the functions only carry utoipa path descriptions; the handlers live in http/"
)]
mod ops;
