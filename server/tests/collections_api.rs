//! Collections API: access control, CRUD, validation, schema migrations that keep data,
//! indexes, import, truncate, views, hostile names.

mod common;

use common::{TestServer, assert_error};
use serde_json::{Value, json};

fn posts() -> Value {
    json!({
        "name": "posts", "type": "base",
        "listRule": "", "viewRule": "", "createRule": "", "updateRule": "", "deleteRule": "",
        "fields": [
            {"name": "title", "type": "text", "required": true, "max": 200},
            {"name": "views", "type": "number", "onlyInt": true},
            {"name": "tags", "type": "select", "values": ["a", "b", "c"], "maxSelect": 1},
            {"name": "created", "type": "autodate", "onCreate": true},
            {"name": "updated", "type": "autodate", "onCreate": true, "onUpdate": true}
        ],
        "indexes": ["CREATE UNIQUE INDEX idx_posts_title ON posts (title)"]
    })
}

#[tokio::test]
async fn guests_get_401_and_regular_users_403() {
    let s = TestServer::start().await;
    let r = s.guest_get("/api/collections").await;
    assert_error(&r, 401);
    assert_eq!(
        r.body["message"],
        json!("The request requires valid record authorization token.")
    );
    // A regular user token.
    let r = s.post("/api/collections/users/records", json!({"email": "u@example.com", "password": "12345678", "passwordConfirm": "12345678"}), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let login = s
        .post(
            "/api/collections/users/auth-with-password",
            json!({"identity": "u@example.com", "password": "12345678"}),
            None,
        )
        .await;
    let user_token = login.body["token"]
        .as_str()
        .expect("user token")
        .to_string();
    let r = s
        .send(
            reqwest::Method::GET,
            "/api/collections",
            None,
            Some(&user_token),
        )
        .await;
    assert_error(&r, 403);
    assert_eq!(
        r.body["message"],
        json!("The authorized record is not allowed to perform this action.")
    );
    let r = s
        .send(
            reqwest::Method::POST,
            "/api/collections",
            Some(posts()),
            Some(&user_token),
        )
        .await;
    assert_error(&r, 403);
    // Garbage tokens are 401 on superuser routes.
    let r = s
        .send(
            reqwest::Method::GET,
            "/api/collections",
            None,
            Some("garbage.token.value"),
        )
        .await;
    assert_error(&r, 401);
}

#[tokio::test]
async fn defaults_exist_on_first_start() {
    let s = TestServer::start().await;
    let r = s.get("/api/collections?perPage=100").await;
    assert_eq!(r.status, 200);
    let names: Vec<&str> = r.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    for n in [
        "_superusers",
        "users",
        "_mfas",
        "_otps",
        "_externalAuths",
        "_authOrigins",
    ] {
        assert!(names.contains(&n), "{n} missing from {names:?}");
    }
    let su = s.get("/api/collections/_superusers").await;
    assert_eq!(su.body["id"], json!("pbc_3142635823"));
    assert_eq!(su.body["system"], json!(true));
    assert!(
        su.body["authToken"].get("secret").is_none(),
        "secrets never leave the server"
    );
    let users = s.get("/api/collections/users").await;
    assert_eq!(users.body["id"], json!("_pb_users_auth_"));
    assert_eq!(users.body["type"], json!("auth"));
}

#[tokio::test]
async fn create_view_list_update_delete() {
    let s = TestServer::start().await;
    let c = s.create_collection(posts()).await;
    assert_eq!(c["id"], json!("pbc_1125843985"));
    assert_eq!(c["fields"][0]["name"], json!("id"), "id field is prepended");
    assert_eq!(c["fields"][1]["id"], json!("text724990059"));
    assert_eq!(
        c["indexes"],
        json!(["CREATE UNIQUE INDEX idx_posts_title ON posts (title)"])
    );
    assert!(c["created"].as_str().is_some_and(|t| t.ends_with('Z')));

    let by_name = s.get("/api/collections/POSTS").await;
    assert_eq!(by_name.status, 200);
    assert_eq!(by_name.body["id"], c["id"]);
    let by_id = s.get("/api/collections/pbc_1125843985").await;
    assert_eq!(by_id.body["name"], json!("posts"));

    let list = s.get("/api/collections?sort=-name&perPage=2").await;
    assert_eq!(list.body["perPage"], json!(2));
    assert_eq!(list.body["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(list.body["totalItems"], json!(7));
    assert_eq!(list.body["items"][0]["name"], json!("users"));

    let upd = s
        .su_patch("/api/collections/posts", json!({"listRule": null}))
        .await;
    assert_eq!(upd.status, 200, "{}", upd.body);
    assert_eq!(upd.body["listRule"], Value::Null);
    assert_eq!(
        upd.body["fields"], c["fields"],
        "fields untouched when not sent"
    );

    let del = s.su_delete("/api/collections/posts").await;
    assert_eq!(del.status, 204);
    assert_error(&s.get("/api/collections/posts").await, 404);
    let r = s.guest_get("/api/collections/posts/records").await;
    assert_eq!(r.body["message"], json!("Missing collection context."));
}

#[tokio::test]
async fn validation_errors_use_pocketbase_codes() {
    let s = TestServer::start().await;
    let cases = [
        (
            json!({"name": "bad name", "type": "base"}),
            "/name/code",
            "validation_match_invalid",
        ),
        (
            json!({"name": "users", "type": "base"}),
            "/name/code",
            "validation_collection_name_exists",
        ),
        (
            json!({"name": "USERS", "type": "base"}),
            "/name/code",
            "validation_collection_name_exists",
        ),
        (
            json!({"name": "", "type": "weird"}),
            "/type/code",
            "validation_in_invalid",
        ),
        (
            json!({"name": "x", "type": "base", "fields": [{"name": "a", "type": "text"}, {"name": "A", "type": "number"}]}),
            "/fields/2/name/code",
            "validation_duplicated_field_name",
        ),
        (
            json!({"name": "x", "type": "base", "fields": [{"name": "s", "type": "select"}]}),
            "/fields/1/values/code",
            "validation_required",
        ),
        (
            json!({"name": "x", "type": "base", "fields": [{"name": "r", "type": "relation", "collectionId": "nope"}]}),
            "/fields/1/collectionId/code",
            "validation_field_relation_missing_collection",
        ),
        (
            json!({"name": "x", "type": "base", "fields": [{"name": "t", "type": "text"}], "indexes": ["garbage"]}),
            "/indexes/0/code",
            "validation_invalid_index_expression",
        ),
        (
            json!({"name": "x", "type": "base", "fields": [{"name": "t", "type": "text"}], "indexes": ["CREATE INDEX i ON x (nope)"]}),
            "/indexes/0/code",
            "validation_invalid_index_expression",
        ),
        (
            json!({"name": "x", "type": "base", "fields": [{"name": "t", "type": "nope"}]}),
            "/fields/0/type/code",
            "validation_invalid_value",
        ),
        (
            json!({"name": "x", "type": "base", "fields": [{"name": "expand", "type": "text"}]}),
            "/fields/1/name/code",
            "validation_duplicated_field_name",
        ),
        (
            json!({"name": "x", "type": "view", "viewQuery": "DELETE FROM users"}),
            "/viewQuery/code",
            "validation_invalid_view_query",
        ),
        (
            json!({"name": "x", "type": "view", "viewQuery": "SELECT nope FROM nowhere"}),
            "/viewQuery/code",
            "validation_invalid_view_query",
        ),
    ];
    for (body, pointer, code) in cases {
        let r = s.su_post("/api/collections", body.clone()).await;
        let data = assert_error(&r, 400);
        assert_eq!(
            r.body["message"],
            json!("Failed to create collection."),
            "{body}"
        );
        assert_eq!(
            data.pointer(pointer),
            Some(&json!(code)),
            "{body} → {}",
            r.body
        );
    }
    // Nothing was created.
    let list = s.get("/api/collections?perPage=100").await;
    assert_eq!(list.body["totalItems"], json!(6));
}

#[tokio::test]
async fn sql_looking_names_are_rejected_and_harmless() {
    let s = TestServer::start().await;
    let hostile = [
        "posts; DROP TABLE users",
        "x\"; DROP TABLE _collections; --",
        "a b",
        "1abc",
        "_collections",
        "sqlite_master",
        "robert'); DROP TABLE users;--",
    ];
    for name in hostile {
        let r = s
            .su_post("/api/collections", json!({"name": name, "type": "base"}))
            .await;
        assert_error(&r, 400);
        if !name.starts_with('_') && !name.starts_with("sqlite") {
            let r = s
                .su_post("/api/collections", json!({"name": "ok_name", "type": "base", "fields": [{"name": name, "type": "text"}]}))
                .await;
            assert_error(&r, 400);
        }
    }
    let r = s
        .su_post("/api/collections", json!({"name": "x", "type": "base", "fields": [{"name": "t", "type": "text"}], "indexes": ["CREATE INDEX i ON x (t) WHERE 1; DROP TABLE users"]}))
        .await;
    assert_error(&r, 400);
    // The users table and the schema survived.
    assert_eq!(s.count_rows("users"), 0);
    assert_eq!(s.count_rows("_collections"), 6);
}

#[tokio::test]
async fn schema_changes_keep_existing_data() {
    let s = TestServer::start().await;
    s.create_collection(posts()).await;
    for (title, views, tag) in [("first", 1, "a"), ("second", 2, "b")] {
        let r = s
            .su_post(
                "/api/collections/posts/records",
                json!({"title": title, "views": views, "tags": tag}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
    // Rename `title` → `heading` (same field id), widen tags to multiple, drop `views`, add `extra`.
    let r = s
        .su_patch(
            "/api/collections/posts",
            json!({"fields": [
                {"id": "text724990059", "name": "heading", "type": "text", "required": true},
                {"id": "select1874629670", "name": "tags", "type": "select", "values": ["a", "b", "c"], "maxSelect": 3},
                {"name": "extra", "type": "bool"}
            ], "indexes": ["CREATE UNIQUE INDEX idx_posts_title ON posts (heading)"]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let list = s.get("/api/collections/posts/records?sort=heading").await;
    let items = list.body["items"].as_array().expect("items").clone();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["heading"], json!("first"));
    assert_eq!(
        items[0]["tags"],
        json!(["a"]),
        "single value became a one-item array"
    );
    assert_eq!(items[0]["extra"], json!(false));
    assert!(items[0].get("views").is_none(), "dropped field is gone");
    assert!(items[0].get("title").is_none());

    // Narrow tags back to single: the last item is kept.
    let id = items[0]["id"].as_str().expect("id").to_string();
    let r = s
        .su_patch(
            &format!("/api/collections/posts/records/{id}"),
            json!({"tags": ["a", "c"]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = s
        .su_patch("/api/collections/posts", json!({"fields": [
            {"id": "text724990059", "name": "heading", "type": "text", "required": true},
            {"id": "select1874629670", "name": "tags", "type": "select", "values": ["a", "b", "c"], "maxSelect": 1},
            {"name": "extra", "type": "bool"}
        ]}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let rec = s.get(&format!("/api/collections/posts/records/{id}")).await;
    assert_eq!(rec.body["tags"], json!("c"));

    // Rename the collection itself.
    let r = s
        .su_patch("/api/collections/posts", json!({"name": "articles"}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let list = s.get("/api/collections/articles/records").await;
    assert_eq!(list.body["totalItems"], json!(2));
    assert_error(&s.get("/api/collections/posts/records").await, 404);
    assert_eq!(
        r.body["id"],
        json!("pbc_1125843985"),
        "renaming keeps the id"
    );
}

#[tokio::test]
async fn field_type_change_with_same_id_is_refused() {
    let s = TestServer::start().await;
    s.create_collection(posts()).await;
    let r = s
        .su_patch(
            "/api/collections/posts",
            json!({"fields": [{"id": "text724990059", "name": "title", "type": "number"}]}),
        )
        .await;
    let data = assert_error(&r, 400);
    // Indexes count the prepended id field, as PocketBase's do.
    assert_eq!(
        data.pointer("/fields/1/code"),
        Some(&json!("validation_field_type_change"))
    );
    let r = s
        .su_patch("/api/collections/posts", json!({"type": "auth"}))
        .await;
    let data = assert_error(&r, 400);
    assert_eq!(
        data.pointer("/type/code"),
        Some(&json!("validation_collection_type_change"))
    );
}

#[tokio::test]
async fn unique_index_rejects_duplicates() {
    let s = TestServer::start().await;
    s.create_collection(posts()).await;
    let r = s
        .su_post("/api/collections/posts/records", json!({"title": "same"}))
        .await;
    assert_eq!(r.status, 200);
    let r = s
        .su_post("/api/collections/posts/records", json!({"title": "same"}))
        .await;
    let data = assert_error(&r, 400);
    assert_eq!(
        data.pointer("/title/code"),
        Some(&json!("validation_not_unique"))
    );
    assert_eq!(s.count_rows("posts"), 1);
    // An index that cannot be built on existing data is refused and nothing changes.
    let r = s
        .su_post(
            "/api/collections/posts/records",
            json!({"title": "other", "views": 5}),
        )
        .await;
    assert_eq!(r.status, 200);
    let r = s
        .su_post(
            "/api/collections/posts/records",
            json!({"title": "third", "views": 5}),
        )
        .await;
    assert_eq!(r.status, 200);
    let r = s
        .su_patch(
            "/api/collections/posts",
            json!({"indexes": ["CREATE UNIQUE INDEX idx_v ON posts (views)"]}),
        )
        .await;
    assert_error(&r, 400);
    let c = s.get("/api/collections/posts").await;
    assert_eq!(
        c.body["indexes"],
        json!(["CREATE UNIQUE INDEX idx_posts_title ON posts (title)"])
    );
    assert_eq!(s.count_rows("posts"), 3);
}

#[tokio::test]
async fn system_collections_cannot_be_deleted() {
    let s = TestServer::start().await;
    let r = s.su_delete("/api/collections/_superusers").await;
    assert_error(&r, 400);
    assert_eq!(r.body["message"], json!("Failed to delete collection."));
    let r = s
        .su_patch("/api/collections/_superusers", json!({"name": "admins"}))
        .await;
    assert_error(&r, 400);
}

#[tokio::test]
async fn referenced_collections_cannot_be_deleted() {
    let s = TestServer::start().await;
    s.create_collection(posts()).await;
    s.create_collection(json!({"name": "comments", "type": "base", "fields": [{"name": "post", "type": "relation", "collectionId": "pbc_1125843985", "maxSelect": 1}]}))
        .await;
    let r = s.su_delete("/api/collections/posts").await;
    assert_error(&r, 400);
    assert_eq!(
        r.body["message"],
        json!("Failed to delete collection probably due to existing reference in comments.")
    );
    assert_eq!(s.su_delete("/api/collections/comments").await.status, 204);
    assert_eq!(s.su_delete("/api/collections/posts").await.status, 204);
}

#[tokio::test]
async fn auth_collections_get_system_fields_and_indexes() {
    let s = TestServer::start().await;
    let c = s.create_collection(json!({"name": "members", "type": "auth", "fields": [{"name": "nick", "type": "text"}]})).await;
    let names: Vec<&str> = c["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["name"].as_str())
        .collect();
    assert_eq!(
        names,
        vec![
            "id",
            "nick",
            "password",
            "tokenKey",
            "email",
            "emailVisibility",
            "verified"
        ]
    );
    let indexes = c["indexes"].as_array().expect("indexes");
    assert_eq!(indexes.len(), 2);
    assert!(c["passwordAuth"]["enabled"].as_bool().unwrap_or(false));
    assert_eq!(c["authToken"], json!({"duration": 432000}));
    // Secrets stay after an update that does not send them, so existing tokens keep working.
    let r = s.post("/api/collections/members/records", json!({"email": "m@example.com", "password": "12345678", "passwordConfirm": "12345678"}), Some(&s.token)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let login = s
        .post(
            "/api/collections/members/auth-with-password",
            json!({"identity": "m@example.com", "password": "12345678"}),
            None,
        )
        .await;
    let token = login.body["token"].as_str().expect("token").to_string();
    let r = s
        .su_patch(
            "/api/collections/members",
            json!({"authToken": {"duration": 1000}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let refreshed = s
        .post(
            "/api/collections/members/auth-refresh",
            json!({}),
            Some(&token),
        )
        .await;
    assert_eq!(refreshed.status, 200, "{}", refreshed.body);
}

#[tokio::test]
async fn truncate_and_relation_rules() {
    let s = TestServer::start().await;
    s.create_collection(posts()).await;
    s.create_collection(json!({"name": "comments", "type": "base", "fields": [{"name": "post", "type": "relation", "collectionId": "pbc_1125843985", "maxSelect": 1, "required": true}]}))
        .await;
    let p = s
        .su_post("/api/collections/posts/records", json!({"title": "p"}))
        .await;
    let pid = p.body["id"].as_str().expect("id").to_string();
    let r = s
        .su_post("/api/collections/comments/records", json!({"post": pid}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = s.su_delete("/api/collections/posts/truncate").await;
    assert_error(&r, 400);
    assert_eq!(s.count_rows("posts"), 1, "all or nothing");
    assert_eq!(
        s.su_delete("/api/collections/comments/truncate")
            .await
            .status,
        204
    );
    assert_eq!(
        s.su_delete("/api/collections/posts/truncate").await.status,
        204
    );
    assert_eq!(s.count_rows("posts"), 0);
}

#[tokio::test]
async fn import_creates_updates_and_deletes_missing() {
    let s = TestServer::start().await;
    s.create_collection(posts()).await;
    s.create_collection(
        json!({"name": "old", "type": "base", "fields": [{"name": "x", "type": "text"}]}),
    )
    .await;
    let users = s.get("/api/collections/users").await.body;
    let r = s
        .send(
            reqwest::Method::PUT,
            "/api/collections/import",
            Some(json!({"collections": [
                {"name": "posts", "type": "base", "fields": [{"name": "title", "type": "text"}, {"name": "body", "type": "editor"}]},
                {"name": "tags", "type": "base", "fields": [{"name": "label", "type": "text"}]},
                users
            ], "deleteMissing": true})),
            Some(&s.token),
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let list = s.get("/api/collections?perPage=100").await;
    let names: Vec<&str> = list.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert!(names.contains(&"tags") && names.contains(&"posts") && names.contains(&"users"));
    assert!(!names.contains(&"old"), "{names:?}");
    assert!(
        names.contains(&"_superusers"),
        "system collections are never deleted"
    );
    let p = s.get("/api/collections/posts").await;
    let fields: Vec<&str> = p.body["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["name"].as_str())
        .collect();
    assert_eq!(fields, vec!["id", "title", "body"]);

    // A failing import changes nothing.
    let r = s
        .send(reqwest::Method::PUT, "/api/collections/import", Some(json!({"collections": [{"name": "newone", "type": "base"}, {"name": "bad name", "type": "base"}]})), Some(&s.token))
        .await;
    assert_error(&r, 400);
    assert_error(&s.get("/api/collections/newone").await, 404);
    let r = s
        .send(
            reqwest::Method::PUT,
            "/api/collections/import",
            Some(json!({"collections": []})),
            Some(&s.token),
        )
        .await;
    assert_error(&r, 400);
}

#[tokio::test]
async fn scaffolds_match_pocketbase_shape() {
    let s = TestServer::start().await;
    let r = s.get("/api/collections/meta/scaffolds").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["base"]["fields"][0]["id"], json!("text3208210256"));
    assert_eq!(r.body["view"]["viewQuery"], json!(""));
    let auth_fields: Vec<&str> = r.body["auth"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["name"].as_str())
        .collect();
    assert_eq!(
        auth_fields,
        vec![
            "id",
            "password",
            "tokenKey",
            "email",
            "emailVisibility",
            "verified"
        ]
    );
    assert_error(&s.guest_get("/api/collections/meta/scaffolds").await, 401);
}

#[tokio::test]
async fn view_collections_are_read_only_with_inferred_fields() {
    let s = TestServer::start().await;
    s.create_collection(posts()).await;
    s.su_post(
        "/api/collections/posts/records",
        json!({"title": "hello", "views": 3}),
    )
    .await;
    let v = s
        .create_collection(json!({"name": "post_stats", "type": "view", "listRule": "", "viewQuery": "SELECT id, title, views FROM posts"}))
        .await;
    let fields: Vec<(&str, &str)> = v["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap_or_default(),
                f["type"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        fields,
        vec![("id", "text"), ("title", "text"), ("views", "number")]
    );
    let list = s.guest_get("/api/collections/post_stats/records").await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert_eq!(list.body["items"][0]["title"], json!("hello"));
    assert_eq!(list.body["items"][0]["views"], json!(3));
    let r = s
        .su_post("/api/collections/post_stats/records", json!({}))
        .await;
    assert_error(&r, 400);
    assert_eq!(r.body["message"], json!("Unsupported collection type."));
    // Changing the source table's fields keeps the view working.
    let r = s.su_patch("/api/collections/posts", json!({"fields": [{"id": "text724990059", "name": "title", "type": "text"}, {"id": "number3592848007", "name": "views", "type": "number"}, {"name": "more", "type": "text"}]})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let list = s.guest_get("/api/collections/post_stats/records").await;
    assert_eq!(list.status, 200, "{}", list.body);
}
