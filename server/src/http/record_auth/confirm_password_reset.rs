//! `POST /api/collections/{collection}/confirm-password-reset`: sets a new password with a
//! valid reset token. The new password rotates the record's `tokenKey`, which revokes every
//! earlier token, the reset token included (no replay). A reset sent to the record's current
//! email also marks it verified.

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Map, Value, json};

use crate::auth::{record_tokens, system, tokens};
use crate::error::{ApiError, FieldError, FieldErrors, msg};
use crate::http::extract::core_of;
use crate::schema::FieldKind;

/// Confirm a password reset.
pub async fn handler(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let c = super::auth_collection(&core, &path)?;
    let body = super::read_object(&req, payload).await?;
    let (token, password, confirm) = (
        super::text(&body, "token"),
        super::text(&body, "password"),
        super::text(&body, "passwordConfirm"),
    );
    let mut errors = FieldErrors::new();
    let mut found = None;
    if token.is_empty() {
        errors.add("token", FieldError::required());
    } else {
        match record_tokens::find_record(&core, &token, tokens::PASSWORD_RESET).await {
            None => errors.add("token", super::invalid_token()),
            Some((record, _)) if record.collection.id != c.id => {
                errors.add("token", super::collection_mismatch());
            }
            Some(found_record) => found = Some(found_record),
        }
    }
    let min = match c.field("password").map(|f| &f.kind) {
        Some(FieldKind::Password(o)) => o.min.max(1),
        _ => 8,
    };
    let len = password.chars().count();
    if password.is_empty() {
        errors.add("password", FieldError::required());
    } else if len < min || len > 255 {
        errors.add(
            "password",
            FieldError::new(
                "validation_length_out_of_range",
                format!("The length must be between {min} and 255."),
            )
            .with_params(json!({"max": 255, "min": min})),
        );
    }
    if confirm.is_empty() {
        errors.add("passwordConfirm", FieldError::required());
    } else if confirm != password {
        errors.add(
            "passwordConfirm",
            FieldError::new("validation_values_mismatch", "Values don't match."),
        );
    }
    errors.into_result(msg::VALIDATION)?;
    let Some((record, claims)) = found else {
        return Err(ApiError::bad_request(msg::VALIDATION));
    };
    let mut patch = Map::new();
    patch.insert("password".into(), Value::String(password.clone()));
    patch.insert("passwordConfirm".into(), Value::String(password));
    if !record.get_bool("verified") && claims.email.as_deref() == Some(record.get_str("email")) {
        patch.insert("verified".into(), Value::Bool(true));
    }
    system::update(&core, &record, patch).await?;
    Ok(HttpResponse::NoContent().finish())
}
