//! `POST /api/collections/{collection}/records` (JSON or multipart, with files).

use actix_web::{HttpRequest, HttpResponse, web};

use crate::error::ApiError;
use crate::http::body::read_body;
use crate::http::extract::{Auth, core_of, request_info};
use crate::http::params::FieldsParams;
use crate::http::state::max_body;
use crate::records::exec::Exec;
use crate::records::pipeline;
use serde_json::Map;

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
    let viewer = request_info(&req, auth.clone(), Map::new());
    let record = pipeline::create_with_files(
        &core,
        &Exec::Direct,
        c,
        request_info(&req, auth, Map::new()),
        body.data,
        body.from_form,
        pipeline::WriteFiles {
            uploads: body.files,
            ..Default::default()
        },
    )
    .await?;
    let json = crate::http::render::record(&core, viewer, record, params.expand.as_deref()).await?;
    Ok(HttpResponse::Ok().json(params.pick(json)))
}
