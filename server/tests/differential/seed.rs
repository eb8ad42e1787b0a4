//! The seeded data set, identical on both servers: the default `users` collection extended
//! with `role`/`age`, plus `tags`, `posts`, `locked`, `comments` and `pins`, all records with
//! fixed ids so that ids compare directly.

use reqwest::Method;
use serde_json::{Value, json};

use crate::client::Target;

/// A fixed 15-character record id: `name` padded with zeros (`alice0000000000`).
pub fn rid(name: &str) -> String {
    assert!(
        name.len() <= 15
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    );
    format!("{name:0<15}")
}

pub const USER_PASSWORD: &str = "12345678";
/// The regular user the `Role::User` queries authenticate as.
pub const USER_EMAIL: &str = "bob@example.com";

/// Noon (UTC) of the current day, so `@todayStart`/`@todayEnd` comparisons have a match.
pub fn today_noon() -> String {
    chrono::Utc::now()
        .format("%Y-%m-%d 12:00:00.000Z")
        .to_string()
}

fn autodates() -> [Value; 2] {
    [
        json!({"name": "created", "type": "autodate", "onCreate": true, "onUpdate": false}),
        json!({"name": "updated", "type": "autodate", "onCreate": true, "onUpdate": true}),
    ]
}

fn with_autodates(mut fields: Vec<Value>) -> Value {
    fields.extend(autodates());
    Value::Array(fields)
}

fn users() -> Vec<Value> {
    vec![
        json!({"id": rid("alice"), "email": "alice@example.com", "emailVisibility": true, "name": "Alice", "role": "admin", "age": 34}),
        json!({"id": rid("bob"), "email": USER_EMAIL, "emailVisibility": false, "name": "Bob", "role": "member", "age": 27}),
        json!({"id": rid("carol"), "email": "carol@example.com", "emailVisibility": true, "name": "Carol", "role": "member", "age": 0}),
        json!({"id": rid("dave"), "email": "dave@example.com", "emailVisibility": false, "name": "dave", "age": 45.5}),
        json!({"id": rid("erin"), "email": "erin@example.com", "emailVisibility": true, "name": "", "role": "member", "age": -19}),
    ]
}

fn tags() -> Vec<Value> {
    vec![
        json!({"id": rid("tagrust"), "label": "rust", "weight": 10}),
        json!({"id": rid("taggo"), "label": "Go", "weight": 5}),
        json!({"id": rid("tagsql"), "label": "sql", "weight": 0}),
        json!({"id": rid("tagweb"), "label": "web", "weight": -2.5}),
        json!({"id": rid("tagmisc"), "label": "", "weight": 7}),
    ]
}

