//! `DELETE /api/collections/{idOrName}/truncate` → 204.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::ApiError;
use crate::http::extract::{RequireSuperuser, core_of};
use crate::records::pipeline;

/// Delete every record of a collection (relation rules apply, all or nothing).
pub async fn handler(
    req: HttpRequest,
    path: web::Path<String>,
    _: RequireSuperuser,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let c = core
        .schema
        .load()
        .find(&path)
        .ok_or_else(ApiError::not_found)?;
    pipeline::truncate(&core, c).await?;
    Ok(HttpResponse::NoContent().finish())
}
