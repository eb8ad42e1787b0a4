//! Table-driven scenarios for the filter language, sort, expand, fields and API rules against
//! a real server: every operator, macros, modifiers, functions, relation and back-relation
//! paths, `@request.*` and `@collection.*`, and each rule outcome.

mod common;

use common::{TestServer, assert_error};
use serde_json::{Value, json};

struct Fixture {
    s: TestServer,
    alice: String,
    bob: String,
}

fn ids(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|i| i["id"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

async fn login(s: &TestServer, email: &str) -> String {
    let r = s
        .post(
            "/api/collections/users/auth-with-password",
            json!({"identity": email, "password": "12345678"}),
            None,
        )
        .await;
    r.body["token"].as_str().expect("token").to_string()
}

async fn fixture() -> Fixture {
    let s = TestServer::start().await;
    let users = s.get("/api/collections/users").await.body;
    let mut fields = users["fields"].as_array().expect("fields").clone();
    fields.push(
        json!({"name": "role", "type": "select", "values": ["admin", "member"], "maxSelect": 1}),
    );
    let r = s
        .su_patch(
            "/api/collections/users",
            json!({"fields": fields, "listRule": "", "viewRule": ""}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    for (id, email, name, role, visible) in [
        (
            "alice0000000001",
            "alice@example.com",
            "Alice",
            "admin",
            true,
        ),
        ("bob000000000001", "bob@example.com", "Bob", "member", false),
    ] {
        let r = s
            .su_post("/api/collections/users/records", json!({"id": id, "email": email, "name": name, "role": role, "emailVisibility": visible,
                "password": "12345678", "passwordConfirm": "12345678"}))
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
    s.create_collection(json!({"name": "tags", "type": "base", "listRule": "", "viewRule": "", "fields": [{"name": "label", "type": "text"}]})).await;
    let tags_id = cairn::schema::ids::collection_id("base", "tags");
    s.create_collection(json!({"name": "posts", "type": "base",
        "listRule": "", "viewRule": "status = 'published' || author = @request.auth.id",
        "createRule": "@request.auth.id != '' && @request.body.author = @request.auth.id",
        "updateRule": "author = @request.auth.id && @request.body.author:isset = false",
        "deleteRule": "author = @request.auth.id && @collection.comments.post != id",
        "fields": [
            {"name": "title", "type": "text"}, {"name": "views", "type": "number"}, {"name": "active", "type": "bool"},
            {"name": "status", "type": "select", "values": ["draft", "published"], "maxSelect": 1},
            {"name": "cats", "type": "select", "values": ["news", "tech", "life"], "maxSelect": 3},
            {"name": "tags", "type": "relation", "collectionId": tags_id, "maxSelect": 5},
            {"name": "author", "type": "relation", "collectionId": "_pb_users_auth_", "maxSelect": 1},
            {"name": "meta", "type": "json"}, {"name": "loc", "type": "geoPoint"}, {"name": "published", "type": "date"},
            {"name": "secret", "type": "text", "hidden": true}],
        "indexes": ["CREATE INDEX idx_posts_views ON posts (views)"]}))
    .await;
    let posts_id = cairn::schema::ids::collection_id("base", "posts");
    s.create_collection(json!({"name": "comments", "type": "base", "listRule": "", "viewRule": "", "fields": [
        {"name": "text", "type": "text"}, {"name": "post", "type": "relation", "collectionId": posts_id, "maxSelect": 1},
        {"name": "user", "type": "relation", "collectionId": "_pb_users_auth_", "maxSelect": 1}]}))
    .await;
    s.create_collection(
        json!({"name": "vault", "type": "base", "fields": [{"name": "code", "type": "text"}]}),
    )
    .await;
    for (id, label) in [("tagred000000001", "Red"), ("tagblue00000001", "Blue")] {
        s.su_post(
            "/api/collections/tags/records",
            json!({"id": id, "label": label}),
        )
        .await;
    }
    let posts = [
        json!({"id": "post00000000001", "title": "Hello World", "views": 10, "active": true, "status": "published", "cats": ["news", "tech"],
               "tags": ["tagred000000001", "tagblue00000001"], "author": "alice0000000001", "meta": {"color": "red", "n": [1, 2]},
               "loc": {"lon": 23.3, "lat": 42.7}, "published": "2024-03-01 10:00:00.000Z", "secret": "s1"}),
        json!({"id": "post00000000002", "title": "50% off_sale", "views": 0, "active": false, "status": "draft", "cats": ["life"],
               "tags": ["tagred000000001"], "author": "bob000000000001", "meta": {"color": "blue"}, "published": "2025-01-01 00:00:00.000Z"}),
        json!({"id": "post00000000003", "title": "He said \"hi\"", "views": -5, "active": true, "status": "published", "cats": [],
               "tags": [], "author": "", "meta": null, "published": ""}),
        json!({"id": "post00000000004", "title": "", "views": 2.5, "active": false, "status": "draft", "cats": ["tech"],
               "tags": ["tagblue00000001"], "author": "alice0000000001", "loc": {"lon": -74.0, "lat": 40.7}}),
    ];
    for p in posts {
        let r = s.su_post("/api/collections/posts/records", p).await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
    for (id, text, post, user) in [
        (
            "comment00000001",
            "first",
            "post00000000001",
            "bob000000000001",
        ),
        (
            "comment00000002",
            "second",
            "post00000000001",
            "alice0000000001",
        ),
        (
            "comment00000003",
            "third",
            "post00000000002",
            "bob000000000001",
        ),
    ] {
        s.su_post(
            "/api/collections/comments/records",
            json!({"id": id, "text": text, "post": post, "user": user}),
        )
        .await;
    }
    let alice = login(&s, "alice@example.com").await;
    let bob = login(&s, "bob@example.com").await;
    Fixture { s, alice, bob }
}

async fn list(
    f: &Fixture,
    collection: &str,
    query: &[(&str, &str)],
    token: Option<&str>,
) -> common::Resp {
    let mut rb =
        f.s.client
            .get(format!("{}/api/collections/{collection}/records", f.s.base))
            .query(query);
    if let Some(t) = token {
        rb = rb.header("Authorization", t);
    }
    TestServer::finish(rb).await
}

#[tokio::test]
async fn filter_operators_literals_macros_and_modifiers() {
    let f = fixture().await;
    let cases: &[(&str, &[&str])] = &[
        ("title = 'Hello World'", &["post00000000001"]),
        (
            "title != 'Hello World'",
            &["post00000000002", "post00000000003", "post00000000004"],
        ),
        ("title = \"He said \\\"hi\\\"\"", &["post00000000003"]),
        ("title ~ 'world'", &["post00000000001"]),
        ("title ~ '50%'", &["post00000000002"]),
        ("title ~ '%off%sale'", &["post00000000002"]),
        ("title ~ 'f_s'", &["post00000000002"]),
        ("title ~ 'o_f'", &[]),
        ("title !~ 'o'", &["post00000000003", "post00000000004"]),
        ("title = ''", &["post00000000004"]),
        ("title = null", &["post00000000004"]),
        ("title:lower = 'hello world'", &["post00000000001"]),
        ("views > 0", &["post00000000001", "post00000000004"]),
        (
            "views >= 0",
            &["post00000000001", "post00000000002", "post00000000004"],
        ),
        ("views < 0", &["post00000000003"]),
        (
            "views <= 2.5 && views > -1",
            &["post00000000002", "post00000000004"],
        ),
        ("active = true", &["post00000000001", "post00000000003"]),
        (
            "active = false || views = 10",
            &["post00000000001", "post00000000002", "post00000000004"],
        ),
        (
            "(active = true || views > 1) && status = 'draft'",
            &["post00000000004"],
        ),
        (
            "1 = 1",
            &[
                "post00000000001",
                "post00000000002",
                "post00000000003",
                "post00000000004",
            ],
        ),
        ("published > '2024-06-01'", &["post00000000002"]),
        ("published = ''", &["post00000000003", "post00000000004"]),
        (
            "published < @now && published != ''",
            &["post00000000001", "post00000000002"],
        ),
        ("published > @yesterday", &[]),
        (
            "@todayStart < @todayEnd",
            &[
                "post00000000001",
                "post00000000002",
                "post00000000003",
                "post00000000004",
            ],
        ),
        ("published >= @yearStart", &[]),
        ("@year > 2020 && views = 10", &["post00000000001"]),
        ("cats:length = 2", &["post00000000001"]),
        ("cats:length = 0", &["post00000000003"]),
        ("cats ~ 'tech'", &["post00000000001", "post00000000004"]),
        ("cats ?= 'tech'", &[]),
        (
            "cats:each ?= 'tech'",
            &["post00000000001", "post00000000004"],
        ),
        ("cats:each = 'tech'", &["post00000000004"]),
        // "All items" holds vacuously for an empty list, as in PocketBase.
        (
            "cats:each != 'life'",
            &["post00000000001", "post00000000003", "post00000000004"],
        ),
        (
            "tags.label ?= 'Red'",
            &["post00000000001", "post00000000002"],
        ),
        ("tags.label = 'Red'", &["post00000000002"]),
        (
            "tags.label ?~ 'lu'",
            &["post00000000001", "post00000000004"],
        ),
        ("tags:length > 1", &["post00000000001"]),
        (
            "author.name = 'Alice'",
            &["post00000000001", "post00000000004"],
        ),
        (
            "author.role != 'admin' && author != ''",
            &["post00000000002"],
        ),
        ("author.id = 'bob000000000001'", &["post00000000002"]),
        ("author = ''", &["post00000000003"]),
        ("comments_via_post.text ?= 'second'", &["post00000000001"]),
        ("comments_via_post.text = 'third'", &["post00000000002"]),
        (
            "comments_via_post.user.name ?= 'Bob'",
            &["post00000000001", "post00000000002"],
        ),
        ("meta.color = 'red'", &["post00000000001"]),
        ("meta.n.1 = 2", &["post00000000001"]),
        ("meta = null", &["post00000000003", "post00000000004"]),
        ("strftime('%Y', published) = '2024'", &["post00000000001"]),
        (
            "geoDistance(loc.lon, loc.lat, 23.3, 42.7) < 10",
            &["post00000000001"],
        ),
        (
            "views > 5 // comment\n|| views < -1",
            &["post00000000001", "post00000000003"],
        ),
    ];
    let mut failures = Vec::new();
    for (filter, expected) in cases {
        let r = list(&f, "posts", &[("filter", filter), ("sort", "@rowid")], None).await;
        if r.status != 200
            || ids(&r.body) != expected.iter().map(|s| s.to_string()).collect::<Vec<_>>()
        {
            failures.push(format!(
                "{filter:?}: {} {:?} (expected {expected:?}) {}",
                r.status,
                ids(&r.body),
                if r.status == 200 {
                    String::new()
                } else {
                    r.body.to_string()
                }
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing filters:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn client_filter_restrictions() {
    let f = fixture().await;
    let forbidden = [
        ("filter", "@request.auth.id != ''"),
        ("filter", "@collection.tags.label = 'Red'"),
        ("sort", "@request.auth.id"),
    ];
    for (k, v) in forbidden {
        let r = list(&f, "posts", &[(k, v)], Some(&f.alice)).await;
        assert_error(&r, 403);
        assert!(
            r.body["message"]
                .as_str()
                .unwrap_or_default()
                .starts_with("Only superusers can filter by @"),
            "{}",
            r.body
        );
    }
    for bad in [
        "secret = 's1'",
        "nope = 1",
        "title = 'x' && true",
        "title ==",
        "(title = 'x'",
        "author.nope = 1",
        "title:nope = 1",
        "unknown(1) = 1",
    ] {
        let r = list(&f, "posts", &[("filter", bad)], None).await;
        assert_error(&r, 400);
    }
    // Superusers may use hidden fields, @request and @collection.
    let r = list(
        &f,
        "posts",
        &[("filter", "secret = 's1'")],
        Some(&f.s.token),
    )
    .await;
    assert_eq!(ids(&r.body), vec!["post00000000001"]);
    let r = list(
        &f,
        "posts",
        &[(
            "filter",
            "@collection.comments.post ?= id && @collection.comments.text ?= 'third'",
        )],
        Some(&f.s.token),
    )
    .await;
    assert_eq!(ids(&r.body), vec!["post00000000002"]);
    let r = list(
        &f,
        "posts",
        &[("filter", "@collection.comments:c.text = 'first'")],
        Some(&f.s.token),
    )
    .await;
    assert_eq!(
        ids(&r.body),
        Vec::<String>::new(),
        "match-all over the whole collection"
    );
    // Walking into a collection the requester cannot list is refused.
    let r = list(
        &f,
        "comments",
        &[("filter", "post.author.name = 'Alice'")],
        None,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let vault_id = cairn::schema::ids::collection_id("base", "vault");
    let c = f.s.get("/api/collections/comments").await.body;
    let mut fields = c["fields"].as_array().expect("fields").clone();
    fields.push(
        json!({"name": "vault", "type": "relation", "collectionId": vault_id, "maxSelect": 1}),
    );
    f.s.su_patch("/api/collections/comments", json!({"fields": fields}))
        .await;
    assert_error(
        &list(&f, "comments", &[("filter", "vault.code = 'x'")], None).await,
        400,
    );
    assert_eq!(
        list(&f, "comments", &[("filter", "vault.id = ''")], None)
            .await
            .status,
        200,
        "own column, no join"
    );
    // Injection attempts are data.
    let r = list(&f, "posts", &[("filter", "title = \"x' OR 1=1 --\"")], None).await;
    assert_eq!(ids(&r.body), Vec::<String>::new());
    for bad in [
        "title = 1; DROP TABLE posts",
        "title) OR (1=1",
        "id = '' OR 1=1 --",
    ] {
        assert_error(&list(&f, "posts", &[("filter", bad)], None).await, 400);
    }
    assert_eq!(f.s.count_rows("posts"), 4);
}

#[tokio::test]
async fn sort_expand_and_fields() {
    let f = fixture().await;
    let r = list(&f, "posts", &[("sort", "-views,title")], None).await;
    assert_eq!(
        ids(&r.body),
        vec![
            "post00000000001",
            "post00000000004",
            "post00000000002",
            "post00000000003"
        ]
    );
    let r = list(
        &f,
        "posts",
        &[("sort", "author.name,-views"), ("filter", "author != ''")],
        None,
    )
    .await;
    assert_eq!(
        ids(&r.body),
        vec!["post00000000001", "post00000000004", "post00000000002"]
    );
    assert_error(&list(&f, "posts", &[("sort", "nope")], None).await, 400);
    let r = list(
        &f,
        "posts",
        &[("sort", "-@rowid"), ("perPage", "1"), ("skipTotal", "1")],
        None,
    )
    .await;
    assert_eq!(ids(&r.body), vec!["post00000000004"]);

    let r = list(
        &f,
        "posts",
        &[
            ("filter", "id = 'post00000000001'"),
            ("expand", "author,tags,comments_via_post.user,nope"),
        ],
        None,
    )
    .await;
    let item = &r.body["items"][0];
    assert_eq!(item["expand"]["author"]["name"], json!("Alice"));
    assert_eq!(item["expand"]["tags"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        item["expand"]["tags"][0]["id"],
        json!("tagred000000001"),
        "relation order kept"
    );
    assert_eq!(
        item["expand"]["comments_via_post"][0]["expand"]["user"]["name"],
        json!("Bob")
    );
    assert!(item["expand"].get("nope").is_none());
    assert!(
        item["expand"]["author"].get("email").is_some(),
        "alice made her email visible"
    );
    let r = list(
        &f,
        "posts",
        &[
            ("filter", "id = 'post00000000001'"),
            ("expand", "author.nope"),
        ],
        None,
    )
    .await;
    assert!(
        r.body["items"][0].get("expand").is_none(),
        "a branch with an invalid descendant is dropped"
    );

    // View rules of expanded targets apply: posts' viewRule hides drafts from guests.
    let r = list(
        &f,
        "comments",
        &[("filter", "id = 'comment00000003'"), ("expand", "post")],
        None,
    )
    .await;
    // A valid path whose target the guest may not view: `expand` is there, but empty.
    assert_eq!(r.body["items"][0]["expand"], json!({}), "{}", r.body);
    let r = list(
        &f,
        "comments",
        &[("filter", "id = 'comment00000003'"), ("expand", "post")],
        Some(&f.bob),
    )
    .await;
    assert_eq!(
        r.body["items"][0]["expand"]["post"]["id"],
        json!("post00000000002")
    );

    let r = list(
        &f,
        "posts",
        &[
            ("filter", "id = 'post00000000001'"),
            ("expand", "author"),
            ("fields", "id,expand.author.name,title:excerpt(5,true)"),
        ],
        None,
    )
    .await;
    assert_eq!(
        r.body["items"][0],
        json!({"id": "post00000000001", "title": "Hello...", "expand": {"author": {"name": "Alice"}}})
    );
    let r =
        f.s.guest_get(
            "/api/collections/posts/records/post00000000001?expand=tags&fields=*,expand.tags.label",
        )
        .await;
    assert_eq!(
        r.body["expand"]["tags"],
        json!([{"label": "Red"}, {"label": "Blue"}])
    );
}

#[tokio::test]
async fn rule_outcomes() {
    let f = fixture().await;
    // viewRule: published, or the author.
    assert_eq!(
        f.s.guest_get("/api/collections/posts/records/post00000000001")
            .await
            .status,
        200
    );
    assert_error(
        &f.s.guest_get("/api/collections/posts/records/post00000000002")
            .await,
        404,
    );
    let r =
        f.s.send(
            reqwest::Method::GET,
            "/api/collections/posts/records/post00000000002",
            None,
            Some(&f.bob),
        )
        .await;
    assert_eq!(r.status, 200);
    let r =
        f.s.send(
            reqwest::Method::GET,
            "/api/collections/posts/records/post00000000002",
            None,
            Some(&f.alice),
        )
        .await;
    assert_error(&r, 404);

    // createRule: signed in and claiming to be the author.
    let body = json!({"title": "new", "author": "alice0000000001"});
    let r =
        f.s.post("/api/collections/posts/records", body.clone(), None)
            .await;
    assert_eq!(assert_error(&r, 400), &json!({}));
    let r =
        f.s.post("/api/collections/posts/records", body.clone(), Some(&f.bob))
            .await;
    assert_error(&r, 400);
    let r =
        f.s.post("/api/collections/posts/records", body, Some(&f.alice))
            .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let new_id = r.body["id"].as_str().expect("id").to_string();

    // updateRule: author only, and may not send `author`.
    let path = format!("/api/collections/posts/records/{new_id}");
    assert_error(
        &f.s.send(
            reqwest::Method::PATCH,
            &path,
            Some(json!({"title": "x"})),
            Some(&f.bob),
        )
        .await,
        404,
    );
    assert_error(
        &f.s.send(
            reqwest::Method::PATCH,
            &path,
            Some(json!({"title": "x", "author": "alice0000000001"})),
            Some(&f.alice),
        )
        .await,
        404,
    );
    let r =
        f.s.send(
            reqwest::Method::PATCH,
            &path,
            Some(json!({"title": "edited"})),
            Some(&f.alice),
        )
        .await;
    assert_eq!(r.body["title"], json!("edited"));

    // deleteRule: author, and no comments point at it (@collection join).
    assert_error(
        &f.s.send(
            reqwest::Method::DELETE,
            "/api/collections/posts/records/post00000000001",
            None,
            Some(&f.alice),
        )
        .await,
        404,
    );
    assert_eq!(
        f.s.send(reqwest::Method::DELETE, &path, None, Some(&f.alice))
            .await
            .status,
        204
    );
    assert_eq!(
        f.s.send(
            reqwest::Method::DELETE,
            "/api/collections/posts/records/post00000000004",
            None,
            Some(&f.alice)
        )
        .await
        .status,
        204
    );

    // listRule with @request.auth: users only see themselves.
    f.s.su_patch(
        "/api/collections/comments",
        json!({"listRule": "user = @request.auth.id || @request.auth.role = 'admin'"}),
    )
    .await;
    assert_eq!(
        ids(&list(&f, "comments", &[], Some(&f.bob)).await.body),
        vec!["comment00000001", "comment00000003"]
    );
    assert_eq!(
        ids(&list(&f, "comments", &[], Some(&f.alice)).await.body).len(),
        3
    );
    assert_eq!(ids(&list(&f, "comments", &[], None).await.body).len(), 0);
    // :changed on update.
    f.s.su_patch(
        "/api/collections/comments",
        json!({"updateRule": "@request.body.text:changed = false"}),
    )
    .await;
    let r =
        f.s.send(
            reqwest::Method::PATCH,
            "/api/collections/comments/records/comment00000001",
            Some(json!({"text": "first"})),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "unchanged value passes: {}", r.body);
    let r =
        f.s.send(
            reqwest::Method::PATCH,
            "/api/collections/comments/records/comment00000001",
            Some(json!({"text": "other"})),
            None,
        )
        .await;
    assert_error(&r, 404);
}

#[tokio::test]
async fn batch_runs_in_one_transaction() {
    let f = fixture().await;
    let batch = |body: Value| {
        f.s.send(reqwest::Method::POST, "/api/batch", Some(body), None)
    };
    let r = batch(json!({"requests": [{"method": "POST", "url": "/api/collections/tags/records", "body": {"label": "x"}}]})).await;
    assert_error(&r, 403);
    assert_eq!(r.body["message"], json!("Batch requests are not allowed."));
    f.s.su_patch(
        "/api/settings",
        json!({"batch": {"enabled": true, "maxRequests": 3}}),
    )
    .await;
    f.s.su_patch(
        "/api/collections/tags",
        json!({"createRule": "", "updateRule": "", "deleteRule": "label != 'Red'"}),
    )
    .await;
    let r = batch(json!({"requests": []})).await;
    assert_eq!(
        assert_error(&r, 400)["requests"]["code"],
        json!("validation_required")
    );
    let one = json!({"method": "POST", "url": "/api/collections/tags/records", "body": {}});
    let four = json!({"requests": [one.clone(), one.clone(), one.clone(), one]});
    assert_eq!(
        assert_error(&batch(four).await, 400)["requests"]["code"],
        json!("validation_length_too_long")
    );
    let r = batch(json!({"requests": [
        {"method": "POST", "url": "/api/collections/tags/records?fields=id,label", "body": {"id": "tagnew000000001", "label": "New"}},
        {"method": "PUT", "url": "/api/collections/tags/records", "body": {"id": "tagnew000000001", "label": "Newer"}},
        {"method": "DELETE", "url": "/api/collections/tags/records/tagblue00000001"}]}))
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.body[0],
        json!({"body": {"id": "tagnew000000001", "label": "New"}, "status": 200})
    );
    assert_eq!(
        r.body[1]["body"]["label"],
        json!("Newer"),
        "later requests see earlier writes"
    );
    assert_eq!(r.body[2], json!({"body": null, "status": 204}));
    // A failing request rolls back the whole batch and reports its index and response.
    let r = batch(json!({"requests": [
        {"method": "POST", "url": "/api/collections/tags/records", "body": {"label": "rolled back"}},
        {"method": "DELETE", "url": "/api/collections/tags/records/tagred000000001"}]}))
    .await;
    let data = assert_error(&r, 400);
    assert_eq!(r.body["message"], json!("Batch transaction failed."));
    assert_eq!(data["requests"]["1"]["code"], json!("batch_request_failed"));
    assert_eq!(data["requests"]["1"]["response"]["status"], json!(404));
    let labels = list(&f, "tags", &[("sort", "label")], None).await;
    let labels: Vec<&str> = labels.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert_eq!(labels, vec!["Newer", "Red"]);
    // Multipart form with @jsonPayload, as the official SDK sends it.
    let payload = json!({"requests": [{"method": "POST", "url": "/api/collections/tags/records", "body": {"label": "Form"}}]});
    let form = reqwest::multipart::Form::new().text("@jsonPayload", payload.to_string());
    let r = TestServer::finish(
        f.s.client
            .post(format!("{}/api/batch", f.s.base))
            .multipart(form),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = batch(json!({"requests": [{"method": "GET", "url": "/api/collections/tags/records"}]}))
        .await;
    assert_error(&r, 400);
}

#[tokio::test]
async fn filters_use_indexes() {
    let f = fixture().await;
    let snapshot = f.s.app.core.schema.load();
    let posts = snapshot.find("posts").expect("posts");
    let info = cairn::records::resolver::RequestInfo::default();
    let mut b = cairn::records::rules::PlanBuilder::new(&snapshot, posts.clone(), &info);
    b.client(Some("views > 5"), Some("-views"), true)
        .expect("compiles");
    let sql = cairn::records::read::select_sql(&posts, &b.finish(), 20, 0);
    let conn = rusqlite::Connection::open_with_flags(
        f.s.db_path(),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .expect("db");
    let mut stmt = conn
        .prepare(&format!("EXPLAIN QUERY PLAN {}", sql.text))
        .expect("explain");
    let params: Vec<rusqlite::types::Value> = sql
        .values
        .iter()
        .map(|v| match v.clone() {
            sea_query::Value::Double(Some(d)) => rusqlite::types::Value::Real(d),
            sea_query::Value::BigInt(Some(i)) => rusqlite::types::Value::Integer(i),
            sea_query::Value::String(Some(s)) => rusqlite::types::Value::Text(s),
            _ => rusqlite::types::Value::Null,
        })
        .collect();
    let plan: Vec<String> = stmt
        .query_map(rusqlite::params_from_iter(params), |row| {
            row.get::<_, String>(3)
        })
        .expect("query")
        .filter_map(Result::ok)
        .collect();
    assert!(
        plan.iter().any(|p| p.contains("idx_posts_views")),
        "{plan:?}"
    );
}
