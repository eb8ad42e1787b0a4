//! Crash safety of uploads with the real binary: `kill -9` in the middle of a large multipart
//! upload, and again while several uploads are being stored and committed; after a restart on
//! the same data dir, no record is half-visible (every record's files exist, byte for byte)
//! and no interrupted upload lingers.

mod common;
mod files_support;

use std::fs::File;
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const SU_EMAIL: &str = "files-crash@example.com";
const SU_PASSWORD: &str = "files-crash-password";
const LARGE: usize = 24 << 20;
const CHUNK: usize = 256 << 10;

struct Server {
    child: Child,
    base: String,
}

impl Server {
    async fn start(dir: &Path) -> Self {
        for _attempt in 0..3 {
            let port = TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("free port")
                .port();
            let log = File::create(dir.with_extension(format!("{port}.log"))).expect("log");
            let child = Command::new(env!("CARGO_BIN_EXE_cairn"))
                .args([
                    "serve",
                    "--http",
                    &format!("127.0.0.1:{port}"),
                    "--log",
                    "warn",
                ])
                .args(["--max-body", &(64 << 20).to_string()])
                .arg("--dir")
                .arg(dir)
                .env_remove("CAIRN_DIR")
                .env_remove("CAIRN_HTTP")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::from(log))
                .spawn()
                .expect("spawn cairn serve");
            let mut s = Self {
                child,
                base: format!("http://127.0.0.1:{port}"),
            };
            let deadline = Instant::now() + Duration::from_secs(30);
            while Instant::now() < deadline && s.child.try_wait().expect("try_wait").is_none() {
                if let Ok(r) = reqwest::get(format!("{}/api/health", s.base)).await
                    && r.status().is_success()
                {
                    return s;
                }
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
            s.kill_9();
        }
        panic!("cairn serve did not become ready");
    }

    fn kill_9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill_9();
    }
}

