//! `POST /api/collections/{collection}/request-verification`: mails a verification link to an
//! unverified record. Answers 204 whether or not the email belongs to anyone.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::auth::{SUPERUSERS, system, tokens};
use crate::error::ApiError;
use crate::http::extract::core_of;

/// Request a verification email.
pub async fn handler(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let c = super::auth_collection(&core, &path)?;
    if c.name == SUPERUSERS {
        return Err(ApiError::bad_request(super::ALL_SUPERUSERS_VERIFIED));
    }
    let email = super::read_email(&req, payload).await?;
    if let Some(record) = system::find_by_email(&core, &c, &email).await?
        && !record.get_bool("verified")
        && super::may_resend(&core, "verification", &record)
    {
        super::mail_token_link(&core, &record, tokens::VERIFICATION, "verificationTemplate")?;
    }
    Ok(HttpResponse::NoContent().finish())
}
