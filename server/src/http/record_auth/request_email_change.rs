//! `POST /api/collections/{collection}/request-email-change` (auth record of this collection):
//! mails a confirmation link to the new address.

use actix_web::{HttpRequest, HttpResponse, web};

use crate::auth::mail::{self, template};
use crate::auth::{record_tokens, system, tokens};
use crate::error::{ApiError, FieldError, FieldErrors, msg};
use crate::http::extract::{RequireAuth, core_of};

/// Request an email change.
pub async fn handler(
    req: HttpRequest,
    path: web::Path<String>,
    RequireAuth(auth): RequireAuth,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let c = super::auth_collection(&core, &path)?;
    let (Some(record), Some(token_collection)) = (auth.record, auth.collection) else {
        return Err(ApiError::unauthorized());
    };
    if token_collection.id != c.id {
        return Err(ApiError::forbidden(format!(
            "The request requires auth record from {} collection.",
            token_collection.name
        )));
    }
    let body = super::read_object(&req, payload).await?;
    let new_email = super::text(&body, "newEmail");
    let mut errors = FieldErrors::new();
    super::check_email(&mut errors, "newEmail", &new_email);
    if errors.is_empty() {
        if new_email.eq_ignore_ascii_case(record.get_str("email")) {
            errors.add(
                "newEmail",
                FieldError::new("validation_not_in_invalid", "Must not be in list."),
            );
        } else if system::find_by_email(&core, &c, &new_email)
            .await?
            .is_some()
        {
            errors.add(
                "newEmail",
                FieldError::new("validation_invalid_new_email", "Invalid new email address."),
            );
        }
    }
    errors.into_result(msg::VALIDATION)?;
    let token = record_tokens::issue(
        &record,
        tokens::EMAIL_CHANGE,
        Some(record.get_str("email")),
        Some(&new_email),
    )?;
    let m = template::record_mail(
        &core.settings.get(),
        &record,
        &["confirmEmailChangeTemplate"],
        &new_email,
        &token,
        "",
    );
    mail::send_in_background(&core, m);
    Ok(HttpResponse::NoContent().finish())
}
