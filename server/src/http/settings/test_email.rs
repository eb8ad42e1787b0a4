//! `POST /api/settings/test/email` (superusers only): `{"email", "template", "collection?"}` →
//! sends that auth template, rendered for a stand-in record of the collection (default
//! `_superusers`), to the address and answers 204 once the SMTP server accepted it. Invalid
//! input and send failures are 400 "Failed to send the test email." as PocketBase.

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use crate::auth::SUPERUSERS;
use crate::auth::mail::{self, samples};
use crate::error::{ApiError, FieldError, FieldErrors};
use crate::http::body::read_object;
use crate::http::extract::{RequireSuperuser, core_of};

const FAILED: &str = "Failed to send the test email.";

fn length_error(value: &str) -> Option<FieldError> {
    (value.chars().count() > 255).then(|| {
        FieldError::new(
            "validation_length_out_of_range",
            "The length must be between 1 and 255.",
        )
        .with_params(json!({"min": 1, "max": 255}))
    })
}

/// Send a test email.
pub async fn handler(
    req: HttpRequest,
    _: RequireSuperuser,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let body = read_object(&req, payload).await?;
    let text = |k: &str| body.get(k).and_then(Value::as_str).unwrap_or_default();
    let (email, template, collection) = (text("email"), text("template"), text("collection"));
    let mut errors = FieldErrors::new();
    let target = if collection.is_empty() {
        SUPERUSERS
    } else {
        collection
    };
    let c = core.schema.load().find(target).filter(|c| c.is_auth());
    if let Some(e) = length_error(collection) {
        errors.add("collection", e);
    } else if c.is_none() {
        errors.add(
            "collection",
            FieldError::new(
                "validation_invalid_auth_collection",
                "Must be a valid auth collection id or name.",
            ),
        );
    }
    if email.is_empty() {
        errors.add("email", FieldError::required());
    } else if let Some(e) = length_error(email) {
        errors.add("email", e);
    } else if !crate::schema::fields::email::is_email(email) {
        errors.add(
            "email",
            FieldError::new("validation_is_email", "Must be a valid email address."),
        );
    }
    if template.is_empty() {
        errors.add("template", FieldError::required());
    } else if !samples::TEMPLATES.contains(&template) {
        errors.add(
            "template",
            FieldError::new("validation_in_invalid", "Must be a valid value."),
        );
    }
    errors.into_result(FAILED)?;
    let c = c.ok_or_else(|| ApiError::bad_request(FAILED))?;
    let message = samples::render(&core.settings.get(), c, template, email)?;
    mail::send(&core, message)
        .await
        .map_err(|e| ApiError::bad_request(format!("{FAILED} Raw error: \n{e}.")))?;
    Ok(HttpResponse::NoContent().finish())
}
