//! The OpenAPI document and the offline docs page.
//!
//! `openapi.json` is snapshot-tested against `tests/snapshots/openapi.json` for a fixture schema
//! (a base collection with one field of every kind, an auth collection and a view). After an
//! intended change, regenerate the snapshot with
//! `UPDATE_SNAPSHOTS=1 cargo test -p cairn --test openapi` and review the diff.

mod common;

use std::path::PathBuf;

use common::TestServer;
use serde_json::{Value, json};

fn snapshot_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/openapi.json")
}

async fn fixture(s: &TestServer) {
    let users = s.get("/api/collections/users").await;
    let users_id = users.body["id"].as_str().expect("users id").to_string();
    s.create_collection(json!({
        "name": "posts",
        "type": "base",
        "listRule": "",
        "viewRule": "",
        "createRule": "@request.auth.id != ''",
        "updateRule": "author = @request.auth.id",
        "deleteRule": null,
        "fields": [
            {"name": "title", "type": "text", "required": true, "max": 200},
            {"name": "slug", "type": "text", "pattern": "^[a-z0-9-]+$", "help": "URL part."},
            {"name": "body", "type": "editor"},
            {"name": "views", "type": "number", "onlyInt": true, "min": 0},
            {"name": "rating", "type": "number", "max": 5},
            {"name": "published", "type": "bool"},
            {"name": "status", "type": "select", "values": ["draft", "live"], "maxSelect": 1},
            {"name": "tags", "type": "select", "values": ["news", "tech", "life"], "maxSelect": 3},
            {"name": "author", "type": "relation", "collectionId": users_id, "maxSelect": 1},
            {"name": "readers", "type": "relation", "collectionId": users_id, "maxSelect": 10},
            {"name": "meta", "type": "json"},
            {"name": "location", "type": "geoPoint"},
            {"name": "publishedAt", "type": "date"},
            {"name": "contact", "type": "email"},
            {"name": "link", "type": "url"},
            {"name": "cover", "type": "file", "maxSelect": 1},
            {"name": "gallery", "type": "file", "maxSelect": 5},
            {"name": "secretNote", "type": "text", "hidden": true},
            {"name": "created", "type": "autodate", "onCreate": true},
            {"name": "updated", "type": "autodate", "onCreate": true, "onUpdate": true}
        ]
    }))
    .await;
    s.create_collection(json!({
        "name": "members",
        "type": "auth",
        "listRule": "id = @request.auth.id",
        "fields": [{"name": "nickname", "type": "text", "max": 40}]
    }))
    .await;
    s.create_collection(json!({
        "name": "post_stats",
        "type": "view",
        "listRule": "",
        "viewRule": "",
        "viewQuery": "SELECT id, title, views, published FROM posts"
    }))
    .await;
}

/// Replaces what legitimately changes between builds (the crate version).
fn normalise(doc: &mut Value) {
    doc["info"]["version"] = json!("<version>");
}

/// JSON pointers where `a` and `b` differ (at most `limit`).
fn differences(a: &Value, b: &Value, at: &str, out: &mut Vec<String>, limit: usize) {
    if out.len() >= limit || a == b {
        return;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                let (va, vb) = (
                    x.get(k).unwrap_or(&Value::Null),
                    y.get(k).unwrap_or(&Value::Null),
                );
                differences(
                    va,
                    vb,
                    &format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                    limit,
                );
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                differences(va, vb, &format!("{at}/{i}"), out, limit);
            }
        }
        _ => out.push(format!("{at}: snapshot {a} != actual {b}")),
    }
}

