//! `POST /api/collections/{collection}/request-verification`: mails a verification link to an
//! unverified record. Answers 204 whether or not the email belongs to anyone.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::auth::mail::{self, template};
use crate::auth::{SUPERUSERS, record_tokens, system, tokens};
use crate::error::{ApiError, FieldErrors, msg};
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
    let body = super::read_object(&req, payload).await?;
    let email = super::text(&body, "email");
    let mut errors = FieldErrors::new();
    super::check_email(&mut errors, "email", &email);
    errors.into_result(msg::VALIDATION)?;
    if let Some(record) = system::find_by_email(&core, &c, &email).await?
        && !record.get_bool("verified")
        && super::may_resend(&core, "verification", &record)
    {
        let to = record.get_str("email").to_string();
        let token = record_tokens::issue(&record, tokens::VERIFICATION, Some(&to), None)?;
        let m = template::record_mail(
            &core.settings.get(),
            &record,
            &["verificationTemplate"],
            &to,
            &token,
            "",
        );
        mail::send_in_background(&core, m);
    }
    Ok(HttpResponse::NoContent().finish())
}
