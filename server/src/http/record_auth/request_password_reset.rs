//! `POST /api/collections/{collection}/request-password-reset`: mails a reset link. Answers
//! 204 whether or not the email belongs to anyone.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::auth::{system, tokens};
use crate::error::ApiError;
use crate::http::extract::core_of;

/// Request a password reset email.
pub async fn handler(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let c = super::auth_collection(&core, &path)?;
    let email = super::read_email(&req, payload).await?;
    if let Some(record) = system::find_by_email(&core, &c, &email).await?
        && super::may_resend(&core, "passwordReset", &record)
    {
        super::mail_token_link(
            &core,
            &record,
            tokens::PASSWORD_RESET,
            "resetPasswordTemplate",
        )?;
    }
    Ok(HttpResponse::NoContent().finish())
}
