//! `DELETE /api/collections/{idOrName}/truncate` → 204.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::ApiError;
use crate::http::extract::{RequireSuperuser, core_of};
use crate::schema::service;

/// Delete every record of a collection.
pub async fn handler(
    req: HttpRequest,
    path: web::Path<String>,
    _: RequireSuperuser,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let id = path.into_inner();
    core.write_schema(move |conn, cache| service::truncate(conn, cache, &id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
