//! The read cache (rows and list totals reused until the next commit) never shows what a
//! committed write changed: every kind of write is followed by reads that must see it, while
//! other clients keep filling the cache with reads racing those writes.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use common::*;
use serde_json::{Value, json};

/// Creates the public `items` collection and returns its id.
async fn items_collection(s: &TestServer) -> String {
    let c = s
        .create_collection(json!({
            "name": "items", "type": "base",
            "listRule": "", "viewRule": "", "createRule": "", "updateRule": "", "deleteRule": "",
            "fields": [
                {"name": "title", "type": "text"},
                {"name": "score", "type": "number"},
            ],
        }))
        .await;
    c["id"].as_str().expect("collection id").to_string()
}

async fn total(s: &TestServer, filter: &str) -> i64 {
    let r = s
        .guest_get(&format!(
            "/api/collections/items/records?perPage=5&filter={}",
            urlencode(filter)
        ))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body["totalItems"].as_i64().expect("totalItems")
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn create(s: &TestServer, body: Value) -> String {
    create_in(s, "items", body).await
}

/// Creates a record as a guest and returns its id.
async fn create_in(s: &TestServer, collection: &str, body: Value) -> String {
    let r = s
        .post(
            &format!("/api/collections/{collection}/records"),
            body,
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body["id"].as_str().expect("id").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_read_after_a_write_sees_it_while_other_clients_race_the_cache() {
    let s = Arc::new(TestServer::start().await);
    items_collection(&s).await;
    let id = create(&s, json!({"title": "counter", "score": 0})).await;

    // Background readers keep filling the cache with views, pages and totals, so that some
    // of their reads land while a write commits.
    let stop = Arc::new(AtomicBool::new(false));
    let reads = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..3 {
        let (s, stop, reads, id) = (s.clone(), stop.clone(), reads.clone(), id.clone());
        tasks.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let view = s
                    .guest_get(&format!("/api/collections/items/records/{id}"))
                    .await;
                assert_eq!(view.status, 200);
                total(&s, "score >= 0").await;
                reads.fetch_add(2, Ordering::Relaxed);
            }
        }));
    }

    let mut expected_total = 1;
    for i in 1..=150 {
        let r = s
            .send(
                reqwest::Method::PATCH,
                &format!("/api/collections/items/records/{id}"),
                Some(json!({"score": i})),
                None,
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let view = s
            .guest_get(&format!("/api/collections/items/records/{id}"))
            .await;
        assert_eq!(view.body["score"], json!(i), "view after update {i}");
        assert_eq!(
            total(&s, &format!("score = {i}")).await,
            1,
            "total after update {i}"
        );
        if i % 10 == 0 {
            create(&s, json!({"title": "more", "score": 1000 + i})).await;
            expected_total += 1;
            assert_eq!(total(&s, "score >= 0").await, expected_total);
        }
    }
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        t.await.expect("reader task");
    }
    assert!(
        reads.load(Ordering::Relaxed) > 100,
        "the readers ran alongside"
    );
}

