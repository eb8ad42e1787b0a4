//! The S3 backend against a real S3-compatible server started here: moto's server (PyPI
//! `moto[server]`, installed by scripts/test.sh) on 127.0.0.1. Cairn is configured through the
//! settings API (the secret sealed at rest); uploads, downloads, ranges, thumbnails,
//! replacement, failed writes and deletes are checked against what the bucket really holds.

mod common;
mod files_support;

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use cairn::files::FileStore;
use cairn::files::StoreError;
use cairn::files::s3::{S3Config, S3Store};
use common::TestServer;
use files_support::*;
use serde_json::json;

const BUCKET: &str = "cairn-files";

/// moto's S3 server as a child process, killed on drop.
struct S3Server {
    child: Child,
    endpoint: String,
}

impl S3Server {
    async fn start() -> Self {
        let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let child = Command::new(&python)
            .args([
                "-m",
                "moto.server",
                "-H",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 could not be started (needed for the S3 test server)");
        let mut s = Self {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Some(status) = s.child.try_wait().expect("try_wait") {
                panic!(
                    "the S3 test server exited ({status}): install it with \
                     `python3 -m pip install 'moto[server]'` (./scripts/test.sh does)"
                );
            }
            if reqwest::get(&s.endpoint).await.is_ok() {
                let r = reqwest::Client::new()
                    .put(format!("{}/{BUCKET}", s.endpoint))
                    .send()
                    .await
                    .expect("create bucket");
                assert!(r.status().is_success(), "create bucket: {}", r.status());
                return s;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        s.stop();
        panic!("the S3 test server did not start within 60 s");
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// An object's bytes as the bucket holds them (`None` when missing), read with signed
    /// requests (objects are private).
    async fn object(&self, key: &str) -> Option<Vec<u8>> {
        let cfg = S3Config {
            bucket: BUCKET.into(),
            region: "us-east-1".into(),
            endpoint: self.endpoint.clone(),
            access_key: "reader".into(),
            secret: "reader-secret".into(),
            force_path_style: true,
        };
        let store = S3Store::new(&cfg).expect("s3 client");
        match store.read_all(key, 1 << 30).await {
            Ok(bytes) => Some(bytes.to_vec()),
            Err(StoreError::NotFound) => None,
            Err(e) => panic!("reading {key}: {e}"),
        }
    }

    /// Every key in the bucket.
    async fn keys(&self) -> Vec<String> {
        let xml = reqwest::get(format!("{}/{BUCKET}?list-type=2", self.endpoint))
            .await
            .expect("list")
            .text()
            .await
            .expect("xml");
        xml.split("<Key>")
            .skip(1)
            .filter_map(|s| s.split_once("</Key>").map(|(k, _)| k.to_string()))
            .collect()
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        self.stop();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_live_in_s3_when_it_is_configured() {
    let s3 = S3Server::start().await;
    let s = TestServer::start().await;
    let r = s
        .su_patch(
            "/api/settings",
            json!({"s3": {"enabled": true, "bucket": BUCKET, "region": "us-east-1",
                          "endpoint": s3.endpoint, "accessKey": "cairn-test",
                          "secret": "s3-secret-value", "forcePathStyle": true}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body["s3"].get("secret").is_none(),
        "the secret is write-only"
    );
    let conn = rusqlite::Connection::open(s.db_path()).expect("db");
    let stored_settings: String = conn
        .query_row("SELECT value FROM _params WHERE id = 'settings'", [], |r| {
            r.get(0)
        })
        .expect("settings row");
    assert!(
        !stored_settings.contains("s3-secret-value"),
        "the secret is sealed at rest"
    );

    let c = s
        .create_collection(json!({
            "name": "docs", "type": "base", "listRule": "", "viewRule": "",
            "fields": [
                {"name": "title", "type": "text"},
                {"name": "img", "type": "file", "maxSelect": 1, "maxSize": 100000},
            ],
            "indexes": ["CREATE UNIQUE INDEX idx_s3_title ON docs (title)"],
        }))
        .await;
    let cid = c["id"].as_str().expect("id");
    let image = png(120, 80);
    let r = create(
        &s,
        "docs",
        vec![text("title", "a"), file("img", "Photo.png", image.clone())],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let id = r.body["id"].as_str().expect("id").to_string();
    let name = r.body["img"].as_str().expect("img").to_string();
    let key = format!("{cid}/{id}/{name}");
    assert_eq!(s3.object(&key).await.as_deref(), Some(image.as_slice()));
    assert!(
        stored(&s).is_empty(),
        "nothing on the local disk: {:?}",
        stored(&s)
    );

    // Served from the bucket: bytes, type, ranges, conditional requests, thumbnails.
    let url = format!("/api/files/docs/{id}/{name}");
    let (status, h, body) = fetch(&s, &url, &[]).await;
    assert_eq!((status, body.as_slice()), (200, image.as_slice()));
    assert_eq!(header(&h, "content-type"), "image/png");
    let etag = header(&h, "etag").to_string();
    let (status, _, body) = fetch(&s, &url, &[("Range", "bytes=1-3")]).await;
    assert_eq!((status, body.as_slice()), (206, &image[1..4]));
    assert_eq!(fetch(&s, &url, &[("If-None-Match", &etag)]).await.0, 304);
    let (status, _, body) = fetch(&s, &format!("{url}?thumb=100x100"), &[]).await;
    assert_eq!((status, dimensions(&body)), (200, (100, 100)));
    let thumb_key = format!("{cid}/{id}/thumbs_{name}/100x100_{name}");
    assert_eq!(s3.object(&thumb_key).await, Some(body));

    // Failed writes leave nothing in the bucket.
    let before = s3.keys().await;
    let r = create(
        &s,
        "docs",
        vec![text("title", "a"), file("img", "dup.png", png(2, 2))],
    )
    .await;
    assert_eq!(r.status, 400, "unique title: {}", r.body);
    let r = create(&s, "docs", vec![file("img", "big.bin", vec![1u8; 150_000])]).await;
    assert_eq!(r.status, 400, "too big: {}", r.body);
    assert_eq!(s3.keys().await, before);

    // A replacement removes the old object and its thumbnail; a delete removes the rest.
    let r = update(
        &s,
        "docs",
        &id,
        vec![file("img", "second.png", png(10, 10))],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let second = format!("{cid}/{id}/{}", r.body["img"].as_str().expect("img"));
    assert_eq!(s3.keys().await, vec![second]);
    let r = s
        .su_delete(&format!("/api/collections/docs/records/{id}"))
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert!(s3.keys().await.is_empty(), "{:?}", s3.keys().await);
    s.stop().await;
}

/// `POST /api/settings/test/s3`: PocketBase's validation and messages, a real round trip to
/// the bucket (nothing left behind), and the raw cause when the bucket is unusable.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_test_s3_round_trips_to_the_bucket() {
    let s3 = S3Server::start().await;
    let s = TestServer::start().await;
    let url = "/api/settings/test/s3";
    assert_eq!(
        s.post(url, json!({"filesystem": "storage"}), None)
            .await
            .status,
        401
    );
    let r = s.su_post(url, json!({})).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(
        r.body["message"],
        json!("Failed to test the S3 filesystem.")
    );
    assert_eq!(
        r.body["data"]["filesystem"]["code"],
        json!("validation_required")
    );
    let r = s.su_post(url, json!({"filesystem": "x"})).await;
    assert_eq!(
        r.body["data"]["filesystem"]["code"],
        json!("validation_in_invalid")
    );
    let r = s.su_post(url, json!({"filesystem": "storage"})).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(
        r.body["message"],
        json!(
            "Failed to test the S3 filesystem. Raw error: \nS3 storage filesystem is not enabled."
        )
    );

    let s3_settings = |bucket: &str| {
        json!({"enabled": true, "bucket": bucket, "region": "us-east-1",
               "endpoint": s3.endpoint, "accessKey": "cairn-test",
               "secret": "s3-secret-value", "forcePathStyle": true})
    };
    let r = s
        .su_patch(
            "/api/settings",
            json!({"s3": s3_settings(BUCKET), "backups": {"s3": s3_settings("no-such-bucket")}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = s.su_post(url, json!({"filesystem": "storage"})).await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert!(s3.keys().await.is_empty(), "{:?}", s3.keys().await);

    let r = s.su_post(url, json!({"filesystem": "backups"})).await;
    assert_eq!(r.status, 400, "{}", r.body);
    let message = r.body["message"].as_str().expect("message");
    assert!(
        message.starts_with(
            "Failed to test the S3 filesystem. Raw error: \nfailed to upload a test file: [key: pb_settings_test_"
        ),
        "{message}"
    );
    assert!(!message.contains("s3-secret-value"), "{message}");
    s.stop().await;
}
