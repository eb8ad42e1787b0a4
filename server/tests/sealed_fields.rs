//! Sealed fields and the in-transaction record hook through a real server on a real SQLite
//! file: a sealed value never comes back (not to the owner, not to a superuser, not in expand,
//! realtime or a filter), is not in any file under the data dir, opens for server code, keeps
//! its value across updates that leave it out; a transaction hook writes with the record and a
//! job it queues exists exactly when the write commits.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use cairn::Extensions;
use cairn::hooks::tx::TxAction;
use cairn::jobs::JobOptions;
use common::{TestServer, assert_error};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

const SECRET: &str = "sk-test-SEALED-0123456789-T123";

async fn setup(s: &TestServer) {
    let keys = s
        .create_collection(json!({
            "name": "keys", "type": "base",
            "listRule": "", "viewRule": "", "createRule": "", "updateRule": "",
            "fields": [
                {"name": "label", "type": "text"},
                {"name": "api_key", "type": "text", "sealed": true, "min": 4}
            ]
        }))
        .await;
    s.create_collection(json!({
        "name": "uses", "type": "base", "listRule": "", "viewRule": "",
        "fields": [{"name": "key", "type": "relation", "collectionId": keys["id"], "maxSelect": 1}]
    }))
    .await;
}

fn files_contain(dir: &std::path::Path, needle: &[u8]) -> Vec<String> {
    let mut hits = Vec::new();
    for entry in walk(dir) {
        if let Ok(bytes) = std::fs::read(&entry)
            && bytes.windows(needle.len()).any(|w| w == needle)
        {
            hits.push(entry.display().to_string());
        }
    }
    hits
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[tokio::test]
async fn a_sealed_field_is_write_only_and_encrypted_at_rest() {
    let s = TestServer::start().await;
    setup(&s).await;
    // The collection shows the option; the field is hidden as well.
    let c = s.get("/api/collections/keys").await;
    let field = &c.body["fields"][2];
    assert_eq!(field["sealed"], true, "{}", c.body);
    assert_eq!(field["hidden"], true);
    assert!(
        c.body["fields"][1].get("sealed").is_none(),
        "unsealed fields keep PocketBase's JSON shape"
    );

    let created = s
        .post(
            "/api/collections/keys/records",
            json!({"label": "main", "api_key": SECRET}),
            None,
        )
        .await;
    assert_eq!(created.status, 200, "{}", created.body);
    assert!(created.body.get("api_key").is_none(), "{}", created.body);
    let id = created.body["id"].as_str().expect("id").to_string();

    // Validation runs on the plaintext.
    let short = s
        .post(
            "/api/collections/keys/records",
            json!({"api_key": "ab"}),
            None,
        )
        .await;
    let e = assert_error(&short, 400);
    assert_eq!(e["api_key"]["code"], "validation_min_text_constraint");

    // Not for a superuser, not in lists, not through expand.
    let one = s.get(&format!("/api/collections/keys/records/{id}")).await;
    assert!(one.body.get("api_key").is_none(), "{}", one.body);
    s.post(
        "/api/collections/uses/records",
        json!({"key": id}),
        Some(&s.token),
    )
    .await;
    let listed = s.get("/api/collections/uses/records?expand=key").await;
    let text = listed.body.to_string();
    assert!(text.contains("\"label\":\"main\""), "{text}");
    assert!(
        !text.contains("api_key") && !text.contains(SECRET),
        "{text}"
    );
    let keys = s
        .get("/api/collections/keys/records")
        .await
        .body
        .to_string();
    assert!(!keys.contains("api_key"), "{keys}");

    // Not filterable, not even by a superuser (it would tell whether a secret is set).
    let f = s
        .get("/api/collections/keys/records?filter=api_key%3D%27x%27")
        .await;
    assert_error(&f, 400);

    // Server code opens it; the table holds only ciphertext.
    let core = s.app.core.clone();
    let record = cairn::records::server::find(&core, "keys", &id)
        .await
        .expect("read")
        .expect("record");
    assert_eq!(
        cairn::records::sealed::open(&core.settings.sealer, &record, "api_key")
            .expect("opens")
            .as_deref(),
        Some(SECRET)
    );
    assert!(record.get_str("api_key").starts_with("sealed:v1:"));

    // An update without it keeps it; one with it replaces it.
    let upd = s
        .send(
            reqwest::Method::PATCH,
            &format!("/api/collections/keys/records/{id}"),
            Some(json!({"label": "renamed"})),
            None,
        )
        .await;
    assert_eq!(upd.status, 200, "{}", upd.body);
    let record = cairn::records::server::find(&core, "keys", &id)
        .await
        .expect("read")
        .expect("record");
    assert_eq!(
        cairn::records::sealed::open(&core.settings.sealer, &record, "api_key")
            .expect("opens")
            .as_deref(),
        Some(SECRET)
    );

    // Checkpoint so the WAL is folded in too, then search every byte under the data dir.
    core.storage
        .write(|db| {
            db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
                .map(|_| ())
        })
        .await
        .expect("checkpoint")
        .expect("checkpoint ok");
    let hits = files_contain(s.dir.path(), SECRET.as_bytes());
    assert!(hits.is_empty(), "plaintext found in {hits:?}");
    s.stop().await;
}

#[tokio::test]
async fn a_sealed_field_without_an_encryption_key_is_refused_not_stored_plain() {
    let dir = tempfile::tempdir().expect("dir");
    let app = cairn::App::open_with(cairn::Config::for_dir(dir.path()), Extensions::default())
        .expect("app");
    let core = app.core.clone();
    let c: Value = json!({
        "name": "keys", "type": "base", "createRule": "",
        "fields": [{"name": "api_key", "type": "text", "sealed": true}]
    });
    cairn::records::server::create(&core, "keys", json!({"api_key": SECRET}))
        .await
        .expect_err("no collection yet");
    let sealer = core.settings.sealer.clone();
    let created = core
        .write_schema(move |conn, cache| cairn::schema::service::create(conn, cache, &sealer, &c))
        .await;
    assert!(created.is_ok(), "{created:?}");
    let r = cairn::records::server::create(&core, "keys", json!({"api_key": SECRET}))
        .await
        .expect_err("no key, no write");
    assert_eq!(r.status, 400);
    assert!(
        r.to_string().contains("validation_no_encryption_key")
            || format!("{r:?}").contains("validation_no_encryption_key"),
        "{r:?}"
    );
    assert!(files_contain(dir.path(), SECRET.as_bytes()).is_empty());
}

#[tokio::test]
async fn a_transaction_hook_commits_and_rolls_back_with_the_record() {
    let ran = Arc::new(AtomicU32::new(0));
    let ext = Extensions::default();
    let seen = ran.clone();
    ext.jobs
        .handle("on-post", JobOptions::default(), move |ctx| {
            let seen = seen.clone();
            async move {
                seen.fetch_add(1, Ordering::SeqCst);
                Ok(ctx.payload.clone())
            }
        });
    ext.hooks.on_record_tx.add(0, |e| {
        if e.record.collection.name != "posts" {
            return Ok(());
        }
        if e.record.get_str("title") == "refuse" {
            // Queued first, then refused: the job must vanish with the record.
            e.enqueue(
                "on-post",
                &json!({"id": e.record.id()}),
                &Default::default(),
            )?;
            return Err(cairn::error::ApiError::bad_request(
                "Refused by the test hook.",
            ));
        }
        if e.action == TxAction::Create {
            e.enqueue(
                "on-post",
                &json!({"id": e.record.id()}),
                &Default::default(),
            )?;
            e.conn()
                .execute_unprepared(&format!(
                    "INSERT INTO audit (id, note) VALUES ('{}', 'created')",
                    &e.record.id()[..15]
                ))
                .map_err(cairn::error::ApiError::internal)?;
        }
        Ok(())
    });
    let s = TestServer::start_with_extensions(ext).await;
    s.create_collection(json!({"name": "posts", "type": "base", "createRule": "",
        "fields": [{"name": "title", "type": "text"}]}))
        .await;
    s.create_collection(json!({"name": "audit", "type": "base",
        "fields": [{"name": "note", "type": "text"}]}))
        .await;

    let ok = s
        .post(
            "/api/collections/posts/records",
            json!({"title": "hello"}),
            None,
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    assert_eq!(
        s.count_rows("audit"),
        1,
        "the hook's row committed with the record"
    );
    let deadline = Instant::now() + Duration::from_secs(5);
    while ran.load(Ordering::SeqCst) == 0 {
        assert!(Instant::now() < deadline, "the queued job never ran");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    let refused = s
        .post(
            "/api/collections/posts/records",
            json!({"title": "refuse"}),
            None,
        )
        .await;
    assert_error(&refused, 400);
    assert_eq!(refused.body["message"], "Refused by the test hook.");
    assert_eq!(s.count_rows("posts"), 1, "the refused record rolled back");
    assert_eq!(s.count_rows("_jobs"), 1, "and so did the job it queued");
    assert_eq!(s.count_rows("audit"), 1);
    s.stop().await;
}
