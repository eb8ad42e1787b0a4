//! utoipa path descriptions of the fixed routes (the route table is in `http/mod.rs`).
//!
//! Each function is empty: it only carries a `#[utoipa::path]`; its doc comment becomes the
//! operation's summary (first line) and description (the rest).

#![expect(
    dead_code,
    reason = "the functions only carry utoipa path descriptions; the handlers live in http/"
)]

use serde::Deserialize;
use utoipa::IntoParams;

use super::schemas::{
    Collection, CollectionImport, CollectionList, CollectionScaffolds, Error, FileToken, Health,
    Record, RecordList, ViewPreview, ViewPreviewRequest,
};

/// Query parameters of a list endpoint.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
pub struct ListQuery {
    /// Page number (1-based).
    #[param(minimum = 1, default = 1)]
    page: Option<u32>,
    /// Items per page (at most 1000).
    #[param(minimum = 1, maximum = 1000, default = 30)]
    per_page: Option<u32>,
    /// Comma-separated sort fields; `-` prefix for descending, `@random` for random order.
    sort: Option<String>,
    /// Filter expression, e.g. `(title ~ 'abc' && created > '2024-01-01')`.
    filter: Option<String>,
    /// Skip counting: `totalItems` and `totalPages` are returned as -1.
    skip_total: Option<bool>,
    /// Comma-separated fields to return.
    fields: Option<String>,
    /// Comma-separated relation fields to expand.
    expand: Option<String>,
}

/// Query parameters of an endpoint returning one record.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutputQuery {
    /// Comma-separated fields to return.
    fields: Option<String>,
    /// Comma-separated relation fields to expand.
    expand: Option<String>,
}

/// Health check.
///
/// Superusers also get diagnostics in `data`.
#[utoipa::path(get, path = "/api/health", tag = "Health", operation_id = "health",
    security(("AuthToken" = []), ()),
    responses((status = 200, description = "The server is up.", body = Health)))]
pub fn health() {}

/// List collections.
#[utoipa::path(get, path = "/api/collections", tag = "Collections",
    operation_id = "listCollections", params(ListQuery), security(("AuthToken" = [])),
    responses(
        (status = 200, description = "A page of collections.", body = CollectionList),
        (status = 400, description = "Invalid sort or filter.", body = Error),
        (status = 401, description = "Missing or invalid token.", body = Error),
        (status = 403, description = "Not a superuser.", body = Error)))]
pub fn collection_list() {}

/// Create a collection.
///
/// The body is merged over the scaffold of its `type`; view collections infer their fields from
/// `viewQuery`.
#[utoipa::path(post, path = "/api/collections", tag = "Collections",
    operation_id = "createCollection", request_body = Collection, security(("AuthToken" = [])),
    responses(
        (status = 200, description = "The created collection.", body = Collection),
        (status = 400, description = "Validation failed.", body = Error),
        (status = 401, description = "Missing or invalid token.", body = Error),
        (status = 403, description = "Not a superuser.", body = Error)))]
pub fn collection_create() {}

/// View a collection.
#[utoipa::path(get, path = "/api/collections/{collection}", tag = "Collections",
    operation_id = "viewCollection", security(("AuthToken" = [])),
    params(("collection" = String, Path, description = "Collection id or name.")),
    responses(
        (status = 200, description = "The collection.", body = Collection),
        (status = 401, description = "Missing or invalid token.", body = Error),
        (status = 403, description = "Not a superuser.", body = Error),
        (status = 404, description = "No such collection.", body = Error)))]
pub fn collection_view() {}

/// Update a collection.
///
/// Objects merge key by key; a `fields` array replaces the old one (fields are matched by id).
#[utoipa::path(patch, path = "/api/collections/{collection}", tag = "Collections",
    operation_id = "updateCollection", request_body = Collection, security(("AuthToken" = [])),
    params(("collection" = String, Path, description = "Collection id or name.")),
    responses(
        (status = 200, description = "The updated collection.", body = Collection),
        (status = 400, description = "Validation failed.", body = Error),
        (status = 401, description = "Missing or invalid token.", body = Error),
        (status = 403, description = "Not a superuser.", body = Error),
        (status = 404, description = "No such collection.", body = Error)))]
