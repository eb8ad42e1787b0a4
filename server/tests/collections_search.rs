//! `GET /api/collections` with `filter`, `sort`, `page`, `perPage`, `skipTotal` and `fields`:
//! table-driven scenarios over a real server with a seeded schema. PocketBase 0.40 filters
//! collections by `id`, `created`, `updated`, `name`, `system` and `type` only; anything else
//! is its 400 (checked against the real PocketBase in `tests/differential`).

mod common;

use common::{TestServer, assert_error};
use serde_json::{Value, json};

/// base `posts`, auth `members`, view `post_stats`, next to the six default collections.
async fn seeded() -> TestServer {
    let s = TestServer::start().await;
    s.create_collection(json!({
        "name": "posts", "type": "base",
        "fields": [{"name": "title", "type": "text"}, {"name": "views", "type": "number"}]
    }))
    .await;
    s.create_collection(json!({"name": "members", "type": "auth"}))
        .await;
    s.create_collection(json!({
        "name": "post_stats", "type": "view", "listRule": "",
        "viewQuery": "SELECT id, title FROM posts"
    }))
    .await;
    s
}

/// As the superuser, with the query pairs URL-encoded.
async fn list(s: &TestServer, query: &[(&str, &str)]) -> common::Resp {
    let rb = s
        .client
        .get(format!("{}/api/collections", s.base))
        .header("Authorization", &s.token)
        .query(query);
    TestServer::finish(rb).await
}

fn names(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|c| c["name"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn filters_and_sorts_over_collection_fields() {
    let s = seeded().await;
    let posts_id = s.get("/api/collections/posts").await.body["id"]
        .as_str()
        .expect("posts id")
        .to_string();
    let by_id = format!("id = '{posts_id}'");
    let system = [
        "_authOrigins",
        "_externalAuths",
        "_mfas",
        "_otps",
        "_superusers",
    ];
    // (filter, sort, expected names in order)
    let cases: Vec<(&str, &str, Vec<&str>)> = vec![
        ("name = 'posts'", "", vec!["posts"]),
        ("name ~ 'post'", "name", vec!["post_stats", "posts"]),
        ("name ~ 'POST'", "-name", vec!["posts", "post_stats"]),
        ("system = true", "name", system.to_vec()),
        (
            "type = 'auth' && system = false",
            "-name",
            vec!["users", "members"],
        ),
        (
            "(type = 'view' || type = 'auth') && name != 'users'",
            "name",
            vec!["_superusers", "members", "post_stats"],
        ),
        (&by_id, "", vec!["posts"]),
        (
            "name !~ '_' && system = false",
            "type,name",
            vec!["members", "users", "posts"],
        ),
        (
            "created > '2000-01-01' && type = 'view'",
            "",
            vec!["post_stats"],
        ),
        ("created > @now", "", vec![]),
        ("name ?= 'members'", "", vec!["members"]),
        ("name = null", "", vec![]),
    ];
    for (filter, sort, expected) in cases {
        let r = list(
            &s,
            &[("filter", filter), ("sort", sort), ("perPage", "100")],
        )
        .await;
        assert_eq!(r.status, 200, "{filter} / {sort}: {}", r.body);
        assert_eq!(names(&r.body), expected, "{filter} / {sort}");
        assert_eq!(
            r.body["totalItems"],
            json!(expected.len()),
            "{filter} / {sort}"
        );
    }
    s.stop().await;
}

#[tokio::test]
async fn pages_totals_and_fields() {
    let s = seeded().await;
    let all = list(&s, &[("sort", "name"), ("perPage", "100")]).await;
    let everything = names(&all.body);
    assert_eq!(everything.len(), 9, "{everything:?}");

    let page2 = list(&s, &[("sort", "name"), ("perPage", "4"), ("page", "2")]).await;
    assert_eq!(names(&page2.body), everything[4..8].to_vec());
    assert_eq!(page2.body["page"], json!(2));
    assert_eq!(page2.body["perPage"], json!(4));
    assert_eq!(page2.body["totalItems"], json!(9));
    assert_eq!(page2.body["totalPages"], json!(3));

    let skipped = list(
        &s,
        &[
            ("filter", "system = false"),
            ("skipTotal", "1"),
            ("perPage", "2"),
            ("sort", "-created,name"),
        ],
    )
    .await;
    assert_eq!(skipped.status, 200, "{}", skipped.body);
    assert_eq!(skipped.body["totalItems"], json!(-1));
    assert_eq!(skipped.body["totalPages"], json!(-1));
    assert_eq!(names(&skipped.body).len(), 2);

    let picked = list(
        &s,
        &[("filter", "name = 'members'"), ("fields", "name,type")],
    )
    .await;
    assert_eq!(
        picked.body["items"],
        json!([{"name": "members", "type": "auth"}])
    );

    // Without a sort the rows come in table order, which is `@rowid` order.
    let unsorted = list(&s, &[("perPage", "100")]).await;
    let by_rowid = list(&s, &[("perPage", "100"), ("sort", "@rowid")]).await;
    assert_eq!(names(&unsorted.body), names(&by_rowid.body));
    assert_eq!(
        names(&unsorted.body).last().map(String::as_str),
        Some("post_stats")
    );
    let random = list(&s, &[("perPage", "100"), ("sort", "@random")]).await;
    let mut shuffled = names(&random.body);
    shuffled.sort();
    assert_eq!(shuffled, everything);
    s.stop().await;
}

#[tokio::test]
async fn unknown_fields_and_bad_syntax_are_400() {
    let s = seeded().await;
    let bad: &[(&str, &str)] = &[
        ("filter", "listRule = ''"),
        ("filter", "viewQuery ~ 'posts'"),
        ("filter", "fields ~ 'title'"),
        ("filter", "name.x = 1"),
        ("filter", "name:lower = 'posts'"),
        ("filter", "@request.auth.id = ''"),
        ("filter", "@collection.posts.title = 'x'"),
        ("filter", "name ="),
        ("filter", "name = 'a' &&"),
        ("sort", "listRule"),
        ("sort", "name,"),
        ("sort", "-"),
        ("sort", "a,b,c,d,e,f,g,h,i"),
        ("page", "x"),
        ("skipTotal", "maybe"),
    ];
    for (key, value) in bad {
        let r = list(&s, &[(key, value)]).await;
        let data = assert_error(&r, 400);
        assert_eq!(data, &json!({}), "{key}={value}");
    }
    // The filter does not open the endpoint to anyone but superusers.
    let guest = TestServer::finish(
        s.client
            .get(format!("{}/api/collections", s.base))
            .query(&[("filter", "name = 'posts'")]),
    )
    .await;
    assert_error(&guest, 401);
    s.stop().await;
}
