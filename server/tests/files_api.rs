//! File fields end to end against a real server and real files on disk: uploads (names,
//! validation codes as PocketBase 0.40.6 answers), downloads (bytes, headers, ranges,
//! conditional requests, HEAD), the `field+` / `+field` / `field-` modifiers and replacement.

mod common;
mod files_support;

use common::{TestServer, assert_error};
use files_support::*;
use serde_json::{Value, json};

fn names(v: &Value) -> Vec<String> {
    match v {
        Value::Array(a) => a
            .iter()
            .filter_map(|x| x.as_str().map(String::from))
            .collect(),
        Value::String(s) if !s.is_empty() => vec![s.clone()],
        _ => Vec::new(),
    }
}

async fn docs(s: &TestServer) -> String {
    let c = collection(
        s,
        "docs",
        json!([
            {"name": "one", "type": "file", "maxSelect": 1, "maxSize": 4096},
            {"name": "many", "type": "file", "maxSelect": 4, "mimeTypes": ["image/png", "text/plain"]},
        ]),
    )
    .await;
    c["id"].as_str().expect("id").to_string()
}

#[tokio::test]
async fn uploads_are_named_stored_and_served_byte_for_byte() {
    let s = TestServer::start().await;
    let cid = docs(&s).await;
    let image = png(40, 30);
    let note = b"hello, files\n".to_vec();
    let r = create(
        &s,
        "docs",
        vec![
            text("title", "first"),
            file("one", "My File (1).PNG", image.clone()),
            file("many", "notes.txt", note.clone()),
            file("many", "ÄÖ ü.png", image.clone()),
        ],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let id = r.body["id"].as_str().expect("id").to_string();
    let one = r.body["one"].as_str().expect("one").to_string();
    assert!(
        one.starts_with("my_file_1_") && one.ends_with(".PNG"),
        "{one}"
    );
    assert_eq!(one.len(), "my_file_1_".len() + 10 + 4);
    let many = names(&r.body["many"]);
    assert_eq!(many.len(), 2);
    assert!(many[0].starts_with("notes_") && many[0].ends_with(".txt"));
    assert!(many[1].ends_with(".png") && many[1].len() == 10 + 1 + 10 + 4);

    // On disk exactly where PocketBase keeps them, byte for byte.
    let dir = storage(&s).join(&cid).join(&id);
    assert_eq!(std::fs::read(dir.join(&one)).expect("stored"), image);
    assert_eq!(std::fs::read(dir.join(&many[0])).expect("stored"), note);

    let (status, h, body) = fetch(&s, &format!("/api/files/docs/{id}/{one}"), &[]).await;
    assert_eq!((status, body.as_slice()), (200, image.as_slice()));
    assert_eq!(header(&h, "content-type"), "image/png");
    assert_eq!(
        header(&h, "content-disposition"),
        format!("inline; filename=\"{one}\"")
    );
    assert_eq!(
        header(&h, "cache-control"),
        "max-age=2592000, stale-while-revalidate=86400"
    );
    assert_eq!(
        header(&h, "content-security-policy"),
        "default-src 'none'; media-src 'self'; style-src 'unsafe-inline'; sandbox"
    );
    assert_eq!(header(&h, "accept-ranges"), "bytes");
    assert!(!header(&h, "etag").is_empty() && !header(&h, "last-modified").is_empty());
    assert!(
        h.get("x-frame-options").is_none(),
        "PocketBase drops X-Frame-Options on files"
    );
    assert_eq!(header(&h, "x-content-type-options"), "nosniff");

    // Text is an attachment, typed from its content; by collection id too.
    let (status, h, body) = fetch(&s, &format!("/api/files/{cid}/{id}/{}", many[0]), &[]).await;
    assert_eq!((status, body), (200, note));
    assert_eq!(header(&h, "content-type"), "text/plain; charset=utf-8");
    assert!(header(&h, "content-disposition").starts_with("attachment;"));
    for flag in ["1", "true", "t"] {
        let url = format!("/api/files/docs/{id}/{one}?download={flag}");
        let (_, h, _) = fetch(&s, &url, &[]).await;
        assert!(
            header(&h, "content-disposition").starts_with("attachment;"),
            "{flag}"
        );
    }

    // Unknown file, record or collection: PocketBase's 404s.
    let r = s.guest_get(&format!("/api/files/docs/{id}/nope.png")).await;
    assert_eq!(assert_error(&r, 404), &json!({}));
    assert_eq!(r.body["message"], "The requested resource wasn't found.");
    let r = s
        .guest_get(&format!("/api/files/docs/aaaaaaaaaaaaaaa/{one}"))
        .await;
    assert_error(&r, 404);
    let r = s.guest_get(&format!("/api/files/nope/{id}/{one}")).await;
    assert_eq!(assert_error(&r, 404), &json!({}));
    assert_eq!(r.body["message"], "Missing or invalid collection context.");
    s.stop().await;
}

#[tokio::test]
async fn ranges_conditional_requests_and_head() {
    let s = TestServer::start().await;
    docs(&s).await;
    let data: Vec<u8> = (0..1000u32).map(|i| (i % 251) as u8).collect();
    let r = create(&s, "docs", vec![file("one", "blob.bin", data.clone())]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let url = format!(
        "/api/files/docs/{}/{}",
        r.body["id"].as_str().expect("id"),
        r.body["one"].as_str().expect("one")
    );

    let (status, h, body) = fetch(&s, &url, &[("Range", "bytes=10-19")]).await;
    assert_eq!((status, body.as_slice()), (206, &data[10..20]));
    assert_eq!(header(&h, "content-range"), "bytes 10-19/1000");
    assert_eq!(header(&h, "content-type"), "application/octet-stream");
    let (status, _, body) = fetch(&s, &url, &[("Range", "bytes=-5")]).await;
    assert_eq!((status, body.as_slice()), (206, &data[995..]));
    let (status, _, body) = fetch(&s, &url, &[("Range", "bytes=990-")]).await;
    assert_eq!((status, body.as_slice()), (206, &data[990..]));
    let (status, h, _) = fetch(&s, &url, &[("Range", "bytes=5000-6000")]).await;
    assert_eq!((status, header(&h, "content-range")), (416, "bytes */1000"));
    // Several ranges: the whole file.
    let (status, _, body) = fetch(&s, &url, &[("Range", "bytes=0-1,5-6")]).await;
    assert_eq!((status, body.len()), (200, 1000));

    let (_, h, _) = fetch(&s, &url, &[]).await;
    let etag = header(&h, "etag").to_string();
    let modified = header(&h, "last-modified").to_string();
    let (status, _, body) = fetch(&s, &url, &[("If-None-Match", &etag)]).await;
    assert_eq!((status, body.len()), (304, 0));
    let (status, _, _) = fetch(&s, &url, &[("If-Modified-Since", &modified)]).await;
    assert_eq!(status, 304);
    let old = "Mon, 01 Jan 2001 00:00:00 GMT";
    let (status, _, _) = fetch(&s, &url, &[("If-Modified-Since", old)]).await;
    assert_eq!(status, 200);
    let (status, _, _) = fetch(&s, &url, &[("If-Match", "\"other\"")]).await;
    assert_eq!(status, 412);
    let (status, _, _) = fetch(&s, &url, &[("If-Unmodified-Since", old)]).await;
    assert_eq!(status, 412);
    let (status, _, body) = fetch(&s, &url, &[("Range", "bytes=0-9"), ("If-Range", &etag)]).await;
    assert_eq!((status, body.len()), (206, 10));
    let stale = [("Range", "bytes=0-9"), ("If-Range", "\"stale\"")];
    let (status, _, body) = fetch(&s, &url, &stale).await;
    assert_eq!((status, body.len()), (200, 1000));

    let r = s
        .client
        .head(format!("{}{url}", s.base))
        .send()
        .await
        .expect("head");
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(header(r.headers(), "content-length"), "1000");
    assert!(r.bytes().await.expect("body").is_empty());
    s.stop().await;
}

#[tokio::test]
async fn modifiers_replacement_and_clearing_remove_files_from_disk() {
    let s = TestServer::start().await;
    let cid = docs(&s).await;
    let r = create(
        &s,
        "docs",
        vec![
            file("one", "a.txt", "a"),
            file("many", "m1.txt", "1"),
            file("many", "m2.txt", "2"),
        ],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let id = r.body["id"].as_str().expect("id").to_string();
    let dir = storage(&s).join(&cid).join(&id);
    let old_one = r.body["one"].as_str().expect("one").to_string();
    let m = names(&r.body["many"]);

    // Append and prepend keep order; nothing is removed.
    let r = update(&s, "docs", &id, vec![file("many+", "memo3.txt", "3")]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let after_append = names(&r.body["many"]);
    assert_eq!(&after_append[..2], &m[..]);
    assert!(after_append[2].starts_with("memo3_"));
    let r = update(&s, "docs", &id, vec![file("+many", "memo0.txt", "0")]).await;
    let after_prepend = names(&r.body["many"]);
    assert!(after_prepend[0].starts_with("memo0_"));
    assert_eq!(&after_prepend[1..], &after_append[..]);
    assert_eq!(stored(&s).len(), 5);

    // `many-` removes one file, from the record and from the disk.
    let r = s
        .su_patch(
            &format!("/api/collections/docs/records/{id}"),
            json!({"many-": [m[0]]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(!names(&r.body["many"]).contains(&m[0]));
    assert!(!dir.join(&m[0]).exists());

    // Keep one named file, upload another under the same key: the rest go.
    let keep = m[1].clone();
    let r = update(
        &s,
        "docs",
        &id,
        vec![text("many", keep.clone()), file("many", "new.txt", "n")],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let now = names(&r.body["many"]);
    assert_eq!(now.len(), 2);
    assert_eq!(now[0], keep);
    assert!(dir.join(&now[1]).exists() && dir.join(&keep).exists());
    assert!(!dir.join(&after_prepend[0]).exists());

    // A new single file replaces the old one (and its thumbnails folder).
    let r = update(&s, "docs", &id, vec![file("one", "b.txt", "b")]).await;
    let new_one = r.body["one"].as_str().expect("one").to_string();
    assert_ne!(new_one, old_one);
    assert!(!dir.join(&old_one).exists() && dir.join(&new_one).exists());

    // "" and [] clear the fields and remove every file.
    let r = s
        .su_patch(
            &format!("/api/collections/docs/records/{id}"),
            json!({"one": "", "many": []}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        (r.body["one"].clone(), r.body["many"].clone()),
        (json!(""), json!([]))
    );
    assert!(stored(&s).is_empty(), "{:?}", stored(&s));
    s.stop().await;
}

#[tokio::test]
async fn validation_uses_pocketbase_codes_and_stores_nothing() {
    let s = TestServer::start().await;
    docs(&s).await;
    let big = vec![7u8; 5000];
    let r = create(&s, "docs", vec![file("one", "big.bin", big)]).await;
    let data = assert_error(&r, 400);
    assert_eq!(
        data["one"],
        json!({"code": "validation_file_size_limit",
               "message": "Failed to upload big.bin - the maximum allowed file size is 4096 bytes.",
               "params": {"file": "big.bin", "maxSize": 4096}})
    );
    // Declared image/png, named .png, but PDF bytes: the type comes from the content.
    let r = create(
        &s,
        "docs",
        vec![file("many", "x.png", b"%PDF-1.4\n%\xe2\xe3".to_vec())],
    )
    .await;
    let data = assert_error(&r, 400);
    assert_eq!(data["many"]["code"], "validation_invalid_mime_type");
    let msg = data["many"]["message"].as_str().expect("message");
    assert!(
        msg.ends_with("mime type must be one of: image/png, text/plain."),
        "{msg}"
    );
    let r = create(
        &s,
        "docs",
        (0..5)
            .map(|i| file("many", format!("{i}.txt"), "x"))
            .collect(),
    )
    .await;
    assert_eq!(
        assert_error(&r, 400)["many"],
        json!({"code": "validation_too_many_files", "message": "The maximum allowed files is 4.",
               "params": {"maxSelect": 4}})
    );
    let r = s
        .su_post(
            "/api/collections/docs/records",
            json!({"many": ["made_up.png"]}),
        )
        .await;
    assert_eq!(
        assert_error(&r, 400)["many"],
        json!({"code": "validation_invalid_file", "message": "Invalid new files: [made_up.png].",
               "params": {"invalidFiles": ["made_up.png"]}})
    );
    assert!(stored(&s).is_empty(), "{:?}", stored(&s));
    assert_eq!(s.count_rows("docs"), 0);
    s.stop().await;
}

#[tokio::test]
async fn deleting_a_collection_removes_its_files() {
    let s = TestServer::start().await;
    let cid = docs(&s).await;
    let r = create(&s, "docs", vec![file("one", "a.txt", "a")]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let dir = storage(&s).join(&cid);
    assert!(dir.is_dir());
    assert_eq!(s.su_delete("/api/collections/docs").await.status, 204);
    assert!(!dir.exists(), "the collection's storage directory is gone");
}
