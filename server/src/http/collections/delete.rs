//! `DELETE /api/collections/{idOrName}` → 204.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::ApiError;
use crate::http::extract::{RequireSuperuser, core_of};
use crate::schema::service;

/// Delete a collection, its table and its records' files.
pub async fn handler(
    req: HttpRequest,
    path: web::Path<String>,
    _: RequireSuperuser,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let collection_id = core
        .schema
        .load()
        .find(&path)
        .map(|c| c.id.clone())
        .ok_or_else(ApiError::not_found)?;
    let id = collection_id.clone();
    core.write_schema(move |conn, cache| service::delete(conn, cache, &id))
        .await?;
    // The table is gone (committed); its records' files go with it.
    crate::files::record::delete_collection_files(&core, &collection_id).await;
    Ok(HttpResponse::NoContent().finish())
}
