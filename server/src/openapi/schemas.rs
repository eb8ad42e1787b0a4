//! Schemas of the fixed routes, derived with utoipa from shape-only structs.
//!
//! NOTE: these structs are never built; they exist only so utoipa can describe the wire shapes
//! the handlers in `http/` produce as JSON. Names are the component names in the document.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

/// The one error shape of every endpoint.
#[derive(Serialize, ToSchema)]
#[schema(examples(json!({"status": 400, "message": "An error occurred while validating the submitted data.", "data": {"title": {"code": "validation_required", "message": "Missing required value."}}})))]
pub struct Error {
    /// The HTTP status code, repeated.
    pub status: u16,
    /// A human-readable message.
    pub message: String,
    /// Per-field validation errors: a `FieldError` per field, nested for nested values (e.g.
    /// `{"fields": {"0": {"name": FieldError}}}` when creating a collection); `{}` otherwise.
    #[schema(value_type = Object)]
    pub data: BTreeMap<String, Value>,
}

/// One field's validation error.
#[derive(Serialize, ToSchema)]
pub struct FieldError {
    /// Stable machine-readable code, e.g. `validation_required`.
    pub code: String,
    pub message: String,
    /// Values used in the message, e.g. `{"max": 10}`.
    #[schema(value_type = Option<Object>)]
    pub params: Option<Value>,
}

/// `POST /api/files/token`.
#[derive(Serialize, ToSchema)]
pub struct FileToken {
    /// A short-lived token for `?token=` on protected files.
    pub token: String,
}

/// `GET /api/health`.
#[derive(Serialize, ToSchema)]
pub struct Health {
    #[schema(examples("API is healthy."))]
    pub message: String,
    #[schema(examples(200))]
    pub code: u16,
    /// Diagnostics for superusers (`canBackup`, `realIP`, …); `{}` for everyone else.
    #[schema(value_type = Object)]
    pub data: Value,
}

/// The collection type.
#[derive(Serialize, ToSchema)]
#[expect(
    dead_code,
    reason = "shape only: describes the `type` values, never built"
)]
#[serde(rename_all = "lowercase")]
pub enum CollectionType {
    Base,
    Auth,
    View,
}

/// A collection field; type-specific options (`max`, `values`, `collectionId`, …) sit next to
/// the common keys.
#[derive(Serialize, ToSchema)]
pub struct CollectionField {
    pub id: String,
    pub name: String,
    /// `text`, `number`, `bool`, `email`, `url`, `editor`, `date`, `autodate`, `select`,
    /// `json`, `relation`, `file`, `password` or `geoPoint`.
    #[serde(rename = "type")]
    pub kind: String,
    pub system: bool,
    pub hidden: bool,
    pub presentable: bool,
    pub required: Option<bool>,
    pub help: Option<String>,
}

/// A collection. Rules are filter expressions; `null` means superusers only, `""` public.
/// Auth collections also carry their auth options (`passwordAuth`, `authToken`, …).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Collection {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: CollectionType,
    pub system: bool,
    pub list_rule: Option<String>,
    pub view_rule: Option<String>,
    pub create_rule: Option<String>,
    pub update_rule: Option<String>,
    pub delete_rule: Option<String>,
    pub fields: Vec<CollectionField>,
    pub indexes: Vec<String>,
    pub created: String,
    pub updated: String,
    /// View collections only.
    pub view_query: Option<String>,
    /// Auth collections only.
    pub auth_rule: Option<String>,
    /// Auth collections only.
    pub manage_rule: Option<String>,
    /// Auth collections only.
    #[schema(value_type = Option<Object>)]
    pub password_auth: Option<Value>,
    /// Auth collections only (secrets are never returned).
    #[schema(value_type = Option<Object>)]
    pub auth_token: Option<Value>,
}

/// A page of collections.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CollectionList {
    pub page: u64,
    pub per_page: u64,
    /// `-1` with `skipTotal`.
    pub total_items: i64,
    /// `-1` with `skipTotal`.
    pub total_pages: i64,
    pub items: Vec<Collection>,
}

/// `PUT /api/collections/import`.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CollectionImport {
    pub collections: Vec<Collection>,
    /// Delete collections (and their records) that are missing from `collections`.
    pub delete_missing: Option<bool>,
}

/// `POST /api/collections/view-preview` (Cairn-only).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ViewPreviewRequest {
    /// One `SELECT` (or `WITH … SELECT`) statement returning an `id` column.
    pub view_query: String,
    /// Rows to return (default 10, at most 100).
    pub limit: Option<u32>,
}

/// The fields a view collection with this query would get, and its first rows.
#[derive(Serialize, ToSchema)]
pub struct ViewPreview {
    pub fields: Vec<CollectionField>,
    /// Rows as column → value objects, in the query's column order.
    pub items: Vec<Record>,
}

/// The default JSON of a new collection, per type.
#[derive(Serialize, ToSchema)]
pub struct CollectionScaffolds {
    pub auth: Collection,
    pub base: Collection,
    pub view: Collection,
}

/// `POST /api/collections/{collection}/auth-with-password`.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AuthWithPassword {
    /// The value of one of the collection's identity fields (by default `email`).
    pub identity: String,
    pub password: String,
    /// Restricts the lookup to one identity field.
    pub identity_field: Option<String>,
}

/// A record of any collection: the system keys plus one key per visible field (see the typed
/// `<Name>Record` schemas).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    pub id: String,
    pub collection_id: String,
    pub collection_name: String,
    #[serde(flatten)]
    pub fields: BTreeMap<String, Value>,
}

/// A page of records.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RecordList {
    pub page: u64,
    pub per_page: u64,
    /// `-1` with `skipTotal`.
    pub total_items: i64,
    /// `-1` with `skipTotal`.
    pub total_pages: i64,
    pub items: Vec<Record>,
}

/// A token and its auth record.
#[derive(Serialize, ToSchema)]
pub struct AuthResponse {
    /// The auth token (a JWT) for the `Authorization` header.
    pub token: String,
    pub record: Record,
}
