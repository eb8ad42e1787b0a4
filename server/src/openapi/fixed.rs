//! The fixed routes (health, collections, generic records, auth), described with utoipa's
//! derive macros, plus the security scheme and the generic record schemas.

use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::openapi::{ComponentsBuilder, OpenApi as Document};
use utoipa::{Modify, OpenApi};

use super::common::{SECURITY_DESCRIPTION, SECURITY_SCHEME};
use super::routes;
use super::schemas::{
    AuthResponse, AuthWithPassword, Collection, CollectionField, CollectionImport, CollectionList,
    CollectionScaffolds, CollectionType, Error, FieldError, FileToken, Health, Record, RecordList,
    ViewPreview, ViewPreviewRequest,
};

/// `info.description` of the document.
const DESCRIPTION: &str = "Cairn speaks PocketBase's wire API (0.40): the same routes, query \
parameters, JSON shapes and errors, so the official PocketBase SDKs work against it.\n\n\
Besides the fixed routes, every collection of the current schema gets its own typed path set \
(`/api/collections/{name}/records…`) and schemas (`<Name>Record`, `<Name>Create`, \
`<Name>Update`, `<Name>List`). The document is generated from the live schema, so it changes \
when collections do.\n\n\
Authenticate with `auth-with-password` and send the token in the `Authorization` header (raw or \
as `Bearer <token>`). Superusers (`_superusers`) bypass collection rules.\n\n\
`?fields=` picks a subset of a response's properties (of each item in a list), so the schemas \
of those responses list no property as required; without it every listed property is present. \
Rate limits (`settings.rateLimits`, and repeated failed sign-ins) answer 429 on any route.\n\n\
Realtime: PocketBase's SSE protocol at `GET /api/realtime` (first message `PB_CONNECT` with the \
client id, which every message repeats in its `id:` line) and `POST /api/realtime` \
`{\"clientId\",\"subscriptions\":[…]}` (topics `COLLECTION/*`, `COLLECTION/ID`, optional \
`?options={\"query\":{…},\"headers\":{…}}`). The same topics and payloads over WebSocket at \
`GET /api/realtime/ws`: the server sends `{\"type\":\"connect\",\"clientId\"}`; clients send \
`{\"type\":\"subscribe\"|\"unsubscribe\",\"topics\":[…]}`, `{\"type\":\"auth\",\"token\"}` and \
`{\"type\":\"ping\"}`; events arrive as `{\"type\":\"event\",\"event\":<topic>,\"data\":{\"record\",\"action\"}}`. \
WebSocket pings every 30 s; a silent client is closed after 90 s (1008), one whose queue \
overflows with 1013.";

#[derive(OpenApi)]
#[openapi(
    info(title = "Cairn API", description = DESCRIPTION),
    paths(
        routes::health,
        routes::collection_list,
        routes::collection_create,
        routes::collection_view,
        routes::collection_update,
        routes::collection_delete,
        routes::collection_truncate,
        routes::collection_import,
        routes::collection_scaffolds,
        routes::collection_view_preview,
        routes::record_list,
        routes::record_create,
        routes::record_view,
        routes::record_update,
        routes::record_delete,
        routes::file_download,
        routes::file_token,
    ),
    components(schemas(
        AuthResponse,
        AuthWithPassword,
        Collection,
        CollectionField,
        CollectionImport,
        CollectionList,
        CollectionScaffolds,
        CollectionType,
        Error,
        FieldError,
        FileToken,
        Health,
        Record,
        RecordList,
        ViewPreview,
        ViewPreviewRequest,
    )),
    modifiers(&Security),
    tags(
        (name = "Health", description = "Liveness."),
        (name = "Collections", description = "Schema management (superusers only)."),
        (name = "Records", description = "Records of any collection, by collection id or name; \
            see the per-collection tags for typed variants."),
        (name = "Auth", description = "Authentication against any auth collection."),
        (name = "Files", description = "Stored files of records and file tokens."),
    ),
)]
struct FixedApi;

/// Adds the security scheme.
struct Security;

impl Modify for Security {
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
