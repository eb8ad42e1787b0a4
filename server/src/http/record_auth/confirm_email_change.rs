//! `POST /api/collections/{collection}/confirm-email-change`: with a valid email-change token
//! and the record's password, sets the new email (verified) and rotates `tokenKey`, which
//! revokes every earlier token, this one included.

use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Map, Value};

use crate::auth::{record_tokens, system, tokens};
use crate::error::{ApiError, FieldError, FieldErrors, msg};
use crate::http::extract::core_of;

/// Confirm an email change.
pub async fn handler(
    req: HttpRequest,
    path: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let core = core_of(&req)?;
    let c = super::auth_collection(&core, &path)?;
    let body = super::read_object(&req, payload).await?;
    let (token, password) = (super::text(&body, "token"), super::text(&body, "password"));
    let mut errors = FieldErrors::new();
    let mut found = None;
    let new_email = tokens::peek(&token)
        .ok()
        .and_then(|c| c.new_email)
        .unwrap_or_default();
    if token.is_empty() {
        errors.add("token", FieldError::required());
    } else if new_email.is_empty() {
        errors.add(
            "token",
            FieldError::new(
                "validation_invalid_token_payload",
                "Invalid token payload - newEmail must be set.",
            ),
        );
    } else if system::find_by_email(&core, &c, &new_email)
        .await?
        .is_some()
    {
        errors.add(
            "token",
            FieldError::new(
                "validation_existing_token_email",
                format!("The new email address is already registered: {new_email}"),
            ),
        );
    } else {
        match record_tokens::find_record(&core, &token, tokens::EMAIL_CHANGE).await {
            None => errors.add("token", super::invalid_token()),
            Some((record, _)) if record.collection.id != c.id => {
                errors.add("token", super::collection_mismatch());
            }
            Some((record, _)) => found = Some(record),
        }
    }
    if password.is_empty() {
        errors.add("password", FieldError::required());
    } else {
        let hash = found
            .as_ref()
            .map(|r| r.get_str("password").to_string())
            .unwrap_or_default();
        let plain = password.clone();
        let ok = tokio::task::spawn_blocking(move || crate::auth::password::verify(&plain, &hash))
            .await
            .map_err(ApiError::internal)?;
        if !ok {
            errors.add(
                "password",
                FieldError::new(
                    "validation_invalid_password",
                    "Missing or invalid auth record password.",
                ),
            );
        }
    }
    errors.into_result(msg::VALIDATION)?;
    let Some(record) = found else {
        return Err(ApiError::bad_request(msg::VALIDATION));
    };
    let mut patch = Map::new();
    patch.insert("email".into(), Value::String(new_email));
    patch.insert("verified".into(), Value::Bool(true));
    let updated = system::update(&core, &record, patch).await?;
    system::rotate_token_key(&core, &updated).await?;
    Ok(HttpResponse::NoContent().finish())
}
