//! Health, CORS, security headers, unknown routes, body limits: the behaviour around the API.

mod common;

use common::{TestServer, assert_error};
use serde_json::json;

#[tokio::test]
async fn health_get_and_head() {
    let s = TestServer::start().await;
    let r = s.guest_get("/api/health").await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.body,
        json!({"message": "API is healthy.", "code": 200, "data": {}})
    );
    let r = s.get("/api/health").await;
    assert_eq!(r.body["data"]["realIP"], json!("127.0.0.1"));
    let head = s
        .client
        .head(format!("{}/api/health", s.base))
        .send()
        .await
        .expect("head");
    assert_eq!(head.status().as_u16(), 200);
}

#[tokio::test]
async fn security_headers_on_every_response() {
    let s = TestServer::start().await;
    for path in ["/api/health", "/api/nope", "/api/collections"] {
        let r = s.guest_get(path).await;
        assert_eq!(r.headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(r.headers["x-frame-options"], "SAMEORIGIN", "{path}");
        assert_eq!(r.headers["x-xss-protection"], "1; mode=block", "{path}");
        assert_eq!(
            r.headers["cross-origin-opener-policy"], "same-origin",
            "{path}"
        );
        assert_eq!(r.headers["vary"], "Origin", "{path}");
        assert!(
            r.headers["content-type"]
                .to_str()
                .unwrap_or_default()
                .starts_with("application/json"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn cors_preflight_and_simple_requests() {
    let s = TestServer::start().await;
    let pre = s
        .client
        .request(
            reqwest::Method::OPTIONS,
            format!("{}/api/collections/posts/records", s.base),
        )
        .header("Origin", "https://app.example")
        .header("Access-Control-Request-Method", "POST")
        .header(
            "Access-Control-Request-Headers",
            "content-type,authorization",
        )
        .send()
        .await
        .expect("preflight");
    assert_eq!(pre.status().as_u16(), 204);
    assert_eq!(pre.headers()["access-control-allow-origin"], "*");
    assert_eq!(
        pre.headers()["access-control-allow-methods"],
        "GET,HEAD,PUT,PATCH,POST,DELETE"
    );
    assert_eq!(
        pre.headers()["access-control-allow-headers"],
        "content-type,authorization"
    );
    let simple = s
        .client
        .get(format!("{}/api/health", s.base))
        .header("Origin", "https://app.example")
        .send()
        .await
        .expect("get");
    assert_eq!(simple.headers()["access-control-allow-origin"], "*");
    let no_origin = s.guest_get("/api/health").await;
    assert!(
        no_origin
            .headers
            .get("access-control-allow-origin")
            .is_none()
    );
}

#[tokio::test]
async fn unknown_api_route_is_pocketbase_404() {
    let s = TestServer::start().await;
    let r = s.guest_get("/api/nope").await;
    assert_eq!(
        r.body,
        json!({"data": {}, "message": "File not found.", "status": 404})
    );
    let r = s
        .send(
            reqwest::Method::PUT,
            "/api/collections/x/records/y",
            Some(json!({})),
            None,
        )
        .await;
    assert_error(&r, 404);
}

#[tokio::test]
async fn oversized_body_is_rejected_and_nothing_is_written() {
    let s = TestServer::start().await;
    s.create_collection(json!({"name": "notes", "type": "base", "createRule": "", "fields": [{"name": "text", "type": "text", "max": 0}]})).await;
    // The harness limits bodies to 1 MiB.
    let big = "a".repeat(2 << 20);
    let r = s
        .post("/api/collections/notes/records", json!({"text": big}), None)
        .await;
    assert_error(&r, 413);
    assert_eq!(s.count_rows("notes"), 0);
}

#[tokio::test]
async fn malformed_json_gets_error_shape() {
    let s = TestServer::start().await;
    s.create_collection(json!({"name": "notes", "type": "base", "createRule": "", "fields": [{"name": "text", "type": "text"}]})).await;
    for raw in ["{bad json", "[1,2]", "\"str\"", "nul"] {
        let r = TestServer::finish(
            s.client
                .post(format!("{}/api/collections/notes/records", s.base))
                .header("content-type", "application/json")
                .body(raw),
        )
        .await;
        let data = assert_error(&r, 400);
        assert_eq!(data, &json!({}), "{raw}");
        assert_eq!(
            r.body["message"],
            json!("Something went wrong while processing your request.")
        );
    }
    assert_eq!(s.count_rows("notes"), 0);
}