fn posts(today: &str) -> Vec<Value> {
    let (alice, bob, carol, dave, erin) = (
        rid("alice"),
        rid("bob"),
        rid("carol"),
        rid("dave"),
        rid("erin"),
    );
    let (rust, go, sql, web) = (rid("tagrust"), rid("taggo"), rid("tagsql"), rid("tagweb"));
    vec![
        json!({"id": rid("post01"), "title": "Hello World", "body": "<p>Hello <b>there</b>, general Kenobi</p>",
               "views": 10, "score": 4.5, "active": true, "status": "published", "categories": ["news", "tech"],
               "tags": [rust, go], "author": alice, "editors": [bob, carol],
               "meta": {"a": 1, "arr": [1, 2, 3], "color": "red"}, "loc": {"lon": 23.3, "lat": 42.7},
               "published": "2024-01-02 03:04:05.000Z", "secret": "x"}),
        json!({"id": rid("post02"), "title": "hello world", "views": 0, "score": -3, "active": false,
               "status": "draft", "author": bob, "meta": null, "secret": ""}),
        json!({"id": rid("post03"), "title": "He said \"hi\"", "body": "<p>quote</p>", "views": 5, "score": 0,
               "active": true, "status": "published", "categories": ["tech"], "tags": [sql], "author": carol,
               "editors": [alice], "meta": {"a": 2, "arr": ["x", "y"]}, "loc": {"lon": 23.31, "lat": 42.69},
               "published": "2023-06-15 12:00:00.000Z", "secret": "y"}),
        json!({"id": rid("post04"), "title": "100% sure", "views": -7, "score": 2.25, "active": false,
               "status": "published", "categories": ["life"], "tags": [rust], "editors": [alice, bob],
               "meta": [1, 2, 3], "published": "2025-12-31 23:59:59.000Z"}),
        json!({"id": rid("post05"), "title": "snake_case title", "body": "draft body", "views": 100, "score": 99.9,
               "active": true, "status": "draft", "author": alice, "editors": [carol, alice],
               "meta": "scalar string", "loc": {"lon": -0.12, "lat": 51.5},
               "published": "2022-02-28 08:30:00.000Z", "secret": "x"}),
        json!({"id": rid("post06"), "title": "back\\slash", "views": 3, "score": 1, "active": true,
               "status": "published", "categories": ["news", "tech", "life"], "tags": [go, web], "author": dave,
               "meta": 42, "published": "2099-01-01 00:00:00.000Z"}),
        json!({"id": rid("post07"), "title": "Ünïcödé ✓ 日本", "views": 7, "score": -0.5, "active": false,
               "status": "published", "author": erin, "editors": [dave],
               "meta": {"a": null, "nested": {"k": "v"}}, "published": "2024-07-04 00:00:00.000Z"}),
        json!({"id": rid("post08"), "title": "", "views": 1, "score": 0.1, "status": "draft", "author": carol,
               "meta": {"a": "1"}, "categories": ["life", "news"]}),
        json!({"id": rid("post09"), "title": "it's", "views": 2, "score": 1000, "active": true,
               "status": "published", "tags": [sql, rust], "author": bob, "editors": [bob], "meta": true,
               "published": today}),
        json!({"id": rid("post10"), "title": "MiXeD CaSe", "body": "<p>mixed</p>", "views": 50, "score": -0.25,
               "active": true, "status": "published", "categories": ["news"], "author": alice,
               "editors": [erin, dave, carol], "meta": {"arr": []}, "loc": {"lon": 0, "lat": 0},
               "published": "2021-01-01 00:00:00.000Z"}),
        json!({"id": rid("post11"), "title": "draft by nobody", "views": 8, "score": 5, "status": "draft",
               "meta": null, "tags": [web]}),
        json!({"id": rid("post12"), "title": "Zeta last", "views": 9, "score": 3, "active": true,
               "status": "published", "categories": ["tech", "news"], "tags": [rust, go, sql, web],
               "author": dave, "editors": [alice], "meta": {"a": 3, "arr": [10, 20]},
               "published": "2024-01-02 03:04:05.000Z", "secret": "z"}),
        json!({"id": rid("post13"), "title": "Café au lait", "views": 4, "score": 7.75, "active": true,
               "status": "published", "author": alice, "editors": [carol, bob], "loc": {"lon": 2.35, "lat": 48.86}}),
        json!({"id": rid("post14"), "title": "%_%", "views": 6, "score": -12, "status": "published",
               "meta": {"a": 1.5, "color": "blue"}}),
    ]
}

fn comments() -> Vec<Value> {
    let c = |n: &str, text: &str, post: &str, user: &str| {
        json!({"id": rid(n), "text": text,
               "post": if post.is_empty() { String::new() } else { rid(post) },
               "user": if user.is_empty() { String::new() } else { rid(user) }})
    };
    let mut v = vec![
        c("com01", "first", "post01", "bob"),
        c("com02", "second", "post01", "carol"),
        c("com03", "Great post!", "post01", "alice"),
        c("com04", "meh", "post03", "bob"),
        c("com05", "", "post03", ""),
        c("com06", "draft comment", "post02", "bob"),
        c("com07", "thanks", "post04", "carol"),
        c("com08", "first", "post05", "alice"),
        c("com09", "it's fine", "post06", "dave"),
        c("com10", "ünï", "post07", "erin"),
        c("com11", "orphan", "", "bob"),
        c("com12", "Second", "post09", "bob"),
        c("com13", "last", "post10", "erin"),
        c("com14", "again", "post10", "erin"),
        c("com15", "locked link", "post12", "alice"),
    ];
    v[14]["locked_ref"] = json!(rid("lockx"));
    v[3]["locked_ref"] = json!(rid("locky"));
    v
}

fn pins() -> Vec<Value> {
    vec![
        json!({"id": rid("pin1"), "note": "important", "post": rid("post01")}),
        json!({"id": rid("pin2"), "note": "later", "post": rid("post03")}),
        json!({"id": rid("pin3"), "note": "", "post": rid("post02")}),
        json!({"id": rid("pin4"), "note": "draft pin", "post": rid("post05")}),
    ]
}

