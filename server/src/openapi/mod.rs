//! OpenAPI 3.1 document: the fixed routes (described with utoipa in [`routes`] and [`schemas`])
//! plus, generated at run time from the current collections, a path set and request/response
//! schemas per collection ([`collections`], [`records`]). Also the offline docs page ([`docs`]).
//!
//! This module knows no transport: `http::openapi` serves [`document`] at `/api/openapi.json`
//! and [`docs::asset`] under `/api/docs`.

mod auth_paths;
mod backups_paths;
pub mod collections;
mod common;
mod custom_routes;
pub mod docs;
mod fixed;
mod logs_paths;
mod ops;
mod record_paths;
mod records;
mod routes;
mod schemas;
mod system_paths;
mod truth;

use serde_json::{Value, json};

use crate::schema::Snapshot;

pub use docs::{DOCS_HTML, DocsAsset, asset};

/// Builds the document for the current schema (deterministic: every map is sorted).
pub fn document(snapshot: &Snapshot) -> Value {
    document_with_routes(snapshot, &[])
}

/// [`document`] plus the routes hook modules added.
pub fn document_with_routes(snapshot: &Snapshot, routes: &[crate::hooks::routes::Route]) -> Value {
    let mut doc = fixed::document();
    let names = collections::extend(&mut doc, snapshot);
    let mut doc = serde_json::to_value(&doc).unwrap_or_else(|e| {
        tracing::error!(error = %e, "serializing the OpenAPI document");
        json!({"openapi": "3.1.0", "info": {"title": "Cairn API", "version": env!("CARGO_PKG_VERSION")}, "paths": {}})
    });
    // The routes described as JSON (see `ops`): the auth flows, generic and per auth
    // collection, then everything outside collections.
    auth_paths::add(&mut doc, &auth_paths::Target::generic());
    for c in snapshot.collections.iter().filter(|c| c.is_auth()) {
        if let Some(base) = names.get(&c.id) {
            auth_paths::add(&mut doc, &auth_paths::Target::typed(c, base));
        }
    }
    ops::add_schemas(&mut doc, auth_paths::schemas());
    system_paths::add(&mut doc);
    custom_routes::add(&mut doc, routes);
    truth::apply(&mut doc);
    sort_maps(&mut doc);
    doc
}

