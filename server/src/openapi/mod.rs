//! OpenAPI 3.1 document: the fixed routes (described with utoipa in [`routes`] and [`schemas`])
//! plus, generated at run time from the current collections, a path set and request/response
//! schemas per collection ([`collections`], [`records`]). Also the offline docs page ([`docs`]).
//!
//! This module knows no transport: `http::openapi` serves [`document`] at `/api/openapi.json`
//! and [`docs::asset`] under `/api/docs`.

mod auth_paths;
pub mod collections;
mod common;
pub mod docs;
mod fixed;
mod record_paths;
mod records;
mod routes;
mod schemas;

use serde_json::{Value, json};

use crate::schema::Snapshot;

pub use docs::{DOCS_HTML, DocsAsset, asset};

/// Builds the document for the current schema (deterministic: every map is sorted).
pub fn document(snapshot: &Snapshot) -> Value {
    let mut doc = fixed::document();
    collections::extend(&mut doc, snapshot);
    serde_json::to_value(&doc).unwrap_or_else(|e| {
        tracing::error!(error = %e, "serializing the OpenAPI document");
        json!({"openapi": "3.1.0", "info": {"title": "Cairn API", "version": env!("CARGO_PKG_VERSION")}, "paths": {}})
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_document_has_routes_and_security() {
        let doc = document(&Snapshot::default());
        assert_eq!(doc["openapi"], json!("3.1.0"));
        for path in [
            "/api/health",
            "/api/collections",
            "/api/collections/{collection}",
            "/api/collections/{collection}/truncate",
            "/api/collections/import",
            "/api/collections/meta/scaffolds",
            "/api/collections/{collection}/records",
            "/api/collections/{collection}/records/{id}",
            "/api/collections/{collection}/auth-with-password",
            "/api/collections/{collection}/auth-refresh",
        ] {
            assert!(doc["paths"][path].is_object(), "missing {path}");
        }
        let scheme = &doc["components"]["securitySchemes"]["AuthToken"];
        assert_eq!(scheme["type"], json!("apiKey"));
        assert_eq!(scheme["in"], json!("header"));
        assert_eq!(scheme["name"], json!("Authorization"));
        let description = doc["info"]["description"].as_str().unwrap_or_default();
        assert!(description.contains("PocketBase"), "{description}");
    }
}