/// Creates the schema and records on one server, then logs the regular user in.
pub async fn seed(t: &mut Target, today: &str) {
    // users: keep the default fields, append role/age, open list/view.
    let users_col = t
        .get("/api/collections/users", crate::client::Role::Superuser)
        .await;
    assert_eq!(users_col.status, 200, "{}: {}", t.name, users_col.body);
    let mut fields = users_col.body["fields"]
        .as_array()
        .expect("users fields")
        .clone();
    fields.push(
        json!({"name": "role", "type": "select", "values": ["admin", "member"], "maxSelect": 1}),
    );
    fields.push(json!({"name": "age", "type": "number"}));
    t.su_write(
        Method::PATCH,
        "/api/collections/users",
        &json!({"fields": fields, "listRule": "", "viewRule": ""}),
    )
    .await;

    let tags_col = t
        .su_write(
            Method::POST,
            "/api/collections",
            &json!({"name": "tags", "type": "base", "listRule": "", "viewRule": "",
            "fields": with_autodates(vec![
                json!({"name": "label", "type": "text"}),
                json!({"name": "weight", "type": "number"}),
            ])}),
        )
        .await;
    let tags_id = tags_col["id"].as_str().expect("tags id").to_string();

    let posts_col = t
        .su_write(
            Method::POST,
            "/api/collections",
            &json!({"name": "posts", "type": "base", "listRule": "",
                    "viewRule": "status = 'published' || author = @request.auth.id",
                    "fields": with_autodates(vec![
                        json!({"name": "title", "type": "text"}),
                        json!({"name": "body", "type": "editor"}),
                        json!({"name": "views", "type": "number"}),
                        json!({"name": "score", "type": "number"}),
                        json!({"name": "active", "type": "bool"}),
                        json!({"name": "status", "type": "select", "values": ["draft", "published"], "maxSelect": 1}),
                        json!({"name": "categories", "type": "select", "values": ["news", "tech", "life"], "maxSelect": 3}),
                        json!({"name": "tags", "type": "relation", "collectionId": tags_id, "maxSelect": 5}),
                        json!({"name": "author", "type": "relation", "collectionId": "_pb_users_auth_", "maxSelect": 1}),
                        json!({"name": "editors", "type": "relation", "collectionId": "_pb_users_auth_", "maxSelect": 5}),
                        json!({"name": "meta", "type": "json"}),
                        json!({"name": "loc", "type": "geoPoint"}),
                        json!({"name": "published", "type": "date"}),
                        json!({"name": "secret", "type": "text", "hidden": true}),
                    ])}),
        )
        .await;
    let posts_id = posts_col["id"].as_str().expect("posts id").to_string();

    let locked_col = t
        .su_write(
            Method::POST,
            "/api/collections",
            &json!({"name": "locked", "type": "base",
                    "fields": with_autodates(vec![json!({"name": "label", "type": "text"})])}),
        )
        .await;
    let locked_id = locked_col["id"].as_str().expect("locked id").to_string();

    t.su_write(
        Method::POST,
        "/api/collections",
        &json!({"name": "comments", "type": "base", "listRule": "", "viewRule": "",
                "fields": with_autodates(vec![
                    json!({"name": "text", "type": "text"}),
                    json!({"name": "post", "type": "relation", "collectionId": posts_id, "maxSelect": 1}),
                    json!({"name": "user", "type": "relation", "collectionId": "_pb_users_auth_", "maxSelect": 1}),
                    json!({"name": "locked_ref", "type": "relation", "collectionId": locked_id, "maxSelect": 1}),
                ])}),
    )
    .await;
    t.su_write(
        Method::POST,
        "/api/collections",
        &json!({"name": "pins", "type": "base", "listRule": "", "viewRule": "",
        "fields": with_autodates(vec![
            json!({"name": "note", "type": "text"}),
            json!({"name": "post", "type": "relation", "collectionId": posts_id, "maxSelect": 1}),
        ])}),
    )
    .await;

    for mut u in users() {
        u["password"] = json!(USER_PASSWORD);
        u["passwordConfirm"] = json!(USER_PASSWORD);
        t.su_write(Method::POST, "/api/collections/users/records", &u)
            .await;
    }
    for tag in tags() {
        t.su_write(Method::POST, "/api/collections/tags/records", &tag)
            .await;
    }
    for label in ["x", "y"] {
        t.su_write(
            Method::POST,
            "/api/collections/locked/records",
            &json!({"id": rid(&format!("lock{label}")), "label": label}),
        )
        .await;
    }
    for p in posts(today) {
        t.su_write(Method::POST, "/api/collections/posts/records", &p)
            .await;
    }
    for c in comments() {
        t.su_write(Method::POST, "/api/collections/comments/records", &c)
            .await;
    }
    for p in pins() {
        t.su_write(Method::POST, "/api/collections/pins/records", &p)
            .await;
    }
    t.user_token = t.login("users", USER_EMAIL, USER_PASSWORD).await;
}
