//! `DELETE /api/collections/{idOrName}` → 204.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::ApiError;
use crate::http::extract::{RequireSuperuser, core_of};
use crate::schema::service;

/// Delete a collection and its table.
pub async fn handler(
    req: HttpRequest,
    path: web::Path<String>,
    _: RequireSuperuser,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let id = path.into_inner();
    core.write_schema(move |conn, cache| service::delete(conn, cache, &id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
