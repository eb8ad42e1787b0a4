//! `PATCH /api/collections/{idOrName}`: a `fields` array replaces the old one.

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::Value;

use crate::error::ApiError;
use crate::http::body::read_object;
use crate::http::extract::{RequireSuperuser, core_of};
use crate::http::params::FieldsParams;
use crate::schema::service;

/// Update a collection (data is migrated in the same transaction).
pub async fn handler(
    req: HttpRequest,
    path: web::Path<String>,
    params: web::Query<FieldsParams>,
    _: RequireSuperuser,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    core.schema
        .load()
        .find(&path)
        .ok_or_else(ApiError::not_found)?;
    let body = Value::Object(read_object(&req, payload).await?);
    let id = path.into_inner();
    let sealer = core.settings.sealer.clone();
    let c = core
        .write_schema(move |conn, cache| service::update(conn, cache, &sealer, &id, &body))
        .await?;
    Ok(HttpResponse::Ok().json(params.pick(c.to_json())))
}
