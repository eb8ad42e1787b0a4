//! Helpers shared by the file tests: multipart requests, generated images, and a listing of
//! what is really on disk under the server's storage directory.

#![allow(dead_code)]

use std::io::Cursor;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::common::{Resp, TestServer};

/// One multipart part: a text value or a file.
pub enum Part {
    Text(&'static str, String),
    File(&'static str, String, Vec<u8>),
}

pub fn text(name: &'static str, value: impl Into<String>) -> Part {
    Part::Text(name, value.into())
}

pub fn file(name: &'static str, filename: impl Into<String>, data: impl Into<Vec<u8>>) -> Part {
    Part::File(name, filename.into(), data.into())
}

pub fn form(parts: Vec<Part>) -> reqwest::multipart::Form {
    let mut form = reqwest::multipart::Form::new();
    for p in parts {
        form = match p {
            Part::Text(n, v) => form.text(n, v),
            Part::File(n, f, d) => form.part(
                n,
                reqwest::multipart::Part::bytes(d)
                    .file_name(f)
                    // Deliberately wrong: the server must detect the type from the content.
                    .mime_str("image/png")
                    .expect("mime"),
            ),
        };
    }
    form
}

/// Sends a multipart request (`token` as the Authorization header).
pub async fn multipart(
    s: &TestServer,
    method: reqwest::Method,
    path: &str,
    parts: Vec<Part>,
    token: Option<&str>,
) -> Resp {
    let mut rb = s
        .client
        .request(method, format!("{}{}", s.base, path))
        .multipart(form(parts));
    if let Some(t) = token {
        rb = rb.header("Authorization", t);
    }
    TestServer::finish(rb).await
}

pub async fn create(s: &TestServer, collection: &str, parts: Vec<Part>) -> Resp {
    let path = format!("/api/collections/{collection}/records");
    multipart(s, reqwest::Method::POST, &path, parts, Some(&s.token)).await
}

pub async fn update(s: &TestServer, collection: &str, id: &str, parts: Vec<Part>) -> Resp {
    let path = format!("/api/collections/{collection}/records/{id}");
    multipart(s, reqwest::Method::PATCH, &path, parts, Some(&s.token)).await
}

/// GET of raw bytes: `(status, headers, body)`.
pub async fn fetch(
    s: &TestServer,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let mut rb = s.client.get(format!("{}{}", s.base, path));
    for (k, v) in headers {
        rb = rb.header(*k, *v);
    }
    let r = rb.send().await.expect("request");
    let status = r.status().as_u16();
    let h = r.headers().clone();
    (status, h, r.bytes().await.expect("body").to_vec())
}

pub fn header<'a>(h: &'a reqwest::header::HeaderMap, name: &str) -> &'a str {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// A PNG of the given size (a gradient, so resizes are real work).
pub fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("encode png");
    out.into_inner()
}

pub fn dimensions(bytes: &[u8]) -> (u32, u32) {
    let img = image::load_from_memory(bytes).expect("an image");
    (img.width(), img.height())
}

/// Every regular file under `dir` (recursively), as paths relative to it; `.tmp` is included
/// on purpose: an interrupted upload must not linger there either once the server settled.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).expect("under dir").to_path_buf());
            }
        }
    }
    out.sort();
    out
}

pub fn storage(s: &TestServer) -> PathBuf {
    s.dir.path().join("storage")
}

pub fn stored(s: &TestServer) -> Vec<PathBuf> {
    files_under(&storage(s))
}

/// A base collection `name` with the given extra fields (public rules).
pub async fn collection(s: &TestServer, name: &str, fields: Value) -> Value {
    let mut all = vec![json!({"name": "title", "type": "text"})];
    all.extend(fields.as_array().cloned().unwrap_or_default());
    s.create_collection(json!({
        "name": name,
        "type": "base",
        "listRule": "", "viewRule": "", "createRule": "", "updateRule": "", "deleteRule": "",
        "fields": all,
    }))
    .await
}

/// Enables the batch API.
pub async fn enable_batch(s: &TestServer) {
    let r = s
        .su_patch("/api/settings", json!({"batch": {"enabled": true}}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
}

/// Polls `cond` for up to 5 s (file removals after commit are awaited by the request, but
/// keep tests robust against slow disks).
pub async fn eventually(mut cond: impl FnMut() -> bool) -> bool {
    for _ in 0..100 {
        if cond() {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    cond()
}
