//! `GET /api/collections/{collection}/records/{id}`.

use actix_web::{HttpResponse, web};
use serde_json::Map;

use crate::error::{ApiError, msg};
use crate::http::extract::{Auth, core_of, request_info};
use crate::http::params::FieldsParams;
use crate::records::exec::Exec;
use crate::records::pipeline;
use crate::records::rules::{Gate, gate};

/// View one record (404 when the view rule is not met).
pub async fn handler(
    req: actix_web::HttpRequest,
    path: web::Path<(String, String)>,
    params: web::Query<FieldsParams>,
    Auth(auth): Auth,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let (collection, id) = path.into_inner();
    let c = super::collection(&core, &collection)?;
    let g = gate(c.view_rule.as_deref(), &auth);
    if g == Gate::Locked {
        return Err(ApiError::forbidden(msg::SUPERUSERS_ONLY));
    }
    let info = request_info(&req, auth.clone(), Map::new());
    let record = pipeline::find_with_rule(&core, &Exec::Direct, &c, &id, &info, &g)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let json = crate::http::render::record(&core, info, record, params.expand.as_deref()).await?;
    Ok(HttpResponse::Ok().json(params.pick(json)))
}
