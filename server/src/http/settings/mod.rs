//! `GET|PATCH /api/settings`, `POST /api/settings/test/email`, `POST /api/settings/test/s3` and
//! `POST /api/settings/apple/generate-client-secret` (superusers only).

pub mod apple_secret;
pub mod test_email;
pub mod test_s3;

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::Value;

use crate::error::ApiError;
use crate::http::body::read_object;
use crate::http::extract::{RequireSuperuser, core_of};
use crate::http::params::FieldsParams;
use crate::settings;

/// Current settings (secrets omitted).
pub async fn get(
    req: HttpRequest,
    params: web::Query<FieldsParams>,
    _: RequireSuperuser,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    Ok(HttpResponse::Ok().json(params.pick(settings::public_view(&core.settings.get()))))
}

/// Partial update; returns the full settings.
pub async fn update(
    req: HttpRequest,
    params: web::Query<FieldsParams>,
    _: RequireSuperuser,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let patch = Value::Object(read_object(&req, payload).await?);
    let core2 = core.clone();
    let next = core
        .storage
        .write(move |conn| core2.settings.apply(conn, &patch))
        .await??;
    Ok(HttpResponse::Ok().json(params.pick(settings::public_view(&next))))
}
