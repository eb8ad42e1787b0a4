//! `GET /api/collections/meta/scaffolds`: default JSON of a new collection per type.

use actix_web::HttpResponse;
use serde_json::json;

use crate::error::ApiError;
use crate::http::extract::RequireSuperuser;
use crate::schema::defaults::scaffold;

/// Collection scaffolds.
pub async fn handler(_: RequireSuperuser) -> Result<HttpResponse, ApiError> {
    Ok(HttpResponse::Ok().json(
        json!({"auth": scaffold("auth"), "base": scaffold("base"), "view": scaffold("view")}),
    ))
}
