//! Records API: CRUD, coercion and zero values, modifiers, pagination and sorting, `fields`,
//! multipart bodies, relations (cascade / required), rules, hidden fields, hostile values.

mod common;

use common::{TestServer, assert_error};
use serde_json::{Value, json};

fn all_types() -> Value {
    json!({
        "name": "posts", "type": "base",
        "listRule": "", "viewRule": "", "createRule": "", "updateRule": "", "deleteRule": "",
        "fields": [
            {"name": "title", "type": "text", "required": true, "max": 50},
            {"name": "views", "type": "number", "onlyInt": true},
            {"name": "score", "type": "number", "min": -10, "max": 10},
            {"name": "active", "type": "bool"},
            {"name": "contact", "type": "email"},
            {"name": "site", "type": "url"},
            {"name": "body", "type": "editor"},
            {"name": "publishedAt", "type": "date"},
            {"name": "tags", "type": "select", "values": ["a", "b", "c"], "maxSelect": 3},
            {"name": "status", "type": "select", "values": ["draft", "published"], "maxSelect": 1},
            {"name": "meta", "type": "json"},
            {"name": "loc", "type": "geoPoint"},
            {"name": "author", "type": "relation", "collectionId": "_pb_users_auth_", "maxSelect": 1},
            {"name": "secret", "type": "text", "hidden": true},
            {"name": "created", "type": "autodate", "onCreate": true},
            {"name": "updated", "type": "autodate", "onCreate": true, "onUpdate": true}
        ]
    })
}

