//! `POST /api/collections/{collection}/request-otp`: mails a one-time code and answers
//! `{"otpId"}`; for an unknown email the answer is the same with an id that matches nothing.

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::json;

use crate::auth::mail::{self, template};
use crate::auth::{options, otp, system};
use crate::error::ApiError;
use crate::http::extract::core_of;

pub(crate) const OTP_DISABLED: &str =
    "The collection is not configured to allow OTP authentication.";

/// Request a one-time password.
pub async fn handler(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let c = super::auth_collection(&core, &path)?;
    if !options::otp(&c).enabled {
        return Err(ApiError::forbidden(OTP_DISABLED));
    }
    let email = super::read_email(&req, payload).await?;
    let Some(record) = system::find_by_email(&core, &c, &email).await? else {
        return Ok(HttpResponse::Ok().json(json!({"otpId": crate::schema::ids::random_from(b"abcdefghijklmnopqrstuvwxyz0123456789", 15)})));
    };
    let to = record.get_str("email").to_string();
    let (stored, code) = otp::create(&core, &record, &to).await?;
    let m = template::record_mail(
        &core.settings.get(),
        &record,
        &["otp", "emailTemplate"],
        &to,
        "",
        &code,
    );
    mail::send_in_background(&core, m);
    Ok(HttpResponse::Ok().json(json!({"otpId": stored.id()})))
}