pub fn collection_update() {}

/// Delete a collection and its records.
#[utoipa::path(delete, path = "/api/collections/{collection}", tag = "Collections",
    operation_id = "deleteCollection", security(("AuthToken" = [])),
    params(("collection" = String, Path, description = "Collection id or name.")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 400, description = "System collection, or referenced by another.", body = Error),
        (status = 401, description = "Missing or invalid token.", body = Error),
        (status = 403, description = "Not a superuser.", body = Error),
        (status = 404, description = "No such collection.", body = Error)))]
pub fn collection_delete() {}

/// Delete every record of a collection.
#[utoipa::path(delete, path = "/api/collections/{collection}/truncate", tag = "Collections",
    operation_id = "truncateCollection", security(("AuthToken" = [])),
    params(("collection" = String, Path, description = "Collection id or name.")),
    responses(
        (status = 204, description = "Truncated."),
        (status = 400, description = "View collection, or blocked by a relation.", body = Error),
        (status = 401, description = "Missing or invalid token.", body = Error),
        (status = 403, description = "Not a superuser.", body = Error),
        (status = 404, description = "No such collection.", body = Error)))]
pub fn collection_truncate() {}

/// Import collections (all or nothing).
#[utoipa::path(put, path = "/api/collections/import", tag = "Collections",
    operation_id = "importCollections", request_body = CollectionImport,
    security(("AuthToken" = [])),
    responses(
        (status = 204, description = "Imported."),
        (status = 400, description = "Validation failed.", body = Error),
        (status = 401, description = "Missing or invalid token.", body = Error),
        (status = 403, description = "Not a superuser.", body = Error)))]
pub fn collection_import() {}

/// Preview a view query (Cairn-only).
///
/// A dry run of a view collection's `viewQuery`: the fields the server would infer and the
/// first rows. Runs in a transaction that is always rolled back; only a single `SELECT` is
/// accepted, and an SQL error is a 400 with `data.viewQuery`.
#[utoipa::path(post, path = "/api/collections/view-preview", tag = "Collections",
    operation_id = "previewViewQuery", request_body = ViewPreviewRequest,
    security(("AuthToken" = [])),
    responses(
        (status = 200, description = "Inferred fields and the first rows.", body = ViewPreview),
        (status = 400, description = "Not a single SELECT, or the SQL failed.", body = Error),
        (status = 401, description = "Missing or invalid token.", body = Error),
        (status = 403, description = "Not a superuser.", body = Error)))]
pub fn collection_view_preview() {}

/// Collection scaffolds.
///
/// The default JSON of a new collection, per type.
#[utoipa::path(get, path = "/api/collections/meta/scaffolds", tag = "Collections",
    operation_id = "collectionScaffolds", security(("AuthToken" = [])),
    responses(
        (status = 200, description = "One scaffold per type.", body = CollectionScaffolds),
        (status = 401, description = "Missing or invalid token.", body = Error),
        (status = 403, description = "Not a superuser.", body = Error)))]
pub fn collection_scaffolds() {}

/// List records.
///
/// Rows the collection's list rule does not allow are left out (superusers see everything).
#[utoipa::path(get, path = "/api/collections/{collection}/records", tag = "Records",
    operation_id = "listRecords", security(("AuthToken" = []), ()),
    params(("collection" = String, Path, description = "Collection id or name."), ListQuery),
    responses(
        (status = 200, description = "A page of records.", body = RecordList),
        (status = 400, description = "Invalid sort, filter or expand.", body = Error),
        (status = 403, description = "Superusers only (the list rule is null).", body = Error),
        (status = 404, description = "No such collection.", body = Error)))]
pub fn record_list() {}

/// Create a record.
#[utoipa::path(post, path = "/api/collections/{collection}/records", tag = "Records",
    operation_id = "createRecord", security(("AuthToken" = []), ()),
    params(("collection" = String, Path, description = "Collection id or name."), OutputQuery),
    request_body(content((Record = "application/json"), (Record = "multipart/form-data"))),
    responses(
        (status = 200, description = "The created record.", body = Record),
        (status = 400, description = "Validation failed, or the create rule refused.", body = Error),
        (status = 403, description = "Superusers only (the create rule is null).", body = Error),
        (status = 404, description = "No such collection.", body = Error)))]
