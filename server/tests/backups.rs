//! A backup is a consistent online snapshot: while clients keep writing, `POST /api/backups`
//! writes a zip whose `data.db` opens, passes `PRAGMA integrity_check` and holds every record
//! acknowledged before the backup was asked for (and none half-written); the zip also holds
//! `aux.db` and the uploaded files of the local storage. A restore swaps a backup in while the
//! server runs: the backed-up records, files, schema and settings come back, writes made during
//! the restore all succeed and every write acknowledged after it is kept; a zip that is not a
//! sound Cairn backup is refused with a clear error and changes nothing.

mod common;

use std::io::Read;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use common::TestServer;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_taken_under_writes_holds_every_acknowledged_record() {
    let s = Arc::new(TestServer::start().await);
    let r = s
        .su_post(
            "/api/collections",
            json!({"name": "notes", "type": "base", "createRule": "",
                   "fields": [{"name": "n", "type": "number"}, {"name": "doc", "type": "file"}]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    // One record with a file, so the storage folder has something to carry.
    let form = reqwest::multipart::Form::new().text("n", "0").part(
        "doc",
        reqwest::multipart::Part::bytes(b"hello backup".to_vec()).file_name("hello.txt"),
    );
    let with_file: serde_json::Value = s
        .client
        .post(format!("{}/api/collections/notes/records", s.base))
        .multipart(form)
        .send()
        .await
        .expect("upload")
        .json()
        .await
        .expect("json");
    let stored_file = with_file["doc"].as_str().expect("file name").to_string();

    // Writers run through the whole backup; `acked` counts creates answered 200.
    let acked = Arc::new(AtomicUsize::new(1));
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for w in 0..3 {
        let (s, acked, stop) = (s.clone(), acked.clone(), stop.clone());
        writers.push(tokio::spawn(async move {
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                let r = s
                    .post(
                        "/api/collections/notes/records",
                        json!({"n": w * 100_000 + i}),
                        None,
                    )
                    .await;
                assert_eq!(r.status, 200, "{}", r.body);
                acked.fetch_add(1, Ordering::SeqCst);
            }
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let before = acked.load(Ordering::SeqCst);
    let r = s
        .su_post("/api/backups", json!({"name": "under_load.zip"}))
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    let after = acked.load(Ordering::SeqCst);
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.await.expect("writer");
    }
    let listed = s.get("/api/backups").await;
    assert_eq!(listed.body[0]["key"], "under_load.zip", "{}", listed.body);

    // Download it as a browser would: with a superuser file token in the query.
    let token = s.su_post("/api/files/token", json!({})).await.body["token"]
        .as_str()
        .expect("file token")
        .to_string();
    let zip_bytes = s
        .client
        .get(format!(
            "{}/api/backups/under_load.zip?token={token}",
            s.base
        ))
        .send()
        .await
        .expect("download")
        .bytes()
        .await
        .expect("bytes");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes.to_vec())).expect("a zip");
    let names: Vec<String> = zip.file_names().map(str::to_string).collect();
    assert!(names.contains(&"data.db".to_string()), "{names:?}");
    assert!(names.contains(&"aux.db".to_string()), "{names:?}");
    let file_entry = names
        .iter()
        .find(|n| n.starts_with("storage/") && n.ends_with(&stored_file))
        .unwrap_or_else(|| panic!("{stored_file} not in {names:?}"))
        .clone();
    let mut text = String::new();
    zip.by_name(&file_entry)
        .expect("file entry")
        .read_to_string(&mut text)
        .expect("read");
    assert_eq!(text, "hello backup");

    let dir = tempfile::tempdir().expect("dir");
    let db_path = dir.path().join("data.db");
    let mut db_bytes = Vec::new();
    zip.by_name("data.db")
        .expect("data.db")
        .read_to_end(&mut db_bytes)
        .expect("read");
    std::fs::write(&db_path, db_bytes).expect("write");
    let db = rusqlite::Connection::open(&db_path).expect("opens");
    let check: String = db
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity_check");
    assert_eq!(check, "ok");
    let count: usize = db
        .query_row("SELECT COUNT(*) FROM notes", [], |r| r.get(0))
        .expect("count");
    assert!(
        (before..=after).contains(&count),
        "the backup holds {count} records; {before} were acknowledged before it was asked for and \
         {after} when it answered"
    );
    s.get("/api/health").await;
}

/// Uploads `bytes` as backup `name` (multipart, as the console and the SDK do).
async fn upload(s: &TestServer, name: &str, bytes: Vec<u8>) {
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
    );
    let r = s
        .client
        .post(format!("{}/api/backups/upload", s.base))
        .header("authorization", &s.token)
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(r.status(), 204, "{}", r.text().await.unwrap_or_default());
}

/// A zip holding the given (name, bytes) entries.
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    for (name, bytes) in entries {
        zip.start_file(*name, zip::write::SimpleFileOptions::default())
            .expect("entry");
        std::io::Write::write_all(&mut zip, bytes).expect("write");
    }
    zip.finish().expect("finish");
    out.into_inner()
}

async fn create_note(s: &TestServer, n: i64) -> String {
    let r = s
        .post("/api/collections/notes/records", json!({"n": n}), None)
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body["id"].as_str().expect("id").to_string()
}

async fn create_note_with_file(s: &TestServer, text: &str) -> (String, String) {
    let form = reqwest::multipart::Form::new().text("n", "-1").part(
        "doc",
        reqwest::multipart::Part::bytes(text.as_bytes().to_vec()).file_name("note.txt"),
    );
    let v: serde_json::Value = s
        .client
        .post(format!("{}/api/collections/notes/records", s.base))
        .multipart(form)
        .send()
        .await
        .expect("upload")
        .json()
        .await
        .expect("json");
    let id = v["id"].as_str().expect("id").to_string();
    (id, v["doc"].as_str().expect("file").to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_restore_brings_the_backup_back_and_keeps_every_write_acknowledged_after_it() {
    let s = Arc::new(TestServer::start().await);
    let r = s
        .su_post(
            "/api/collections",
            json!({"name": "notes", "type": "base", "createRule": "", "viewRule": "",
                   "listRule": "",
                   "fields": [{"name": "n", "type": "number"}, {"name": "doc", "type": "file"}]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let mut kept = Vec::new();
    for n in 0..20 {
        kept.push(create_note(&s, n).await);
    }
    let (kept_file_rec, kept_file) = create_note_with_file(&s, "in the backup").await;
    let app_name = s.get("/api/settings").await.body["meta"]["appName"].clone();
    let r = s.su_post("/api/backups", json!({"name": "b1.zip"})).await;
    assert_eq!(r.status, 204, "{}", r.body);

    // Everything below is undone by the restore.
    let mut undone = Vec::new();
    for n in 100..110 {
        undone.push(create_note(&s, n).await);
    }
    let (undone_file_rec, _) = create_note_with_file(&s, "after the backup").await;
    assert_eq!(
        s.su_delete(&format!("/api/collections/notes/records/{}", kept[0]))
            .await
            .status,
        204
    );
    let r = s
        .su_post(
            "/api/collections",
            json!({"name": "later", "type": "base", "fields": []}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = s
        .su_patch(
            "/api/settings",
            json!({"meta": {"appName": "Changed after"}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);

    // Writers run through the restore. Every create sent after the restore answered must
    // succeed and be there at the end; one caught by the swap itself may only be refused whole.
    let restored = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for w in 0..2i64 {
        let (s, restored, stop) = (s.clone(), restored.clone(), stop.clone());
        writers.push(tokio::spawn(async move {
            let mut after_restore = Vec::new();
            let mut i = 0;
            let mut retried = 0;
            while !stop.load(Ordering::SeqCst) {
                i += 1;
                let began_after = restored.load(Ordering::SeqCst);
                let r = s
                    .post(
                        "/api/collections/notes/records",
                        json!({"n": 1_000_000 * (w + 1) + i}),
                        None,
                    )
                    .await;
                if r.status == 400 && !began_after {
                    // A write that met the schema swap is refused whole, with PocketBase's
                    // error shape and a retry hint; it was never acknowledged.
                    assert_eq!(
                        r.body["message"],
                        "The collection schema changed while the request was processed; please retry.",
                    );
                    retried += 1;
                    continue;
                }
                assert_eq!(r.status, 200, "{}", r.body);
                if began_after {
                    after_restore.push(r.body["id"].as_str().expect("id").to_string());
                }
            }
            assert!(retried <= 8, "{retried} writes were refused around the restore");
            after_restore
        }));
    }
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let r = s.su_post("/api/backups/b1.zip/restore", json!({})).await;
    assert_eq!(r.status, 204, "{}", r.body);
    restored.store(true, Ordering::SeqCst);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    stop.store(true, Ordering::SeqCst);
    let mut acked_after = Vec::new();
    for w in writers {
        acked_after.extend(w.await.expect("writer"));
    }
    assert!(
        !acked_after.is_empty(),
        "the writers wrote after the restore"
    );

    // The backed-up state is back.
    for id in &kept {
        let r = s.get(&format!("/api/collections/notes/records/{id}")).await;
        assert_eq!(r.status, 200, "kept record {id}: {}", r.body);
    }
    for id in undone.iter().chain([&undone_file_rec]) {
        let r = s.get(&format!("/api/collections/notes/records/{id}")).await;
        assert_eq!(r.status, 404, "undone record {id}: {}", r.body);
    }
    assert_eq!(s.get("/api/collections/later").await.status, 404);
    assert_eq!(
        s.get("/api/settings").await.body["meta"]["appName"],
        app_name
    );
    let file = s
        .client
        .get(format!(
            "{}/api/files/notes/{kept_file_rec}/{kept_file}",
            s.base
        ))
        .send()
        .await
        .expect("file");
    assert_eq!(file.status(), 200);
    assert_eq!(file.text().await.expect("text"), "in the backup");

    // Every write acknowledged after the restore is served and is in the file itself.
    for id in &acked_after {
        let r = s.get(&format!("/api/collections/notes/records/{id}")).await;
        assert_eq!(r.status, 200, "write after the restore {id}: {}", r.body);
    }
    let on_disk = {
        let conn = rusqlite::Connection::open(s.db_path()).expect("open");
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .expect("check");
        assert_eq!(check, "ok");
        let mut stmt = conn.prepare("SELECT id FROM notes").expect("prepare");
        stmt.query_map([], |r| r.get::<_, String>(0))
            .expect("query")
            .collect::<Result<std::collections::HashSet<_>, _>>()
            .expect("ids")
    };
    for id in kept.iter().chain(&acked_after) {
        assert!(on_disk.contains(id), "{id} is not in data.db");
    }
    // The server goes on: schema changes and writes work on the restored data.
    let r = s
        .su_post(
            "/api/collections",
            json!({"name": "later", "type": "base", "fields": []}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
}

#[tokio::test]
async fn a_zip_that_is_not_a_sound_backup_is_refused_and_changes_nothing() {
    let s = TestServer::start().await;
    s.create_collection(json!({"name": "notes", "type": "base", "createRule": "",
        "fields": [{"name": "n", "type": "number"}]}))
        .await;
    create_note(&s, 1).await;

    let r = s.su_post("/api/backups/none.zip/restore", json!({})).await;
    assert_eq!(
        common::assert_error(&r, 400),
        &json!({}),
        "missing: {}",
        r.body
    );
    assert_eq!(r.body["message"], "Missing or invalid backup file.");

    upload(&s, "no_db.zip", zip_of(&[("hello.txt", b"hi")])).await;
    let r = s.su_post("/api/backups/no_db.zip/restore", json!({})).await;
    common::assert_error(&r, 400);
    assert_eq!(
        r.body["message"],
        "The backup file is invalid: data.db is missing."
    );

    upload(
        &s,
        "garbage.zip",
        zip_of(&[("data.db", b"not a database at all")]),
    )
    .await;
    let r = s
        .su_post("/api/backups/garbage.zip/restore", json!({}))
        .await;
    common::assert_error(&r, 400);
    let msg = r.body["message"].as_str().unwrap_or_default();
    assert!(
        msg.starts_with("The backup file is invalid: data.db"),
        "{msg}"
    );

    // A sound SQLite file that is not a Cairn database.
    let dir = tempfile::tempdir().expect("dir");
    let other = dir.path().join("other.db");
    rusqlite::Connection::open(&other)
        .expect("open")
        .execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
        .expect("create");
    let other_bytes = std::fs::read(&other).expect("read");
    upload(&s, "foreign.zip", zip_of(&[("data.db", &other_bytes)])).await;
    let r = s
        .su_post("/api/backups/foreign.zip/restore", json!({}))
        .await;
    common::assert_error(&r, 400);
    let msg = r.body["message"].as_str().unwrap_or_default();
    assert!(msg.contains("no Cairn collections"), "{msg}");

    upload(&s, "escape.zip", zip_of(&[("../../evil.txt", b"x")])).await;
    let r = s
        .su_post("/api/backups/escape.zip/restore", json!({}))
        .await;
    common::assert_error(&r, 400);
    let msg = r.body["message"].as_str().unwrap_or_default();
    assert!(msg.contains("unsafe entry path"), "{msg}");
    assert!(!s.dir.path().join("../evil.txt").exists());

    // Nothing changed, and no scratch folder is left behind.
    assert_eq!(s.count_rows("notes"), 1);
    let r = s.get("/api/collections/notes/records").await;
    assert_eq!(r.body["totalItems"], 1, "{}", r.body);
    let scratch = s.dir.path().join("backups/.tmp");
    let left: Vec<_> = std::fs::read_dir(&scratch)
        .map(|d| d.filter_map(Result::ok).map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "scratch left behind: {left:?}");
    let r = s
        .send(
            reqwest::Method::POST,
            "/api/backups/garbage.zip/restore",
            None,
            None,
        )
        .await;
    assert_eq!(r.status, 401, "{}", r.body);
}
