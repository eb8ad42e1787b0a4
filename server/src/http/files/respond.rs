//! Serving a stored object as PocketBase does (Go's `http.ServeContent` plus PocketBase's
//! headers): `Content-Disposition` (inline for media and PDF, else attachment; `?download=1`
//! forces attachment), `Content-Security-Policy`, `Cache-Control`, `Accept-Ranges`,
//! `Last-Modified` and `ETag`; conditional requests (`If-Match`, `If-Unmodified-Since` → 412,
//! `If-None-Match`, `If-Modified-Since` → 304) and one byte range (`Range`, `If-Range` → 206;
//! unsatisfiable → 416; several ranges are answered with the whole file).

use std::sync::Arc;
use std::time::SystemTime;

use actix_web::body::SizedStream;
use actix_web::http::header::{
    self, ByteRangeSpec, EntityTag, HttpDate, IfMatch, IfModifiedSince, IfNoneMatch, IfRange,
    IfUnmodifiedSince, Range,
};
use actix_web::http::{Method, StatusCode};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, HttpResponseBuilder};

use crate::error::ApiError;
use crate::files::{FileStore, Meta, StoreError, mime};

const CSP: &str = "default-src 'none'; media-src 'self'; style-src 'unsafe-inline'; sandbox";
const CACHE_CONTROL: &str = "max-age=2592000, stale-while-revalidate=86400";

/// Go's `strconv.ParseBool` truthy values, as PocketBase reads `?download=`.
pub fn truthy(v: &str) -> bool {
    matches!(v, "1" | "t" | "T" | "true" | "TRUE" | "True")
}

/// Second precision, as HTTP dates carry.
fn seconds(t: SystemTime) -> u64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn quoted(name: &str) -> String {
    name.replace('\\', "\\\\").replace('"', "\\\"")
}

fn tag_of(meta: &Meta) -> Option<EntityTag> {
    meta.etag.parse::<EntityTag>().ok()
}

/// 412 / 304 per RFC 9110 §13.2.2 (the order Go's `checkPreconditions` uses).
fn precondition(req: &HttpRequest, meta: &Meta) -> Option<StatusCode> {
    let tag = tag_of(meta);
    let modified = seconds(meta.modified);
    match req.get_header::<IfMatch>() {
        Some(IfMatch::Any) => {}
        Some(IfMatch::Items(items)) => {
            if !tag
                .as_ref()
                .is_some_and(|t| items.iter().any(|i| i.strong_eq(t)))
            {
                return Some(StatusCode::PRECONDITION_FAILED);
            }
        }
        None => {
            if let Some(IfUnmodifiedSince(date)) = req.get_header::<IfUnmodifiedSince>()
                && modified > seconds(date.into())
            {
                return Some(StatusCode::PRECONDITION_FAILED);
            }
        }
    }
    let safe = matches!(*req.method(), Method::GET | Method::HEAD);
    match req.get_header::<IfNoneMatch>() {
        Some(IfNoneMatch::Any) => safe.then_some(StatusCode::NOT_MODIFIED),
        Some(IfNoneMatch::Items(items)) => {
            let matched = tag
                .as_ref()
                .is_some_and(|t| items.iter().any(|i| i.weak_eq(t)));
            (matched && safe).then_some(StatusCode::NOT_MODIFIED)
        }
        None => match req.get_header::<IfModifiedSince>() {
            Some(IfModifiedSince(date)) if safe && modified <= seconds(date.into()) => {
                Some(StatusCode::NOT_MODIFIED)
            }
            _ => None,
        },
    }
}

/// What to send of the body: all of it, one range, or nothing satisfiable.
enum Part {
    Whole,
    Range(u64, u64),
    Unsatisfiable,
}

fn part(req: &HttpRequest, meta: &Meta) -> Part {
    let Some(Range::Bytes(specs)) = req.get_header::<Range>() else {
        return Part::Whole;
    };
    // If-Range: a stale representation gets the whole file.
    let fresh = match req.get_header::<IfRange>() {
        None => true,
        Some(IfRange::EntityTag(t)) => tag_of(meta).is_some_and(|m| m.strong_eq(&t)),
        Some(IfRange::Date(d)) => seconds(d.into()) == seconds(meta.modified),
    };
    if !fresh || specs.len() != 1 {
        return Part::Whole;
    }
    match specs
        .first()
        .and_then(|s: &ByteRangeSpec| s.to_satisfiable_range(meta.size))
    {
        Some((from, to)) => Part::Range(from, to),
        None => Part::Unsatisfiable,
    }
}

/// Streams `key` from `store` as a download named `name`.
pub async fn serve(
    req: &HttpRequest,
    store: &Arc<dyn FileStore>,
    key: &str,
    name: &str,
    force_download: bool,
) -> Result<HttpResponse, ApiError> {
    let meta = store.head(key).await?;
    let disposition = if !force_download && mime::is_inline(&meta.content_type) {
        "inline"
    } else {
        "attachment"
    };
    let content_type = mime::forced_by_extension(name).unwrap_or(&meta.content_type);
    let headers = |b: &mut HttpResponseBuilder| {
        b.insert_header((
            header::CONTENT_DISPOSITION,
            format!("{disposition}; filename=\"{}\"", quoted(name)),
        ))
        .insert_header((header::CONTENT_SECURITY_POLICY, CSP))
        .insert_header((header::CACHE_CONTROL, CACHE_CONTROL))
        .insert_header((header::LAST_MODIFIED, HttpDate::from(meta.modified)))
        .insert_header((header::ETAG, meta.etag.clone()));
    };
    if let Some(status) = precondition(req, &meta) {
        let mut b = HttpResponse::build(status);
        headers(&mut b);
        return Ok(b.finish());
    }
    let (status, range) = match part(req, &meta) {
        Part::Whole => (StatusCode::OK, None),
        Part::Range(from, to) => (StatusCode::PARTIAL_CONTENT, Some((from, to))),
        Part::Unsatisfiable => {
            let mut b = HttpResponse::RangeNotSatisfiable();
            headers(&mut b);
            return Ok(b
                .insert_header((header::CONTENT_RANGE, format!("bytes */{}", meta.size)))
                .content_type("text/plain; charset=utf-8")
                .body("invalid range: failed to overlap"));
        }
    };
    let mut b = HttpResponse::build(status);
    headers(&mut b);
    b.insert_header((header::ACCEPT_RANGES, "bytes"))
        .insert_header((header::CONTENT_TYPE, content_type.to_string()));
    let length = match range {
        Some((from, to)) => {
            b.insert_header((
                header::CONTENT_RANGE,
                format!("bytes {from}-{to}/{}", meta.size),
            ));
            to - from + 1
        }
        None => meta.size,
    };
    if req.method() == Method::HEAD {
        // The length is announced; actix sends no body for HEAD.
        let empty = futures_util::stream::empty::<Result<bytes::Bytes, std::io::Error>>();
        return Ok(b.body(SizedStream::new(length, empty)));
    }
    let stream = match store.get(key, range.map(|(from, to)| from..to + 1)).await {
        Ok(s) => s,
        Err(StoreError::NotFound) => return Err(ApiError::not_found()),
        Err(e) => return Err(e.into()),
    };
    Ok(b.body(SizedStream::new(length, stream)))
}
