//! Cross-cutting HTTP behaviour matching PocketBase: security headers on every response, and
//! CORS (any origin by default; preflight answered with 204).

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse};

/// PocketBase's security headers on every response (kept when a handler set its own), except
/// `X-Frame-Options` on file downloads, which PocketBase drops so files can be embedded.
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let file_download = req.path().starts_with("/api/files/");
    let mut res = next.call(req).await?.map_into_boxed_body();
    let headers = res.headers_mut();
    let mut set = |name: header::HeaderName, value: &'static str| {
        if !headers.contains_key(&name) {
            headers.insert(name, header::HeaderValue::from_static(value));
        }
    };
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    if !file_download {
        set(header::X_FRAME_OPTIONS, "SAMEORIGIN");
    }
    set(header::X_XSS_PROTECTION, "1; mode=block");
    set(
        header::HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(header::VARY, "Origin");
    Ok(res)
}

const ALLOW_METHODS: &str = "GET,HEAD,PUT,PATCH,POST,DELETE";

/// CORS: preflight → 204 with the allowed methods and the requested headers echoed; normal
/// responses carry `Access-Control-Allow-Origin: *` when an `Origin` header was sent.
pub async fn cors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let has_origin = req.headers().contains_key(header::ORIGIN);
    let is_preflight = req.method() == Method::OPTIONS
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    if is_preflight {
        let requested = req
            .headers()
            .get(header::ACCESS_CONTROL_REQUEST_HEADERS)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let mut resp = HttpResponse::NoContent();
        resp.insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
            .insert_header((header::ACCESS_CONTROL_ALLOW_METHODS, ALLOW_METHODS));
        if !requested.is_empty() {
            resp.insert_header((header::ACCESS_CONTROL_ALLOW_HEADERS, requested));
        }
        return Ok(req.into_response(resp.finish()));
    }
    let mut res = next.call(req).await?.map_into_boxed_body();
    if has_origin {
        res.headers_mut().insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            header::HeaderValue::from_static("*"),
        );
    }
    Ok(res)
}