/// Sorts every object's keys (the JSON passes insert in build order), so the same schema
/// always gives the same text.
fn sort_maps(v: &mut Value) {
    match v {
        Value::Object(o) => {
            let mut entries: Vec<(String, Value)> = std::mem::take(o).into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            for (k, mut x) in entries {
                sort_maps(&mut x);
                o.insert(k, x);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(sort_maps),
        _ => {}
    }
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

    /// Every route of the route table in `http/mod.rs` (custom routes of hook modules and the
    /// console aside), as (method, path).
    const ROUTES: &[(&str, &str)] = &[
        ("get", "/api/health"),
        ("head", "/api/health"),
        ("get", "/api/openapi.json"),
        ("get", "/api/docs"),
        ("get", "/api/settings"),
        ("patch", "/api/settings"),
        ("post", "/api/settings/test/email"),
        ("post", "/api/settings/test/s3"),
        ("post", "/api/settings/apple/generate-client-secret"),
        ("post", "/api/batch"),
        ("get", "/api/jobs"),
        ("get", "/api/jobs/{id}"),
        ("post", "/api/jobs/{id}/cancel"),
        ("post", "/api/jobs/{id}/retry"),
        ("get", "/api/backups"),
        ("post", "/api/backups"),
        ("post", "/api/backups/upload"),
        ("post", "/api/backups/{key}/restore"),
        ("get", "/api/backups/{key}"),
        ("delete", "/api/backups/{key}"),
        ("get", "/api/logs"),
        ("get", "/api/logs/stats"),
        ("get", "/api/logs/{id}"),
        ("get", "/api/crons"),
        ("post", "/api/crons/{id}"),
        ("get", "/api/realtime"),
        ("post", "/api/realtime"),
        ("get", "/api/realtime/ws"),
        ("get", "/api/collections/meta/scaffolds"),
        ("put", "/api/collections/import"),
        ("post", "/api/collections/view-preview"),
        ("get", "/api/collections"),
        ("post", "/api/collections"),
        ("get", "/api/collections/{collection}"),
        ("patch", "/api/collections/{collection}"),
        ("delete", "/api/collections/{collection}"),
        ("delete", "/api/collections/{collection}/truncate"),
        ("get", "/api/collections/{collection}/records"),
        ("post", "/api/collections/{collection}/records"),
        ("get", "/api/collections/{collection}/records/{id}"),
        ("patch", "/api/collections/{collection}/records/{id}"),
        ("delete", "/api/collections/{collection}/records/{id}"),
        ("post", "/api/collections/{collection}/auth-with-password"),
        ("post", "/api/collections/{collection}/auth-refresh"),
        ("get", "/api/collections/{collection}/auth-methods"),
        ("post", "/api/collections/{collection}/auth-with-otp"),
        ("post", "/api/collections/{collection}/request-otp"),
        ("post", "/api/collections/{collection}/request-verification"),
        ("post", "/api/collections/{collection}/confirm-verification"),
        (
            "post",
            "/api/collections/{collection}/request-password-reset",
        ),
        (
            "post",
            "/api/collections/{collection}/confirm-password-reset",
        ),
        ("post", "/api/collections/{collection}/request-email-change"),
        ("post", "/api/collections/{collection}/confirm-email-change"),
        ("post", "/api/collections/{collection}/impersonate/{id}"),
        ("post", "/api/collections/{collection}/auth-with-oauth2"),
        ("post", "/api/files/token"),
        ("get", "/api/files/{collection}/{record}/{filename}"),
        ("head", "/api/files/{collection}/{record}/{filename}"),
        ("get", "/api/oauth2-redirect"),
        ("post", "/api/oauth2-redirect"),
    ];

    #[test]
    fn every_route_is_documented_once() {
        let doc = document(&Snapshot::default());
        let mut ids = std::collections::BTreeSet::new();
        let mut count = 0;
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                count += 1;
                let id = op["operationId"].as_str().unwrap_or_default().to_string();
                assert!(ids.insert(id.clone()), "duplicate operationId {id}");
                assert!(
                    op["responses"]["429"].is_object(),
                    "{method} {path} lacks 429"
                );
                assert!(op["summary"].is_string(), "{method} {path} lacks a summary");
            }
        }
        for (method, path) in ROUTES {
            assert!(
                doc["paths"][path][method].is_object(),
                "missing {method} {path}"
            );
        }
        assert_eq!(
            count,
            ROUTES.len(),
            "documented operations that are not routes"
        );
    }

    /// The `/api` routes registered in `http/mod.rs`, read from its source, as (method, path):
    /// a route added there without a line in [`ROUTES`] (and so in the document) fails here.
    fn registered_routes() -> std::collections::BTreeSet<(String, String)> {
        let src = include_str!("../http/mod.rs");
        let scope = src.split("web::scope(\"/api\")").nth(1).unwrap_or_default();
        let route = regex::Regex::new(r#"\.route\(\s*"([^"]+)",\s*web::(\w+)\(\)"#).expect("regex");
        let resource = regex::Regex::new(r#"web::resource\("([^"]+)"\)([^;]*?)\.default_service"#)
            .expect("regex");
        let method = regex::Regex::new(r"\.route\(web::(\w+)\(\)").expect("regex");
        let mut out = std::collections::BTreeSet::new();
        for c in route.captures_iter(scope) {
            out.insert((c[2].to_string(), format!("/api{}", &c[1])));
        }
        for c in resource.captures_iter(scope) {
            for m in method.captures_iter(&c[2]) {
                out.insert((m[1].to_string(), format!("/api{}", &c[1])));
            }
        }
        // The docs page's assets (`/docs/{tail:.*}`) are files, not API operations.
        out.retain(|(_, p)| !p.contains(':'));
        out
    }

    #[test]
    fn the_route_list_matches_the_route_table() {
        let listed: std::collections::BTreeSet<(String, String)> = ROUTES
            .iter()
            .map(|(m, p)| ((*m).to_string(), (*p).to_string()))
            .collect();
        let registered = registered_routes();
        assert!(registered.len() > 40, "{registered:?}");
        assert_eq!(listed, registered);
    }

    #[test]
    fn picked_responses_list_nothing_as_required() {
        let doc = document(&Snapshot::default());
        let schemas = &doc["components"]["schemas"];
        // `fields` can thin these out…
        for name in [
            "Record",
            "AuthResponse",
            "Collection",
            "Settings",
            "AuthMethods",
        ] {
            assert!(schemas[name].is_object(), "{name}");
            assert!(schemas[name]["required"].is_null(), "{name} lists required");
        }
        // …but not list envelopes, request bodies or answers without `fields`.
        for name in [
            "RecordList",
            "AuthWithPassword",
            "Job",
            "MfaRequired",
            "BatchResult",
        ] {
            assert!(schemas[name]["required"].is_array(), "{name}");
        }
    }
}
