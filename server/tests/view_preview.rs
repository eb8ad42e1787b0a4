//! `POST /api/collections/view-preview` (Cairn-only): superusers only, the fields a view would
//! get and its first rows, SQL errors as PocketBase-format 400s, write statements refused and
//! nothing left behind.

mod common;

use common::{TestServer, assert_error};
use serde_json::{Value, json};

async fn with_posts(s: &TestServer) {
    s.create_collection(json!({
        "name": "posts", "type": "base",
        "fields": [
            {"name": "title", "type": "text", "max": 100},
            {"name": "views", "type": "number", "onlyInt": true}
        ]
    }))
    .await;
    for (i, t) in ["a", "b", "c", "d", "e"].iter().enumerate() {
        let r = s
            .su_post(
                "/api/collections/posts/records",
                json!({"title": t, "views": i}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
}

fn preview_body(query: &str, limit: Option<u64>) -> Value {
    match limit {
        Some(l) => json!({"viewQuery": query, "limit": l}),
        None => json!({"viewQuery": query}),
    }
}

#[tokio::test]
async fn guests_get_401_and_users_403() {
    let s = TestServer::start().await;
    let body = preview_body("SELECT id FROM users", None);
    let r = s
        .post("/api/collections/view-preview", body.clone(), None)
        .await;
    assert_error(&r, 401);
    let r = s
        .su_patch("/api/collections/users", json!({"createRule": ""}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let (_, user) = s.signup_and_login("viewer@example.com").await;
    let r = s
        .post("/api/collections/view-preview", body, Some(&user))
        .await;
    assert_error(&r, 403);
    assert_eq!(
        r.body["message"],
        json!("The authorized record is not allowed to perform this action.")
    );
}

#[tokio::test]
async fn fields_are_inferred_and_rows_returned_in_order() {
    let s = TestServer::start().await;
    with_posts(&s).await;
    let r = s
        .su_post(
            "/api/collections/view-preview",
            preview_body(
                "SELECT id, title, views, views * 2 AS doubled FROM posts ORDER BY views",
                None,
            ),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let fields = r.body["fields"].as_array().expect("fields");
    let names: Vec<&str> = fields.iter().filter_map(|f| f["name"].as_str()).collect();
    assert_eq!(names, ["id", "title", "views", "doubled"]);
    // Columns named after a field of a referenced collection clone it (options included).
    assert_eq!(fields[1]["type"], json!("text"));
    assert_eq!(fields[1]["max"], json!(100));
    assert_eq!(fields[2]["type"], json!("number"));
    assert_eq!(fields[2]["onlyInt"], json!(true));
    let items = r.body["items"].as_array().expect("items");
    assert_eq!(items.len(), 5);
    let titles: Vec<&str> = items.iter().filter_map(|i| i["title"].as_str()).collect();
    assert_eq!(titles, ["a", "b", "c", "d", "e"]);
    assert_eq!(items[4]["doubled"], json!(8));
    // A preview creates nothing: the database holds no view afterwards.
    let conn = rusqlite::Connection::open_with_flags(
        s.db_path(),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .expect("open db");
    let views: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'view'",
            [],
            |r| r.get(0),
        )
        .expect("count views");
    assert_eq!(views, 0);
}

#[tokio::test]
async fn limit_is_honoured_and_bounded() {
    let s = TestServer::start().await;
    with_posts(&s).await;
    let r = s
        .su_post(
            "/api/collections/view-preview",
            preview_body("SELECT id, title FROM posts", Some(2)),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["items"].as_array().map(Vec::len), Some(2));
    for bad in [json!(0), json!(-1), json!("3"), json!(1.5)] {
        let r = s
            .su_post(
                "/api/collections/view-preview",
                json!({"viewQuery": "SELECT id FROM posts", "limit": bad}),
            )
            .await;
        let data = assert_error(&r, 400);
        assert_eq!(
            data["limit"]["code"],
            json!("validation_invalid_value"),
            "{bad}"
        );
    }
}

#[tokio::test]
async fn bad_sql_is_a_400_on_view_query() {
    let s = TestServer::start().await;
    with_posts(&s).await;
    for (query, code) in [
        (
            "SELECT id, nope FROM posts",
            "validation_invalid_view_query",
        ),
        (
            "SELECT id FROM no_such_table",
            "validation_invalid_view_query",
        ),
        ("SELEKT 1", "validation_invalid_view_query"),
        ("SELECT title FROM posts", "validation_missing_view_id"),
        ("", "validation_required"),
    ] {
        let r = s
            .su_post("/api/collections/view-preview", preview_body(query, None))
            .await;
        let data = assert_error(&r, 400);
        assert_eq!(
            data["viewQuery"]["code"],
            json!(code),
            "{query}: {}",
            r.body
        );
        assert!(
            data["viewQuery"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
    let r = s
        .su_post(
            "/api/collections/view-preview",
            preview_body("SELECT id, nope FROM posts", None),
        )
        .await;
    let message = r.body["data"]["viewQuery"]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains("nope"), "names the bad column: {message}");
}

#[tokio::test]
async fn write_statements_are_refused_and_change_nothing() {
    let s = TestServer::start().await;
    with_posts(&s).await;
    for query in [
        "DELETE FROM posts",
        "UPDATE posts SET title = 'x'",
        "DROP TABLE posts",
        "SELECT id FROM posts; DELETE FROM posts",
        "WITH x AS (SELECT 1) DELETE FROM posts",
        "INSERT INTO posts (id, title) VALUES ('zzzzzzzzzzzzzzz', 'x')",
        "ATTACH DATABASE '/tmp/x.db' AS x",
    ] {
        let r = s
            .su_post("/api/collections/view-preview", preview_body(query, None))
            .await;
        let data = assert_error(&r, 400);
        assert!(data["viewQuery"].is_object(), "{query}: {}", r.body);
    }
    assert_eq!(s.count_rows("posts"), 5);
    let r = s.get("/api/collections/posts/records").await;
    let titles: Vec<&str> = r.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["title"].as_str())
        .collect();
    assert!(titles.iter().all(|t| *t != "x"), "{titles:?}");
}
