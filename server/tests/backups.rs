//! A backup is a consistent online snapshot: while clients keep writing, `POST /api/backups`
//! writes a zip whose `data.db` opens, passes `PRAGMA integrity_check` and holds every record
//! acknowledged before the backup was asked for (and none half-written); the zip also holds
//! `aux.db` and the uploaded files of the local storage.

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
