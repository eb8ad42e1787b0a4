//! `GET /api/collections/{collection}/records/{id}`.

use actix_web::{HttpResponse, web};

use crate::error::{ApiError, msg};
use crate::http::extract::{Auth, core_of};
use crate::http::params::FieldsParams;
use crate::records::rules::{self, RuleOutcome};
use crate::records::{pipeline, serialize};

/// View one record.
pub async fn handler(
    req: actix_web::HttpRequest,
    path: web::Path<(String, String)>,
    params: web::Query<FieldsParams>,
    Auth(auth): Auth,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let (collection, id) = path.into_inner();
    let c = super::collection(&core, &collection)?;
    match rules::check(c.view_rule.as_deref(), &auth) {
        RuleOutcome::Locked => return Err(ApiError::forbidden(msg::SUPERUSERS_ONLY)),
        RuleOutcome::Unmet => return Err(ApiError::not_found()),
        RuleOutcome::Pass => {}
    }
    let record = pipeline::find(&core, &c, &id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(HttpResponse::Ok().json(params.pick(serialize::to_json(&record, &auth))))
}