#[tokio::test]
async fn batches_deletes_cascades_truncates_and_schema_changes_are_seen() {
    let s = TestServer::start().await;
    let items_id = items_collection(&s).await;
    let a = create(&s, json!({"title": "a", "score": 1})).await;
    assert_eq!(total(&s, "score > 0").await, 1);
    let view_a = format!("/api/collections/items/records/{a}");
    assert_eq!(s.guest_get(&view_a).await.body["title"], json!("a"));

    // A committed batch.
    s.su_patch("/api/settings", json!({"batch": {"enabled": true}}))
        .await;
    let create_req = |title: &str| {
        json!({"method": "POST", "url": "/api/collections/items/records",
               "body": {"title": title, "score": 2}})
    };
    let r = s
        .post(
            "/api/batch",
            json!({"requests": [create_req("b"), create_req("c")]}),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(total(&s, "score > 0").await, 3);

    // A batch that fails half-way commits nothing, and reads still show the committed state.
    let r = s
        .post(
            "/api/batch",
            json!({"requests": [
                {"method": "PATCH", "url": format!("/api/collections/items/records/{a}"), "body": {"title": "changed"}},
                {"method": "POST", "url": "/api/collections/missing/records", "body": {}},
            ]}),
            None,
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(s.guest_get(&view_a).await.body["title"], json!("a"));

    // A schema change: the new field appears on the cached record.
    let r = s
        .su_patch(
            "/api/collections/items",
            json!({"fields": [
                {"name": "title", "type": "text"},
                {"name": "score", "type": "number"},
                {"name": "note", "type": "text"},
            ]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(s.guest_get(&view_a).await.body["note"], json!(""));

    // A relation with cascade delete: deleting the parent removes the child.
    s.create_collection(json!({
        "name": "children", "type": "base", "listRule": "", "viewRule": "", "createRule": "",
        "fields": [{"name": "parent", "type": "relation", "collectionId": items_id,
                    "maxSelect": 1, "cascadeDelete": true}],
    }))
    .await;
    let child = format!(
        "/api/collections/children/records/{}",
        create_in(&s, "children", json!({"parent": a})).await
    );
    assert_eq!(s.guest_get(&child).await.status, 200);
    assert_eq!(s.su_delete(&view_a).await.status, 204);
    assert_eq!(s.guest_get(&view_a).await.status, 404);
    assert_eq!(s.guest_get(&child).await.status, 404);
    assert_eq!(total(&s, "score > 0").await, 2);

    // Truncate.
    assert_eq!(
        s.su_delete("/api/collections/items/truncate").await.status,
        204
    );
    assert_eq!(total(&s, "score > 0").await, 0);
    s.stop().await;
}

#[tokio::test]
async fn random_sorts_are_never_served_from_the_cache() {
    let s = TestServer::start().await;
    items_collection(&s).await;
    for i in 0..30 {
        create(&s, json!({"title": format!("t{i}"), "score": i})).await;
    }
    let mut orders = std::collections::HashSet::new();
    for _ in 0..6 {
        let r = s
            .guest_get("/api/collections/items/records?perPage=30&sort=@random&fields=id")
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        orders.insert(r.body["items"].to_string());
    }
    assert!(
        orders.len() > 1,
        "six random orders of 30 records were all the same"
    );
    s.stop().await;
}

#[tokio::test]
async fn rules_that_depend_on_the_requester_give_each_requester_their_own_rows() {
    let s = TestServer::start().await;
    s.su_patch("/api/collections/users", json!({"createRule": ""}))
        .await;
    let tokens = [
        s.signup_and_login("ann@example.com").await,
        s.signup_and_login("bob@example.com").await,
    ];
    s.create_collection(json!({
        "name": "notes", "type": "base",
        "listRule": "owner = @request.auth.id", "viewRule": "owner = @request.auth.id",
        "fields": [{"name": "owner", "type": "relation", "collectionId": "_pb_users_auth_", "maxSelect": 1}],
    }))
    .await;
    let note = s
        .su_post(
            "/api/collections/notes/records",
            json!({"owner": tokens[0].0}),
        )
        .await;
    let view = format!(
        "/api/collections/notes/records/{}",
        note.body["id"].as_str().expect("id")
    );
    for _ in 0..2 {
        let ann = s
            .send(reqwest::Method::GET, &view, None, Some(&tokens[0].1))
            .await;
        assert_eq!(ann.status, 200);
        let bob = s
            .send(reqwest::Method::GET, &view, None, Some(&tokens[1].1))
            .await;
        assert_eq!(bob.status, 404);
        let guest = s.guest_get(&view).await;
        assert_eq!(guest.status, 404);
        for (i, (_, token)) in tokens.iter().enumerate() {
            let list = s
                .send(
                    reqwest::Method::GET,
                    "/api/collections/notes/records",
                    None,
                    Some(token),
                )
                .await;
            assert_eq!(list.body["totalItems"], json!(if i == 0 { 1 } else { 0 }));
        }
    }
    s.stop().await;
}

#[tokio::test]
async fn expansions_are_per_requester_and_follow_writes() {
    let s = TestServer::start().await;
    s.su_patch("/api/collections/users", json!({"createRule": ""}))
        .await;
    let (ann, ann_token) = s.signup_and_login("ann@example.com").await;
    let (_, bob_token) = s.signup_and_login("bob@example.com").await;
    s.create_collection(json!({
        "name": "notes", "type": "base", "listRule": "", "viewRule": "", "createRule": "",
        "fields": [{"name": "owner", "type": "relation", "collectionId": "_pb_users_auth_", "maxSelect": 1}],
    }))
    .await;
    create_in(&s, "notes", json!({"owner": ann})).await;
    let list = "/api/collections/notes/records?expand=owner";
    let expanded = |r: &Resp| r.body["items"][0]["expand"].clone();

    // users' view rule is `id = @request.auth.id`: only Ann sees her record expanded, and each
    // requester keeps getting their own answer once the statements are cached.
    for _ in 0..3 {
        let mine = s
            .send(reqwest::Method::GET, list, None, Some(&ann_token))
            .await;
        assert_eq!(expanded(&mine)["owner"]["id"], json!(ann), "{}", mine.body);
        let theirs = s
            .send(reqwest::Method::GET, list, None, Some(&bob_token))
            .await;
        assert_eq!(expanded(&theirs), json!({}), "{}", theirs.body);
        assert_eq!(expanded(&s.guest_get(list).await), json!({}));
    }

    // A write to the expanded record shows in the next expansion, forward and back.
    let user = format!("/api/collections/users/records/{ann}");
    for name in ["Ann", "Annie"] {
        let r = s
            .send(
                reqwest::Method::PATCH,
                &user,
                Some(json!({"name": name})),
                Some(&ann_token),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let mine = s
            .send(reqwest::Method::GET, list, None, Some(&ann_token))
            .await;
        assert_eq!(expanded(&mine)["owner"]["name"], json!(name));
    }
    let back = format!("{user}?expand=notes_via_owner");
    for n in 1..=3 {
        let me = s
            .send(reqwest::Method::GET, &back, None, Some(&ann_token))
            .await;
        let notes = me.body["expand"]["notes_via_owner"]
            .as_array()
            .map_or(0, Vec::len);
        assert_eq!(notes, n, "{}", me.body);
        create_in(&s, "notes", json!({"owner": ann})).await;
    }
    s.stop().await;
}
