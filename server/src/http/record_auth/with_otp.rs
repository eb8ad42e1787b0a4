//! `POST /api/collections/{collection}/auth-with-otp`: `{otpId, password}` (+ `mfaId`).
//! A used OTP is deleted; one sent to the record's email marks it verified.

use actix_web::{HttpRequest, HttpResponse, web};

use super::respond::{self, Success};
use crate::auth::{mfa, options, otp};
use crate::error::{ApiError, FieldError, FieldErrors, msg};
use crate::http::extract::core_of;
use crate::http::params::FieldsParams;

/// Authenticate with a one-time password.
pub async fn handler(
    req: HttpRequest,
    path: web::Path<String>,
    params: web::Query<FieldsParams>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let c = super::auth_collection(&core, &path)?;
    if !options::otp(&c).enabled {
        return Err(ApiError::forbidden(super::request_otp::OTP_DISABLED));
    }
    let body = super::read_object(&req, payload).await?;
    let (otp_id, code) = (super::text(&body, "otpId"), super::text(&body, "password"));
    let mut errors = FieldErrors::new();
    if otp_id.is_empty() {
        errors.add("otpId", FieldError::required());
    }
    if code.is_empty() {
        errors.add("password", FieldError::required());
    }
    errors.into_result(msg::VALIDATION)?;
    let guard = super::brute_force::Guard::otp(&core, &req, &c, &otp_id)?;
    let (record, sent_to) = otp::verify(&core, &c, &otp_id, &code)
        .await
        .inspect_err(|e| guard.failed(e))?;
    guard.succeeded();
    let record = otp::mark_verified(&core, record, &sent_to).await?;
    let success = Success {
        record,
        method: mfa::OTP,
        mfa_id: respond::mfa_id(&req, &body),
        meta: None,
    };
    respond::finish(&core, &req, &c, &params, success).await
}
