//! Hostile input: traversal and odd names never leave the storage root (in uploads, in URLs, or
//! as names planted in the database), oversized bodies are refused before anything is stored,
//! types come from the content, and image bombs cannot make thumbnails blow up.

mod common;
mod files_support;

use std::time::{Duration, Instant};

use common::TestServer;
use files_support::*;
use serde_json::json;

#[tokio::test]
async fn hostile_names_stay_inside_the_storage_root() {
    let s = TestServer::start().await;
    let c = collection(
        &s,
        "docs",
        json!([{"name": "many", "type": "file", "maxSelect": 20}]),
    )
    .await;
    let cid = c["id"].as_str().expect("id").to_string();
    let hostile = [
        "../../../../escape.txt",
        "/etc/passwd",
        "..",
        "..\\..\\win.ini",
        "C:\\Windows\\evil.txt",
        ".htaccess",
        "a/../../b.txt",
        "%2e%2e%2fencoded.txt",
        "evil\u{202e}txt.exe",
        "名前 (copy).txt",
        "tab\there.txt",
    ];
    let parts = hostile
        .iter()
        .map(|n| file("many", n.to_string(), "x"))
        .collect();
    let r = create(&s, "docs", parts).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let id = r.body["id"].as_str().expect("id").to_string();
    let names: Vec<String> = r.body["many"]
        .as_array()
        .expect("array")
        .iter()
        .map(|v| v.as_str().expect("name").to_string())
        .collect();
    assert_eq!(names.len(), hostile.len());
    for n in &names {
        assert!(
            !n.starts_with('.') && !n.contains('/') && !n.contains('\\') && n.is_ascii(),
            "{n}"
        );
    }
    // Every file is in the record's folder, and nothing else appeared in the data dir.
    let on_disk = stored(&s);
    assert_eq!(on_disk.len(), hostile.len());
    for p in &on_disk {
        assert_eq!(
            p.parent().expect("dir"),
            std::path::Path::new(&cid).join(&id)
        );
    }
    let mut top: Vec<String> = std::fs::read_dir(s.dir.path())
        .expect("data dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("data.db") && !n.starts_with("aux.db"))
        .collect();
    top.sort();
    assert_eq!(top, vec!["storage".to_string()]);
    s.stop().await;
}

#[tokio::test]
async fn traversal_in_urls_and_planted_names_is_refused() {
    let s = TestServer::start().await;
    collection(
        &s,
        "docs",
        json!([{"name": "many", "type": "file", "maxSelect": 5}]),
    )
    .await;
    let r = create(&s, "docs", vec![file("many", "ok.txt", "ok")]).await;
    let id = r.body["id"].as_str().expect("id").to_string();
    let secret = s.dir.path().join("outside.txt");
    std::fs::write(&secret, "must never be served").expect("write");

    // Names planted in the database behind the API's back (an import, a manual edit).
    let planted = ["../../outside.txt", "../outside.txt", "/etc/hostname", ".."];
    {
        let conn = rusqlite::Connection::open(s.db_path()).expect("open db");
        conn.busy_timeout(Duration::from_secs(5))
            .expect("busy timeout");
        conn.execute(
            "UPDATE docs SET many = ?1 WHERE id = ?2",
            rusqlite::params![json!(planted).to_string(), id],
        )
        .expect("plant");
    }
    for name in planted {
        for encoded in [name.replace('/', "%2F"), name.to_string()] {
            let url = format!("/api/files/docs/{id}/{encoded}");
            let (status, _, body) = fetch(&s, &url, &[]).await;
            assert_eq!(status, 404, "{url}: {}", String::from_utf8_lossy(&body));
        }
    }
    for url in [
        "/api/files/docs/..%2F..%2F/outside.txt",
        "/api/files/..%2F/x/outside.txt",
    ] {
        assert_eq!(fetch(&s, url, &[]).await.0, 404, "{url}");
    }
    // Removing the planted names and deleting the record touch nothing outside.
    let r = s
        .su_patch(
            &format!("/api/collections/docs/records/{id}"),
            json!({"many": []}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = s
        .su_delete(&format!("/api/collections/docs/records/{id}"))
        .await;
    assert_eq!(r.status, 204, "{}", r.body);
    assert!(secret.exists() && s.db_path().exists());
    s.stop().await;
}

#[tokio::test]
async fn oversized_bodies_are_refused_before_anything_is_stored() {
    let s = TestServer::start().await; // 1 MiB body limit
    collection(
        &s,
        "docs",
        json!([{"name": "doc", "type": "file", "maxSize": 10485760}]),
    )
    .await;
    let r = create(
        &s,
        "docs",
        vec![file("doc", "huge.bin", vec![0u8; 3 << 20])],
    )
    .await;
    assert_eq!(r.status, 413, "{}", r.body);
    assert!(stored(&s).is_empty(), "{:?}", stored(&s));
    assert_eq!(s.count_rows("docs"), 0);
    s.stop().await;
}

#[tokio::test]
async fn types_come_from_the_content() {
    let s = TestServer::start().await;
    collection(
        &s,
        "docs",
        json!([
            {"name": "image", "type": "file", "mimeTypes": ["image/png"]},
            {"name": "any", "type": "file"},
        ]),
    )
    .await;
    let html = b"<!DOCTYPE html><script>alert(1)</script>".to_vec();
    let r = create(&s, "docs", vec![file("image", "cat.png", html.clone())]).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(
        r.body["data"]["image"]["code"],
        "validation_invalid_mime_type"
    );
    // A real PNG named .txt is accepted as an image.
    let r = create(&s, "docs", vec![file("image", "photo.txt", png(4, 4))]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    // HTML named .png is served as HTML, as an attachment, sandboxed.
    let r = create(&s, "docs", vec![file("any", "cat.png", html)]).await;
    let url = format!(
        "/api/files/docs/{}/{}",
        r.body["id"].as_str().expect("id"),
        r.body["any"].as_str().expect("any")
    );
    let (status, h, _) = fetch(&s, &url, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(header(&h, "content-type"), "text/html; charset=utf-8");
    assert!(header(&h, "content-disposition").starts_with("attachment;"));
    assert!(header(&h, "content-security-policy").contains("sandbox"));
    assert_eq!(header(&h, "x-content-type-options"), "nosniff");
    s.stop().await;
}

/// A valid PNG whose header claims `w`×`h` pixels (the pixel data is a few bytes).
fn bomb(w: u32, h: u32) -> Vec<u8> {
    let mut data = png(1, 1);
    data[16..20].copy_from_slice(&w.to_be_bytes());
    data[20..24].copy_from_slice(&h.to_be_bytes());
    let crc = crc32fast::hash(&data[12..29]);
    data[29..33].copy_from_slice(&crc.to_be_bytes());
    data
}

#[tokio::test]
async fn image_bombs_get_the_original_instead_of_a_thumbnail() {
    let s = TestServer::start().await;
    collection(
        &s,
        "pics",
        json!([{"name": "img", "type": "file", "thumbs": ["0x1000"]}]),
    )
    .await;
    for (why, data, size) in [
        ("huge declared size", bomb(100_000, 100_000), "100x100"),
        ("allocation over the limit", bomb(16_000, 16_000), "100x100"),
        ("huge resize target", png(16_000, 1), "0x1000"),
    ] {
        let r = create(&s, "pics", vec![file("img", "bomb.png", data.clone())]).await;
        assert_eq!(r.status, 200, "{why}: {}", r.body);
        let url = format!(
            "/api/files/pics/{}/{}?thumb={size}",
            r.body["id"].as_str().expect("id"),
            r.body["img"].as_str().expect("img")
        );
        let started = Instant::now();
        let (status, _, body) = fetch(&s, &url, &[]).await;
        assert_eq!((status, body == data), (200, true), "{why}");
        assert!(started.elapsed() < Duration::from_secs(10), "{why}");
    }
    s.stop().await;
}
