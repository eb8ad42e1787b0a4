//! OpenAPI document (`/api/openapi.json`) and offline docs page (`/api/docs`).

use actix_web::{HttpRequest, HttpResponse};

use crate::error::ApiError;
use crate::http::extract::core_of;

/// The OpenAPI document for the fixed routes plus one path set per collection.
pub async fn spec(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let snapshot = core.schema.load();
    Ok(HttpResponse::Ok().json(crate::openapi::document(&snapshot)))
}

/// A browsable docs page that works offline.
pub async fn docs() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(crate::openapi::DOCS_HTML)
}

/// Static assets of the docs page (bundled in the binary).
pub async fn docs_assets() -> HttpResponse {
    HttpResponse::NotFound().finish()
}
