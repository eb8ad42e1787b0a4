//! `PATCH /api/collections/{collection}/records/{id}` (JSON or multipart, with modifiers).

use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::ApiError;
use crate::http::body::read_body;
use crate::http::extract::{Auth, core_of};
use crate::http::params::FieldsParams;
use crate::http::state::max_body;
use crate::records::{pipeline, serialize};

/// Update a record.
pub async fn handler(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    params: web::Query<FieldsParams>,
    Auth(auth): Auth,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let (collection, id) = path.into_inner();
    let c = super::writable_collection(&core, &collection)?;
    let body = read_body(&req, payload, max_body(&req)).await?;
    let viewer = auth.clone();
    let record = pipeline::update(&core, c, &id, auth, body.data, body.from_form).await?;
    Ok(HttpResponse::Ok().json(params.pick(serialize::to_json(&record, &viewer))))
}