#[tokio::test]
async fn openapi_document_matches_snapshot() {
    let s = TestServer::start().await;
    fixture(&s).await;
    let r = s.get("/api/openapi.json").await;
    assert_eq!(r.status, 200, "{}", r.body);
    let mut doc = r.body;
    normalise(&mut doc);
    let text = serde_json::to_string_pretty(&doc).expect("pretty") + "\n";
    assert!(
        !text.contains("_clone_"),
        "view field ids leak into the document"
    );
    assert!(
        !text.contains("tokenKey\": {"),
        "tokenKey must not be a property"
    );

    let path = snapshot_path();
    if std::env::var("UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("snapshot dir");
        std::fs::write(&path, &text).expect("write snapshot");
        return;
    }
    let stored = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run with UPDATE_SNAPSHOTS=1", path.display()));
    let expected: Value = serde_json::from_str(&stored).expect("snapshot is JSON");
    if expected != doc || stored != text {
        let mut diffs = Vec::new();
        differences(&expected, &doc, "", &mut diffs, 40);
        let new = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("openapi.actual.json");
        std::fs::write(&new, &text).expect("write actual");
        panic!(
            "openapi.json differs from {} (actual written to {}; regenerate with \
             UPDATE_SNAPSHOTS=1 if intended):\n{}",
            path.display(),
            new.display(),
            diffs.join("\n")
        );
    }
}

#[tokio::test]
async fn document_follows_schema_changes() {
    let s = TestServer::start().await;
    let before = s.guest_get("/api/openapi.json").await;
    assert_eq!(before.status, 200);
    assert!(before.body["paths"]["/api/collections/notes/records"].is_null());
    s.create_collection(json!({"name": "notes", "type": "base", "listRule": "",
        "fields": [{"name": "text", "type": "text"}]}))
        .await;
    s.create_collection(
        json!({"name": "vault", "type": "base", "fields": [{"name": "secret", "type": "text"}]}),
    )
    .await;
    let after = s.guest_get("/api/openapi.json").await;
    let notes = &after.body["paths"]["/api/collections/notes/records"];
    assert!(
        notes["get"].is_object() && notes["post"].is_object(),
        "{notes}"
    );
    assert_eq!(
        after.body["components"]["schemas"]["NotesRecord"]["properties"]["text"]["type"],
        json!("string")
    );
    // Collections only superusers can read (and system collections) are not published to guests.
    assert!(after.body["paths"]["/api/collections/vault/records"].is_null());
    assert!(after.body["components"]["schemas"]["SuperusersRecord"].is_null());
    let su = s.get("/api/openapi.json").await;
    assert!(su.body["paths"]["/api/collections/vault/records"]["get"].is_object());
    assert!(su.body["components"]["schemas"]["SuperusersRecord"].is_object());
}

async fn fetch(s: &TestServer, path: &str) -> (u16, String, String) {
    let resp = s
        .client
        .get(format!("{}{path}", s.base))
        .send()
        .await
        .expect("request");
    let status = resp.status().as_u16();
    let content_type = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    (status, content_type, resp.text().await.expect("body"))
}

#[tokio::test]
async fn docs_page_works_offline() {
    let s = TestServer::start().await;
    for page in ["/api/docs", "/api/docs/", "/api/docs/index.html"] {
        let (status, content_type, html) = fetch(&s, page).await;
        assert_eq!(status, 200, "{page}");
        assert!(
            content_type.starts_with("text/html"),
            "{page}: {content_type}"
        );
        assert!(html.contains("swagger-ui"), "{page}");
        assert!(
            !html.contains("http://") && !html.contains("https://"),
            "{page} references an external URL:\n{html}"
        );
    }
    let (_, _, html) = fetch(&s, "/api/docs").await;
    let assets: Vec<&str> = html
        .split(['"', '\''])
        .filter(|part| part.starts_with("/api/docs/"))
        .collect();
    assert!(assets.len() >= 4, "{assets:?}");
    for asset in assets {
        let (status, _, _) = fetch(&s, asset).await;
        assert_eq!(status, 200, "{asset}");
    }
    let (status, content_type, css) = fetch(&s, "/api/docs/swagger-ui.css").await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/css"), "{content_type}");
    assert!(!css.is_empty());
    let (status, content_type, _) = fetch(&s, "/api/docs/swagger-ui-bundle.js").await;
    assert_eq!(status, 200);
    assert!(content_type.contains("javascript"), "{content_type}");
    let (status, _, init) = fetch(&s, "/api/docs/swagger-initializer.js").await;
    assert_eq!(status, 200);
    assert!(init.contains("/api/openapi.json"), "{init}");
    let (status, _, _) = fetch(&s, "/api/docs/nope.js").await;
    assert_eq!(status, 404);
    let (status, _, _) = fetch(&s, "/api/docs/..%2F..%2FCargo.toml").await;
    assert_eq!(status, 404);
}
