//! Thumbnails (every format PocketBase knows, only allowed sizes, generated once and cached on
//! disk, originals for anything else), protected files (view rule + file token, 404 when
//! denied), and files seen through a view collection.

mod common;
mod files_support;

use common::{TestServer, assert_error};
use files_support::*;
use serde_json::json;

#[tokio::test]
async fn thumbnails_have_the_requested_size_and_are_cached() {
    let s = TestServer::start().await;
    let thumbs = [
        "50x30", "40x0", "0x40", "60x60t", "60x60b", "30x30f", "600x600f",
    ];
    let c = collection(
        &s,
        "pics",
        json!([{"name": "img", "type": "file", "maxSelect": 2, "thumbs": thumbs}]),
    )
    .await;
    let cid = c["id"].as_str().expect("id");
    let original = png(300, 200);
    let r = create(
        &s,
        "pics",
        vec![
            file("img", "photo.png", original.clone()),
            file("img", "notes.txt", "plain text"),
        ],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let id = r.body["id"].as_str().expect("id");
    let name = r.body["img"][0].as_str().expect("img");
    let text_name = r.body["img"][1].as_str().expect("img");
    let base = format!("/api/files/pics/{id}/{name}");

    for (size, want) in [
        ("100x100", (100, 100)),
        ("50x30", (50, 30)),
        ("40x0", (40, 27)),
        ("0x40", (60, 40)),
        ("60x60t", (60, 60)),
        ("60x60b", (60, 60)),
        ("30x30f", (30, 20)),
        ("600x600f", (300, 200)),
    ] {
        let (status, h, body) = fetch(&s, &format!("{base}?thumb={size}"), &[]).await;
        assert_eq!(status, 200, "{size}");
        assert_eq!(dimensions(&body), want, "{size}");
        assert_eq!(
            header(&h, "content-disposition"),
            format!("inline; filename=\"{size}_{name}\""),
            "{size}"
        );
    }
    // Cached on disk, where PocketBase keeps them, and served from there.
    let thumb = storage(&s)
        .join(cid)
        .join(id)
        .join(format!("thumbs_{name}"))
        .join(format!("50x30_{name}"));
    let before = std::fs::metadata(&thumb)
        .expect("cached")
        .modified()
        .expect("mtime");
    let (_, _, body) = fetch(&s, &format!("{base}?thumb=50x30"), &[]).await;
    assert_eq!(body, std::fs::read(&thumb).expect("cached"));
    assert_eq!(
        std::fs::metadata(&thumb)
            .expect("cached")
            .modified()
            .expect("mtime"),
        before
    );

    // Sizes the field does not list, invalid sizes and non-images: the original.
    for q in ["77x77", "0x0", "abc", "50x30z"] {
        let (status, h, body) = fetch(&s, &format!("{base}?thumb={q}"), &[]).await;
        assert_eq!((status, body.as_slice()), (200, original.as_slice()), "{q}");
        assert_eq!(
            header(&h, "content-disposition"),
            format!("inline; filename=\"{name}\"")
        );
    }
    let url = format!("/api/files/pics/{id}/{text_name}?thumb=100x100");
    let (status, _, body) = fetch(&s, &url, &[]).await;
    assert_eq!((status, body.as_slice()), (200, b"plain text".as_slice()));

    // Deleting the image takes its thumbnails along.
    let r = s
        .su_patch(
            &format!("/api/collections/pics/records/{id}"),
            json!({"img-": [name]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(!thumb.exists() && !thumb.parent().expect("dir").exists());
    s.stop().await;
}

async fn user_token(s: &TestServer, email: &str) -> String {
    s.signup_and_login(email).await.1
}

async fn file_token(s: &TestServer, auth: &str) -> String {
    let r = s.post("/api/files/token", json!({}), Some(auth)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body["token"].as_str().expect("token").to_string()
}

#[tokio::test]
async fn protected_files_need_the_view_rule_and_a_file_token() {
    let s = TestServer::start().await;
    for (name, rule) in [
        (
            "signed",
            json!("@request.auth.id != '' && @request.context = 'protectedFile'"),
        ),
        ("public", json!("")),
        ("locked", json!(null)),
    ] {
        s.create_collection(json!({
            "name": name, "type": "base", "viewRule": rule, "createRule": "",
            "fields": [{"name": "doc", "type": "file", "protected": true, "maxSelect": 1}],
        }))
        .await;
    }
    let user = user_token(&s, "reader@example.com").await;
    let user_file = file_token(&s, &user).await;
    let su_file = file_token(&s, &s.token).await;
    let mut urls = std::collections::HashMap::new();
    for name in ["signed", "public", "locked"] {
        let r = create(&s, name, vec![file("doc", "secret.txt", "top secret")]).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let url = format!(
            "/api/files/{name}/{}/{}",
            r.body["id"].as_str().expect("id"),
            r.body["doc"].as_str().expect("doc")
        );
        urls.insert(name, url);
    }
    let get = |url: String| {
        let s = &s;
        async move { fetch(s, &url, &[]).await.0 }
    };
    let signed = &urls["signed"];
    assert_eq!(get(signed.clone()).await, 404, "guest");
    // The Authorization header does not count, and an auth token is not a file token.
    let (status, _, _) = fetch(&s, signed, &[("Authorization", &user)]).await;
    assert_eq!(status, 404);
    assert_eq!(get(format!("{signed}?token={user}")).await, 404);
    assert_eq!(get(format!("{signed}?token=garbage")).await, 404);
    let (status, _, body) = fetch(&s, &format!("{signed}?token={user_file}"), &[]).await;
    assert_eq!((status, body.as_slice()), (200, b"top secret".as_slice()));
    assert_eq!(get(format!("{signed}?token={su_file}")).await, 200);
    // Public view rule: no token needed; locked (null): superusers only.
    assert_eq!(get(urls["public"].clone()).await, 200);
    assert_eq!(
        get(format!("{}?token={user_file}", urls["locked"])).await,
        404
    );
    assert_eq!(
        get(format!("{}?token={su_file}", urls["locked"])).await,
        200
    );
    let r = s.guest_get(signed).await;
    assert_eq!(assert_error(&r, 404), &json!({}));
    s.stop().await;
}

#[tokio::test]
async fn view_collections_serve_the_source_records_files() {
    let s = TestServer::start().await;
    collection(
        &s,
        "albums",
        json!([{"name": "cover", "type": "file", "thumbs": ["20x20"]}]),
    )
    .await;
    let r = create(&s, "albums", vec![file("cover", "cover.png", png(50, 40))]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let cover = r.body["cover"].as_str().expect("cover").to_string();
    s.create_collection(json!({
        "name": "album_covers", "type": "view", "listRule": "", "viewRule": "",
        "viewQuery": "SELECT id, cover FROM albums",
    }))
    .await;
    let r = s.get("/api/collections/album_covers/records").await;
    assert_eq!(r.body["items"][0]["cover"], json!(cover), "{}", r.body);
    let id = r.body["items"][0]["id"].as_str().expect("id");
    let url = format!("/api/files/album_covers/{id}/{cover}");
    let (status, _, body) = fetch(&s, &url, &[]).await;
    assert_eq!((status, dimensions(&body)), (200, (50, 40)));
    let (status, _, body) = fetch(&s, &format!("{url}?thumb=20x20"), &[]).await;
    assert_eq!((status, dimensions(&body)), (200, (20, 20)));
    assert_eq!(
        fetch(&s, &format!("/api/files/album_covers/{id}/other.png"), &[])
            .await
            .0,
        404
    );
    s.stop().await;
}
