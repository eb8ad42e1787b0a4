//! Request bodies: JSON objects, or multipart forms whose text parts are values, whose
//! `@jsonPayload` parts (possibly several) are JSON objects merged into the body, and whose file
//! parts become [`Upload`]s (named and typed on arrival; the record pipeline decides which
//! field they belong to). The whole body, files included, is bounded by `limit`: a larger one
//! is refused with 413 as soon as the limit is crossed, before anything is stored.

use actix_web::{HttpRequest, web};
use futures_util::StreamExt;
use serde_json::{Map, Value};

use super::error::payload_error;
use crate::error::{ApiError, msg};
use crate::files::{Upload, Uploads};

/// A parsed body; `from_form` tells field coercion that values came as text parts.
#[derive(Debug, Default)]
pub struct Body {
    pub data: Map<String, Value>,
    pub from_form: bool,
    /// File parts, each under its part name (`docs`, `docs+`, `requests.0.docs`, …).
    pub files: Uploads,
}

fn is_multipart(req: &HttpRequest) -> bool {
    req.headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.to_ascii_lowercase().starts_with("multipart/form-data"))
}

/// The request body as a JSON object (JSON or multipart), within the configured body limit.
pub async fn read_object(
    req: &HttpRequest,
    payload: web::Payload,
) -> Result<Map<String, Value>, ApiError> {
    Ok(read_body(req, payload, super::state::max_body(req))
        .await?
        .data)
}

/// Reads the whole body (bounded by `limit` bytes) and parses it.
pub async fn read_body(
    req: &HttpRequest,
    payload: web::Payload,
    limit: usize,
) -> Result<Body, ApiError> {
    if is_multipart(req) {
        return read_multipart(req, payload, limit).await;
    }
    let bytes = read_bytes(payload, limit).await?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Body::default());
    }
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(data)) => Ok(Body {
            data,
            from_form: false,
            files: Vec::new(),
        }),
        _ => Err(ApiError::bad_request(msg::BAD_REQUEST)),
    }
}

async fn read_bytes(mut payload: web::Payload, limit: usize) -> Result<web::BytesMut, ApiError> {
    let mut buf = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(payload_error)?;
        if buf.len() + chunk.len() > limit {
            return Err(ApiError::new(413, msg::TOO_LARGE));
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf)
}

async fn read_multipart(
    req: &HttpRequest,
    payload: web::Payload,
    limit: usize,
) -> Result<Body, ApiError> {
    let mut multipart = actix_multipart::Multipart::new(req.headers(), payload.into_inner());
    let mut data = Map::new();
    let mut files = Vec::new();
    let mut total = 0usize;
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(|_| ApiError::bad_request(msg::BAD_REQUEST))?;
        let name = field.name().unwrap_or_default().to_string();
        let filename = field.content_disposition().and_then(|cd| {
            cd.get_filename().map(str::to_string).or_else(|| {
                cd.get_filename_ext()
                    .map(|ext| String::from_utf8_lossy(&ext.value).into_owned())
            })
        });
        let mut value = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|_| ApiError::bad_request(msg::BAD_REQUEST))?;
            total += chunk.len();
            if total > limit {
                return Err(ApiError::new(413, msg::TOO_LARGE));
            }
            value.extend_from_slice(&chunk);
        }
        if let Some(filename) = filename {
            // An empty file input (no file chosen) sends an empty part with an empty name.
            if !(filename.is_empty() && value.is_empty()) {
                files.push((name, Upload::new(&filename, value.into())));
            }
            continue;
        }
        let text = String::from_utf8(value).map_err(|_| ApiError::bad_request(msg::BAD_REQUEST))?;
        if name == "@jsonPayload" {
            match serde_json::from_str::<Value>(&text) {
                Ok(Value::Object(obj)) => data.extend(obj),
                _ => return Err(ApiError::bad_request(msg::BAD_REQUEST)),
            }
            continue;
        }
        // Repeated keys form an array (multi-value fields).
        match data.get_mut(&name) {
            Some(Value::Array(items)) => items.push(Value::String(text)),
            Some(existing) => {
                let first = existing.take();
                *existing = Value::Array(vec![first, Value::String(text)]);
            }
            None => {
                data.insert(name, Value::String(text));
            }
        }
    }
    Ok(Body {
        data,
        from_form: true,
        files,
    })
}
