//! `POST /api/collections`.

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::Value;

use crate::error::ApiError;
use crate::http::body::read_object;
use crate::http::extract::{RequireSuperuser, core_of};
use crate::http::params::FieldsParams;
use crate::schema::service;

/// Create a collection.
pub async fn handler(
    req: HttpRequest,
    params: web::Query<FieldsParams>,
    _: RequireSuperuser,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let body = Value::Object(read_object(&req, payload).await?);
    let sealer = core.settings.sealer.clone();
    let c = core
        .write_schema(move |conn, cache| service::create(conn, cache, &sealer, &body))
        .await?;
    Ok(HttpResponse::Ok().json(params.pick(c.to_json())))
}
