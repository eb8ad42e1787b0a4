//! `POST /api/collections/{collection}/records` (JSON or multipart).

use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::ApiError;
use crate::http::body::read_body;
use crate::http::extract::{Auth, core_of};
use crate::http::params::FieldsParams;
use crate::http::state::max_body;
use crate::records::{pipeline, serialize};

/// Create a record.
pub async fn handler(
    req: HttpRequest,
    path: web::Path<String>,
    params: web::Query<FieldsParams>,
    Auth(auth): Auth,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let c = super::writable_collection(&core, &path)?;
    let body = read_body(&req, payload, max_body(&req)).await?;
    let viewer = auth.clone();
    let record = pipeline::create(&core, c, auth, body.data, body.from_form).await?;
    Ok(HttpResponse::Ok().json(params.pick(serialize::to_json(&record, &viewer))))
}
