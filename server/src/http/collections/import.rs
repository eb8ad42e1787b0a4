//! `PUT /api/collections/import` `{"collections":[...],"deleteMissing":bool}` → 204.

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::Value;

use crate::error::{ApiError, FieldError, FieldErrors};
use crate::http::body::read_object;
use crate::http::extract::{RequireSuperuser, core_of};
use crate::schema::service;

/// Import collections (all or nothing).
pub async fn handler(
    req: HttpRequest,
    _: RequireSuperuser,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let body = read_object(&req, payload).await?;
    let items = match body.get("collections") {
        Some(Value::Array(items)) if !items.is_empty() => items.clone(),
        _ => {
            let mut errors = FieldErrors::new();
            errors.add("collections", FieldError::required());
            return Err(ApiError::validation(
                "An error occurred while validating the submitted data.",
                errors,
            ));
        }
    };
    let delete_missing = body
        .get("deleteMissing")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let sealer = core.settings.sealer.clone();
    core.write_schema(move |conn, cache| {
        service::import(conn, cache, &sealer, &items, delete_missing)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
