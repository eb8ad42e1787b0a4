//! `POST /api/collections/view-preview` (Cairn-only, superusers): `{"viewQuery", "limit"}` →
//! `{"fields": [...], "items": [...]}`, the dry run the console's view editor shows.

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::Value;

use crate::error::{ApiError, FieldError, FieldErrors};
use crate::http::body::read_object;
use crate::http::extract::{RequireSuperuser, core_of};
use crate::schema::view_preview;

/// Preview a view query: inferred fields and the first `limit` rows (default 10, at most 100).
pub async fn handler(
    req: HttpRequest,
    _: RequireSuperuser,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let body = read_object(&req, payload).await?;
    let query = match body.get("viewQuery") {
        Some(Value::String(s)) => s.clone(),
        None | Some(Value::Null) => String::new(),
        Some(_) => return Err(invalid("viewQuery", "Must be a string.")),
    };
    let limit = match body.get("limit") {
        None | Some(Value::Null) => view_preview::DEFAULT_LIMIT,
        Some(v) => v
            .as_u64()
            .filter(|n| *n >= 1)
            .ok_or_else(|| invalid("limit", "Must be a positive whole number."))?,
    };
    let preview = core
        .write_schema(move |conn, cache| view_preview::preview(conn, cache, &query, limit))
        .await?;
    Ok(HttpResponse::Ok().json(preview))
}

fn invalid(key: &str, message: &str) -> ApiError {
    let mut errors = FieldErrors::new();
    errors.add(key, FieldError::new("validation_invalid_value", message));
    ApiError::validation("Failed to preview the view query.", errors)
}
