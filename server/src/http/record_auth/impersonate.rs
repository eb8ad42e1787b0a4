//! `POST /api/collections/{collection}/impersonate/{id}` (superusers): an auth response for any
//! record of the collection with a non-refreshable token (`duration` seconds, default the
//! collection's auth token duration).

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use crate::auth::resolve::issue_auth_token;
use crate::auth::system;
use crate::error::{ApiError, FieldError, FieldErrors, msg};
use crate::http::extract::{RequireSuperuser, core_of};
use crate::http::params::FieldsParams;

/// Impersonate an auth record.
pub async fn handler(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    params: web::Query<FieldsParams>,
    _: RequireSuperuser,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let (collection, id) = path.into_inner();
    let c = super::auth_collection(&core, &collection)?;
    let body = super::read_object(&req, payload).await?;
    let duration = match body.get("duration") {
        None | Some(Value::Null) => 0,
        Some(v) => v.as_f64().map_or(-1, |f| f as i64),
    };
    if duration < 0 {
        let mut errors = FieldErrors::new();
        errors.add(
            "duration",
            FieldError::new(
                "validation_min_greater_equal_than_required",
                "Must be no less than 0.",
            )
            .with_params(json!({"threshold": 0})),
        );
        return Err(ApiError::validation(msg::VALIDATION, errors));
    }
    let record = system::find(&core, &c, &id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let token = issue_auth_token(&record, false, Some(duration))?;
    let body = super::auth_response(&core, record, token, params.expand.as_deref()).await?;
    Ok(HttpResponse::Ok().json(params.pick(body)))
}
