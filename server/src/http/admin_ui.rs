//! The admin console at `/_/`: the built `admin-ui/dist/` embedded in the binary (so a release
//! needs no Node), served with SPA fallback, long-lived caching for content-hashed assets and
//! a strict CSP (the console loads no inline script and talks only to this origin).

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "../admin-ui/dist/"]
struct Dist;

/// No inline scripts; the SDK's fetches and the realtime stream go to this origin only
/// (`ws:`/`wss:` for the WebSocket transport). Thumbnails may come from `blob:`/`data:`.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
img-src 'self' data: blob:; connect-src 'self' ws: wss:; font-src 'self'; object-src 'none'; \
base-uri 'self'; form-action 'self'; frame-ancestors 'self'";

/// `/_` → `/_/` (relative asset URLs resolve under the slash).
pub async fn redirect() -> HttpResponse {
    HttpResponse::MovedPermanently()
        .insert_header((header::LOCATION, "/_/"))
        .finish()
}

/// `/_/{tail}`: an embedded file, or `index.html` for any path that is not one (client routes).
pub async fn serve(tail: web::Path<String>) -> HttpResponse {
    let path = tail.into_inner();
    if let Some(file) = (!path.is_empty()).then(|| Dist::get(&path)).flatten() {
        // Vite puts content-hashed files under assets/; their name changes with their bytes.
        let cache = if path.starts_with("assets/") {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        };
        return respond(&path, file.data.into_owned(), cache);
    }
    match Dist::get("index.html") {
        Some(index) => respond("index.html", index.data.into_owned(), "no-cache"),
        None => HttpResponse::NotFound()
            .content_type("text/plain; charset=utf-8")
            .body("admin console not built"),
    }
}

fn respond(path: &str, bytes: Vec<u8>, cache: &'static str) -> HttpResponse {
    let mime = mime_of(path);
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, mime))
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::CONTENT_SECURITY_POLICY, CSP))
        .insert_header((header::REFERRER_POLICY, "same-origin"))
        .body(bytes)
}

/// The handful of types Vite emits; anything else is served as opaque bytes.
fn mime_of(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "json" | "map" => "application/json",
        "woff2" => "font/woff2",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::mime_of;

    #[test]
    fn mime_types_follow_the_extension() {
        assert_eq!(
            mime_of("assets/index-abc.js"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(mime_of("assets/index-abc.css"), "text/css; charset=utf-8");
        assert_eq!(mime_of("index.html"), "text/html; charset=utf-8");
        assert_eq!(mime_of("favicon.svg"), "image/svg+xml");
        assert_eq!(mime_of("blob"), "application/octet-stream");
    }
}
