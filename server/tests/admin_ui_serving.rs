//! The embedded admin console at `/_/`: SPA fallback, the `/_` redirect, cache headers (hashed
//! assets immutable, index.html revalidated), the strict CSP and MIME types, over real HTTP.

mod common;

use common::TestServer;

fn header<'a>(r: &'a reqwest::Response, name: &str) -> &'a str {
    r.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

#[tokio::test]
async fn console_is_served_with_spa_fallback_cache_and_csp() {
    let s = TestServer::start().await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");

    let r = client
        .get(format!("{}/_", s.base))
        .send()
        .await
        .expect("sent");
    assert_eq!(r.status().as_u16(), 301);
    assert_eq!(header(&r, "location"), "/_/");

    let r = client
        .get(format!("{}/_/", s.base))
        .send()
        .await
        .expect("sent");
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(header(&r, "content-type"), "text/html; charset=utf-8");
    assert_eq!(header(&r, "cache-control"), "no-cache");
    let csp = header(&r, "content-security-policy").to_string();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(csp.contains("connect-src 'self' ws: wss:"), "{csp}");
    let index = r.text().await.expect("body");
    assert!(index.contains("<div id=\"app\">"), "{index}");
    // No inline script: every <script> has a src (the CSP would block inline ones).
    assert!(!index.contains("<script>") && !index.contains("<script type=\"module\">"));

    // A client-side route falls back to the same index.html.
    let r = client
        .get(format!("{}/_/collections/posts", s.base))
        .send()
        .await
        .expect("sent");
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(header(&r, "cache-control"), "no-cache");
    assert_eq!(r.text().await.expect("body"), index);

    // The hashed script index.html references is immutable and typed as JavaScript.
    let src = index
        .split("src=\"/_/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("script src in index.html")
        .to_string();
    assert!(src.starts_with("assets/") && src.ends_with(".js"), "{src}");
    let r = client
        .get(format!("{}/_/{src}", s.base))
        .send()
        .await
        .expect("sent");
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(header(&r, "content-type"), "text/javascript; charset=utf-8");
    assert_eq!(
        header(&r, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(header(&r, "x-content-type-options"), "nosniff");
    s.stop().await;
}

/// The console's assets go out gzip-compressed when the browser accepts it (the first load's
/// JavaScript is about a third of its size), and unchanged when it does not.
#[tokio::test]
async fn console_assets_are_gzipped_when_accepted() {
    let s = TestServer::start().await;
    let client = reqwest::Client::new();
    let index = client
        .get(format!("{}/_/", s.base))
        .header("accept-encoding", "identity")
        .send()
        .await
        .expect("sent")
        .text()
        .await
        .expect("body");
    let src = index
        .split("src=\"/_/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("script src in index.html")
        .to_string();
    let url = format!("{}/_/{src}", s.base);
    let plain = client
        .get(&url)
        .header("accept-encoding", "identity")
        .send()
        .await
        .expect("sent");
    assert_eq!(header(&plain, "content-encoding"), "");
    let plain = plain.bytes().await.expect("body").len();
    let gz = client
        .get(&url)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("sent");
    assert_eq!(header(&gz, "content-encoding"), "gzip");
    assert_eq!(
        header(&gz, "content-type"),
        "text/javascript; charset=utf-8"
    );
    let zipped = gz.bytes().await.expect("body").len();
    assert!(zipped * 2 < plain, "gzip {zipped} vs plain {plain}");
    s.stop().await;
}