async fn login(base: &str) -> String {
    let r: Value = reqwest::Client::new()
        .post(format!(
            "{base}/api/collections/_superusers/auth-with-password"
        ))
        .json(&json!({"identity": SU_EMAIL, "password": SU_PASSWORD}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("json");
    r["token"].as_str().expect("token").to_string()
}

fn hex(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Every record of `uploads` must have its file on disk with the content its title hashes.
/// Returns the titles of the records.
async fn check_no_half_visible(base: &str, token: &str, dir: &Path) -> Vec<String> {
    let r: Value = reqwest::Client::new()
        .get(format!(
            "{base}/api/collections/uploads/records?perPage=1000"
        ))
        .header("Authorization", token)
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    let items = r["items"].as_array().expect("items").clone();
    for item in &items {
        let (cid, id) = (
            item["collectionId"].as_str().expect("cid"),
            item["id"].as_str().expect("id"),
        );
        let name = item["doc"].as_str().expect("doc");
        let path = dir.join("storage").join(cid).join(id).join(name);
        let data = std::fs::read(&path)
            .unwrap_or_else(|e| panic!("record {id} names {name}, missing on disk: {e}"));
        assert_eq!(
            hex(&data),
            item["title"].as_str().expect("title"),
            "record {id}"
        );
    }
    let tmp = files_support::files_under(&dir.join("storage").join(".tmp"));
    assert!(tmp.is_empty(), "interrupted uploads left in .tmp: {tmp:?}");
    items
        .iter()
        .map(|i| i["title"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// A multipart upload of `LARGE` bytes streamed in chunks; `sent` counts what left.
async fn slow_upload(base: String, token: String, sent: Arc<AtomicUsize>) {
    let stream = futures_util::stream::unfold(0usize, move |done| {
        let sent = sent.clone();
        async move {
            if done >= LARGE {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
            sent.fetch_add(CHUNK, Ordering::SeqCst);
            Some((Ok::<_, std::io::Error>(vec![b'z'; CHUNK]), done + CHUNK))
        }
    });
    let part = reqwest::multipart::Part::stream_with_length(
        reqwest::Body::wrap_stream(stream),
        LARGE as u64,
    )
    .file_name("large.bin");
    let form = reqwest::multipart::Form::new()
        .text("title", "never")
        .part("doc", part);
    let _ = reqwest::Client::new()
        .post(format!("{base}/api/collections/uploads/records"))
        .header("Authorization", token)
        .multipart(form)
        .send()
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killed_mid_upload_leaves_no_half_visible_record() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("data");
    let out = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(["superuser", "upsert", SU_EMAIL, SU_PASSWORD, "--dir"])
        .arg(&dir)
        .output()
        .expect("superuser upsert");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut server = Server::start(&dir).await;
    let token = login(&server.base).await;
    let r = reqwest::Client::new()
        .post(format!("{}/api/collections", server.base))
        .header("Authorization", &token)
        .json(&json!({"name": "uploads", "type": "base", "fields": [
            {"name": "title", "type": "text"},
            {"name": "doc", "type": "file", "maxSize": 67108864},
        ]}))
        .send()
        .await
        .expect("create collection");
    assert!(r.status().is_success());

    // 1. Killed while a 24 MiB body is on its way: nothing of it survives.
    let sent = Arc::new(AtomicUsize::new(0));
    let upload = tokio::spawn(slow_upload(
        server.base.clone(),
        token.clone(),
        sent.clone(),
    ));
    let deadline = Instant::now() + Duration::from_secs(30);
    while sent.load(Ordering::SeqCst) < LARGE / 3 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    server.kill_9();
    let _ = tokio::time::timeout(Duration::from_secs(10), upload).await;
    let server2 = Server::start(&dir).await;
    let token = login(&server2.base).await;
    assert!(
        check_no_half_visible(&server2.base, &token, &dir)
            .await
            .is_empty()
    );

    // 2. Killed while four writers store files and commit records, 60 acknowledged or 20 s.
    let acked = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for w in 0..4u8 {
        let (base, token, acked, stop) = (
            server2.base.clone(),
            token.clone(),
            acked.clone(),
            stop.clone(),
        );
        writers.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut mine = Vec::new();
            for i in 0..1000u32 {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let data: Vec<u8> = (0..(200_000 + i as usize * 997))
                    .map(|j| (j as u32 ^ i ^ u32::from(w)) as u8)
                    .collect();
                let title = hex(&data);
                let form = files_support::form(vec![
                    files_support::text("title", title.clone()),
                    files_support::file("doc", "blob.bin", data),
                ]);
                let r = client
                    .post(format!("{base}/api/collections/uploads/records"))
                    .header("Authorization", &token)
                    .multipart(form)
                    .send()
                    .await;
                match r {
                    Ok(r) if r.status().is_success() => {
                        mine.push(title);
                        acked.fetch_add(1, Ordering::SeqCst);
                    }
                    _ => break,
                }
            }
            mine
        }));
    }
    let deadline = Instant::now() + Duration::from_secs(20);
    while acked.load(Ordering::SeqCst) < 60 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let mut server2 = server2;
    server2.kill_9();
    stop.store(true, Ordering::SeqCst);
    let mut acknowledged = Vec::new();
    for w in writers {
        acknowledged.extend(w.await.expect("writer"));
    }
    assert!(
        !acknowledged.is_empty(),
        "no upload was acknowledged before the kill"
    );

    let server3 = Server::start(&dir).await;
    let token = login(&server3.base).await;
    let visible = check_no_half_visible(&server3.base, &token, &dir).await;
    for title in &acknowledged {
        assert!(visible.contains(title), "acknowledged upload {title} lost");
    }
    drop(server3);
}

/// What a crash between "file stored" and "row committed" (or between a commit and the removal
/// of replaced files) leaves behind is removed when `serve` starts again: unreferenced files and
/// their thumbnails, folders of missing records and of deleted collections. Referenced files
/// and their thumbnails stay and are still served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orphaned_files_are_swept_at_start_up() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path().join("data");
    let out = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(["superuser", "upsert", SU_EMAIL, SU_PASSWORD, "--dir"])
        .arg(&dir)
        .output()
        .expect("superuser upsert");
    assert!(out.status.success());
    let mut server = Server::start(&dir).await;
    let token = login(&server.base).await;
    let client = reqwest::Client::new();
    let r: Value = client
        .post(format!("{}/api/collections", server.base))
        .header("Authorization", &token)
        .json(&json!({"name": "kept", "type": "base", "fields": [
            {"name": "docs", "type": "file", "maxSelect": 2},
        ]}))
        .send()
        .await
        .expect("create collection")
        .json()
        .await
        .expect("json");
    let cid = r["id"].as_str().expect("collection id").to_string();
    let form = reqwest::multipart::Form::new()
        .part(
            "docs",
            reqwest::multipart::Part::bytes(b"first".to_vec()).file_name("a.txt"),
        )
        .part(
            "docs",
            reqwest::multipart::Part::bytes(b"second".to_vec()).file_name("b.txt"),
        );
    let record: Value = client
        .post(format!("{}/api/collections/kept/records", server.base))
        .header("Authorization", &token)
        .multipart(form)
        .send()
        .await
        .expect("create record")
        .json()
        .await
        .expect("json");
    let id = record["id"].as_str().expect("id").to_string();
    let names: Vec<String> = record["docs"]
        .as_array()
        .expect("docs")
        .iter()
        .filter_map(|n| n.as_str().map(str::to_string))
        .collect();
    assert_eq!(names.len(), 2, "{record}");
    server.kill_9();

    let storage = dir.join("storage");
    let record_dir = storage.join(&cid).join(&id);
    let kept_thumb = record_dir
        .join(format!("thumbs_{}", names[0]))
        .join(format!("100x100_{}", names[0]));
    let orphans = [
        record_dir.join("orphan_0123456789.txt"),
        record_dir
            .join("thumbs_orphan_0123456789.txt")
            .join("100x100_orphan_0123456789.txt"),
        storage.join(&cid).join("missingrecord01").join("x.txt"),
        storage
            .join("pbc_0000000000")
            .join("somerecord0001")
            .join("y.txt"),
    ];
    for path in orphans.iter().chain([&kept_thumb]) {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, b"planted").expect("plant");
    }

    let server = Server::start(&dir).await;
    for path in &orphans {
        assert!(!path.exists(), "orphan {} survived", path.display());
    }
    assert!(!storage.join("pbc_0000000000").exists());
    assert!(!storage.join(&cid).join("missingrecord01").exists());
    assert!(
        kept_thumb.exists(),
        "a referenced file's thumbnail was removed"
    );
    for (name, content) in names.iter().zip(["first", "second"]) {
        let body = client
            .get(format!("{}/api/files/kept/{id}/{name}", server.base))
            .send()
            .await
            .expect("download");
        assert_eq!(body.status().as_u16(), 200);
        assert_eq!(body.text().await.expect("text"), content);
    }
    let left = files_support::files_under(&storage.join(&cid));
    assert_eq!(left.len(), 3, "{left:?}");
}