pub fn record_create() {}

/// View a record.
#[utoipa::path(get, path = "/api/collections/{collection}/records/{id}", tag = "Records",
    operation_id = "viewRecord", security(("AuthToken" = []), ()),
    params(
        ("collection" = String, Path, description = "Collection id or name."),
        ("id" = String, Path, description = "Record id."),
        OutputQuery),
    responses(
        (status = 200, description = "The record.", body = Record),
        (status = 403, description = "Superusers only (the view rule is null).", body = Error),
        (status = 404, description = "Missing, or hidden by the view rule.", body = Error)))]
pub fn record_view() {}

/// Update a record.
#[utoipa::path(patch, path = "/api/collections/{collection}/records/{id}", tag = "Records",
    operation_id = "updateRecord", security(("AuthToken" = []), ()),
    params(
        ("collection" = String, Path, description = "Collection id or name."),
        ("id" = String, Path, description = "Record id."),
        OutputQuery),
    request_body(content((Record = "application/json"), (Record = "multipart/form-data"))),
    responses(
        (status = 200, description = "The updated record.", body = Record),
        (status = 400, description = "Validation failed.", body = Error),
        (status = 403, description = "Superusers only (the update rule is null).", body = Error),
        (status = 404, description = "Missing, or hidden by the update rule.", body = Error)))]
pub fn record_update() {}

/// Delete a record.
#[utoipa::path(delete, path = "/api/collections/{collection}/records/{id}", tag = "Records",
    operation_id = "deleteRecord", security(("AuthToken" = []), ()),
    params(
        ("collection" = String, Path, description = "Collection id or name."),
        ("id" = String, Path, description = "Record id.")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 400, description = "Blocked by a required relation.", body = Error),
        (status = 403, description = "Superusers only (the delete rule is null).", body = Error),
        (status = 404, description = "Missing, or hidden by the delete rule.", body = Error)))]
pub fn record_delete() {}

/// Query parameters of a file download.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FileQuery {
    /// Thumbnail size of an image: `WxH` (crop center), `WxHt` (top), `WxHb` (bottom), `WxHf`
    /// (fit), `0xH` or `Wx0` (keep ratio); only `100x100` and the field's `thumbs` sizes.
    thumb: Option<String>,
    /// `1`/`t`/`true` sends `Content-Disposition: attachment`.
    download: Option<String>,
    /// A file token (`POST /api/files/token`), required for protected files.
    token: Option<String>,
}

/// Download a file.
///
/// Serves a file of a record's file field, honouring the collection's view rule. Supports
/// `Range` (206/416), `ETag`/`Last-Modified` conditional requests (304/412) and cached
/// thumbnails. Protected files need `?token=` from `POST /api/files/token`.
#[utoipa::path(get, path = "/api/files/{collection}/{record}/{filename}", tag = "Files",
    operation_id = "fileDownload", security(()),
    params(
        ("collection" = String, Path, description = "Collection id or name."),
        ("record" = String, Path, description = "Record id."),
        ("filename" = String, Path, description = "Stored file name."),
        FileQuery),
    responses(
        (status = 200, description = "The file (or its thumbnail).",
            content_type = "application/octet-stream", body = Vec<u8>),
        (status = 206, description = "The requested byte range.",
            content_type = "application/octet-stream", body = Vec<u8>),
        (status = 304, description = "Not modified."),
        (status = 400, description = "Invalid collection, record id or file name.", body = Error),
        (status = 404, description = "No such file, or the view rule hides it.", body = Error),
        (status = 416, description = "The range lies outside the file.")))]
pub fn file_download() {}

/// Get a file token.
///
/// A short-lived token (the collection's `fileToken.duration`, 180 s by default) for downloading
/// protected files as the current auth record.
#[utoipa::path(post, path = "/api/files/token", tag = "Files", operation_id = "fileToken",
    security(("AuthToken" = [])),
    responses(
        (status = 200, description = "The file token.", body = FileToken),
        (status = 401, description = "Missing or invalid token.", body = Error)))]
pub fn file_token() {}
