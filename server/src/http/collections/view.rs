//! `GET /api/collections/{idOrName}`.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::ApiError;
use crate::http::extract::{RequireSuperuser, core_of};
use crate::http::params::FieldsParams;

/// View a collection.
pub async fn handler(
    req: HttpRequest,
    path: web::Path<String>,
    params: web::Query<FieldsParams>,
    _: RequireSuperuser,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let c = core
        .schema
        .load()
        .find(&path)
        .ok_or_else(ApiError::not_found)?;
    Ok(HttpResponse::Ok().json(params.pick(c.to_json())))
}
