//! Failure paths of file writes, checked on the real disk: a rejected write (validation, create
//! rule, hook, unique index at write time, a failed batch) leaves no stored file and keeps the
//! old ones; deleted records (directly, by cascade, by truncate, in a batch) lose their files
//! only once the delete commits.

mod common;
mod files_support;

use cairn::hooks::Hooks;
use common::TestServer;
use files_support::*;
use serde_json::{Value, json};

fn failing_hooks() -> Hooks {
    let hooks = Hooks::default();
    hooks.on_record_create.add(0, |e, next| async move {
        if e.record.get_str("title") == "hook says no" {
            return Err(cairn::ApiError::bad_request("Refused by a hook."));
        }
        next.run(e).await
    });
    hooks
}

async fn unique_docs(s: &TestServer) {
    s.create_collection(json!({
        "name": "docs", "type": "base",
        "listRule": "", "viewRule": "", "createRule": "title != 'forbidden'", "updateRule": "",
        "deleteRule": "",
        "fields": [
            {"name": "title", "type": "text"},
            {"name": "doc", "type": "file", "maxSelect": 1, "maxSize": 100},
        ],
        "indexes": ["CREATE UNIQUE INDEX idx_docs_title ON docs (title)"],
    }))
    .await;
}

#[tokio::test]
async fn rejected_writes_leave_no_file_behind() {
    let s = TestServer::start_with_hooks(failing_hooks()).await;
    unique_docs(&s).await;
    let r = create(
        &s,
        "docs",
        vec![text("title", "taken"), file("doc", "first.txt", "1")],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let id = r.body["id"].as_str().expect("id").to_string();
    let first = r.body["doc"].as_str().expect("doc").to_string();
    let baseline = stored(&s);
    assert_eq!(baseline.len(), 1);

    let path = "/api/collections/docs/records";
    for (why, parts, token) in [
        (
            "validation",
            vec![text("title", "v"), file("doc", "big.txt", vec![b'x'; 200])],
            true,
        ),
        (
            "create rule",
            vec![text("title", "forbidden"), file("doc", "r.txt", "r")],
            false,
        ),
        (
            "hook",
            vec![text("title", "hook says no"), file("doc", "h.txt", "h")],
            true,
        ),
        (
            "unique index",
            vec![text("title", "taken"), file("doc", "u.txt", "u")],
            true,
        ),
    ] {
        let token = token.then_some(s.token.as_str());
        let r = multipart(&s, reqwest::Method::POST, path, parts, token).await;
        assert_eq!(r.status, 400, "{why}: {}", r.body);
        assert_eq!(stored(&s), baseline, "{why}");
    }
    assert_eq!(s.count_rows("docs"), 1);

    // A failed update keeps the old file and stores nothing new.
    let r = create(
        &s,
        "docs",
        vec![text("title", "other"), file("doc", "other.txt", "o")],
    )
    .await;
    let other = r.body["id"].as_str().expect("id").to_string();
    let baseline = stored(&s);
    let r = update(
        &s,
        "docs",
        &other,
        vec![text("title", "taken"), file("doc", "n.txt", "n")],
    )
    .await;
    assert_eq!(r.status, 400, "unique on update: {}", r.body);
    let r = update(
        &s,
        "docs",
        &other,
        vec![file("doc", "n.txt", vec![b'x'; 200])],
    )
    .await;
    assert_eq!(r.status, 400, "size on update: {}", r.body);
    assert_eq!(stored(&s), baseline);
    let (status, _, body) = fetch(&s, &format!("/api/files/docs/{id}/{first}"), &[]).await;
    assert_eq!((status, body.as_slice()), (200, b"1".as_slice()));
    s.stop().await;
}

/// A multipart batch: one `@jsonPayload` with the requests, files as `requests.N.field`.
async fn batch(s: &TestServer, requests: Value, files: Vec<Part>) -> common::Resp {
    let mut parts = vec![Part::Text(
        "@jsonPayload",
        json!({"requests": requests}).to_string(),
    )];
    parts.extend(files);
    multipart(
        s,
        reqwest::Method::POST,
        "/api/batch",
        parts,
        Some(&s.token),
    )
    .await
}

#[tokio::test]
async fn batches_store_files_only_when_they_commit() {
    let s = TestServer::start().await;
    unique_docs(&s).await;
    enable_batch(&s).await;
    let create_req = |title: &str| json!({"method": "POST", "url": "/api/collections/docs/records", "body": {"title": title}});

    let r = batch(
        &s,
        json!([create_req("a"), create_req("b")]),
        vec![
            file("requests.0.doc", "a.txt", "A"),
            file("requests[1].doc", "b.txt", "B"),
        ],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let a = r.body[0]["body"].clone();
    assert!(a["doc"].as_str().is_some_and(|n| n.starts_with('a')));
    assert_eq!(stored(&s).len(), 2);
    let baseline = stored(&s);

    // The second request fails at write time (unique title): the first one's file goes too.
    let r = batch(
        &s,
        json!([create_req("c"), create_req("a")]),
        vec![
            file("requests.0.doc", "c.txt", "C"),
            file("requests.1.doc", "d.txt", "D"),
        ],
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(
        r.body["data"]["requests"]["1"]["code"],
        "batch_request_failed"
    );
    assert_eq!(stored(&s), baseline);

    // A replacement and a delete in a batch that fails: the old files stay.
    let a_id = a["id"].as_str().expect("id");
    let b_id = r_id(&s, "b").await;
    let replace = json!({"method": "PATCH", "url": format!("/api/collections/docs/records/{a_id}"), "body": {}});
    let delete =
        json!({"method": "DELETE", "url": format!("/api/collections/docs/records/{b_id}")});
    let r = batch(
        &s,
        json!([replace, delete, create_req("a")]),
        vec![file("requests.0.doc", "new.txt", "N")],
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(stored(&s), baseline);

    // The same without the failing request: the replaced and deleted files go after commit.
    let r = batch(
        &s,
        json!([replace, delete]),
        vec![file("requests.0.doc", "new.txt", "N")],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let now = stored(&s);
    assert_eq!(now.len(), 1, "{now:?}");
    assert!(now[0].to_string_lossy().contains("new_"));
    s.stop().await;
}

async fn r_id(s: &TestServer, title: &str) -> String {
    let r = s
        .get(&format!(
            "/api/collections/docs/records?filter=(title='{title}')"
        ))
        .await;
    r.body["items"][0]["id"].as_str().expect("id").to_string()
}

#[tokio::test]
async fn deleted_records_lose_their_files() {
    let s = TestServer::start().await;
    let owners = collection(&s, "owners", json!([{"name": "pic", "type": "file"}])).await;
    let atts = collection(
        &s,
        "atts",
        json!([
            {"name": "doc", "type": "file"},
            {"name": "owner", "type": "relation", "collectionId": owners["id"], "cascadeDelete": true, "maxSelect": 1},
        ]),
    )
    .await;
    let (oid, aid) = (
        owners["id"].as_str().expect("id"),
        atts["id"].as_str().expect("id"),
    );
    let owner = create(&s, "owners", vec![file("pic", "owner.txt", "o")]).await;
    let owner_id = owner.body["id"].as_str().expect("id").to_string();
    let att = create(
        &s,
        "atts",
        vec![text("owner", owner_id.clone()), file("doc", "att.txt", "a")],
    )
    .await;
    assert_eq!(att.status, 200, "{}", att.body);
    let att_id = att.body["id"].as_str().expect("id").to_string();
    assert_eq!(stored(&s).len(), 2);

    // The owner's delete cascades to the attachment: both records' folders are gone.
    let r = s
        .su_delete(&format!("/api/collections/owners/records/{owner_id}"))
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert!(!storage(&s).join(oid).join(&owner_id).exists());
    assert!(!storage(&s).join(aid).join(&att_id).exists());
    assert!(stored(&s).is_empty(), "{:?}", stored(&s));

    // Truncate removes the collection's files.
    for i in 0..3 {
        let r = create(&s, "atts", vec![file("doc", format!("t{i}.txt"), "t")]).await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
    assert_eq!(stored(&s).len(), 3);
    let r = s.su_delete("/api/collections/atts/truncate").await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert!(stored(&s).is_empty(), "{:?}", stored(&s));
    s.stop().await;
}
