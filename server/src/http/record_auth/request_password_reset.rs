//! `POST /api/collections/{collection}/request-password-reset`: mails a reset link. Answers
//! 204 whether or not the email belongs to anyone.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::auth::mail::{self, template};
use crate::auth::{record_tokens, system, tokens};
use crate::error::{ApiError, FieldErrors, msg};
use crate::http::extract::core_of;

/// Request a password reset email.
pub async fn handler(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let c = super::auth_collection(&core, &path)?;
    let body = super::read_object(&req, payload).await?;
    let email = super::text(&body, "email");
    let mut errors = FieldErrors::new();
    super::check_email(&mut errors, "email", &email);
    errors.into_result(msg::VALIDATION)?;
    if let Some(record) = system::find_by_email(&core, &c, &email).await?
        && super::may_resend(&core, "passwordReset", &record)
    {
        let to = record.get_str("email").to_string();
        let token = record_tokens::issue(&record, tokens::PASSWORD_RESET, Some(&to), None)?;
        let m = template::record_mail(
            &core.settings.get(),
            &record,
            &["resetPasswordTemplate"],
            &to,
            &token,
            "",
        );
        mail::send_in_background(&core, m);
    }
    Ok(HttpResponse::NoContent().finish())
}
