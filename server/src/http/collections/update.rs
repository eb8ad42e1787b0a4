//! `PATCH /api/collections/{idOrName}`: a `fields` array replaces the old one.

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::Value;

use crate::error::ApiError;
use crate::http::body::read_body;
use crate::http::extract::{RequireSuperuser, core_of};
use crate::http::params::FieldsParams;
use crate::http::state::max_body;
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
    let body = Value::Object(read_body(&req, payload, max_body(&req)).await?.data);
    let id = path.into_inner();
    let sealer = core.settings.sealer.clone();
    let c = core
        .write_schema(move |conn, cache| service::update(conn, cache, &sealer, &id, &body))
        .await?;
    Ok(HttpResponse::Ok().json(params.pick(c.to_json())))
}