#[tokio::test]
async fn create_with_coercion_and_zero_values() {
    let s = TestServer::start().await;
    s.create_collection(all_types()).await;
    let r = s
        .post(
            "/api/collections/posts/records",
            json!({"id": "customid1234567", "title": "Hello", "views": "12", "active": "true", "tags": ["a", "b", "a"],
                   "status": "draft", "meta": {"k": [1, 2]}, "loc": {"lon": 23.3, "lat": 42.7},
                   "publishedAt": "2024-01-02 03:04:05Z", "unknown": 1, "secret": "s3"}),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let b = &r.body;
    assert_eq!(b["id"], json!("customid1234567"));
    assert_eq!(b["collectionId"], json!("pbc_1125843985"));
    assert_eq!(b["collectionName"], json!("posts"));
    assert_eq!(b["views"], json!(12));
    assert_eq!(b["active"], json!(true));
    assert_eq!(b["tags"], json!(["a", "b"]));
    assert_eq!(b["publishedAt"], json!("2024-01-02 03:04:05.000Z"));
    assert_eq!(b["loc"], json!({"lon": 23.3, "lat": 42.7}));
    assert!(b.get("unknown").is_none());
    assert!(
        b.get("secret").is_none(),
        "hidden field not shown to guests"
    );
    let created = b["created"].as_str().expect("created");
    assert_eq!(created.len(), 24);
    assert!(created.ends_with('Z'));

    let zero = s
        .post(
            "/api/collections/posts/records",
            json!({"title": "zero"}),
            None,
        )
        .await;
    assert_eq!(zero.status, 200, "{}", zero.body);
    let z = &zero.body;
    let id = z["id"].as_str().expect("id");
    assert_eq!(id.len(), 15);
    assert!(
        id.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    );
    for (k, v) in [
        ("views", json!(0)),
        ("active", json!(false)),
        ("contact", json!("")),
        ("site", json!("")),
        ("body", json!("")),
        ("publishedAt", json!("")),
        ("tags", json!([])),
        ("status", json!("")),
        ("meta", Value::Null),
        ("loc", json!({"lon": 0, "lat": 0})),
        ("author", json!("")),
    ] {
        assert_eq!(z[k], v, "zero value of {k}");
    }
    // Superusers see hidden fields.
    let su = s
        .get("/api/collections/posts/records/customid1234567")
        .await;
    assert_eq!(su.body["secret"], json!("s3"));
}

#[tokio::test]
async fn validation_errors_and_nothing_written() {
    let s = TestServer::start().await;
    s.create_collection(all_types()).await;
    let r = s
        .post(
            "/api/collections/posts/records",
            json!({"id": "BAD ID", "title": "", "views": 1.5, "score": 11, "contact": "nope", "site": "nope", "tags": ["z"],
                   "status": "x", "publishedAt": "garbage", "author": "missingid123456", "loc": {"lon": 500, "lat": 1}}),
            None,
        )
        .await;
    let data = assert_error(&r, 400);
    assert_eq!(r.body["message"], json!("Failed to create record."));
    let expect = [
        ("id", "validation_min_text_constraint"),
        ("title", "validation_required"),
        ("views", "validation_only_int_constraint"),
        ("score", "validation_max_number_constraint"),
        ("contact", "validation_is_email"),
        ("site", "validation_invalid_url"),
        ("tags", "validation_invalid_value"),
        ("status", "validation_invalid_value"),
        ("publishedAt", "validation_invalid_date"),
        ("loc", "validation_invalid_longitude"),
    ];
    for (field, code) in expect {
        assert_eq!(data[field]["code"], json!(code), "{field}: {data}");
    }
    assert_eq!(data["tags"]["params"], json!({"value": "z"}));
    // Relation existence is checked once the fields are valid.
    let r = s
        .post(
            "/api/collections/posts/records",
            json!({"title": "t", "author": "missingid123456"}),
            None,
        )
        .await;
    let data = assert_error(&r, 400);
    assert_eq!(
        data["author"]["code"],
        json!("validation_missing_rel_records")
    );
    let r = s
        .post(
            "/api/collections/posts/records",
            json!({"title": "t", "tags": ["a", "b", "c", "a"], "meta": "x".repeat(10)}),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(s.count_rows("posts"), 1);
}

#[tokio::test]
async fn custom_ids_and_duplicates() {
    let s = TestServer::start().await;
    s.create_collection(all_types()).await;
    let r = s
        .post(
            "/api/collections/posts/records",
            json!({"id": "abcdefghijklmno", "title": "a"}),
            None,
        )
        .await;
    assert_eq!(r.status, 200);
    let r = s
        .post(
            "/api/collections/posts/records",
            json!({"id": "abcdefghijklmno", "title": "b"}),
            None,
        )
        .await;
    let data = assert_error(&r, 400);
    assert_eq!(data["id"]["code"], json!("validation_not_unique"));
    let r = s
        .post(
            "/api/collections/posts/records",
            json!({"id": "ABCDEFGHIJKLMNO", "title": "b"}),
            None,
        )
        .await;
    let data = assert_error(&r, 400);
    assert_eq!(data["id"]["code"], json!("validation_invalid_format"));
    // The id cannot be changed by an update.
    let r = s
        .su_patch(
            "/api/collections/posts/records/abcdefghijklmno",
            json!({"id": "zzzzzzzzzzzzzzz", "title": "c"}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["id"], json!("abcdefghijklmno"));
    assert_eq!(r.body["title"], json!("c"));
}

#[tokio::test]
async fn update_modifiers_and_autodate() {
    let s = TestServer::start().await;
    s.create_collection(all_types()).await;
    let r = s
        .post(
            "/api/collections/posts/records",
            json!({"title": "m", "views": 5, "tags": ["a", "b"]}),
            None,
        )
        .await;
    let id = r.body["id"].as_str().expect("id").to_string();
    let created = r.body["created"].clone();
    let updated = r.body["updated"].as_str().expect("updated").to_string();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let r = s
        .su_patch(
            &format!("/api/collections/posts/records/{id}"),
            json!({"views+": 3, "tags-": ["a"], "tags+": "c"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["views"], json!(8));
    assert_eq!(r.body["tags"], json!(["b", "c"]));
    assert_eq!(r.body["created"], created);
    assert!(r.body["updated"].as_str().expect("updated") > updated.as_str());
    let r = s
        .su_patch(
            &format!("/api/collections/posts/records/{id}"),
            json!({"views-": 10, "+tags": "a"}),
        )
        .await;
    assert_eq!(r.body["views"], json!(-2));
    assert_eq!(r.body["tags"], json!(["a", "b", "c"]));
    let r = s
        .su_patch(
            &format!("/api/collections/posts/records/{id}"),
            json!({"created": "2000-01-01 00:00:00.000Z"}),
        )
        .await;
    assert_eq!(r.body["created"], created, "autodate ignores client values");
    let r = s
        .su_patch(
            "/api/collections/posts/records/missing",
            json!({"title": "x"}),
        )
        .await;
    assert_error(&r, 404);
}

#[tokio::test]
async fn list_pagination_sort_skip_total_fields() {
    let s = TestServer::start().await;
    s.create_collection(all_types()).await;
    for (i, t) in ["b", "a", "c", "a2", "d"].iter().enumerate() {
        let r = s
            .post(
                "/api/collections/posts/records",
                json!({"title": t, "views": i % 2}),
                None,
            )
            .await;
        assert_eq!(r.status, 200);
    }
    let r = s.guest_get("/api/collections/posts/records").await;
    assert_eq!(r.body["page"], json!(1));
    assert_eq!(r.body["perPage"], json!(30));
    assert_eq!(r.body["totalItems"], json!(5));
    assert_eq!(r.body["totalPages"], json!(1));
    let titles = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|i| i["title"].as_str().unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(
        titles(&r.body),
        vec!["b", "a", "c", "a2", "d"],
        "insertion order without sort"
    );
    let r = s
        .guest_get("/api/collections/posts/records?sort=-views,title")
        .await;
    assert_eq!(titles(&r.body), vec!["a", "a2", "b", "c", "d"]);
    let r = s
        .guest_get("/api/collections/posts/records?sort=%2Btitle&perPage=2&page=2")
        .await;
    assert_eq!(titles(&r.body), vec!["b", "c"]);
    assert_eq!(r.body["totalPages"], json!(3));
    let r = s
        .guest_get("/api/collections/posts/records?perPage=5000")
        .await;
    assert_eq!(r.body["perPage"], json!(1000));
    let r = s
        .guest_get("/api/collections/posts/records?perPage=0&page=0&skipTotal=1")
        .await;
    assert_eq!(
        (r.body["page"].clone(), r.body["perPage"].clone()),
        (json!(1), json!(30))
    );
    assert_eq!(
        (r.body["totalItems"].clone(), r.body["totalPages"].clone()),
        (json!(-1), json!(-1))
    );
    let r = s.guest_get("/api/collections/posts/records?page=9").await;
    assert_eq!(r.body["items"], json!([]));
    assert_eq!(r.body["page"], json!(9));
    let r = s
        .guest_get("/api/collections/posts/records?fields=id,title&perPage=1")
        .await;
    let item = r.body["items"][0].as_object().expect("item");
    assert_eq!(item.keys().collect::<Vec<_>>(), vec!["id", "title"]);
    for bad in ["nope", "title,nope", "secret", "-@nope"] {
        let r = s
            .guest_get(&format!("/api/collections/posts/records?sort={bad}"))
            .await;
        assert_error(&r, 400);
    }
    let r = s
        .get("/api/collections/posts/records?sort=secret,@rowid")
        .await;
    assert_eq!(r.status, 200, "superusers may sort by hidden fields");
    let r = s
        .guest_get("/api/collections/posts/records?sort=@random")
        .await;
    assert_eq!(r.body["items"].as_array().map(Vec::len), Some(5));
}

#[tokio::test]
async fn multipart_bodies_merge_json_payloads() {
    let s = TestServer::start().await;
    s.create_collection(all_types()).await;
    let form = reqwest::multipart::Form::new()
        .text("title", "from form")
        .text("views", "7")
        .text("active", "true")
        .text("tags", "a")
        .text("tags", "c")
        .text(
            "@jsonPayload",
            r#"{"meta": {"x": [1, 2]}, "loc": {"lon": 1.5, "lat": 2}}"#,
        )
        .text("@jsonPayload", r#"{"status": "published"}"#);
    let r = TestServer::finish(
        s.client
            .post(format!("{}/api/collections/posts/records", s.base))
            .multipart(form),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["title"], json!("from form"));
    assert_eq!(r.body["views"], json!(7));
    assert_eq!(r.body["active"], json!(true));
    assert_eq!(r.body["tags"], json!(["a", "c"]));
    assert_eq!(r.body["meta"], json!({"x": [1, 2]}));
    assert_eq!(r.body["loc"], json!({"lon": 1.5, "lat": 2}));
    assert_eq!(r.body["status"], json!("published"));
    let bad = reqwest::multipart::Form::new().text("@jsonPayload", "{broken");
    let r = TestServer::finish(
        s.client
            .post(format!("{}/api/collections/posts/records", s.base))
            .multipart(bad),
    )
    .await;
    assert_error(&r, 400);
    assert_eq!(s.count_rows("posts"), 1);
}

#[tokio::test]
async fn sql_looking_values_are_plain_data() {
    let s = TestServer::start().await;
    s.create_collection(all_types()).await;
    let evil = "'; DROP TABLE posts; --";
    let r = s
        .post(
            "/api/collections/posts/records",
            json!({"title": evil, "body": "\" OR 1=1 --", "meta": {"q": "1; DELETE FROM users"}}),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let id = r.body["id"].as_str().expect("id");
    let back = s
        .guest_get(&format!("/api/collections/posts/records/{id}"))
        .await;
    assert_eq!(back.body["title"], json!(evil));
    let r = s
        .guest_get("/api/collections/posts/records/x'%20OR%20'1'='1")
        .await;
    assert_error(&r, 404);
    let r = s
        .guest_get("/api/collections/posts;DROP%20TABLE%20users/records")
        .await;
    assert_error(&r, 404);
    assert_eq!(s.count_rows("posts"), 1);
}

#[tokio::test]
async fn delete_cascades_and_required_references_refuse() {
    let s = TestServer::start().await;
    s.create_collection(
        json!({"name": "parents", "type": "base", "fields": [{"name": "n", "type": "text"}]}),
    )
    .await;
    let parents_id = cairn::schema::ids::collection_id("base", "parents");
    s.create_collection(json!({"name": "kids", "type": "base", "fields": [
        {"name": "parent", "type": "relation", "collectionId": parents_id, "maxSelect": 1, "cascadeDelete": true}]}))
        .await;
    s.create_collection(json!({"name": "pins", "type": "base", "fields": [
        {"name": "parent", "type": "relation", "collectionId": parents_id, "maxSelect": 1, "required": true}]}))
        .await;
    s.create_collection(json!({"name": "tags", "type": "base", "fields": [
        {"name": "parents", "type": "relation", "collectionId": parents_id, "maxSelect": 5}]}))
        .await;
    let p1 = s
        .su_post("/api/collections/parents/records", json!({"n": "1"}))
        .await
        .body["id"]
        .as_str()
        .expect("id")
        .to_string();
    let p2 = s
        .su_post("/api/collections/parents/records", json!({"n": "2"}))
        .await
        .body["id"]
        .as_str()
        .expect("id")
        .to_string();
    s.su_post("/api/collections/kids/records", json!({"parent": p1}))
        .await;
    s.su_post("/api/collections/kids/records", json!({"parent": p1}))
        .await;
    let tag = s
        .su_post(
            "/api/collections/tags/records",
            json!({"parents": [p1, p2]}),
        )
        .await
        .body["id"]
        .as_str()
        .expect("id")
        .to_string();
    let pin = s
        .su_post("/api/collections/pins/records", json!({"parent": p2}))
        .await;
    assert_eq!(pin.status, 200);

    let r = s
        .su_delete(&format!("/api/collections/parents/records/{p1}"))
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(s.count_rows("kids"), 0, "cascade deleted the kids");
    let t = s.get(&format!("/api/collections/tags/records/{tag}")).await;
    assert_eq!(
        t.body["parents"],
        json!([p2]),
        "optional multi relation loses the id"
    );

    let r = s
        .su_delete(&format!("/api/collections/parents/records/{p2}"))
        .await;
    assert_error(&r, 400);
    assert_eq!(
        r.body["message"],
        json!(
            "Failed to delete record. Make sure that the record is not part of a required relation reference."
        )
    );
    assert_eq!(s.count_rows("parents"), 1, "refused delete changed nothing");
    let t = s.get(&format!("/api/collections/tags/records/{tag}")).await;
    assert_eq!(t.body["parents"], json!([p2]), "rolled back");
    assert_error(
        &s.su_delete(&format!("/api/collections/parents/records/{p1}"))
            .await,
        404,
    );
}

#[tokio::test]
async fn rules_gate_access() {
    let s = TestServer::start().await;
    s.create_collection(
        json!({"name": "locked", "type": "base", "fields": [{"name": "t", "type": "text"}]}),
    )
    .await;
    s.create_collection(json!({"name": "guarded", "type": "base", "listRule": "@request.auth.id != ''", "viewRule": "@request.auth.id != ''",
        "createRule": "@request.auth.id != ''", "updateRule": "@request.auth.id != ''", "deleteRule": "@request.auth.id != ''",
        "fields": [{"name": "t", "type": "text"}]}))
        .await;
    // null rules: superusers only, 403 for everyone else.
    for (method, path) in [
        (reqwest::Method::GET, "/api/collections/locked/records"),
        (reqwest::Method::POST, "/api/collections/locked/records"),
    ] {
        let r = s.send(method, path, Some(json!({"t": "x"})), None).await;
        assert_error(&r, 403);
        assert_eq!(
            r.body["message"],
            json!("Only superusers can perform this action.")
        );
    }
    let rec = s
        .su_post("/api/collections/locked/records", json!({"t": "x"}))
        .await;
    let id = rec.body["id"].as_str().expect("id").to_string();
    assert_error(
        &s.guest_get(&format!("/api/collections/locked/records/{id}"))
            .await,
        403,
    );
    assert_error(
        &s.send(
            reqwest::Method::DELETE,
            &format!("/api/collections/locked/records/{id}"),
            None,
            None,
        )
        .await,
        403,
    );
    // Unmet expressions: list filtered, view/update/delete 404, create 400 with empty data.
    let g = s
        .su_post("/api/collections/guarded/records", json!({"t": "x"}))
        .await;
    let gid = g.body["id"].as_str().expect("id").to_string();
    let r = s.guest_get("/api/collections/guarded/records").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["items"], json!([]));
    assert_eq!(r.body["totalItems"], json!(0));
    assert_error(
        &s.guest_get(&format!("/api/collections/guarded/records/{gid}"))
            .await,
        404,
    );
    let r = s
        .send(
            reqwest::Method::PATCH,
            &format!("/api/collections/guarded/records/{gid}"),
            Some(json!({"t": "y"})),
            None,
        )
        .await;
    assert_error(&r, 404);
    let r = s
        .post("/api/collections/guarded/records", json!({"t": "y"}), None)
        .await;
    let data = assert_error(&r, 400);
    assert_eq!(data, &json!({}));
    assert_eq!(r.body["message"], json!("Failed to create record."));
    // Invalid tokens are treated as guests on rule routes.
    let r = s
        .send(
            reqwest::Method::GET,
            "/api/collections/guarded/records",
            None,
            Some("not-a-token"),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(s.count_rows("guarded"), 1);
}

#[tokio::test]
async fn auth_records_hide_secrets_and_respect_email_visibility() {
    let s = TestServer::start().await;
    s.su_patch(
        "/api/collections/users",
        json!({"listRule": "", "viewRule": ""}),
    )
    .await;
    let r = s.post("/api/collections/users/records", json!({"email": "Alice@Example.com", "password": "12345678", "passwordConfirm": "12345678", "name": "Alice"}), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.get("password").is_none() && r.body.get("tokenKey").is_none());
    let id = r.body["id"].as_str().expect("id").to_string();
    let guest = s
        .guest_get(&format!("/api/collections/users/records/{id}"))
        .await;
    assert!(
        guest.body.get("email").is_none(),
        "emailVisibility=false hides email from others"
    );
    let su = s.get(&format!("/api/collections/users/records/{id}")).await;
    assert_eq!(su.body["email"], json!("Alice@Example.com"));
    assert!(
        su.body.get("password").is_none() && su.body.get("tokenKey").is_none(),
        "not even superusers get secrets"
    );
    let r = s
        .post(
            "/api/collections/users/records",
            json!({"email": "b@example.com", "password": "12345678", "passwordConfirm": "nope"}),
            None,
        )
        .await;
    assert_eq!(
        assert_error(&r, 400)["passwordConfirm"]["code"],
        json!("validation_values_mismatch")
    );
    let r = s
        .post(
            "/api/collections/users/records",
            json!({"email": "b@example.com", "password": "short", "passwordConfirm": "short"}),
            None,
        )
        .await;
    assert_eq!(
        assert_error(&r, 400)["password"]["code"],
        json!("validation_min_text_constraint")
    );
    let r = s.post("/api/collections/users/records", json!({"email": "Alice@Example.com", "password": "12345678", "passwordConfirm": "12345678"}), None).await;
    assert_eq!(
        assert_error(&r, 400)["email"]["code"],
        json!("validation_not_unique")
    );
    // The stored hash is bcrypt.
    let conn = rusqlite::Connection::open_with_flags(
        s.db_path(),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .expect("db");
    let hash: String = conn
        .query_row("SELECT password FROM users WHERE id = ?", [&id], |row| {
            row.get(0)
        })
        .expect("row");
    assert!(hash.starts_with("$2"), "{hash}");
    assert!(!hash.contains("12345678"));
}
